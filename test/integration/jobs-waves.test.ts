/**
 * The timed events of a release's deployment waves on real Redis and SQLite: queued after a
 * commit that touched the release, fired once by the timer worker (which re-checks SQLite),
 * recorded as deliveries to the right people, and re-derived by the reconciler after Redis lost
 * them. Deliveries are left pending (timer workers only): their words are the chat layer's.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/app/context.js';
import {
  addReleaseRfc,
  addWave,
  advanceRelease,
  cancelRelease,
  createRelease,
  giveGo,
  setReleasePlan,
  startWave,
  tickReadiness,
} from '../../src/app/releases.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { deliveriesOf } from '../../src/db/repos/outbox.js';
import { findRelease, updateRelease } from '../../src/db/repos/releases.js';
import { listLog } from '../../src/db/repos/log.js';
import { READINESS_FACTORS, type Release, type Wave } from '../../src/domain/release.js';
import { releaseSubject } from '../../src/domain/subject.js';
import { parseTimerId } from '../../src/domain/timers.js';
import type { Actor } from '../../src/domain/types.js';
import { eventually } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { fixtureWave, storeRelease } from '../support/release-fixture.js';
import { FakeSlack } from '../support/slack-server.js';

const H = 3_600_000;
const GO = new Date('2026-12-01T09:00:00Z');
const W1 = { start: new Date('2026-12-05T22:00:00Z'), end: new Date('2026-12-06T00:00:00Z') };
const W2 = { start: new Date('2026-12-12T22:00:00Z'), end: new Date('2026-12-12T23:00:00Z') };
const MANAGER = 'slack:T1/UREL';

let fake: FakeSlack;
let b: JobsBot;
let root: Actor;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7', 'U8'] } });
});
afterAll(() => fake.close());

beforeEach(async () => {
  fake.reset();
  b = await startJobsBot(fake, { name: 'waves', overrides: { workers: 'timers' } });
  root = b.person('cli:root', { roles: ['admin'] });
  b.person(MANAGER);
  b.person('slack:T1/UMGR', { roles: ['change-manager'] });
  seedCatalogue(b, root);
});
afterEach(() => b.stop());

const db = () => b.bot.database.db;

/** A commit that touched the release, as the release use cases make one. */
function commit(release: Release): Release {
  return inTransaction(b.bot.app, (tx) => {
    const saved = updateRelease(tx, { ...release, updatedAt: b.clock.now() });
    return { result: saved, release: saved, message: 'saved', notifications: [] };
  }).result;
}

function deployingRelease(): Release {
  const waves: Wave[] = [fixtureWave(1, W1, ['db'], { pilot: true, outageMinutes: 30 }), fixtureWave(2, W2, ['db'])];
  const stored = storeRelease(db(), 'Spring rollout', [], { phase: 'readiness_review', manager: MANAGER, at: GO });
  // Go: the release enters deployment.
  return commit({ ...stored, phase: 'deployment', waves, goDecisions: [{ by: 'slack:T1/UMGR', as: 'change-manager', at: GO }] });
}

async function pendingTimers(): Promise<Record<string, string>> {
  const jobs = await b.jobs.queues.timers.getJobs(['delayed', 'wait', 'prioritized'], 0, -1);
  return Object.fromEntries(jobs.filter((j) => parseTimerId(j.id ?? '')).map((j) => [j.id as string, (j.data as { dueAt: string }).dueAt]));
}

/** The recipients of a timed event's recorded deliveries. */
const sentTo = (event: string, stamp: string) => deliveriesOf(db(), `timed:${event}:REL-1:${stamp}`).map((d) => d.recipient);

async function advanceTo(at: Date): Promise<void> {
  b.clock.current = at;
  await b.tick();
}

const notified = () =>
  listLog(db(), releaseSubject('REL-1'))
    .filter((e) => e.action === 'notified')
    .map((e) => (e.detail as { key: string }).key);

