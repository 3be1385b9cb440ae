/**
 * `npm start` without REDIS_URL: the jobs component runs its own redis-server with its data
 * (append-only) beside the database, and stops it with the bot. Without redis-server the
 * component stays off and says how to install one.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { getSetting } from '../../src/db/repos/catalogue.js';
import { jobsComponent } from '../../src/jobs/component.js';
import type { Jobs } from '../../src/jobs/jobs.js';
import { findRedisServer, ping, startLocalRedis } from '../../src/jobs/local-redis.js';
import { createLogger } from '../../src/log.js';
import { redisCommand } from '../support/redis.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'changebot-local-redis-'));
  dirs.push(d);
  return d;
}

describe('jobs without REDIS_URL', () => {
  it('starts a persistent redis-server in the data folder and stops it with the bot', async () => {
    const dir = tempDir();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'data', 'bot.db'), LOG_LEVEL: 'silent' });
    let jobs: Jobs | undefined;
    const bot = await startBot(config, { log: createLogger('silent'), components: [jobsComponent({ watchMs: 0, expose: (j) => void (jobs = j) })] });
    const url = `redis://127.0.0.1:${jobs?.queues.connection.options.port as number}`;
    expect(await ping(url)).toBe(true);
    expect(await redisCommand(url, 'CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    // The folder is named after this database's deployment id, so a second database beside it gets its own.
    const id = getSetting(bot.database.db, 'deployment-id');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(await redisCommand(url, 'CONFIG', 'GET', 'dir')).toEqual(['dir', join(dir, 'data', `redis-${id}`)]);
    const ready = (await (await fetch(`http://127.0.0.1:${bot.port}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(ready.checks.redis).toEqual({ ok: true });
    await bot.stop();
    expect(await ping(url)).toBe(false);
    expect(existsSync(join(dir, 'data', `redis-${id}`, 'appendonlydir'))).toBe(true);
  });

  it('refuses, saying why, a redis-server that cannot be run (instead of crashing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'changebot-noexec-'));
    const binary = join(dir, 'redis-server');
    writeFileSync(binary, '#!/bin/sh\n', { mode: 0o644 }); // not executable
    await expect(startLocalRedis({ dir: join(dir, 'data'), binary, persist: false })).rejects.toThrow(
      /could not be started: .*redis-server cannot be run \(EACCES\)/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('is off, saying how to install Redis, when no redis-server is on PATH', () => {
    const path = process.env.PATH;
    try {
      process.env.PATH = tempDir();
      expect(findRedisServer()).toBeNull();
      const why = jobsComponent().enabled(loadConfig({ DATABASE_PATH: ':memory:' }));
      expect(why).toMatch(/no REDIS_URL and no redis-server on PATH.*apt-get install redis-server/);
    } finally {
      process.env.PATH = path;
    }
    expect(jobsComponent().enabled(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }))).toBe(true);
  });
});
