/**
 * Maintenance windows (recurring, RRULE) and time-interval helpers. Pure: time comes in as
 * arguments.
 *
 * RRULEs are expanded in "floating" time: the rule's wall-clock fields are computed as if the
 * zone were UTC, then each occurrence's wall-clock fields are placed in the window's real zone
 * with luxon. A window at 22:00 Europe/London therefore stays at 22:00 local across DST changes.
 * (The `rrule` package's own TZID support is unreliable, so it is not used.)
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import rrulePkg from 'rrule';
import { ChangebotError } from './errors.js';
import { contains, mergeIntervals, overlaps } from './intervals.js';
import type { MaintenanceWindow, Window } from './types.js';

const { RRule } = rrulePkg;
type RRuleInstance = InstanceType<typeof RRule>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const RRULE_EXAMPLE = 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22';

// ---------------------------------------------------------------------------------------------
// RRULE validation and expansion

const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'] as const;
const DAY_RE = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const UNTIL_RE = /^\d{8}(T\d{6}Z?)?$/;

function badRule(rule: string, why: string): ChangebotError {
  return new ChangebotError('bad_value', `The maintenance window rule "${rule}" is not a valid RRULE: ${why}. Example: ${RRULE_EXAMPLE}`, {
    field: 'rrule',
    example: RRULE_EXAMPLE,
  });
}

function intList(v: string, min: number, max: number, allowNegative = false): boolean {
  return v.split(',').every((p) => {
    if (!/^[+-]?\d+$/.test(p)) return false;
    const n = Number(p);
    if (allowNegative) return n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max;
    return !p.startsWith('-') && n >= min && n <= max;
  });
}

/** Strip an optional `RRULE:` prefix and surrounding whitespace. */
function ruleBody(rule: string): string {
  return rule.trim().replace(/^RRULE:/i, '');
}

/**
 * Throws ChangebotError('bad_value', field 'rrule') unless `rule` is an RRULE body this product can
 * expand: `FREQ` (yearly..hourly) plus BY* parts. DTSTART/TZID/COUNT are refused: the time zone
 * is stored with the window and a recurring maintenance window has no start date.
 */
export function validateRrule(rule: string): void {
  const body = ruleBody(rule);
  if (body === '') throw badRule(rule, 'it is empty');
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw badRule(rule, `"${part}" is not NAME=VALUE`);
    const name = part.slice(0, eq).trim().toUpperCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .toUpperCase();
    if (seen.has(name)) throw badRule(rule, `${name} is given twice`);
    seen.add(name);
    if (value === '') throw badRule(rule, `${name} has no value`);
    let ok: boolean;
    switch (name) {
      case 'FREQ':
        ok = (FREQS as readonly string[]).includes(value);
        if (!ok) throw badRule(rule, `FREQ must be one of ${FREQS.join(', ')}`);
        break;
      case 'INTERVAL':
        ok = /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000;
        break;
      case 'UNTIL':
        ok = UNTIL_RE.test(value);
        break;
      case 'BYDAY':
        ok = value.split(',').every((d) => {
          const m = DAY_RE.exec(d);
          if (!m) return false;
          return m[1] === undefined || (Number(m[1]) !== 0 && Math.abs(Number(m[1])) <= 53);
        });
        break;
      case 'BYHOUR':
        ok = intList(value, 0, 23);
        break;
      case 'BYMINUTE':
        ok = intList(value, 0, 59);
        break;
      case 'BYSECOND':
        // A maintenance window opens on a minute; seconds would only multiply the occurrences.
        if (!/^0+$/.test(value)) throw badRule(rule, 'a maintenance window starts on a whole minute, so BYSECOND can only be 0');
        ok = true;
        break;
      case 'BYMONTH':
        ok = intList(value, 1, 12);
        break;
      case 'BYMONTHDAY':
        ok = intList(value, 1, 31, true);
        break;
      case 'BYYEARDAY':
        ok = intList(value, 1, 366, true);
        break;
      case 'BYWEEKNO':
        ok = intList(value, 1, 53, true);
        break;
      case 'BYSETPOS':
        ok = intList(value, 1, 366, true);
        break;
      case 'WKST':
        ok = /^(MO|TU|WE|TH|FR|SA|SU)$/.test(value);
        break;
      case 'COUNT':
        throw badRule(rule, 'COUNT is not supported for a maintenance window (it has no start date); use UNTIL');
      case 'DTSTART':
      case 'TZID':
        throw badRule(rule, `${name} is not allowed in the rule; the time zone is set on the window`);
      default:
        throw badRule(rule, `unknown part ${name}`);
    }
    if (!ok) throw badRule(rule, `${name}=${value} is not an acceptable value`);
  }
  if (!seen.has('FREQ')) throw badRule(rule, 'FREQ is missing');
}

