/** The clockwork of a release's deployment waves (pure): which timers exist, when, for whom. */
import { describe, expect, it } from 'vitest';
import { draftRfc } from '../../src/domain/rfc.js';
import type { Release, Wave } from '../../src/domain/release.js';
import { parseNotificationKey } from '../../src/domain/subject.js';
import { DEFAULT_TIMER_SETTINGS, firedKey, parseTimerId, releaseTimersFor, timersFor, waveOfStamp, waveStamp } from '../../src/domain/timers.js';

const GO = new Date('2026-12-01T09:00:00Z');
const W1 = { start: new Date('2026-12-05T22:00:00Z'), end: new Date('2026-12-06T00:00:00Z') };
const W2 = { start: new Date('2026-12-12T22:00:00Z'), end: new Date('2026-12-13T02:00:00Z') };
const MANAGER = [{ kind: 'person', id: 'slack:T1/UREL' }];

function wave(number: number, window: { start: Date; end: Date }, extra: Partial<Wave> = {}): Wave {
  return {
    number,
    pilot: number === 1,
    window,
    services: ['db', 'web'],
    audience: 'all staff',
    outageMinutes: 30,
    state: 'planned',
    startedBy: null,
    startedAt: null,
    override: null,
    outcomeBy: null,
    outcomeNote: null,
    finishedAt: null,
    ...extra,
  };
}

function release(extra: Partial<Release> = {}): Release {
  return {
    id: 1,
    key: 'REL-2',
    name: 'Spring rollout',
    goal: null,
    targetDate: null,
    manager: 'slack:T1/UREL',
    team: { testing: null, communications: null, training: null },
    channels: { slack: null, teams: null },
    phase: 'deployment',
    suspendedFrom: null,
    plan: { deploymentOrder: 'pilot then all', training: null, communications: null, backout: 'reinstall' },
    package: { artifacts: [], install: null, removal: null, frozenAt: GO, amendedAfterReview: false },
    tests: [],
    signoffs: [],
    readiness: {},
    goDecisions: [
      { by: 'slack:T1/UREL', as: 'release-manager', at: new Date('2026-12-01T08:00:00Z') },
      { by: 'slack:T1/UCM', as: 'change-manager', at: GO },
    ],
    backoutProven: true,
    backoutProvenBy: 'slack:T1/UREL',
    pilotApprovedBy: 'slack:T1/UCM',
    review: null,
    reason: null,
    waves: [wave(1, W1), wave(2, W2, { outageMinutes: 0 })],
    createdAt: new Date('2026-11-01T09:00:00Z'),
    updatedAt: new Date('2026-12-03T09:00:00Z'),
    ...extra,
  };
}

const rows = (ts: ReturnType<typeof releaseTimersFor>) => ts.map((t) => [t.id, t.dueAt.toISOString(), t.wave]);

