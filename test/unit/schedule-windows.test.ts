import { describe, it, expect } from 'vitest';
import { parseDate } from '../../src/commands/dates.js';
import { ChangebotError } from '../../src/domain/errors.js';
import type { MaintenanceWindow, Window } from '../../src/domain/types.js';
import { formatRange, insideMaintenance, maintenanceOccurrences, mergeIntervals, overlaps, validateRrule } from '../../src/domain/schedule.js';
import { expandWindow, wallClock } from '../../src/domain/windows.js';

const d = (iso: string): Date => new Date(iso);
const win = (start: string, end: string): Window => ({ start: d(start), end: d(end) });
const iso = (w: Window[]): string[] => w.map((o) => `${o.start.toISOString()}/${o.end.toISOString()}`);

const saturdayLondon: MaintenanceWindow = {
  id: 1,
  service: null,
  rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22',
  durationMinutes: 240,
  timezone: 'Europe/London',
};

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('overlaps', () => {
  it('treats windows as half-open', () => {
    expect(overlaps(win('2026-01-01T10:00Z', '2026-01-01T11:00Z'), win('2026-01-01T10:30Z', '2026-01-01T12:00Z'))).toBe(true);
    expect(overlaps(win('2026-01-01T10:00Z', '2026-01-01T11:00Z'), win('2026-01-01T11:00Z', '2026-01-01T12:00Z'))).toBe(false);
    expect(overlaps(win('2026-01-01T11:00Z', '2026-01-01T12:00Z'), win('2026-01-01T10:00Z', '2026-01-01T11:00Z'))).toBe(false);
    expect(overlaps(win('2026-01-01T09:00Z', '2026-01-01T13:00Z'), win('2026-01-01T10:00Z', '2026-01-01T11:00Z'))).toBe(true);
  });
});

