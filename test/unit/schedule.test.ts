import { draftRfc } from '../../src/domain/rfc.js';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ChangebotError } from '../../src/domain/errors.js';
import type { BlackoutWindow, MaintenanceWindow, Rfc, RfcState, Service, Window } from '../../src/domain/types.js';
import { findConflicts, nextFreeSlot, overlaps, relatedServices, type ScheduleContext } from '../../src/domain/schedule.js';

const d = (iso: string): Date => new Date(iso);
const win = (start: string, end: string): Window => ({ start: d(start), end: d(end) });
const MIN = 60_000;

function rfc(key: string, services: string[], window: Window | null, extra: Partial<Rfc> = {}): Rfc {
  return draftRfc('cli:alice', d('2026-01-01T00:00Z'), {
    id: Number(key.replace(/\D/g, '')) || 0,
    key,
    title: `Change ${key}`,
    services,
    window,
    state: 'scheduled',
    ...extra,
  });
}

const svc = (name: string, dependsOn: string[] = []): Service => ({ name, owner: null, audience: [], dependsOn });

function ctx(over: Partial<ScheduleContext> = {}): ScheduleContext {
  return {
    services: [svc('db'), svc('app', ['db']), svc('web', ['app']), svc('mail')],
    maintenance: [],
    blackouts: [],
    others: [],
    displayZone: 'UTC',
    ...over,
  };
}

const candidate = (services: string[], emergency = false) => ({ key: 'RFC-1', services, emergency });
const saturdayNight = win('2026-12-05T22:00Z', '2026-12-06T02:00Z');
const patchDb = rfc('RFC-7', ['db'], saturdayNight, { title: 'Patch db cluster' });
const saturdayLondon: MaintenanceWindow = {
  id: 1,
  service: null,
  rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22',
  durationMinutes: 240,
  timezone: 'Europe/London',
};
const freeze: BlackoutWindow = { id: 9, start: d('2026-12-20T00:00Z'), end: d('2027-01-04T00:00Z'), reason: 'Year-end freeze' };

describe('findConflicts: overlap', () => {
  it('reports another change on a shared service with an overlapping window', () => {
    const conflicts = findConflicts(candidate(['db']), win('2026-12-06T01:00Z', '2026-12-06T03:00Z'), ctx({ others: [patchDb] }));
    expect(conflicts).toEqual([
      {
        kind: 'overlap',
        needs: 'ack',
        message: 'RFC-7 (Patch db cluster) also changes db from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC',
        otherRfcKey: 'RFC-7',
        service: 'db',
      },
    ]);
  });

  it('names every shared service once, in the display zone', () => {
    const other = rfc('RFC-8', ['db', 'mail'], saturdayNight, { title: 'Move racks' });
    const conflicts = findConflicts(candidate(['mail', 'db']), saturdayNight, ctx({ others: [other], displayZone: 'America/New_York' }));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.message).toBe('RFC-8 (Move racks) also changes mail and db from Sat 5 Dec 17:00 to Sat 5 Dec 21:00 EST');
  });

  it('ignores back-to-back windows, other services, the candidate itself, and RFCs not approved/scheduled/implementing', () => {
    const c = ctx({
      others: [
        patchDb,
        rfc('RFC-1', ['db'], win('2026-12-06T02:00Z', '2026-12-06T04:00Z')), // the candidate's own stored row
        rfc('RFC-20', ['mail'], win('2026-12-06T02:00Z', '2026-12-06T04:00Z')),
        ...(['draft', 'awaiting_approval', 'implemented', 'closed', 'cancelled'] as RfcState[]).map((state, i) =>
          rfc(`RFC-3${i}`, ['db'], win('2026-12-06T02:00Z', '2026-12-06T04:00Z'), { state }),
        ),
        rfc('RFC-40', ['db'], null, { state: 'approved' }),
      ],
    });
    expect(findConflicts(candidate(['db']), win('2026-12-06T02:00Z', '2026-12-06T04:00Z'), c)).toEqual([]);
  });

  it('counts approved and implementing RFCs as occupying their window', () => {
    const c = ctx({
      others: [rfc('RFC-50', ['db'], saturdayNight, { state: 'approved' }), rfc('RFC-51', ['db'], saturdayNight, { state: 'implementing' })],
    });
    expect(findConflicts(candidate(['db']), saturdayNight, c).map((x) => x.otherRfcKey)).toEqual(['RFC-50', 'RFC-51']);
  });
});

