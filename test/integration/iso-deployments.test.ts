/**
 * Isolation (issue 12 item 1): each database is a deployment with its own id, which names its
 * BullMQ prefix, so two bots on one Redis (their databases in one folder) keep their own timers
 * through each other's reconcile; REDIS_PREFIX overrides. One bot per database: a second start
 * on it refuses, a dead owner's lock is taken over, and the CLI works beside a running bot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { startBot } from '../../src/bot.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { getSetting } from '../../src/db/repos/catalogue.js';
import { parseTimerId } from '../../src/domain/timers.js';
import { createLogger } from '../../src/log.js';
import { lockPathFor, processStart } from '../../src/server/lock.js';
import { cleanPrefix, redisCommand } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack } from '../support/slack-server.js';

const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'changebot-iso-'));
let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7'] } });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = (db: string, env: Record<string, string> = {}) =>
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, db), LOG_LEVEL: 'silent', ...env });

/** A bot on the test Redis with the prefix it derives itself (no test prefix). */
function derivedPrefixBot(db: string): Promise<JobsBot> {
  return startJobsBot(fake, { name: `iso-${db}`, overrides: { prefix: undefined }, env: { DATABASE_PATH: join(dir, db) } });
}

function scheduleOne(b: JobsBot, hoursAhead: number): string {
  const root = b.person('cli:root', { roles: ['admin'] });
  seedCatalogue(b, root);
  const key = raise(b.bot.app, root, {
    title: 'Patch',
    category: 'standard',
    services: ['db'],
    backout: 'restore',
    test: 'smoke',
    start: new Date(b.clock.now().getTime() + hoursAhead * H),
    durationMinutes: 60,
  }).result.key;
  submit(b.bot.app, root, key);
  schedule(b.bot.app, root, key, {});
  return key;
}

async function timerIds(b: JobsBot): Promise<string[]> {
  const jobs = await b.jobs.queues.timers.getJobs(['delayed', 'wait', 'prioritized'], 0, -1);
  return jobs
    .map((j) => j.id as string)
    .filter((id) => parseTimerId(id))
    .sort();
}

describe('two deployments on one Redis, their databases in one folder', () => {
  it('each has its own id and prefix, and keeps its timers through the other one reconciling', async () => {
    const a = await derivedPrefixBot('a.db');
    const b = await derivedPrefixBot('b.db');
    try {
      const idA = getSetting(a.bot.database.db, 'deployment-id');
      const idB = getSetting(b.bot.database.db, 'deployment-id');
      expect(idA).toMatch(/^[0-9a-f]{12}$/);
      expect(idB).toMatch(/^[0-9a-f]{12}$/);
      expect(idA).not.toBe(idB);
      expect(a.jobs.queues.prefix).toBe(`changebot-${idA}`);
      expect(b.jobs.queues.prefix).toBe(`changebot-${idB}`);
      scheduleOne(a, 72);
      scheduleOne(b, 96);
      await a.jobs.scheduler.idle();
      await b.jobs.scheduler.idle();
      const timersA = await timerIds(a);
      const timersB = await timerIds(b);
      expect(timersA.length).toBeGreaterThan(0);
      expect(timersB.length).toBeGreaterThan(0);
      // B reconciles: it desires only its own timers and must not remove A's (and vice versa).
      expect((await b.jobs.scheduler.reconcile()).removed).toBe(0);
      expect((await a.jobs.scheduler.reconcile()).removed).toBe(0);
      expect(await timerIds(a)).toEqual(timersA);
      expect(await timerIds(b)).toEqual(timersB);
      const keysA = (await redisCommand(a.redisUrl, 'KEYS', `changebot-${idA}:*`)) as string[];
      expect(keysA.length).toBeGreaterThan(0);
    } finally {
      for (const x of [a, b]) {
        const prefix = x.jobs.queues.prefix;
        await x.stop();
        await cleanPrefix(x.redisUrl, prefix);
      }
    }
  });

  it('keeps its id across restarts, and REDIS_PREFIX overrides the prefix', async () => {
    const first = await derivedPrefixBot('keep.db');
    const id = getSetting(first.bot.database.db, 'deployment-id');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    await first.stop();
    await cleanPrefix(first.redisUrl, first.jobs.queues.prefix);
    const again = await startJobsBot(fake, {
      name: 'iso-keep',
      overrides: { prefix: undefined },
      env: { DATABASE_PATH: join(dir, 'keep.db'), REDIS_PREFIX: 'cb-prod' },
    });
    try {
      expect(getSetting(again.bot.database.db, 'deployment-id')).toBe(id);
      expect(again.jobs.queues.prefix).toBe('cb-prod');
    } finally {
      await again.stop();
      await cleanPrefix(again.redisUrl, 'cb-prod');
    }
    expect(() => config('x.db', { REDIS_PREFIX: 'a b' })).toThrow(
      'REDIS_PREFIX expects up to 64 letters, digits, _ . - { } (no spaces or colons), e.g. changebot-prod',
    );
  });
});