/** Throws ChangebotError('bad_value', field 'timezone') unless `zone` is a valid IANA zone. */
export function validateTimezone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw new ChangebotError('bad_value', `"${zone}" is not a time zone. Use an IANA name such as Europe/London.`, {
      field: 'timezone',
      example: 'Europe/London',
    });
  }
}

/** Mon 1 Jan 2024 00:00 (floating): phase anchor for INTERVAL > 1. */
const ANCHOR = Date.UTC(2024, 0, 1);

/** A dtstart at or before `floatFrom` that has the same phase as ANCHOR for the rule's period. */
function phaseStart(freq: number, interval: number, floatFrom: number): Date {
  const a = new Date(ANCHOR);
  const f = new Date(floatFrom);
  switch (freq) {
    case RRule.YEARLY: {
      const k = Math.floor((f.getUTCFullYear() - a.getUTCFullYear()) / interval);
      return new Date(Date.UTC(a.getUTCFullYear() + k * interval, 0, 1));
    }
    case RRule.MONTHLY: {
      const months = (f.getUTCFullYear() - a.getUTCFullYear()) * 12 + f.getUTCMonth();
      const k = Math.floor(months / interval) * interval;
      return new Date(Date.UTC(a.getUTCFullYear(), k, 1));
    }
    default: {
      const period = (freq === RRule.WEEKLY ? 7 * DAY : freq === RRule.DAILY ? DAY : HOUR) * interval;
      return new Date(ANCHOR + Math.floor((floatFrom - ANCHOR) / period) * period);
    }
  }
}

const compiled = new Map<string, ReturnType<typeof RRule.parseString>>();
function parseRule(rule: string): ReturnType<typeof RRule.parseString> {
  let opts = compiled.get(rule);
  if (!opts) {
    validateRrule(rule);
    try {
      opts = RRule.parseString(ruleBody(rule).toUpperCase());
    } catch (e) {
      throw badRule(rule, e instanceof Error ? e.message : String(e));
    }
    if (compiled.size >= 500) compiled.clear();
    compiled.set(rule, opts);
  }
  return opts;
}

/**
 * The most occurrences one expansion visits, whatever the rule: one conflict check costs at most
 * this many per maintenance window. Past it the list is cut short, which callers treat as "not
 * covered" (a conflict needing a reason, or fewer free slots): the safe side. An hourly rule
 * over the longest window (a year, plus the margins) stays under it; only a rule denser than
 * hourly (several times an hour) reaches it, over a window of days.
 */
export const MAX_OCCURRENCES = 10_000;

/**
 * Occurrences of one maintenance window intersecting [from, to), sorted by start, at most
 * `MAX_OCCURRENCES` visited. `stop` ends the expansion early at the first occurrence it accepts
 * (which is kept).
 */