describe('timed events of a release’s waves', () => {
  it('queues each wave’s timers after go, fires each once to the right people, and follows the waves’ moves', async () => {
    b.clock.current = GO;
    const rel = deployingRelease();
    await b.jobs.scheduler.idle();
    const s1 = '20261205T220000Z-w1';
    const s2 = '20261212T220000Z-w2';
    expect(await pendingTimers()).toEqual({
      [`REL-1.reminder-24h.${s1}`]: '2026-12-04T22:00:00.000Z',
      [`REL-1.reminder-1h.${s1}`]: '2026-12-05T21:00:00.000Z',
      [`REL-1.outage-notice.${s1}`]: '2026-12-04T22:00:00.000Z',
      [`REL-1.start-prompt.${s1}`]: '2026-12-05T22:00:00.000Z',
      [`REL-1.reminder-24h.${s2}`]: '2026-12-11T22:00:00.000Z',
      [`REL-1.reminder-1h.${s2}`]: '2026-12-12T21:00:00.000Z',
      [`REL-1.start-prompt.${s2}`]: '2026-12-12T22:00:00.000Z',
    });

    // T-24h: the manager's reminder and the outage notice to db's audience (a channel, a user group's members).
    await advanceTo(new Date(W1.start.getTime() - 24 * H));
    expect(await eventually(() => sentTo('reminder-24h', s1).length && sentTo('reminder-24h', s1), 'the 24 h reminder')).toEqual(['slack:user:T1/UREL']);
    const notice = await eventually(() => sentTo('outage-notice', s1).length === 3 && sentTo('outage-notice', s1), 'the outage notice');
    expect(notice.sort()).toEqual(['slack:channel:CDB', 'slack:user:T1/U7', 'slack:user:T1/U8']);

    await advanceTo(new Date(W1.start.getTime() - H));
    expect(await eventually(() => sentTo('reminder-1h', s1).length && sentTo('reminder-1h', s1), 'the 1 h reminder')).toEqual(['slack:user:T1/UREL']);
    await advanceTo(W1.start);
    expect(await eventually(() => sentTo('start-prompt', s1).length && sentTo('start-prompt', s1), 'the start prompt')).toEqual(['slack:user:T1/UREL']);

    // The pilot starts: no more prompts for it, the overrun alert waits for its window's end.
    b.clock.current = new Date('2026-12-05T22:05:00Z');
    const current = findRelease(db(), rel.key) as Release;
    commit({ ...current, waves: current.waves.map((w) => (w.number === 1 ? { ...w, state: 'deploying', startedBy: MANAGER, startedAt: b.clock.now() } : w)) });
    await b.jobs.scheduler.idle();
    expect(Object.keys(await pendingTimers()).sort()).toEqual([
      `REL-1.overrun.${s1}`,
      `REL-1.reminder-1h.${s2}`,
      `REL-1.reminder-24h.${s2}`,
      `REL-1.start-prompt.${s2}`,
    ]);
    await advanceTo(W1.end);
    const overrun = await eventually(() => sentTo('overrun', s1).length === 2 && sentTo('overrun', s1), 'the overrun alert');
    expect(overrun.sort()).toEqual(['slack:user:T1/UMGR', 'slack:user:T1/UREL']);

    // Deployment over (review): no timers are left, and ticking again sends nothing twice.
    b.clock.current = new Date('2026-12-06T00:30:00Z');
    const after = findRelease(db(), rel.key) as Release;
    commit({ ...after, phase: 'review' });
    await b.jobs.scheduler.idle();
    expect(await pendingTimers()).toEqual({});
    await b.tick();
    await b.tick();
    expect(notified().sort()).toEqual([
      `timed:outage-notice:REL-1:${s1}`,
      `timed:overrun:REL-1:${s1}`,
      `timed:reminder-1h:REL-1:${s1}`,
      `timed:reminder-24h:REL-1:${s1}`,
      `timed:start-prompt:REL-1:${s1}`,
    ]);
    expect(sentTo('reminder-24h', s1)).toHaveLength(1);
  });

  it('a queued wave timer that no longer holds (its wave moved, unseen by the scheduler) fires as stale and sends nothing', async () => {
    b.clock.current = GO;
    const rel = deployingRelease();
    await b.jobs.scheduler.idle();
    // Another process moves wave 2 without telling this scheduler.
    const moved = { start: new Date('2026-12-13T22:00:00Z'), end: new Date('2026-12-13T23:00:00Z') };
    updateRelease(db(), { ...rel, waves: rel.waves.map((w) => (w.number === 2 ? { ...w, window: moved } : w)) });
    b.clock.current = new Date(W2.start.getTime() - 24 * H);
    const job = await b.jobs.queues.timers.getJob('REL-1.reminder-24h.20261212T220000Z-w2');
    await job?.promote();
    await eventually(async () => !(await b.jobs.queues.timers.getJob('REL-1.reminder-24h.20261212T220000Z-w2')), 'the stale job to run');
    expect(sentTo('reminder-24h', '20261212T220000Z-w2')).toEqual([]);
    // The reconciler queues the moved wave's timers instead.
    await b.tick();
    expect(
      Object.keys(await pendingTimers())
        .filter((id) => id.endsWith('-w2'))
        .sort(),
    ).toEqual(['REL-1.reminder-1h.20261213T220000Z-w2', 'REL-1.reminder-24h.20261213T220000Z-w2', 'REL-1.start-prompt.20261213T220000Z-w2']);
  });
});

