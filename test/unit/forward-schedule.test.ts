/**
 * The forward schedule's pure model: the days of week and month grids (across month and year
 * boundaries, and the 23- and 25-hour days of Europe/London's clock changes), where items and
 * shading fall on each day, the colour classes by state, risk and conflict, and the clear
 * refusals of bad parameters. Expected values are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  type ScheduleItem,
  calendarGrid,
  dayOf,
  itemClasses,
  layOut,
  parseDay,
  parseStates,
  parseView,
  parseZone,
  shadesIn,
} from '../../src/domain/forward-schedule.js';
import type { MaintenanceWindow } from '../../src/domain/types.js';

const d = (iso: string) => new Date(iso);
const NOW = d('2026-12-09T10:00:00Z');
const grid = (view: 'week' | 'month', date: string, zone = 'UTC', now = NOW) => calendarGrid(view, parseDay(date, zone), zone, now);

function item(over: Partial<ScheduleItem> = {}): ScheduleItem {
  return {
    kind: 'rfc',
    key: 'RFC-1',
    href: '/rfc/RFC-1',
    title: 'Patch db',
    state: 'scheduled',
    risk: null,
    window: { start: d('2026-12-09T22:00:00Z'), end: d('2026-12-10T02:00:00Z') },
    services: ['db'],
    conflicts: [],
    ...over,
  };
}

describe('the grid', () => {
  it('a week runs Monday to Sunday around the day asked, with prev/next a week away and today marked', () => {
    const g = grid('week', '2026-12-09');
    expect(g.days.map((x) => x.date)).toEqual(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-12', '2026-12-13']);
    expect(g.days.map((x) => x.label)).toEqual(['Mon 7 Dec', 'Tue 8 Dec', 'Wed 9 Dec', 'Thu 10 Dec', 'Fri 11 Dec', 'Sat 12 Dec', 'Sun 13 Dec']);
    expect(g.title).toBe('7 – 13 December 2026');
    expect([g.prev, g.next, g.today]).toEqual(['2026-12-02', '2026-12-16', '2026-12-09']);
    expect(g.days.filter((x) => x.today).map((x) => x.date)).toEqual(['2026-12-09']);
    expect(g.days.filter((x) => x.weekend).map((x) => x.date)).toEqual(['2026-12-12', '2026-12-13']);
    expect(g.range).toEqual({ start: d('2026-12-07T00:00:00Z'), end: d('2026-12-14T00:00:00Z') });
  });

  it('a week across a year boundary says both years', () => {
    const g = grid('week', '2026-12-31');
    expect(g.days.map((x) => x.date)).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
    expect(g.title).toBe('28 December 2026 – 3 January 2027');
    expect(g.days.every((x) => x.inMonth)).toBe(true);
  });

  it('a month shows whole weeks: March 2026 from Monday 23 February to Sunday 5 April, the other months’ days marked', () => {
    const g = grid('month', '2026-03-15');
    expect(g.days).toHaveLength(42);
    expect(g.days[0]?.date).toBe('2026-02-23');
    expect(g.days[41]?.date).toBe('2026-04-05');
    expect(g.days.filter((x) => !x.inMonth).map((x) => x.date)).toEqual([
      '2026-02-23',
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
      '2026-04-01',
      '2026-04-02',
      '2026-04-03',
      '2026-04-04',
      '2026-04-05',
    ]);
    expect(g.title).toBe('March 2026');
    expect([g.prev, g.next]).toEqual(['2026-02-15', '2026-04-15']);
  });

  it('a month that starts on a Monday and ends on a Sunday has exactly its own days (February 2027)', () => {
    const g = grid('month', '2027-02-10');
    expect(g.days).toHaveLength(28);
    expect([g.days[0]?.date, g.days[27]?.date]).toEqual(['2027-02-01', '2027-02-28']);
    expect(g.days.every((x) => x.inMonth)).toBe(true);
  });

  it('in Europe/London the spring-forward day lasts 23 hours and the fall-back day 25, midnight to midnight local', () => {
    const spring = grid('week', '2026-03-29', 'Europe/London');
    const sunday = spring.days[6]!;
    expect(sunday.date).toBe('2026-03-29');
    expect(sunday.window).toEqual({ start: d('2026-03-29T00:00:00Z'), end: d('2026-03-29T23:00:00Z') });
    expect(spring.days[0]?.window.start).toEqual(d('2026-03-23T00:00:00Z'));
    expect(spring.range.end).toEqual(d('2026-03-29T23:00:00Z'));
    const autumn = grid('week', '2026-10-25', 'Europe/London');
    const back = autumn.days[6]!;
    expect(back.date).toBe('2026-10-25');
    expect(back.window).toEqual({ start: d('2026-10-24T23:00:00Z'), end: d('2026-10-26T00:00:00Z') });
    // A month across the change: March 2026's first day in the grid starts at GMT midnight, its last (5 April) ends at BST midnight.
    const march = grid('month', '2026-03-01', 'Europe/London');
    expect(march.range).toEqual({ start: d('2026-02-23T00:00:00Z'), end: d('2026-04-05T23:00:00Z') });
  });

  it('today is the viewer’s day: 23:30 UTC on 9 December is already the 10th in Auckland', () => {
    expect(dayOf(d('2026-12-09T23:30:00Z'), 'Pacific/Auckland').toFormat('yyyy-LL-dd')).toBe('2026-12-10');
    expect(grid('week', '2026-12-10', 'Pacific/Auckland', d('2026-12-09T23:30:00Z')).today).toBe('2026-12-10');
  });
});

describe('items on days', () => {
  it('a change over midnight shows on both days: from 22:00 on the first, until 02:00 on the next', () => {
    const cells = layOut(grid('week', '2026-12-09'), [item()], []);
    const wed = cells.find((c) => c.date === '2026-12-09')!;
    const thu = cells.find((c) => c.date === '2026-12-10')!;
    expect(wed.entries.map((e) => [e.item.key, e.from, e.to, e.left, e.width])).toEqual([['RFC-1', '22:00', null, 91.7, 8.3]]);
    expect(thu.entries.map((e) => [e.item.key, e.from, e.to, e.left, e.width])).toEqual([['RFC-1', null, '02:00', 0, 8.3]]);
    expect(cells.filter((c) => c.entries.length).map((c) => c.date)).toEqual(['2026-12-09', '2026-12-10']);
    expect(cells.find((c) => c.date === '2026-12-07')?.classes).toEqual(['day', 'empty']);
  });

  it('local times in the viewer’s zone, on a 23-hour day too (02:00–03:00 BST is 01:00–02:00 UTC on 29 March)', () => {
    const change = item({ window: { start: d('2026-03-29T01:00:00Z'), end: d('2026-03-29T02:00:00Z') } });
    const cells = layOut(grid('week', '2026-03-29', 'Europe/London'), [change], []);
    const sunday = cells.find((c) => c.date === '2026-03-29')!;
    // 01:00 UTC is one hour after local midnight (00:00 GMT); the day is 23 hours long.
    expect(sunday.entries.map((e) => [e.from, e.to, e.left, e.width])).toEqual([['02:00', '03:00', 4.3, 4.3]]);
  });

  it('items of a day come in start order', () => {
    const later = item({ key: 'RFC-2', window: { start: d('2026-12-09T12:00:00Z'), end: d('2026-12-09T13:00:00Z') } });
    const earlier = item({
      key: 'REL-1',
      kind: 'wave',
      state: 'planned',
      wave: 1,
      window: { start: d('2026-12-09T08:00:00Z'), end: d('2026-12-09T09:00:00Z') },
    });
    const wed = layOut(grid('week', '2026-12-09'), [item(), later, earlier], []).find((c) => c.date === '2026-12-09')!;
    expect(wed.entries.map((e) => e.item.key)).toEqual(['REL-1', 'RFC-2', 'RFC-1']);
  });
});

describe('colours', () => {
  it('classes say kind, state, risk and conflict', () => {
    expect(itemClasses(item({ risk: 'high', conflicts: [{ message: 'x', needs: 'ack' }] }))).toEqual([
      'item',
      'kind-rfc',
      'state-scheduled',
      'risk-high',
      'conflict',
    ]);
    expect(itemClasses(item({ state: 'implementing', risk: 'low' }))).toEqual(['item', 'kind-rfc', 'state-implementing', 'risk-low']);
    expect(itemClasses(item({ kind: 'wave', state: 'deploying', risk: null }))).toEqual(['item', 'kind-wave', 'state-deploying', 'risk-none']);
  });

  it('each entry of a day carries its classes', () => {
    const wed = layOut(grid('week', '2026-12-09'), [item({ risk: 'medium' })], []).find((c) => c.date === '2026-12-09')!;
    expect(wed.entries[0]?.classes).toEqual(['item', 'kind-rfc', 'state-scheduled', 'risk-medium']);
  });
});

describe('shading', () => {
  const db: MaintenanceWindow = { id: 1, service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22', durationMinutes: 120, timezone: 'Europe/London' };
  const all: MaintenanceWindow = { id: 2, service: null, rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=6', durationMinutes: 60, timezone: 'UTC' };
  const freeze = { start: d('2026-12-10T00:00:00Z'), end: d('2026-12-12T00:00:00Z'), reason: 'Year-end freeze' };

  it('expands maintenance windows and lists blackouts over the range, labelled, earliest first', () => {
    const g = grid('week', '2026-12-09');
    const shades = shadesIn([db, all], [freeze], g.range);
    expect(shades.map((s) => [s.kind, s.label, s.window.start.toISOString(), s.window.end.toISOString()])).toEqual([
      ['maintenance', 'Maintenance · all services', '2026-12-08T06:00:00.000Z', '2026-12-08T07:00:00.000Z'],
      ['blackout', 'Blackout · Year-end freeze', '2026-12-10T00:00:00.000Z', '2026-12-12T00:00:00.000Z'],
      ['maintenance', 'Maintenance · db', '2026-12-12T22:00:00.000Z', '2026-12-13T00:00:00.000Z'],
    ]);
  });

  it('with a service filter keeps the global windows and that service’s own, and every blackout', () => {
    const g = grid('week', '2026-12-09');
    expect(shadesIn([db, all], [freeze], g.range, ['mail']).map((s) => s.label)).toEqual(['Maintenance · all services', 'Blackout · Year-end freeze']);
    expect(shadesIn([db, all], [freeze], g.range, ['db']).map((s) => s.label)).toEqual([
      'Maintenance · all services',
      'Blackout · Year-end freeze',
      'Maintenance · db',
    ]);
  });

  it('a window at 22:00 London stays at 22:00 local across the clock change (21:00 UTC in BST, 22:00 UTC in GMT)', () => {
    const g = grid('month', '2026-10-15', 'Europe/London');
    const starts = shadesIn([db], [], g.range).map((s) => s.window.start.toISOString());
    expect(starts).toEqual([
      '2026-10-03T21:00:00.000Z',
      '2026-10-10T21:00:00.000Z',
      '2026-10-17T21:00:00.000Z',
      '2026-10-24T21:00:00.000Z',
      '2026-10-31T22:00:00.000Z',
    ]);
    const cells = layOut(g, [], shadesIn([db], [], g.range));
    for (const date of ['2026-10-24', '2026-10-31']) {
      const sat = cells.find((c) => c.date === date)!;
      // Two hours from 22:00 end at the next midnight: on the Saturday only.
      expect(sat.shades.map((s) => [s.from, s.to, s.left, s.width])).toEqual([['22:00', '00:00', 91.7, 8.3]]);
      expect(sat.classes).toContain('shaded-maintenance');
    }
    expect(cells.find((c) => c.date === '2026-10-25')?.shades).toEqual([]);
  });

  it('shades the days a blackout covers, all day in the middle, and marks them', () => {
    const g = grid('week', '2026-12-09');
    const cells = layOut(g, [], shadesIn([], [{ ...freeze, start: d('2026-12-09T12:00:00Z'), end: d('2026-12-11T06:00:00Z') }], g.range));
    const shaded = cells.filter((c) => c.classes.includes('shaded-blackout'));
    expect(shaded.map((c) => [c.date, c.shades[0]?.from, c.shades[0]?.to, c.shades[0]?.allDay, c.shades[0]?.left, c.shades[0]?.width])).toEqual([
      ['2026-12-09', '12:00', null, false, 50, 50],
      ['2026-12-10', null, null, true, 0, 100],
      ['2026-12-11', null, '06:00', false, 0, 25],
    ]);
    // Exactly midnight to midnight is all day too.
    const exact = layOut(g, [], shadesIn([], [{ ...freeze, end: d('2026-12-11T00:00:00Z') }], g.range)).find((c) => c.date === '2026-12-10')!;
    expect(exact.shades.map((s) => [s.from, s.to, s.allDay])).toEqual([['00:00', '00:00', true]]);
    expect(shaded[0]?.shades[0]?.cls).toBe('shade-blackout');
    expect(cells.find((c) => c.date === '2026-12-12')?.classes).toEqual(['day', 'weekend', 'empty']);
  });
});

describe('parameters', () => {
  it('refuses a bad day, view, zone or state, saying how to write it', () => {
    expect(() => parseDay('2026-02-30', 'UTC')).toThrow('date=2026-02-30 is not a day. Write it as YYYY-MM-DD, e.g. date=2026-12-07.');
    expect(() => parseDay('tomorrow', 'UTC')).toThrow('date=tomorrow is not a day');
    expect(() => parseView('year')).toThrow('view=year is not a calendar view. Use view=week or view=month.');
    expect(() => parseZone('Mars/Olympus')).toThrow('tz=Mars/Olympus is not a time zone. Use an IANA name such as tz=Europe/London');
    expect(() => parseStates(['scheduled', 'draft'])).toThrow(
      'state=draft is not a state the calendar shows. Use one or more of: awaiting_approval, approved, scheduled, implementing, planned, deploying.',
    );
    expect(parseStates(['scheduled', 'planned', 'scheduled'])).toEqual(['scheduled', 'planned']);
    expect(parseZone('America/New_York')).toBe('America/New_York');
  });
});
