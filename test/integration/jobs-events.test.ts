/**
 * Every timed event of a scheduled RFC, on real Redis and SQLite, through the real Slack
 * notifier to the fake Slack API: right recipients, right words, in the recipient's zone, once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { progress, reschedule, schedule } from '../../src/app/implementation.js';
import { changeLog } from '../../src/app/queries.js';
import { cancel, raise, submit } from '../../src/app/rfcs.js';
import { findRfc } from '../../src/db/repos/rfcs.js';
import type { Actor } from '../../src/domain/types.js';
import { parseTimerId } from '../../src/domain/timers.js';
import { eventually } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack, type RecordedCall } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const H = 3_600_000;
const START = new Date('2026-12-05T22:00:00Z');
let fake: FakeSlack;
let b: JobsBot;
let root: Actor, owner: Actor;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7', 'U8'] } });
});
afterAll(() => fake.close());

beforeEach(async () => {
  fake.reset();
  b = await startJobsBot(fake, { name: 'events' });
  root = b.person('cli:root', { roles: ['admin'] });
  owner = b.person('slack:T1/UOWN', { timezone: 'Europe/Paris', roles: ['admin'] }); // admin: may mark changes standard
  b.person('slack:T1/UMGR', { roles: ['change-manager'] });
  seedCatalogue(b, root);
});
afterEach(async () => {
  await b.stop();
  expect(slackProblems(fake)).toEqual([]);
});

function scheduledRfc(start = START): string {
  const r = raise(b.bot.app, owner, {
    title: 'Patch db01',
    category: 'standard',
    services: ['db'],
    backout: 'restore snapshot',
    start,
    durationMinutes: 120,
    outageMinutes: 30,
  }).result;
  submit(b.bot.app, owner, r.key);
  schedule(b.bot.app, owner, r.key, {});
  return r.key;
}

/** Pending timer jobs in Redis: id -> due time. */
async function pendingTimers(): Promise<Record<string, string>> {
  const jobs = await b.jobs.queues.timers.getJobs(['delayed', 'wait', 'prioritized'], 0, -1);
  return Object.fromEntries(jobs.filter((j) => parseTimerId(j.id ?? '')).map((j) => [j.id as string, (j.data as { dueAt: string }).dueAt]));
}

const posts = () => fake.okCallsTo('chat.postMessage');
const postsTo = (channel: string, text: RegExp) => posts().filter((c) => c.args.channel === channel && text.test(String(c.args.text)));
const channels = (cs: RecordedCall[]) => cs.map((c) => String(c.args.channel)).sort();

async function advanceTo(at: Date): Promise<void> {
  b.clock.current = at;
  await b.tick();
}

