/**
 * SQLite is the source of truth: a flushed or absent Redis is repaired from it. Each test has
 * its own redis-server, so FLUSHALL and shutting it down disturb no other test file.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progress, schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { deliveries } from '../../src/db/schema.js';
import { parseTimerId } from '../../src/domain/timers.js';
import type { Actor } from '../../src/domain/types.js';
import { type LocalRedis, startLocalRedis } from '../../src/jobs/local-redis.js';
import { eventually, privateRedis, redisCommand } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack } from '../support/slack-server.js';

const H = 3_600_000;
let fake: FakeSlack;
let b: JobsBot | undefined;
let redis: (LocalRedis & { cleanup(): Promise<void> }) | undefined;
let owner: Actor;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7', 'U8'] } });
});
afterAll(() => fake.close());
// Stopping waits up to 15 s for a job caught mid-run by a Redis restart, then forces it.
afterEach(async () => {
  await b?.stop();
  await redis?.cleanup();
  b = undefined;
  redis = undefined;
}, 60_000);

async function setup(name: string, url: string): Promise<JobsBot> {
  fake.reset();
  b = await startJobsBot(fake, { name, redisUrl: url });
  const root = b.person('cli:root', { roles: ['admin'] });
  owner = b.person('slack:T1/UOWN', { roles: ['admin'] }); // admin: may mark changes standard
  seedCatalogue(b, root);
  return b;
}

function scheduled(bot: JobsBot, start: Date, category: 'standard' | 'significant' = 'standard'): string {
  const r = raise(bot.bot.app, owner, {
    title: `Change at ${start.toISOString()}`,
    category,
    services: ['db'],
    backout: 'restore',
    test: 'smoke',
    start,
    durationMinutes: 60,
    outageMinutes: 15,
  }).result;
  submit(bot.bot.app, owner, r.key);
  if (category === 'standard') schedule(bot.bot.app, owner, r.key, {});
  return r.key;
}

async function pendingTimers(bot: JobsBot): Promise<Record<string, string>> {
  const jobs = await bot.jobs.queues.timers.getJobs(['delayed', 'wait', 'prioritized'], 0, -1);
  return Object.fromEntries(jobs.filter((j) => parseTimerId(j.id ?? '')).map((j) => [j.id as string, (j.data as { dueAt: string }).dueAt]));
}

async function readyz(bot: JobsBot): Promise<{ status: number; body: { checks: Record<string, { ok: boolean; detail?: string }> } }> {
  const res = await fetch(`http://127.0.0.1:${bot.bot.port}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean }> } };
}

describe('reconciler', () => {
  it('restores exactly the pending jobs after FLUSHALL', async () => {
    redis = await privateRedis();
    const bot = await setup('flush', redis.url);
    const now = bot.clock.now().getTime();
    scheduled(bot, new Date(now + 72 * H));
    scheduled(bot, new Date(now + 3 * H)); // short notice: no 24 h reminder, the notice goes at once
    scheduled(bot, new Date(now + 96 * H), 'significant'); // awaiting its CAB vote
    await bot.jobs.scheduler.idle();
    const before = await pendingTimers(bot);
    expect(
      Object.keys(before)
        .map((id) => id.split('.')[1])
        .sort(),
    ).toEqual(['outage-notice', 'reminder-1h', 'reminder-1h', 'reminder-24h', 'start-prompt', 'start-prompt', 'vote-deadline', 'vote-reminder']);
    await eventually(
      () => fake.okCallsTo('chat.postMessage').filter((c) => /^Planned maintenance/.test(String(c.args.text))).length === 3,
      'the late notice, at once',
    );

    await redisCommand(redis.url, 'FLUSHALL');
    expect(await pendingTimers(bot)).toEqual({});
    await bot.tick();
    expect(await pendingTimers(bot)).toEqual(before);
    // A second reconcile changes nothing.
    const again = await bot.jobs.reconcile();
    expect(again).toMatchObject({ desired: 8, added: 0, removed: 0, replaced: 0 });
  });

  it('removes jobs that should not exist', async () => {
    redis = await privateRedis();
    const bot = await setup('extra', redis.url);
    const key = scheduled(bot, new Date(bot.clock.now().getTime() + 72 * H));
    await bot.jobs.scheduler.idle();
    await bot.jobs.queues.timers.add(
      'reminder-1h',
      { subject: { type: 'rfc', key }, kind: 'reminder-1h', stamp: '20300101T000000Z', dueAt: '2029-12-31T23:00:00.000Z' },
      { jobId: `${key}.reminder-1h.20300101T000000Z`, delay: 60_000 },
    );
    await bot.jobs.queues.timers.add(
      'overrun',
      { subject: { type: 'rfc', key: 'RFC-99' }, kind: 'overrun', stamp: '20300101T000000Z', dueAt: '2030-01-01T00:00:00.000Z' },
      { jobId: 'RFC-99.overrun.20300101T000000Z', delay: 60_000 },
    );
    const report = await bot.jobs.reconcile();
    expect(report).toMatchObject({ removed: 2, added: 0 });
    expect(Object.keys(await pendingTimers(bot))).toHaveLength(4);
  });
});

describe('while Redis is down', () => {
  it('keeps commands working, says so on /readyz, and loses nothing once Redis is back', async () => {
    redis = await privateRedis();
    const { port, dir } = redis;
    const bot = await setup('down', redis.url);
    expect((await readyz(bot)).body.checks.redis).toEqual({ ok: true });
    const first = scheduled(bot, new Date(bot.clock.now().getTime() + 26 * H));
    await bot.jobs.scheduler.idle();

    await redis.stop();
    const down = await eventually(async () => {
      const r = await readyz(bot);
      return r.status === 503 ? r : undefined;
    }, '/readyz to report Redis down');
    expect(down.body.checks.redis?.ok).toBe(false);
    expect(down.body.checks.database).toEqual({ ok: true });

    // Commands keep working: a new RFC is scheduled, the first one starts (its audience must hear it).
    const t0 = Date.now();
    const second = scheduled(bot, new Date(bot.clock.now().getTime() + 48 * H));
    bot.clock.current = new Date(bot.clock.now().getTime() + 26 * H);
    progress(bot.bot.app, owner, first, 'start');
    expect(Date.now() - t0).toBeLessThan(1000);
    await eventually(
      () =>
        bot.bot.database.db
          .select()
          .from(deliveries)
          .all()
          .filter((d) => d.status === 'pending').length === 3,
      '"maintenance started" recorded as pending deliveries',
    );
    expect(fake.okCallsTo('chat.postMessage').filter((c) => /Maintenance started/.test(String(c.args.text)))).toEqual([]);

    // Redis returns, empty (no persistence): the reconciler rebuilds timers and sends what waited.
    const back = await startLocalRedis({ dir, persist: false, port });
    redis = {
      ...back,
      cleanup: async () => {
        await back.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    const timers = await eventually(
      async () => {
        const t = await pendingTimers(bot);
        // Rebuilt, and the late ones (sent at once) already gone: waiting for both avoids a race
        // between this poll and the late timers' own jobs.
        const ids = Object.keys(t);
        const rebuilt = ids.some((id) => id.startsWith(`${second}.`));
        const lateGone = !ids.some((id) => /reminder-24h|outage-notice/.test(id));
        return rebuilt && lateGone ? t : undefined;
      },
      'timers rebuilt after Redis came back',
      15_000,
    );
    // The first change (window 2 Dec 11:00) is implementing: only its overrun alert is left. 26 h
    // later, the second one's 24 h reminder and notice are late: sent at once, not queued.
    expect([first, second]).toEqual(['RFC-1', 'RFC-2']);
    expect(Object.keys(timers).sort()).toEqual(['RFC-1.overrun.20261202T110000Z', 'RFC-2.reminder-1h.20261203T090000Z', 'RFC-2.start-prompt.20261203T090000Z']);
    await eventually(
      () => fake.okCallsTo('chat.postMessage').some((c) => c.args.channel === 'UOWN' && /starts in about 24 hours/.test(String(c.args.text))),
      'the late 24 h reminder',
    );
    const started = await eventually(
      () => {
        const s = fake.okCallsTo('chat.postMessage').filter((c) => /Maintenance started/.test(String(c.args.text)));
        return s.length === 3 ? s : undefined;
      },
      'the pending deliveries sent after Redis came back',
      15_000,
    );
    expect(started.map((c) => String(c.args.channel)).sort()).toEqual(['CDB', 'U7', 'U8']);
    expect((await readyz(bot)).status).toBe(200);
  });
});

describe('when Redis is down at start', () => {
  it('starts anyway, and builds the timers of RFCs scheduled meanwhile once Redis is up', async () => {
    redis = await privateRedis();
    const { port, dir } = redis;
    await redis.stop();
    fake.reset();
    b = await startJobsBot(fake, { name: 'late', redisUrl: `redis://127.0.0.1:${port}`, overrides: { readyWaitMs: 100 } });
    const bot = b;
    const root = bot.person('cli:root', { roles: ['admin'] });
    owner = bot.person('slack:T1/UOWN', { roles: ['admin'] });
    seedCatalogue(bot, root);
    expect((await readyz(bot)).status).toBe(503);
    const key = scheduled(bot, new Date(bot.clock.now().getTime() + 72 * H));
    const back = await startLocalRedis({ dir, persist: false, port });
    redis = {
      ...back,
      cleanup: async () => {
        await back.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    const timers = await eventually(
      async () => {
        const t = await pendingTimers(bot);
        return Object.keys(t).length === 4 ? t : undefined;
      },
      'the timers of the RFC scheduled while Redis was down',
      15_000,
    );
    expect(Object.keys(timers).every((id) => id.startsWith(`${key}.`))).toBe(true);
    expect((await readyz(bot)).status).toBe(200);
  });
});