describe('findConflicts: dependency', () => {
  it('reports a change to a service ours depends on, transitively, naming the chain', () => {
    const conflicts = findConflicts(candidate(['web']), saturdayNight, ctx({ others: [patchDb] }));
    expect(conflicts).toEqual([
      {
        kind: 'dependency',
        needs: 'ack',
        message: 'RFC-7 (Patch db cluster) changes db, which web depends on (web → app → db), from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC',
        otherRfcKey: 'RFC-7',
        service: 'db',
      },
    ]);
  });

  it('reports a change to a service that depends on ours', () => {
    const other = rfc('RFC-9', ['web'], saturdayNight, { title: 'Deploy web' });
    const conflicts = findConflicts(candidate(['db']), saturdayNight, ctx({ others: [other] }));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'dependency', needs: 'ack', otherRfcKey: 'RFC-9', service: 'web' });
    expect(conflicts[0]!.message).toContain('RFC-9 (Deploy web) changes web, which depends on db (web → app → db)');
  });

  it('ignores unrelated services and dependent changes at other times', () => {
    const c = ctx({ others: [patchDb] });
    expect(findConflicts(candidate(['mail']), saturdayNight, c)).toEqual([]);
    expect(findConflicts(candidate(['web']), win('2026-12-06T02:00Z', '2026-12-06T03:00Z'), c)).toEqual([]);
  });

  it('terminates on a dependency cycle and still finds the chain', () => {
    const services = [svc('a', ['b']), svc('b', ['c']), svc('c', ['a']), svc('loop', ['loop']), svc('x')];
    const other = rfc('RFC-11', ['c'], saturdayNight);
    const conflicts = findConflicts(candidate(['a']), saturdayNight, ctx({ services, others: [other] }));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.kind).toBe('dependency');
    // a depends on c via a → b → c, but c depends on a directly: the shorter chain is named.
    expect(conflicts[0]!.message).toContain('changes c, which depends on a (c → a)');
    const self = rfc('RFC-12', ['loop'], saturdayNight);
    expect(findConflicts(candidate(['x']), saturdayNight, ctx({ services, others: [other, self] }))).toEqual([]);
  });

  it('names a longer chain through a cycle', () => {
    const services = [svc('a', ['b']), svc('b', ['c']), svc('c', ['d']), svc('d', ['b'])];
    const other = rfc('RFC-13', ['d'], saturdayNight);
    const conflicts = findConflicts(candidate(['a']), saturdayNight, ctx({ services, others: [other] }));
    expect(conflicts.map((x) => x.kind)).toEqual(['dependency']);
    expect(conflicts[0]!.message).toContain('which a depends on (a → b → c → d)');
  });

  it('reports a shared service as an overlap only, not also as a dependency', () => {
    const other = rfc('RFC-14', ['db', 'web'], saturdayNight);
    const conflicts = findConflicts(candidate(['db']), saturdayNight, ctx({ others: [other] }));
    expect(conflicts.map((x) => x.kind)).toEqual(['overlap']);
  });
});

describe('findConflicts: blackout', () => {
  const inFreeze = win('2026-12-24T10:00Z', '2026-12-24T11:00Z');

  it('needs an acknowledgement for a normal change, naming the reason', () => {
    expect(findConflicts(candidate(['mail']), inFreeze, ctx({ blackouts: [freeze] }))).toEqual([
      {
        kind: 'blackout',
        needs: 'ack',
        message: 'The window overlaps the blackout from Sun 20 Dec 00:00 to Mon 4 Jan 00:00 UTC (Year-end freeze); only emergency changes may run then',
        blackoutId: 9,
      },
    ]);
  });

  it('needs only a reason for an emergency change', () => {
    const conflicts = findConflicts(candidate(['mail'], true), inFreeze, ctx({ blackouts: [freeze] }));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'blackout', needs: 'reason', blackoutId: 9 });
    expect(conflicts[0]!.message).toContain('Year-end freeze');
  });

  it('ignores blackouts that do not overlap, and omits a missing reason', () => {
    expect(findConflicts(candidate(['mail']), win('2026-12-19T22:00Z', '2026-12-20T00:00Z'), ctx({ blackouts: [freeze] }))).toEqual([]);
    const [c] = findConflicts(candidate(['mail']), inFreeze, ctx({ blackouts: [{ ...freeze, reason: null }] }));
    expect(c!.message).not.toContain('(');
  });
});