export function expandWindow(w: MaintenanceWindow, from: Date, to: Date, stop?: (occurrence: Window) => boolean): Window[] {
  validateTimezone(w.timezone);
  const opts = parseRule(w.rrule);
  const dur = w.durationMinutes * MINUTE;
  if (!(dur > 0) || to.getTime() <= from.getTime()) return [];
  // Local wall time = instant + offset, offsets lie within ±14 h: a one-day margin is enough.
  const floatFrom = from.getTime() - dur - DAY;
  const floatTo = to.getTime() + DAY;
  const freq = opts.freq ?? RRule.WEEKLY;
  const interval = opts.interval ?? 1;
  const rr: RRuleInstance = new RRule({ ...opts, dtstart: phaseStart(freq, interval, floatFrom), tzid: null });
  const instantOf = wallClock(w.timezone);
  const out: Window[] = [];
  let visited = 0;
  // The iterator form stops rrule itself, rather than filtering a list it built in full.
  rr.between(new Date(floatFrom), new Date(floatTo), true, (f) => {
    const start = instantOf(f.getTime());
    const occ = { start: new Date(start), end: new Date(start + dur) };
    if (overlaps(occ, { start: from, end: to })) {
      out.push(occ);
      if (stop?.(occ)) return false;
    }
    return ++visited < MAX_OCCURRENCES;
  });
  return out;
}

/**
 * Wall-clock time in `zone` (given as the UTC fields of `floating` ms) to an instant, as
 * `firstInstant` does, but cheap: a zone's offset is read twice per day of wall time and reused
 * for every occurrence that day unless the clocks change near it (offsets lie within -12 h and
 * +14 h, and no zone changes its clocks twice within three days). A repeated hour (clocks going
 * back) starts at its first occurrence, as typed dates do; a skipped one (clocks going forward)
 * starts when the clocks have moved on.
 */
export function wallClock(zone: string): (floating: number) => number {
  const z = IANAZone.create(zone);
  const offset = (ms: number) => z.offset(ms) * MINUTE;
  const days = new Map<number, number | null>();
  return (floating) => {
    const day = Math.floor(floating / DAY);
    let steady = days.get(day);
    if (steady === undefined) {
      const before = offset(day * DAY - 18 * HOUR);
      steady = before === offset((day + 1) * DAY + 18 * HOUR) ? before : null;
      if (days.size >= 4_096) days.clear();
      days.set(day, steady);
    }
    if (steady !== null) return floating - steady;
    const f = new Date(floating);
    const wall = {
      year: f.getUTCFullYear(),
      month: f.getUTCMonth() + 1,
      day: f.getUTCDate(),
      hour: f.getUTCHours(),
      minute: f.getUTCMinutes(),
      second: f.getUTCSeconds(),
    };
    return firstInstant(wall, zone) ?? DateTime.fromObject(wall, { zone }).toMillis();
  };
}

/**
 * The first instant at which the wall clock in `zone` shows `wall` (of two, when the clocks go
 * back), or null when it never does (the hour the clocks skip going forward).
 */
export function firstInstant(wall: { year: number; month: number; day: number; hour: number; minute: number; second?: number }, zone: string): number | null {
  const guess = DateTime.fromObject(wall, { zone });
  if (!guess.isValid) return null;
  let best: number | null = null;
  for (const offset of new Set([guess.offset, guess.minus({ hours: 6 }).offset, guess.plus({ hours: 6 }).offset])) {
    const candidate = DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(offset) }).setZone(zone);
    const same = candidate.isValid && candidate.day === wall.day && candidate.hour === wall.hour && candidate.minute === wall.minute;
    if (same && (best === null || candidate.toMillis() < best)) best = candidate.toMillis();
  }
  return best;
}

/** Maintenance windows that apply to `service`: the global ones and that service's own. */
export function applicableWindows(windows: MaintenanceWindow[], service: string | null): MaintenanceWindow[] {
  return windows.filter((w) => w.service === null || (service !== null && w.service === service));
}

/** Occurrences of maintenance windows (for a service: global ones + that service's) intersecting [from, to). */
export function maintenanceOccurrences(windows: MaintenanceWindow[], service: string | null, from: Date, to: Date): Window[] {
  const out = applicableWindows(windows, service).flatMap((w) => expandWindow(w, from, to));
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime());
}

