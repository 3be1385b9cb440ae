/**
 * Runs once before the test files. Without REDIS_URL it starts a throwaway redis-server on a
 * free port (nothing on disk: --save "" --appendonly no) and stops it after the run; it never
 * touches a Redis already running on the machine (6379). Tests read the URL with
 * `testRedisUrl()` from test/support/redis.ts (vitest `inject('redisUrl')`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalRedis } from '../../src/jobs/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.TZ ??= 'UTC';
  let url = process.env.REDIS_URL;
  let stop = async () => {};
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'changebot-test-redis-'));
    const redis = await startLocalRedis({ dir, persist: false });
    url = redis.url;
    stop = async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  project.provide('redisUrl', url);
  process.env.CHANGEBOT_TEST_REDIS_URL = url;
  return stop;
}