describe('releaseTimersFor: the timers of planned waves', () => {
  it('each planned wave: the manager’s 24 h and 1 h reminders, the outage notice (only with an outage), the start prompt', () => {
    const ts = releaseTimersFor(release(), DEFAULT_TIMER_SETTINGS, GO);
    expect(rows(ts)).toEqual([
      ['REL-2.reminder-24h.20261205T220000Z-w1', '2026-12-04T22:00:00.000Z', 1],
      ['REL-2.reminder-1h.20261205T220000Z-w1', '2026-12-05T21:00:00.000Z', 1],
      ['REL-2.outage-notice.20261205T220000Z-w1', '2026-12-04T22:00:00.000Z', 1],
      ['REL-2.start-prompt.20261205T220000Z-w1', '2026-12-05T22:00:00.000Z', 1],
      ['REL-2.reminder-24h.20261212T220000Z-w2', '2026-12-11T22:00:00.000Z', 2],
      ['REL-2.reminder-1h.20261212T220000Z-w2', '2026-12-12T21:00:00.000Z', 2],
      ['REL-2.start-prompt.20261212T220000Z-w2', '2026-12-12T22:00:00.000Z', 2],
    ]);
    const notice = ts.find((t) => t.kind === 'outage-notice');
    expect(notice?.recipients).toEqual([
      { kind: 'audience', service: 'db' },
      { kind: 'audience', service: 'web' },
    ]);
    for (const t of ts.filter((x) => x.kind !== 'outage-notice')) expect(t.recipients).toEqual(MANAGER);
    expect(ts.every((t) => t.subject.type === 'release' && t.subject.key === 'REL-2')).toBe(true);
  });

  it('has no timers before go or after deployment, nor for finished waves', () => {
    for (const phase of ['planning', 'readiness_review', 'review', 'suspended', 'cancelled', 'closed'] as const) {
      expect(releaseTimersFor(release({ phase }), DEFAULT_TIMER_SETTINGS, GO)).toEqual([]);
    }
    const done = release({ waves: [wave(1, W1, { state: 'successful' }), wave(2, W2, { state: 'failed' }), wave(3, W2, { state: 'backed_out' })] });
    expect(releaseTimersFor(done, DEFAULT_TIMER_SETTINGS, GO)).toEqual([]);
  });

  it("an outage notice also goes to the audience a wave names, besides its services' audiences", () => {
    const named = release({ waves: [wave(1, W1, { audience: 'slack:channel:C5, teams:aad-9, all staff' })] });
    expect(releaseTimersFor(named, DEFAULT_TIMER_SETTINGS, GO).find((t) => t.kind === 'outage-notice')?.recipients).toEqual([
      { kind: 'audience', service: 'db' },
      { kind: 'audience', service: 'web' },
      { kind: 'audience-refs', refs: ['slack:channel:C5', 'teams:aad-9'] },
    ]);
  });

  it('an outage notice follows the configured hours, and 0 turns it off', () => {
    const six = releaseTimersFor(release(), { ...DEFAULT_TIMER_SETTINGS, outageNoticeHours: 6 }, GO).find((t) => t.kind === 'outage-notice');
    expect(six?.dueAt.toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(releaseTimersFor(release(), { ...DEFAULT_TIMER_SETTINGS, outageNoticeHours: 0 }, GO).some((t) => t.kind === 'outage-notice')).toBe(false);
  });

  it('a deploying wave has the overrun alert at its window’s end, to the manager and the change managers', () => {
    const r = release({ waves: [wave(1, W1, { state: 'deploying' }), wave(2, W2, { outageMinutes: 0 })] });
    const ts = releaseTimersFor(r, DEFAULT_TIMER_SETTINGS, new Date('2026-12-05T22:30:00Z'));
    expect(rows(ts)).toEqual([
      ['REL-2.overrun.20261205T220000Z-w1', '2026-12-06T00:00:00.000Z', 1],
      ['REL-2.reminder-24h.20261212T220000Z-w2', '2026-12-11T22:00:00.000Z', 2],
      ['REL-2.reminder-1h.20261212T220000Z-w2', '2026-12-12T21:00:00.000Z', 2],
      ['REL-2.start-prompt.20261212T220000Z-w2', '2026-12-12T22:00:00.000Z', 2],
    ]);
    expect(ts[0]?.recipients).toEqual([...MANAGER, { kind: 'role', role: 'change-manager' }]);
  });

  it('a timer already fired is never due again', () => {
    const fired = new Set(['timed:reminder-24h:REL-2:20261205T220000Z-w1', 'timed:outage-notice:REL-2:20261205T220000Z-w1']);
    const ts = releaseTimersFor(release(), DEFAULT_TIMER_SETTINGS, new Date('2026-12-04T22:00:01Z'), fired);
    expect(ts.map((t) => t.id).filter((id) => id.endsWith('-w1'))).toEqual(['REL-2.reminder-1h.20261205T220000Z-w1', 'REL-2.start-prompt.20261205T220000Z-w1']);
  });
});

describe('releaseTimersFor: late events, like an RFC’s', () => {
  it('reminders already past at go are skipped; the outage notice and the start prompt are sent at once', () => {
    // Go given 3 hours before the first wave.
    const go = new Date('2026-12-05T19:00:00Z');
    const r = release({ goDecisions: [{ by: 'slack:T1/UCM', as: 'change-manager', at: go }] });
    const w1 = releaseTimersFor(r, DEFAULT_TIMER_SETTINGS, go).filter((t) => t.wave === 1);
    expect(rows(w1)).toEqual([
      ['REL-2.reminder-1h.20261205T220000Z-w1', '2026-12-05T21:00:00.000Z', 1],
      ['REL-2.outage-notice.20261205T220000Z-w1', '2026-12-04T22:00:00.000Z', 1],
      ['REL-2.start-prompt.20261205T220000Z-w1', '2026-12-05T22:00:00.000Z', 1],
    ]);
  });

  it('a wave added after go counts from when it was added', () => {
    const added = new Map([[2, new Date('2026-12-12T20:00:00Z')]]);
    const w2 = releaseTimersFor(release(), DEFAULT_TIMER_SETTINGS, new Date('2026-12-12T20:00:00Z'), new Set(), added).filter((t) => t.wave === 2);
    expect(w2.map((t) => t.kind)).toEqual(['reminder-1h', 'start-prompt']);
  });

  it('a missed reminder is sent late until the next step takes over; the start prompt until the window ends', () => {
    const kindsAt = (iso: string) =>
      releaseTimersFor(release(), DEFAULT_TIMER_SETTINGS, new Date(iso))
        .filter((t) => t.wave === 1)
        .map((t) => t.kind);
    // Between the 24 h and the 1 h reminder: both still pending (the 24 h one late).
    expect(kindsAt('2026-12-05T12:00:00Z')).toEqual(['reminder-24h', 'reminder-1h', 'outage-notice', 'start-prompt']);
    // After the 1 h reminder's time: the 24 h one is dropped.
    expect(kindsAt('2026-12-05T21:30:00Z')).toEqual(['reminder-1h', 'outage-notice', 'start-prompt']);
    // The window opened: only the start prompt, until the window ends.
    expect(kindsAt('2026-12-05T23:00:00Z')).toEqual(['start-prompt']);
    expect(kindsAt('2026-12-06T00:00:00Z')).toEqual([]);
  });

  it('an overrun is handled whenever it is late', () => {
    const r = release({ waves: [wave(1, W1, { state: 'deploying' })] });
    expect(rows(releaseTimersFor(r, DEFAULT_TIMER_SETTINGS, new Date('2026-12-09T00:00:00Z')))).toEqual([
      ['REL-2.overrun.20261205T220000Z-w1', '2026-12-06T00:00:00.000Z', 1],
    ]);
  });

  it('a moved wave window gives new timer ids (the old ones become stale)', () => {
    const moved = release({ waves: [wave(1, { start: new Date('2026-12-06T22:00:00Z'), end: new Date('2026-12-07T00:00:00Z') })] });
    expect(releaseTimersFor(moved, DEFAULT_TIMER_SETTINGS, GO).map((t) => t.id)).toEqual([
      'REL-2.reminder-24h.20261206T220000Z-w1',
      'REL-2.reminder-1h.20261206T220000Z-w1',
      'REL-2.outage-notice.20261206T220000Z-w1',
      'REL-2.start-prompt.20261206T220000Z-w1',
    ]);
  });
});

describe('the wave in a timer’s stamp', () => {
  it('is recoverable from the job id and from the delivery key', () => {
    expect(waveStamp(W2.start, 2)).toBe('20261212T220000Z-w2');
    expect(parseTimerId('REL-2.start-prompt.20261212T220000Z-w2')).toEqual({
      subject: { type: 'release', key: 'REL-2' },
      kind: 'start-prompt',
      stamp: '20261212T220000Z-w2',
    });
    const key = firedKey({ kind: 'overrun', subject: { type: 'release', key: 'REL-2' }, stamp: '20261212T220000Z-w12' });
    expect(key).toBe('timed:overrun:REL-2:20261212T220000Z-w12');
    const parsed = parseNotificationKey(key);
    expect(parsed).toEqual({ kind: 'timed', event: 'overrun', subject: { type: 'release', key: 'REL-2' }, stamp: '20261212T220000Z-w12' });
    expect(waveOfStamp('20261212T220000Z-w12')).toBe(12);
    expect(waveOfStamp('20261212T220000Z')).toBeNull();
    expect(waveOfStamp('20261212T220000Z-w0')).toBeNull();
    expect(parseTimerId('REL-2.start-prompt.20261212T220000Z-w0')).toBeNull();
  });

  it('leaves RFC timer ids as they were', () => {
    const rfc = draftRfc('cli:o', GO, { id: 7, key: 'RFC-7', owner: 'cli:o', window: W1, state: 'implementing' });
    const rfcIds = timersFor(rfc, DEFAULT_TIMER_SETTINGS, GO).map((t) => t.id);
    expect(rfcIds).toEqual(['RFC-7.overrun.20261205T220000Z']);
    expect(parseTimerId('RFC-7.overrun.20261205T220000Z')?.stamp).toBe('20261205T220000Z');
  });
});