/**
 * True if `window` lies entirely inside one occurrence of an applicable maintenance window for
 * EVERY service listed. Occurrences that overlap or touch are treated as one continuous
 * occurrence. A service with no applicable windows at all is unrestricted.
 */
export function insideMaintenance(windows: MaintenanceWindow[], services: string[], window: Window): boolean {
  return services.every((s) => {
    const rules = applicableWindows(windows, s);
    if (rules.length === 0) return true;
    // The usual answer is one occurrence holding the whole window: stop there.
    let held = false;
    const occ: Window[] = [];
    for (const w of rules) {
      occ.push(...expandWindow(w, window.start, window.end, (o) => (held = contains(o, window))));
      if (held) return true;
    }
    occ.sort((a, b) => a.start.getTime() - b.start.getTime());
    return mergeIntervals(occ).some((o) => contains(o, window));
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting for messages

/** Short zone name, preferring letters (BST, EDT, CET) over GMT offsets where the locale knows one. */
export function zoneAbbreviation(dt: DateTime): string {
  const us = dt.setLocale('en-US').toFormat('ZZZZ');
  if (!/^GMT[+-]/.test(us)) return us;
  const gb = dt.setLocale('en-GB').toFormat('ZZZZ');
  return /^GMT[+-]/.test(gb) ? us : gb;
}

// Intl formatters are costly to make, and luxon parses the zone's offset and the format string on
// every call: formatInstant and formatRange use one formatter per zone, made once. They give
// exactly what luxon's `ccc d LLL HH:mm` (en-GB) and zoneAbbreviation give (checked over three
// years of instants in a dozen zones, DST changes and half-hour offsets included).
const clockFormats = new Map<string, Intl.DateTimeFormat>();
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function formatFor(cache: Map<string, Intl.DateTimeFormat>, key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

function zoneName(d: Date, zone: string, locale: 'en-US' | 'en-GB'): string {
  const f = formatFor(zoneFormats, `${locale} ${zone}`, () => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }));
  return f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

/** What luxon printed for an invalid date or zone, kept so a bad value still reads as one. */
const INVALID = 'Invalid DateTime';

function valid(d: Date, zone: string): boolean {
  if (Number.isNaN(d.getTime())) return false;
  if (clockFormats.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function abbreviation(d: Date, zone: string): string {
  if (!valid(d, zone)) return INVALID;
  const us = zoneName(d, zone, 'en-US');
  if (!/^GMT[+-]/.test(us)) return us;
  const gb = zoneName(d, zone, 'en-GB');
  return /^GMT[+-]/.test(gb) ? us : gb;
}

/** "Sat 5 Dec 22:00" in `zone`. */
function clock(d: Date, zone: string): string {
  if (!valid(d, zone)) return INVALID;
  const f = formatFor(
    clockFormats,
    zone,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const part: Record<string, string> = {};
  for (const p of f.formatToParts(d)) part[p.type] = p.value;
  return `${part.weekday} ${part.day} ${part.month} ${part.hour}:${part.minute}`;
}

/** "Sat 5 Dec 22:00 GMT". */
export function formatInstant(d: Date, zone: string): string {
  return `${clock(d, zone)} ${abbreviation(d, zone)}`;
}

/** "from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC" (the zone twice only if it differs, e.g. across DST). */
export function formatRange(w: Window, zone: string): string {
  const sz = abbreviation(w.start, zone);
  const ez = abbreviation(w.end, zone);
  const s = clock(w.start, zone);
  const e = clock(w.end, zone);
  return sz === ez ? `from ${s} to ${e} ${ez}` : `from ${s} ${sz} to ${e} ${ez}`;
}

/** `inner` lies within `outer`: starting no earlier and ending no later. */
export function insideWindow(inner: Window, outer: Window): boolean {
  return inner.start.getTime() >= outer.start.getTime() && inner.end.getTime() <= outer.end.getTime();
}