describe('one bot per database', () => {
  it('refuses a second bot on the same database, naming it and the holder; the first keeps serving; the CLI works beside it', async () => {
    const c = config('one.db');
    const first = await startBot(c, { log: createLogger('silent'), components: [] });
    try {
      await expect(startBot(c, { log: createLogger('silent'), components: [] })).rejects.toThrow(
        `${join(dir, 'one.db')} is in use by another changebot (pid ${process.pid}, since `,
      );
      expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(200);
      const cli = runCli(['--as', 'root', 'rfc', 'help'], { ...process.env, DATABASE_PATH: c.databasePath, LOG_LEVEL: 'silent' });
      expect(cli.code).toBe(0);
      expect(JSON.parse(readFileSync(lockPathFor(c.databasePath), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    } finally {
      await first.stop();
    }
    expect(existsSync(lockPathFor(c.databasePath))).toBe(false);
    // Released on stop: the next start takes it.
    const next = await startBot(c, { log: createLogger('silent'), components: [] });
    await next.stop();
  });

  it('takes over the lock of a dead process, and of a live pid that is another process (pid reuse)', async () => {
    const c = config('stale.db');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    const stale = [
      { pid: deadPid, host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'dead' },
      // Our own pid, but started at another time: the pid was reused, its owner is gone.
      { pid: process.pid, host: hostname(), procStart: `${Number(processStart(process.pid)) - 1}`, since: '2026-01-01T00:00:00.000Z', token: 'reused' },
    ];
    for (const owner of stale) {
      writeFileSync(lockPathFor(c.databasePath), JSON.stringify(owner));
      const bot = await startBot(c, { log: createLogger('silent'), components: [] });
      expect(JSON.parse(readFileSync(lockPathFor(c.databasePath), 'utf8')).token).not.toBe(owner.token);
      await bot.stop();
    }
  });

  it('refuses a lock another host touched lately, and says when it is taken over', async () => {
    const c = config('remote.db');
    writeFileSync(lockPathFor(c.databasePath), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z', token: 'x' }));
    await expect(startBot(c, { log: createLogger('silent'), components: [] })).rejects.toThrow(
      `${join(dir, 'remote.db')} is in use by another changebot (pid 1 on host elsewhere, since 2026-01-01T00:00:00.000Z): stop it first (a lock its owner stops touching is taken over 60 s later).`,
    );
    rmSync(lockPathFor(c.databasePath));
  });

  it("takes over another host's lock untouched for over a minute (a container recreated under a new hostname)", async () => {
    const c = config('recreated.db');
    const path = lockPathFor(c.databasePath);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'old-container', since: '2026-01-01T00:00:00.000Z', token: 'gone' }));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(path, twoMinutesAgo, twoMinutesAgo);
    const bot = await startBot(c, { log: createLogger('silent'), components: [] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await bot.stop();
  });
});
