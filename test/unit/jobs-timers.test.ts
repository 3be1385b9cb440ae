import { draftRfc } from '../../src/domain/rfc.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMER_SETTINGS, type TimerKind, delayUntil, firedKey, parseTimerId, stampOf, timersFor } from '../../src/domain/timers.js';
import type { Rfc, RfcState } from '../../src/domain/types.js';

const H = 3_600_000;
const START = new Date('2026-12-05T22:00:00Z');
const END = new Date('2026-12-06T00:00:00Z');
const SCHEDULED_AT = new Date('2026-12-01T09:00:00Z');

function rfc(patch: Partial<Rfc> = {}): Rfc {
  return draftRfc('cli:req', SCHEDULED_AT, {
    id: 1,
    key: 'RFC-7',
    title: 'Patch db01',
    category: 'significant',
    services: ['db', 'web'],
    backout: 'restore',
    test: 'smoke',
    owner: 'slack:T1/UOWN',
    window: { start: START, end: END },
    outage: { minutes: 30 },
    state: 'scheduled',
    ...patch,
  });
}

const kinds = (ts: { kind: TimerKind }[]) => ts.map((t) => t.kind).sort();
const at = (ms: number) => new Date(ms);

describe('timersFor: what must be pending for a scheduled RFC', () => {
  it('schedules both owner reminders, the outage notice to every affected service, and the start prompt', () => {
    const ts = timersFor(rfc(), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT);
    expect(kinds(ts)).toEqual(['outage-notice', 'reminder-1h', 'reminder-24h', 'start-prompt']);
    const by = Object.fromEntries(ts.map((t) => [t.kind, t]));
    expect(by['reminder-24h']?.dueAt).toEqual(at(START.getTime() - 24 * H));
    expect(by['reminder-1h']?.dueAt).toEqual(at(START.getTime() - H));
    expect(by['start-prompt']?.dueAt).toEqual(START);
    expect(by['reminder-24h']?.recipients).toEqual([{ kind: 'person', id: 'slack:T1/UOWN' }]);
    expect(by['outage-notice']?.recipients).toEqual([
      { kind: 'audience', service: 'db' },
      { kind: 'audience', service: 'web' },
    ]);
    expect(by['reminder-24h']?.id).toBe('RFC-7.reminder-24h.20261205T220000Z');
  });

  it('takes the notice period from the settings, and sends no notice when no outage is expected or it is off', () => {
    const six = timersFor(rfc(), { ...DEFAULT_TIMER_SETTINGS, outageNoticeHours: 6 }, SCHEDULED_AT).find((t) => t.kind === 'outage-notice');
    expect(six?.dueAt).toEqual(at(START.getTime() - 6 * H));
    expect(kinds(timersFor(rfc({ outage: null }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT))).not.toContain('outage-notice');
    expect(kinds(timersFor(rfc({ outage: { minutes: 0 } }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT))).not.toContain('outage-notice');
    expect(kinds(timersFor(rfc(), { ...DEFAULT_TIMER_SETTINGS, outageNoticeHours: 0 }, SCHEDULED_AT))).not.toContain('outage-notice');
  });

  it('skips owner reminders already past at scheduling time but still tells users at once', () => {
    const late = at(START.getTime() - 3 * H); // scheduled 3 h before the window
    const ts = timersFor(rfc({ updatedAt: late }), DEFAULT_TIMER_SETTINGS, late);
    expect(kinds(ts)).toEqual(['outage-notice', 'reminder-1h', 'start-prompt']);
    const notice = ts.find((t) => t.kind === 'outage-notice');
    expect(delayUntil(notice!.dueAt, late)).toBe(0);
    const veryLate = at(START.getTime() - 10 * 60_000);
    expect(kinds(timersFor(rfc({ updatedAt: veryLate }), DEFAULT_TIMER_SETTINGS, veryLate))).toEqual(['outage-notice', 'start-prompt']);
  });

  it('sends a missed event once, at once, until the next step takes over (never piles them up)', () => {
    // Redis was down from before T-24h until T-2h: the 24 h reminder is still worth sending.
    const t2 = at(START.getTime() - 2 * H);
    const ts = timersFor(rfc(), DEFAULT_TIMER_SETTINGS, t2);
    expect(kinds(ts)).toEqual(['outage-notice', 'reminder-1h', 'reminder-24h', 'start-prompt']);
    // ...until T-1h, when the 1 h reminder replaces it.
    const t30 = at(START.getTime() - 30 * 60_000);
    expect(kinds(timersFor(rfc(), DEFAULT_TIMER_SETTINGS, t30))).toEqual(['outage-notice', 'reminder-1h', 'start-prompt']);
    // After the start only the start prompt is left, and only until the window ends.
    expect(kinds(timersFor(rfc(), DEFAULT_TIMER_SETTINGS, at(START.getTime() + 1)))).toEqual(['start-prompt']);
    expect(timersFor(rfc(), DEFAULT_TIMER_SETTINGS, END)).toEqual([]);
  });

  it('never schedules an event again once it was sent', () => {
    const fired = new Set(['timed:reminder-24h:RFC-7:20261205T220000Z', 'timed:outage-notice:RFC-7:20261205T220000Z']);
    expect(kinds(timersFor(rfc(), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT, fired))).toEqual(['reminder-1h', 'start-prompt']);
  });

  it('moves every timer with the window (new ids) when rescheduled', () => {
    const moved = { start: at(START.getTime() + 48 * H), end: at(END.getTime() + 48 * H) };
    const before = timersFor(rfc(), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT);
    const after = timersFor(rfc({ window: moved }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT);
    expect(after.map((t) => t.id).filter((id) => before.some((b) => b.id === id))).toEqual([]);
    expect(after.map((t) => t.dueAt.getTime() - 48 * H)).toEqual(before.map((t) => t.dueAt.getTime()));
  });
});

describe('timersFor: other states', () => {
  it('has nothing for drafts, approved, cancelled, closed... RFCs', () => {
    for (const state of ['draft', 'submitted', 'approved', 'rejected', 'in_review', 'closed', 'withdrawn', 'cancelled'] as RfcState[]) {
      expect(timersFor(rfc({ state }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT)).toEqual([]);
    }
  });

  it('alerts the owner, change managers and CAB channel when the window ends while implementing', () => {
    const ts = timersFor(rfc({ state: 'implementing' }), DEFAULT_TIMER_SETTINGS, START);
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ kind: 'overrun', dueAt: END });
    expect(ts[0]?.recipients).toEqual([{ kind: 'person', id: 'slack:T1/UOWN' }, { kind: 'role', role: 'change-manager' }, { kind: 'cab-channel' }]);
    // Still due (at once) after the end: one alert, not one per missed period.
    expect(timersFor(rfc({ state: 'implementing' }), DEFAULT_TIMER_SETTINGS, at(END.getTime() + 5 * H))).toHaveLength(1);
  });

  it('reminds the owner of the review a set time after completion (or the window end, if later)', () => {
    const doneEarly = timersFor(rfc({ state: 'implemented', updatedAt: at(END.getTime() - H) }), DEFAULT_TIMER_SETTINGS, END);
    expect(doneEarly).toEqual([expect.objectContaining({ kind: 'review-reminder', dueAt: at(END.getTime() + 24 * H) })]);
    const doneLate = at(END.getTime() + 3 * H);
    for (const state of ['implemented', 'failed', 'backed_out'] as RfcState[]) {
      const ts = timersFor(rfc({ state, updatedAt: doneLate }), { ...DEFAULT_TIMER_SETTINGS, reviewReminderHours: 2 }, doneLate);
      expect(ts).toEqual([expect.objectContaining({ kind: 'review-reminder', dueAt: at(doneLate.getTime() + 2 * H) })]);
    }
  });

  it("leaves an RFC in a release to its release's wave timers, until the review", () => {
    const inRelease = { releaseKey: 'REL-2', approvedAt: SCHEDULED_AT };
    expect(timersFor(rfc({ state: 'approved', approvedAt: SCHEDULED_AT }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT).map((x) => x.kind)).toEqual([
      'schedule-reminder',
    ]);
    for (const state of ['approved', 'scheduled', 'implementing'] as RfcState[]) {
      expect(timersFor(rfc({ state, ...inRelease }), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT)).toEqual([]);
    }
    const done = at(END.getTime() + H);
    expect(timersFor(rfc({ state: 'implemented', updatedAt: done, ...inRelease }), DEFAULT_TIMER_SETTINGS, done).map((x) => x.kind)).toEqual([
      'review-reminder',
    ]);
  });

  it('handles the CAB vote deadline once, and not after escalation', () => {
    const deadline = at(SCHEDULED_AT.getTime() + 48 * H);
    expect(deadline.toISOString()).toBe('2026-12-03T09:00:00.000Z');
    const awaiting = rfc({ state: 'awaiting_approval', window: null, voteDeadline: deadline });
    expect(timersFor(awaiting, DEFAULT_TIMER_SETTINGS, SCHEDULED_AT)).toEqual([
      {
        kind: 'vote-deadline',
        subject: { type: 'rfc', key: 'RFC-7' },
        stamp: '20261203T090000Z',
        id: 'RFC-7.vote-deadline.20261203T090000Z',
        dueAt: deadline,
        recipients: [],
      },
    ]);
    expect(timersFor({ ...awaiting, escalated: true }, DEFAULT_TIMER_SETTINGS, SCHEDULED_AT)).toEqual([]);
  });
});

describe('ids and keys', () => {
  it('are deterministic, BullMQ-safe, and parse back', () => {
    const t = timersFor(rfc(), DEFAULT_TIMER_SETTINGS, SCHEDULED_AT).find((x) => x.kind === 'reminder-1h');
    expect(t?.id).toBe('RFC-7.reminder-1h.20261205T220000Z');
    expect(firedKey({ kind: 'reminder-1h', subject: { type: 'rfc', key: 'RFC-7' }, stamp: '20261205T220000Z' })).toBe(
      'timed:reminder-1h:RFC-7:20261205T220000Z',
    );
    expect(parseTimerId('RFC-7.reminder-1h.20261205T220000Z')).toEqual({
      kind: 'reminder-1h',
      subject: { type: 'rfc', key: 'RFC-7' },
      stamp: '20261205T220000Z',
    });
    expect(parseTimerId('REL-2.start-prompt.20270101T090000Z')).toEqual({
      kind: 'start-prompt',
      subject: { type: 'release', key: 'REL-2' },
      stamp: '20270101T090000Z',
    });
    expect(parseTimerId('report-abc')).toBeNull();
    expect(parseTimerId('RFC-1.nonsense.20261205T220000Z')).toBeNull();
    expect(parseTimerId('RFC-0.reminder-1h.20261205T220000Z')).toBeNull();
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), (d) => {
        const stamp = stampOf(d);
        expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
        expect(stamp.slice(0, 8)).toBe(d.toISOString().slice(0, 10).replace(/-/g, ''));
      }),
    );
  });

  it('derives only future-or-due events, each id once, for any window and clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -72, max: 72 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 96 }),
        fc.constantFrom<RfcState>('scheduled', 'implementing', 'implemented', 'awaiting_approval'),
        (startInH, lenH, scheduledBeforeH, state) => {
          const now = SCHEDULED_AT;
          const start = at(now.getTime() + startInH * H);
          const r = rfc({
            state,
            window: { start, end: at(start.getTime() + lenH * H) },
            updatedAt: at(now.getTime() - scheduledBeforeH * H),
            voteDeadline: start,
          });
          const ts = timersFor(r, DEFAULT_TIMER_SETTINGS, now);
          expect(new Set(ts.map((t) => t.id)).size).toBe(ts.length);
          for (const t of ts) {
            if (t.kind === 'reminder-24h' || t.kind === 'reminder-1h') expect(t.dueAt.getTime()).toBeGreaterThan(r.updatedAt.getTime());
            if (t.kind === 'start-prompt') expect(now.getTime()).toBeLessThan(r.window!.end.getTime());
          }
        },
      ),
    );
  });
});