describe('findConflicts: outside-maintenance', () => {
  it('needs a reason and names the service and the next window in the display zone', () => {
    const conflicts = findConflicts(
      candidate(['db']),
      win('2026-12-07T10:00Z', '2026-12-07T11:00Z'),
      ctx({ maintenance: [saturdayLondon], displayZone: 'Europe/London' }),
    );
    expect(conflicts).toEqual([
      {
        kind: 'outside-maintenance',
        needs: 'reason',
        message: 'The window is outside the maintenance windows for db; the next one starts Sat 12 Dec 22:00 GMT',
        service: 'db',
      },
    ]);
  });

  it('is clean inside a maintenance window and for services without windows', () => {
    const dbOnly: MaintenanceWindow = { ...saturdayLondon, service: 'db' };
    expect(findConflicts(candidate(['db']), win('2026-12-05T22:30Z', '2026-12-06T01:30Z'), ctx({ maintenance: [dbOnly] }))).toEqual([]);
    expect(findConflicts(candidate(['mail']), win('2026-12-07T10:00Z', '2026-12-07T11:00Z'), ctx({ maintenance: [dbOnly] }))).toEqual([]);
  });

  it('reports each restricted service separately', () => {
    const conflicts = findConflicts(candidate(['db', 'mail']), win('2026-12-07T10:00Z', '2026-12-07T11:00Z'), ctx({ maintenance: [saturdayLondon] }));
    expect(conflicts.map((c) => [c.kind, c.service])).toEqual([
      ['outside-maintenance', 'db'],
      ['outside-maintenance', 'mail'],
    ]);
  });
});