describe('validateRrule', () => {
  it('accepts ordinary maintenance rules', () => {
    for (const rule of [
      'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22',
      'FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=22;BYMINUTE=30',
      'FREQ=MONTHLY;BYDAY=1SU;BYHOUR=3',
      'FREQ=DAILY;INTERVAL=2;BYHOUR=1;UNTIL=20271231T000000Z',
      'RRULE:FREQ=WEEKLY;BYDAY=TU',
      'freq=weekly;byday=sa;byhour=22',
      'FREQ=DAILY;BYHOUR=3;BYMINUTE=0;BYSECOND=0',
    ]) {
      expect(() => validateRrule(rule), rule).not.toThrow();
    }
  });

  it('refuses bad rules with a bad_value error naming the field and an example', () => {
    for (const rule of [
      '',
      'garbage',
      'FOO=BAR',
      'FREQ=SOMETIMES',
      'BYHOUR=22',
      'FREQ=WEEKLY;BYHOUR=25',
      'FREQ=WEEKLY;BYDAY=XX',
      'FREQ=WEEKLY;BYMINUTE=60',
      'FREQ=WEEKLY;INTERVAL=0',
      'FREQ=WEEKLY;COUNT=3',
      'FREQ=WEEKLY;FREQ=DAILY',
      'DTSTART=20260101T000000Z;FREQ=WEEKLY',
      'FREQ=MINUTELY',
      'FREQ=HOURLY;BYSECOND=30',
      'FREQ=HOURLY;BYSECOND=0,1,2',
    ]) {
      const e = catchError(() => validateRrule(rule));
      expect(e, rule).toBeInstanceOf(ChangebotError);
      const err = e as ChangebotError;
      expect(err.code).toBe('bad_value');
      expect(err.details).toEqual({ field: 'rrule', example: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22' });
      expect(err.message).toContain(`The maintenance window rule "${rule}" is not a valid RRULE: `);
      expect(err.message).toContain('Example: FREQ=WEEKLY;BYDAY=SA;BYHOUR=22');
    }
  });

  it('is applied when expanding a stored window, and so is the time zone', () => {
    const bad = catchError(() =>
      maintenanceOccurrences([{ ...saturdayLondon, rrule: 'FREQ=WEEKLY;BYDAY=XX' }], null, d('2026-01-01T00:00Z'), d('2026-02-01T00:00Z')),
    );
    expect(bad).toBeInstanceOf(ChangebotError);
    expect((bad as ChangebotError).details.field).toBe('rrule');
    const zone = catchError(() =>
      maintenanceOccurrences([{ ...saturdayLondon, timezone: 'Mars/Olympus' }], null, d('2026-01-01T00:00Z'), d('2026-02-01T00:00Z')),
    );
    expect(zone).toBeInstanceOf(ChangebotError);
    expect((zone as ChangebotError).code).toBe('bad_value');
    expect((zone as ChangebotError).details.field).toBe('timezone');
  });
});

describe('maintenanceOccurrences across DST (Saturday 22:00 Europe/London, 4 h)', () => {
  it('stays at 22:00 local when the clocks go forward (Sun 29 Mar 2026)', () => {
    const occ = maintenanceOccurrences([saturdayLondon], null, d('2026-03-20T00:00Z'), d('2026-04-10T00:00Z'));
    expect(iso(occ)).toEqual([
      '2026-03-21T22:00:00.000Z/2026-03-22T02:00:00.000Z', // GMT
      '2026-03-28T22:00:00.000Z/2026-03-29T02:00:00.000Z', // still GMT on the Saturday
      '2026-04-04T21:00:00.000Z/2026-04-05T01:00:00.000Z', // BST
    ]);
  });

  it('stays at 22:00 local when the clocks go back (Sun 25 Oct 2026); the duration is 4 real hours', () => {
    const occ = maintenanceOccurrences([saturdayLondon], null, d('2026-10-17T00:00Z'), d('2026-11-04T00:00Z'));
    expect(iso(occ)).toEqual([
      '2026-10-17T21:00:00.000Z/2026-10-18T01:00:00.000Z', // BST
      '2026-10-24T21:00:00.000Z/2026-10-25T01:00:00.000Z', // BST, ends after the change
      '2026-10-31T22:00:00.000Z/2026-11-01T02:00:00.000Z', // GMT
    ]);
  });

  it('counts a change at 22:30 local as inside on both sides of each change', () => {
    const twoHoursFrom = (start: string): Window => ({ start: d(start), end: new Date(d(start).getTime() + 2 * 3600_000) });
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-03-28T22:30Z'))).toBe(true); // 22:30 GMT
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-04-04T21:30Z'))).toBe(true); // 22:30 BST
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-10-24T21:30Z'))).toBe(true); // 22:30 BST
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-10-31T22:30Z'))).toBe(true); // 22:30 GMT
    // 21:30 local in winter is before the window opens.
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-10-31T21:30Z'))).toBe(false);
    // 21:30Z in summer is 22:30 BST, but the same UTC time in winter is 21:30 GMT.
    expect(insideMaintenance([saturdayLondon], ['db'], twoHoursFrom('2026-11-07T21:30Z'))).toBe(false);
  });

  it('includes an occurrence that started before `from` and excludes one starting at `to`', () => {
    const occ = maintenanceOccurrences([saturdayLondon], null, d('2026-10-25T00:00Z'), d('2026-10-31T22:00Z'));
    expect(iso(occ)).toEqual(['2026-10-24T21:00:00.000Z/2026-10-25T01:00:00.000Z']);
    expect(maintenanceOccurrences([saturdayLondon], null, d('2026-10-25T01:00Z'), d('2026-10-31T22:00Z'))).toEqual([]);
  });
});

describe('maintenanceOccurrences', () => {
  it('honours BYMINUTE and the window time zone', () => {
    const w: MaintenanceWindow = {
      id: 2,
      service: 'db',
      rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30',
      durationMinutes: 60,
      timezone: 'America/New_York',
    };
    expect(iso(maintenanceOccurrences([w], 'db', d('2026-07-01T00:00Z'), d('2026-07-02T00:00Z')))).toEqual([
      '2026-07-01T06:30:00.000Z/2026-07-01T07:30:00.000Z',
    ]);
    expect(iso(maintenanceOccurrences([w], 'db', d('2026-12-01T00:00Z'), d('2026-12-02T00:00Z')))).toEqual([
      '2026-12-01T07:30:00.000Z/2026-12-01T08:30:00.000Z',
    ]);
  });

  it('starts at 00:00 local when BYHOUR is absent', () => {
    const w: MaintenanceWindow = { id: 3, service: null, rrule: 'FREQ=WEEKLY;BYDAY=SU', durationMinutes: 60, timezone: 'Europe/Berlin' };
    expect(iso(maintenanceOccurrences([w], null, d('2026-07-01T00:00Z'), d('2026-07-08T00:00Z')))).toEqual([
      '2026-07-04T22:00:00.000Z/2026-07-04T23:00:00.000Z', // Sun 5 Jul 00:00 CEST
    ]);
  });

  it('gives global windows to every service and per-service windows only to their service', () => {
    const dbOnly: MaintenanceWindow = { id: 4, service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=WE;BYHOUR=3', durationMinutes: 60, timezone: 'UTC' };
    const from = d('2026-12-01T00:00Z');
    const to = d('2026-12-08T00:00Z');
    expect(maintenanceOccurrences([saturdayLondon, dbOnly], 'db', from, to)).toHaveLength(2);
    expect(maintenanceOccurrences([saturdayLondon, dbOnly], 'web', from, to)).toHaveLength(1);
    expect(maintenanceOccurrences([saturdayLondon, dbOnly], null, from, to)).toHaveLength(1);
    expect(maintenanceOccurrences([dbOnly], 'web', from, to)).toEqual([]);
  });

  it('expands INTERVAL rules with a phase that does not depend on the query range', () => {
    const fortnightly: MaintenanceWindow = { id: 5, service: null, rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;BYHOUR=22', durationMinutes: 60, timezone: 'UTC' };
    const wide = maintenanceOccurrences([fortnightly], null, d('2026-01-01T00:00Z'), d('2026-03-01T00:00Z'));
    const narrow = maintenanceOccurrences([fortnightly], null, d('2026-01-20T00:00Z'), d('2026-03-01T00:00Z'));
    expect(iso(wide.slice(0, 2))).toEqual(['2026-01-03T22:00:00.000Z/2026-01-03T23:00:00.000Z', '2026-01-17T22:00:00.000Z/2026-01-17T23:00:00.000Z']);
    expect(wide).toHaveLength(5);
    expect(iso(narrow)).toEqual(iso(wide.filter((o) => o.start >= d('2026-01-20T00:00Z'))));
    for (let i = 1; i < wide.length; i++) {
      expect(wide[i]!.start.getTime() - wide[i - 1]!.start.getTime()).toBe(14 * 86_400_000);
    }
  });
});

describe('insideMaintenance', () => {
  const dbSunday: MaintenanceWindow = { id: 6, service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=6', durationMinutes: 120, timezone: 'UTC' };

  it('is true for any window when no maintenance windows exist', () => {
    expect(insideMaintenance([], ['db', 'web'], win('2026-12-02T10:00Z', '2026-12-02T11:00Z'))).toBe(true);
  });

  it('leaves services without applicable windows unrestricted', () => {
    const tuesday = win('2026-12-01T10:00Z', '2026-12-01T11:00Z');
    expect(insideMaintenance([dbSunday], ['web'], tuesday)).toBe(true);
    expect(insideMaintenance([dbSunday], ['web', 'db'], tuesday)).toBe(false);
    expect(insideMaintenance([dbSunday], ['web', 'db'], win('2026-12-06T06:30Z', '2026-12-06T07:30Z'))).toBe(true);
  });

  it('combines global and per-service windows, and needs every listed service to be inside', () => {
    const windows = [saturdayLondon, dbSunday];
    const saturdayNight = win('2026-12-05T22:30Z', '2026-12-06T01:00Z');
    const sundayMorning = win('2026-12-06T06:15Z', '2026-12-06T07:45Z');
    expect(insideMaintenance(windows, ['db'], saturdayNight)).toBe(true); // global
    expect(insideMaintenance(windows, ['db'], sundayMorning)).toBe(true); // db's own
    expect(insideMaintenance(windows, ['web'], saturdayNight)).toBe(true);
    expect(insideMaintenance(windows, ['web'], sundayMorning)).toBe(false); // db's window is not web's
    expect(insideMaintenance(windows, ['db', 'web'], saturdayNight)).toBe(true);
    expect(insideMaintenance(windows, ['db', 'web'], sundayMorning)).toBe(false);
    // Running past the end of the occurrence is outside.
    expect(insideMaintenance(windows, ['db'], win('2026-12-05T23:00Z', '2026-12-06T02:30Z'))).toBe(false);
  });

  it('treats back-to-back occurrences as one continuous window', () => {
    const allDay: MaintenanceWindow = { id: 7, service: null, rrule: 'FREQ=DAILY', durationMinutes: 1440, timezone: 'UTC' };
    expect(insideMaintenance([allDay], ['db'], win('2026-12-01T22:00Z', '2026-12-02T02:00Z'))).toBe(true);
  });
});

describe('helpers', () => {
  it('merges overlapping and touching intervals', () => {
    const merged = mergeIntervals([
      win('2026-01-01T12:00Z', '2026-01-01T13:00Z'),
      win('2026-01-01T10:00Z', '2026-01-01T11:00Z'),
      win('2026-01-01T11:00Z', '2026-01-01T11:30Z'),
      win('2026-01-01T12:30Z', '2026-01-01T12:45Z'),
    ]);
    expect(iso(merged)).toEqual(['2026-01-01T10:00:00.000Z/2026-01-01T11:30:00.000Z', '2026-01-01T12:00:00.000Z/2026-01-01T13:00:00.000Z']);
  });

  it('formats ranges in the display zone', () => {
    expect(formatRange(win('2026-12-05T22:00Z', '2026-12-06T02:00Z'), 'UTC')).toBe('from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC');
    expect(formatRange(win('2026-07-04T21:00Z', '2026-07-04T23:00Z'), 'Europe/London')).toBe('from Sat 4 Jul 22:00 to Sun 5 Jul 00:00 BST');
    expect(formatRange(win('2026-10-24T21:00Z', '2026-10-25T01:00Z'), 'Europe/London')).toBe('from Sat 24 Oct 22:00 BST to Sun 25 Oct 01:00 GMT');
  });
});

describe('a window in the hour the clocks repeat', () => {
  it('starts at the first 01:30, the same instant a typed "01:30" means', () => {
    const daily: MaintenanceWindow = { id: 1, service: null, rrule: 'FREQ=DAILY;BYHOUR=1;BYMINUTE=30', durationMinutes: 60, timezone: 'Europe/London' };
    const night = { start: new Date('2026-10-24T12:00:00Z'), end: new Date('2026-10-25T12:00:00Z') };
    // UK clocks go back at 02:00 BST on Sun 25 Oct 2026: 01:30 happens at 00:30Z and at 01:30Z.
    expect(maintenanceOccurrences([daily], null, night.start, night.end).map((w) => w.start.toISOString())).toEqual(['2026-10-25T00:30:00.000Z']);
    const typed = parseDate('2026-10-25 01:30', { platform: 'cli', workspace: '', timezone: 'Europe/London', now: night.start }, 'start');
    expect(typed.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(insideMaintenance([daily], ['db'], { start: typed, end: new Date(typed.getTime() + 3_600_000) })).toBe(true);
  });
});

describe('bounded expansion (issue 11: one check costs a constant, whatever the rule)', () => {
  const minutes = Array.from({ length: 60 }, (_, i) => i).join(',');
  /** Occurrences a minute apart, each a minute long: continuous cover, as dense as a rule gets. */
  const everyMinute: MaintenanceWindow = { id: 20, service: null, rrule: `FREQ=HOURLY;BYMINUTE=${minutes}`, durationMinutes: 1, timezone: 'UTC' };

  it('stops at the cap: a window needing more occurrences than that counts as not covered', () => {
    expect(insideMaintenance([everyMinute], ['db'], win('2026-12-01T00:00Z', '2026-12-01T12:00Z'))).toBe(true);
    // Eight days of minutes is 11,520 occurrences, past the cap of 10,000: the safe answer.
    expect(insideMaintenance([everyMinute], ['db'], win('2026-12-01T00:00Z', '2026-12-09T00:00Z'))).toBe(false);
    const year = maintenanceOccurrences([everyMinute], null, d('2026-12-01T00:00Z'), d('2027-12-01T00:00Z'));
    expect(year.length).toBeLessThanOrEqual(10_000);
    expect(year[0]).toEqual(win('2026-12-01T00:00Z', '2026-12-01T00:01Z'));
  });

  it('covers a year-long window with an hourly rule in full (the cap is above a year of hours)', () => {
    const hourly: MaintenanceWindow = { id: 22, service: null, rrule: 'FREQ=HOURLY', durationMinutes: 60, timezone: 'UTC' };
    expect(insideMaintenance([hourly], ['db'], win('2026-12-01T00:00Z', '2027-12-01T00:00Z'))).toBe(true);
  });

  it('stops at the first occurrence the caller accepts', () => {
    const daily: MaintenanceWindow = { id: 21, service: null, rrule: 'FREQ=DAILY;BYHOUR=22', durationMinutes: 120, timezone: 'UTC' };
    const seen: Window[] = [];
    const got = expandWindow(daily, d('2026-12-01T00:00Z'), d('2027-12-01T00:00Z'), (o) => {
      seen.push(o);
      return seen.length === 2;
    });
    expect(iso(got)).toEqual(['2026-12-01T22:00:00.000Z/2026-12-02T00:00:00.000Z', '2026-12-02T22:00:00.000Z/2026-12-03T00:00:00.000Z']);
  });

  it('turns wall-clock time into instants across the clock changes', () => {
    const london = wallClock('Europe/London');
    const at = (wall: string) => new Date(london(Date.parse(`${wall}Z`))).toISOString();
    expect(at('2026-07-01T22:00:00')).toBe('2026-07-01T21:00:00.000Z');
    expect(at('2026-12-01T22:00:00')).toBe('2026-12-01T22:00:00.000Z');
    // Clocks go back at 02:00 BST on 25 Oct: 01:30 happens twice, the first time counts.
    expect(at('2026-10-25T01:30:00')).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-10-25T03:00:00')).toBe('2026-10-25T03:00:00.000Z');
    // Clocks go forward at 01:00 GMT on 29 Mar: 01:30 never happens, it starts when they have.
    expect(at('2026-03-29T01:30:00')).toBe('2026-03-29T01:30:00.000Z');
    expect(at('2026-03-29T00:30:00')).toBe('2026-03-29T00:30:00.000Z');
    expect(at('2026-03-29T02:30:00')).toBe('2026-03-29T01:30:00.000Z');
    const auckland = wallClock('Pacific/Auckland');
    expect(new Date(auckland(Date.parse('2026-12-01T10:00:00Z'))).toISOString()).toBe('2026-11-30T21:00:00.000Z');
  });
});