describe('timed events of a scheduled RFC', () => {
  it('fires every event kind once, to the right people, with words in their time zone', async () => {
    const key = scheduledRfc();
    await b.jobs.scheduler.idle();
    const stamp = '20261205T220000Z';
    expect(await pendingTimers()).toEqual({
      [`${key}.reminder-24h.${stamp}`]: '2026-12-04T22:00:00.000Z',
      [`${key}.reminder-1h.${stamp}`]: '2026-12-05T21:00:00.000Z',
      [`${key}.outage-notice.${stamp}`]: '2026-12-04T22:00:00.000Z',
      [`${key}.start-prompt.${stamp}`]: '2026-12-05T22:00:00.000Z',
    });

    // T-24h: the owner's reminder (Paris time) and the advance notice to the audience.
    await advanceTo(new Date(START.getTime() - 24 * H));
    const r24 = await eventually(() => postsTo('UOWN', /starts in about 24 hours/)[0], 'the 24 h reminder');
    expect(r24.args.text).toContain(`${key} “Patch db01” on db starts in about 24 hours, from Sat 5 Dec 23:00 to Sun 6 Dec 01:00 CET`);
    const notices = await eventually(() => {
      const n = posts().filter((c) => /^Planned maintenance on db/.test(String(c.args.text)));
      return n.length === 3 ? n : undefined;
    }, 'the outage notice to CDB, U7, U8');
    expect(channels(notices)).toEqual(['CDB', 'U7', 'U8']);
    expect(notices[0]?.args.text).toBe(
      `Planned maintenance on db from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 UTC (${key} “Patch db01”). Expected impact: up to 30 min of outage. Questions: contact slack:T1/UOWN (change owner).`,
    );

    // T-1h: the last reminder.
    await advanceTo(new Date(START.getTime() - H));
    await eventually(() => postsTo('UOWN', /starts in about an hour/)[0], 'the 1 h reminder');

    // Window start: "start implementation?" to the owner.
    await advanceTo(START);
    const prompt = await eventually(() => postsTo('UOWN', /Start implementation\?/)[0], 'the start prompt');
    expect(prompt.args.text).toContain('`/rfc start');
    // ... and the owner's kept card now offers Start.
    await eventually(() => fake.okCallsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('"rfc_start"')), 'Start on the owner card');

    // The owner starts: the audience hears "maintenance started" (through the delivery queue).
    progress(b.bot.app, owner, key, 'start');
    const started = await eventually(() => {
      const s = posts().filter((c) => /^Maintenance started on db/.test(String(c.args.text)));
      return s.length === 3 ? s : undefined;
    }, '"maintenance started" to the audience');
    expect(channels(started)).toEqual(['CDB', 'U7', 'U8']);
    expect(await pendingTimers()).toEqual({ [`${key}.overrun.${stamp}`]: '2026-12-06T00:00:00.000Z' });

    // Window end while still implementing: overrun alert to owner, change manager, CAB channel.
    await advanceTo(new Date('2026-12-06T00:00:00Z'));
    const overrun = await eventually(() => {
      const o = posts().filter((c) => /^Overrun:/.test(String(c.args.text)));
      return o.length === 3 ? o : undefined;
    }, 'the overrun alert');
    expect(channels(overrun)).toEqual(['CCAB', 'UMGR', 'UOWN']);

    // Completed: "service restored" to the audience, then the review reminder a day later.
    b.clock.current = new Date('2026-12-06T00:30:00Z');
    progress(b.bot.app, owner, key, 'complete');
    const restored = await eventually(() => {
      const s = posts().filter((c) => /^Service restored/.test(String(c.args.text)));
      return s.length === 3 ? s : undefined;
    }, '"service restored" to the audience');
    expect(channels(restored)).toEqual(['CDB', 'U7', 'U8']);
    await b.jobs.scheduler.idle();
    expect(await pendingTimers()).toEqual({ [`${key}.review-reminder.${stamp}`]: '2026-12-07T00:30:00.000Z' });
    await advanceTo(new Date('2026-12-07T00:30:00Z'));
    await eventually(() => postsTo('UOWN', /post-implementation review/)[0], 'the review reminder');

    // Nothing twice, however often the reconciler runs.
    await b.tick();
    await b.tick();
    await new Promise((r) => setTimeout(r, 200));
    const texts = posts().map((c) => `${String(c.args.channel)}|${String(c.args.text)}`);
    expect(texts.length).toBe(new Set(texts).size);
    expect(texts.length).toBe(1 + 3 + 1 + 1 + 3 + 3 + 3 + 1);
    expect(await pendingTimers()).toEqual({});
    const logged = changeLog(b.bot.app, root, key)
      .result.filter((e) => e.action === 'notified')
      .map((e) => (e.detail as { event: string }).event);
    expect(logged.sort()).toEqual(['outage-notice', 'overrun', 'reminder-1h', 'reminder-24h', 'review-reminder', 'start-prompt']);
  });

  it('decides or escalates a CAB vote at its deadline, as the scheduler', async () => {
    const r = raise(b.bot.app, owner, {
      title: 'Upgrade db',
      category: 'significant',
      services: ['db'],
      backout: 'restore',
      test: 'smoke',
      start: START,
      durationMinutes: 60,
    }).result;
    submit(b.bot.app, owner, r.key);
    await b.jobs.scheduler.idle();
    const deadline = findRfc(b.bot.database.db, r.key)?.voteDeadline as Date;
    const stamp = deadline.toISOString().replace(/[-:]/g, '').replace('.000', '');
    expect(Object.keys(await pendingTimers()).sort()).toEqual([`${r.key}.vote-deadline.${stamp}`, `${r.key}.vote-reminder.20261201T090000Z`]);
    await advanceTo(new Date(deadline.getTime() + 1000));
    await eventually(() => findRfc(b.bot.database.db, r.key)?.escalated, 'escalation');
    const told = await eventually(() => {
      const e = posts().filter((c) => /passed its deadline undecided/.test(String(c.args.text)));
      return e.length === 2 ? e : undefined;
    }, 'the escalation message');
    expect(channels(told)).toEqual(['CCAB', 'UMGR']);
    const log = changeLog(b.bot.app, root, r.key).result.find((e) => e.action === 'escalate');
    expect(log?.actor).toBe('system:scheduler');
    expect(await pendingTimers()).toEqual({});
  });
});

describe('rescheduling and cancelling', () => {
  it('moves the pending timers with the window, and cancel removes them', async () => {
    const key = scheduledRfc();
    await b.jobs.scheduler.idle();
    const before = await pendingTimers();
    expect(Object.keys(before)).toHaveLength(4);
    reschedule(b.bot.app, owner, key, { start: new Date('2026-12-08T22:00:00Z'), durationMinutes: 60 });
    await b.jobs.scheduler.idle();
    const after = await pendingTimers();
    expect(Object.keys(after).sort()).toEqual(
      Object.keys(before)
        .map((id) => id.replace('20261205T220000Z', '20261208T220000Z'))
        .sort(),
    );
    expect(after[`${key}.start-prompt.20261208T220000Z`]).toBe('2026-12-08T22:00:00.000Z');
    cancel(b.bot.app, owner, key, 'not needed');
    await b.jobs.scheduler.idle();
    expect(await pendingTimers()).toEqual({});
    // The moved window's reminders never fire.
    await advanceTo(new Date('2026-12-08T22:00:00Z'));
    await new Promise((r) => setTimeout(r, 200));
    expect(posts().filter((c) => /Reminder|Start implementation/.test(String(c.args.text)))).toEqual([]);
  });
});