describe('nextFreeSlot', () => {
  it('rounds `after` up to the next 15 minutes when nothing is in the way', () => {
    expect(nextFreeSlot(['db'], 60, d('2026-12-01T10:07:30Z'), ctx())).toEqual(win('2026-12-01T10:15Z', '2026-12-01T11:15Z'));
    expect(nextFreeSlot(['db'], 60, d('2026-12-01T10:00Z'), ctx())).toEqual(win('2026-12-01T10:00Z', '2026-12-01T11:00Z'));
  });

  it('skips busy windows on the same service and on dependencies, not on unrelated services', () => {
    const others = [
      rfc('RFC-2', ['db'], win('2026-12-01T10:00Z', '2026-12-01T12:00Z')),
      rfc('RFC-3', ['app'], win('2026-12-01T12:30Z', '2026-12-01T13:10Z')),
      rfc('RFC-4', ['mail'], win('2026-12-01T13:15Z', '2026-12-01T20:00Z')),
    ];
    // 12:00-12:30 is too short for an hour; after 13:10 the next quarter is 13:15.
    expect(nextFreeSlot(['db'], 60, d('2026-12-01T10:00Z'), ctx({ others }))).toEqual(win('2026-12-01T13:15Z', '2026-12-01T14:15Z'));
    expect(nextFreeSlot(['db'], 30, d('2026-12-01T10:00Z'), ctx({ others }))).toEqual(win('2026-12-01T12:00Z', '2026-12-01T12:30Z'));
  });

  it('skips blackouts unless the change is an emergency', () => {
    const after = d('2026-12-21T09:00Z');
    expect(nextFreeSlot(['db'], 60, after, ctx({ blackouts: [freeze] }))).toEqual(win('2027-01-04T00:00Z', '2027-01-04T01:00Z'));
    expect(nextFreeSlot(['db'], 60, after, { ...ctx({ blackouts: [freeze] }), emergency: true })).toEqual(win('2026-12-21T09:00Z', '2026-12-21T10:00Z'));
  });

  it('returns null when nothing fits in the horizon', () => {
    const after = d('2026-12-21T09:00Z');
    expect(nextFreeSlot(['db'], 60, after, { ...ctx({ blackouts: [freeze] }), horizonDays: 7 })).toBeNull();
    // Longer than any maintenance occurrence.
    expect(nextFreeSlot(['db'], 300, after, ctx({ maintenance: [saturdayLondon] }))).toBeNull();
  });

  it('uses maintenance occurrences, in their own zone, and skips busy ones', () => {
    const c = ctx({ maintenance: [saturdayLondon] });
    // Wed 21 Oct 2026 -> Sat 24 Oct 22:00 BST = 21:00Z.
    expect(nextFreeSlot(['db'], 120, d('2026-10-21T09:00Z'), c)).toEqual(win('2026-10-24T21:00Z', '2026-10-24T23:00Z'));
    // That one is taken: the next is Sat 31 Oct 22:00 GMT = 22:00Z.
    const busy = { ...c, others: [rfc('RFC-5', ['db'], win('2026-10-24T21:00Z', '2026-10-25T00:30Z'))] };
    expect(nextFreeSlot(['db'], 120, d('2026-10-21T09:00Z'), busy)).toEqual(win('2026-10-31T22:00Z', '2026-11-01T00:00Z'));
    // Starting mid-occurrence with enough time left.
    expect(nextFreeSlot(['db'], 60, d('2026-10-24T22:50Z'), c)).toEqual(win('2026-10-24T23:00Z', '2026-10-25T00:00Z'));
  });

  it('needs a time inside the windows of every restricted service', () => {
    const dbSunday: MaintenanceWindow = { id: 2, service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=1', durationMinutes: 180, timezone: 'UTC' };
    const dbOnlySaturday: MaintenanceWindow = { ...saturdayLondon, id: 3, service: 'db' };
    const mailMorning: MaintenanceWindow = { id: 4, service: 'mail', rrule: 'FREQ=DAILY;BYHOUR=0', durationMinutes: 150, timezone: 'UTC' };
    const c = ctx({ maintenance: [dbSunday, dbOnlySaturday, mailMorning] });
    // db: Sat 22:00-Sun 02:00 GMT and Sun 01:00-04:00 UTC (merged 22:00-04:00); mail: daily 00:00-02:30.
    expect(nextFreeSlot(['db', 'mail'], 120, d('2026-12-01T09:00Z'), c)).toEqual(win('2026-12-06T00:00Z', '2026-12-06T02:00Z'));
    // web has no windows, so it adds no restriction.
    expect(nextFreeSlot(['db', 'web'], 300, d('2026-12-01T09:00Z'), c)).toEqual(win('2026-12-05T22:00Z', '2026-12-06T03:00Z'));
  });

  it('returns a slot findConflicts finds free of acknowledgements and maintenance conflicts', () => {
    const c = ctx({ maintenance: [saturdayLondon], blackouts: [freeze], others: [patchDb] });
    const slot = nextFreeSlot(['web'], 180, d('2026-12-03T00:00Z'), c);
    expect(slot).toEqual(win('2026-12-12T22:00Z', '2026-12-13T01:00Z'));
    const conflicts = findConflicts(candidate(['web']), slot!, c);
    expect(conflicts.filter((x) => x.needs === 'ack' || x.kind === 'outside-maintenance')).toEqual([]);
  });

  it('refuses a non-positive duration', () => {
    expect(() => nextFreeSlot(['db'], 0, d('2026-12-01T10:00Z'), ctx())).toThrow(ChangebotError);
  });

  it('never overlaps a busy window of the same service and starts at or after `after` (property)', () => {
    const base = d('2026-06-01T00:00Z').getTime();
    const busyArb = fc.record({
      service: fc.constantFrom('db', 'mail'),
      startMin: fc.integer({ min: 0, max: 14 * 24 * 60 }),
      lengthMin: fc.integer({ min: 1, max: 12 * 60 }),
    });
    fc.assert(
      fc.property(
        fc.array(busyArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 * 60 }),
        fc.integer({ min: 1, max: 8 * 60 }),
        (busy, afterSec, duration) => {
          const others = busy.map((b, i) =>
            rfc(`RFC-${100 + i}`, [b.service], {
              start: new Date(base + b.startMin * MIN),
              end: new Date(base + (b.startMin + b.lengthMin) * MIN),
            }),
          );
          const after = new Date(base + afterSec * 1000);
          const c = ctx({ others });
          const slot = nextFreeSlot(['db'], duration, after, c);
          expect(slot).not.toBeNull();
          expect(slot!.start.getTime()).toBeGreaterThanOrEqual(after.getTime());
          expect(slot!.end.getTime() - slot!.start.getTime()).toBe(duration * MIN);
          for (const o of others) {
            if (o.services.includes('db')) expect(overlaps(slot!, o.window!)).toBe(false);
          }
          expect(findConflicts(candidate(['db']), slot!, c).filter((x) => x.needs === 'ack')).toEqual([]);
          // Earliest: every earlier quarter-hour start at or after `after` is blocked.
          for (let t = slot!.start.getTime() - 15 * MIN; t >= after.getTime(); t -= 15 * MIN) {
            const earlier = { start: new Date(t), end: new Date(t + duration * MIN) };
            expect(others.some((o) => o.services.includes('db') && overlaps(earlier, o.window!))).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays inside maintenance windows for random busy windows (property)', () => {
    const daily: MaintenanceWindow = { id: 1, service: 'db', rrule: 'FREQ=DAILY;BYHOUR=1', durationMinutes: 240, timezone: 'Europe/London' };
    const base = d('2026-10-20T00:00Z').getTime();
    fc.assert(
      fc.property(
        fc.array(fc.record({ startMin: fc.integer({ min: 0, max: 10 * 24 * 60 }), lengthMin: fc.integer({ min: 1, max: 600 }) }), {
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 10 * 24 * 60 }),
        fc.integer({ min: 1, max: 240 }),
        (busy, afterMin, duration) => {
          const others = busy.map((b, i) =>
            rfc(`RFC-${200 + i}`, ['db'], {
              start: new Date(base + b.startMin * MIN),
              end: new Date(base + (b.startMin + b.lengthMin) * MIN),
            }),
          );
          const c = ctx({ others, maintenance: [daily] });
          const after = new Date(base + afterMin * MIN);
          const slot = nextFreeSlot(['db'], duration, after, c);
          expect(slot).not.toBeNull();
          expect(slot!.start.getTime()).toBeGreaterThanOrEqual(after.getTime());
          const blocking = findConflicts(candidate(['db']), slot!, c).filter((x) => x.needs === 'ack' || x.kind === 'outside-maintenance');
          expect(blocking).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('findConflicts: a window that overlaps many changes (issue 11)', () => {
  it('names the first 25 clashes and counts the rest in one more conflict that needs the same acknowledgement', () => {
    const others = Array.from({ length: 40 }, (_, i) => rfc(`RFC-${100 + i}`, ['db'], saturdayNight, { title: `Patch ${i}` }));
    const found = findConflicts(candidate(['db']), saturdayNight, ctx({ others }));
    expect(found).toHaveLength(26);
    expect(found.slice(0, 25).map((c) => c.otherRfcKey)).toEqual(others.slice(0, 25).map((o) => o.key));
    expect(found[25]).toEqual({
      kind: 'overlap',
      needs: 'ack',
      message: '15 more changes on these services, or on services they depend on or that depend on them, overlap the window',
    });
  });
});

describe('relatedServices', () => {
  it('is the services, what they depend on and what depends on them, through chains', () => {
    const catalogue = [svc('web', ['api']), svc('api', ['db']), svc('db'), svc('batch', ['db']), svc('mail')];
    expect(relatedServices(catalogue, ['api']).sort()).toEqual(['api', 'db', 'web']);
    expect(relatedServices(catalogue, ['db']).sort()).toEqual(['api', 'batch', 'db', 'web']);
    expect(relatedServices(catalogue, ['mail'])).toEqual(['mail']);
  });
});