describe('recovery from SQLite', () => {
  it('re-derives the timers of releases in deployment after Redis lost them, sending what was missed at once', async () => {
    b.clock.current = GO;
    deployingRelease();
    await b.jobs.scheduler.idle();
    await b.jobs.queues.timers.obliterate({ force: true });
    expect(await pendingTimers()).toEqual({});
    // The bot comes back after the 24 h reminder's time: it is sent late, once; the rest is queued again.
    await advanceTo(new Date('2026-12-05T12:00:00Z'));
    expect(
      await eventually(() => sentTo('reminder-24h', '20261205T220000Z-w1').length && sentTo('reminder-24h', '20261205T220000Z-w1'), 'the late reminder'),
    ).toEqual(['slack:user:T1/UREL']);
    await eventually(() => sentTo('outage-notice', '20261205T220000Z-w1').length === 3, 'the late outage notice');
    await b.tick();
    expect(Object.keys(await pendingTimers()).sort()).toEqual([
      'REL-1.reminder-1h.20261205T220000Z-w1',
      'REL-1.reminder-1h.20261212T220000Z-w2',
      'REL-1.reminder-24h.20261212T220000Z-w2',
      'REL-1.start-prompt.20261205T220000Z-w1',
      'REL-1.start-prompt.20261212T220000Z-w2',
    ]);
    expect(sentTo('reminder-24h', '20261205T220000Z-w1')).toHaveLength(1);
  });
});

/** At go time: the release manager, the change manager, and a minor RFC on db raised by ana and approved. */
function approvedRfc() {
  const app = b.bot.app;
  b.clock.current = GO;
  const rita = b.person(MANAGER, { roles: ['release-manager'] });
  const carl = b.person('slack:T1/UMGR', { roles: ['change-manager'] });
  const ana = b.person('slack:T1/UANA');
  const rfc = raise(app, ana, {
    title: 'Db pool',
    category: 'minor',
    services: ['db'],
    backout: 'revert',
    test: 'smoke',
    start: W1.start,
    durationMinutes: 120,
  }).result.key;
  submit(app, ana, rfc);
  vote(app, carl, rfc, 'approve');
  return { app, rita, carl, rfc };
}

describe('through the release use cases', () => {
  it('go queues the waves’ timers; a wave added after go counts from then; starting a wave swaps its prompts for the overrun alert', async () => {
    const { app, rita, carl, rfc } = approvedRfc();
    const key = createRelease(app, rita, { name: 'December platform' }).result.key;
    addReleaseRfc(app, rita, key, { rfc });
    setReleasePlan(app, rita, key, { deploymentOrder: 'all at once', training: 'none', communications: 'email', backout: 'redeploy' });
    for (let i = 0; i < 3; i++) advanceRelease(app, rita, key);
    addWave(app, rita, key, { start: W1.start, durationMinutes: 120, services: ['db'], outageMinutes: 15 });
    for (const item of READINESS_FACTORS) tickReadiness(app, rita, key, { item });
    await b.jobs.scheduler.idle();
    const releaseTimers = async () =>
      Object.keys(await pendingTimers())
        .filter((id) => id.startsWith(`${key}.`))
        .sort();
    expect(await releaseTimers()).toEqual([]); // no timers before go
    giveGo(app, rita, key);
    giveGo(app, carl, key);
    await b.jobs.scheduler.idle();
    const s1 = '20261205T220000Z-w1';
    expect(await releaseTimers()).toEqual([`${key}.outage-notice.${s1}`, `${key}.reminder-1h.${s1}`, `${key}.reminder-24h.${s1}`, `${key}.start-prompt.${s1}`]);

    // A second wave, right after the first, added 3 hours before its window: no "starts in about 24 hours" reminder.
    b.clock.current = new Date('2026-12-05T21:00:00Z');
    addWave(app, rita, key, { start: W1.end, durationMinutes: 60, services: ['db'] });
    await b.jobs.scheduler.idle();
    const s2 = '20261206T000000Z-w2';
    expect((await releaseTimers()).filter((id) => id.endsWith('-w2'))).toEqual([`${key}.reminder-1h.${s2}`, `${key}.start-prompt.${s2}`]);

    // Wave 1 starts in its window: its reminders and prompt are gone, the overrun alert waits for its end.
    b.clock.current = new Date('2026-12-05T22:10:00Z');
    startWave(app, rita, key, { wave: 1 });
    await b.jobs.scheduler.idle();
    expect((await releaseTimers()).filter((id) => id.endsWith('-w1'))).toEqual([`${key}.overrun.${s1}`]);
    expect((await pendingTimers())[`${key}.overrun.${s1}`]).toBe('2026-12-06T00:00:00.000Z');
  });

  it('an RFC in a release has no schedule reminder of its own; one that leaves gets it back', async () => {
    const { app, rita, rfc } = approvedRfc();
    const key = createRelease(app, rita, { name: 'December platform' }).result.key;
    await b.jobs.scheduler.idle();
    const rfcTimers = async () => Object.keys(await pendingTimers()).filter((id) => id.startsWith(`${rfc}.`));
    expect((await rfcTimers()).map((id) => id.split('.')[1])).toEqual(['schedule-reminder']);
    addReleaseRfc(app, rita, key, { rfc });
    await b.jobs.scheduler.idle();
    expect(await rfcTimers()).toEqual([]);
    cancelRelease(app, rita, key, 'superseded');
    await b.jobs.scheduler.idle();
    expect((await rfcTimers()).map((id) => id.split('.')[1])).toEqual(['schedule-reminder']);
  });
});
