/** Redis for tests: the run's throwaway server, unique key prefixes, and private servers. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/jobs/local-redis.js';

/** The Redis the test run uses (global-setup.ts). */
export function testRedisUrl(): string {
  const url = inject('redisUrl') ?? process.env.CHANGEBOT_TEST_REDIS_URL;
  if (!url) throw new Error('no test Redis: global-setup.ts did not run');
  return url;
}

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix` (after a test). */
export async function cleanPrefix(url: string, prefix: string): Promise<number> {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await c.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await c.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    c.disconnect();
  }
  return removed;
}

/** A private redis-server (for FLUSHALL and outage tests that must not disturb other files). */
export async function privateRedis(port?: number): Promise<LocalRedis & { cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'changebot-redis-'));
  const r = await startLocalRedis({ dir, persist: false, ...(port ? { port } : {}) });
  return {
    ...r,
    async cleanup() {
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function redisCommand(url: string, ...args: string[]): Promise<unknown> {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await c.call(args[0] as string, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 8_000): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
