/**
 * Dates and durations as people type them in chat, read in the typist's zone (ctx.timezone) with
 * ctx.now as the clock.
 *
 * Decisions:
 * - A day without a time (`tomorrow`, `sat`, `today`) means 09:00 local; a bare ISO date
 *   (`2026-12-05`) means 00:00 local.
 * - A weekday means the next such day; today counts if that time is still ahead of now.
 * - A local time that does not exist (the DST spring-forward gap) is a bad_value error suggesting
 *   the shifted time (01:30 -> 02:30); a local time that happens twice (fall-back) means the
 *   first occurrence.
 * - `+2h` / `in 2h` are elapsed time from now (2 real hours, whatever the clocks do).
 */
import { DateTime } from 'luxon';
import { firstInstant } from '../domain/windows.js';
import { ChangebotError } from '../domain/errors.js';
import type { ParseContext } from './types.js';
import { badValue, clip, own } from './util.js';

/** Hour used when a day is given without a time. */
export const DEFAULT_HOUR = 9;

const MAX_MINUTES = 366 * 24 * 60;

const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

const UNITS: Record<string, number> = {
  d: 1440,
  day: 1440,
  days: 1440,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
};

function cantReadDuration(text: string, field: string): never {
  return badValue(field, `Can't read ${field}="${clip(text)}". Use 90m, 4h, 1h30m or 2d.`, `${field}=2h`);
}

/** Minutes in `text`, or null when it is not a duration. */
function durationMinutes(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s.length === 0 || s.length > 40) return null;
  if (/^\d+$/.test(s)) return Number(s);
  const hm = /^(\d{1,4}):([0-5]\d)$/.exec(s);
  if (hm) return Number(hm[1]) * 60 + Number(hm[2]);
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) return null;
    const unit = own(UNITS, m[2]!);
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    pos = part.lastIndex;
  }
  return Math.round(total);
}

/** `90m`, `4h`, `1h30m`, `2d`, `1.5h`, `1:30`, or a bare number of minutes. Always > 0. */
export function parseDuration(text: string, field: string): number {
  const minutes = durationMinutes(text);
  if (minutes === null || !Number.isFinite(minutes)) cantReadDuration(text, field);
  if (minutes <= 0) {
    badValue(field, `${field} must be longer than zero. Example: ${field}=2h`, `${field}=2h`);
  }
  if (minutes > MAX_MINUTES) {
    badValue(field, `${field}="${clip(text)}" is longer than a year. Example: ${field}=2h`, `${field}=2h`);
  }
  return minutes;
}

function cantReadDate(text: string, field: string): never {
  return badValue(field, `Can't read ${field}="${clip(text)}". Use 2026-12-05 22:00, tomorrow 22:00 or an ISO 8601 time.`, `${field}="2026-12-05 22:00"`);
}

function clock(ctx: ParseContext): DateTime {
  const now = DateTime.fromJSDate(ctx.now, { zone: ctx.timezone });
  if (!now.isValid) {
    throw new ChangebotError('config', `Can't use time zone "${clip(String(ctx.timezone))}" or clock to read dates.`, {
      timezone: ctx.timezone,
    });
  }
  return now;
}

interface Clock {
  hour: number;
  minute: number;
  second: number;
}

/** `22:00`, `9:30`, `22:00:15`, `10pm`, `10:30 pm`; null if not a time. */
function parseTime(s: string): Clock | null {
  const m = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])?(?:\.?m\.?)?$/.exec(s);
  if (!m) return null;
  const hasMeridiem = m[4] !== undefined;
  if (!hasMeridiem && (m[2] === undefined || /m\.?$/.test(s))) return null;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const second = m[3] === undefined ? 0 : Number(m[3]);
  if (minute > 59 || second > 59) return null;
  if (hasMeridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (m[4] === 'p' ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return { hour, minute, second };
}

/**
 * The instant a wall-clock time happens in `zone`. Of two (fall-back) it takes the first; if
 * there is none (spring-forward gap) it refuses, suggesting the time shifted by the gap.
 */
function wallClock(day: { year: number; month: number; day: number }, t: Clock, zone: string, text: string, field: string): Date {
  const wanted = { ...day, ...t };
  const guess = DateTime.fromObject(wanted, { zone });
  if (!guess.isValid) cantReadDate(text, field);
  const best = firstInstant(wanted, zone);
  if (best === null) {
    const local = `${guess.toFormat('yyyy-MM-dd')} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
    return badValue(
      field,
      `${field}="${clip(text)}": ${local} doesn't exist in ${zone} (the clocks go forward). Did you mean ${guess.toFormat('HH:mm')}?`,
      `${field}="${guess.toFormat('yyyy-MM-dd HH:mm')}"`,
    );
  }
  return new Date(best);
}

/**
 * A point in time from chat text. Accepts ISO 8601 with an offset or Z, `2026-12-05 22:00`,
 * `2026-12-05T22:00`, `2026-12-05`, `today 22:00`, `tomorrow [22:00]`, `sat [22:00]`,
 * `saturday 10pm`, `now`, `+2h`, `in 90m`. Throws ChangebotError('bad_value') naming `field`.
 */
export function parseDate(text: string, ctx: ParseContext, field: string): Date {
  const s = String(text).trim().toLowerCase().replace(/\s+/g, ' ');
  if (s.length === 0 || s.length > 64) cantReadDate(String(text), field);
  const now = clock(ctx);
  const zone = ctx.timezone;

  if (s === 'now') return new Date(ctx.now.getTime());

  const rel = /^(?:\+|in )\s*(.+)$/.exec(s);
  if (rel) {
    const minutes = durationMinutes(rel[1]!);
    if (minutes === null || minutes <= 0 || minutes > MAX_MINUTES) cantReadDate(text, field);
    return new Date(ctx.now.getTime() + minutes * 60_000);
  }

  if (/^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:z|[+-]\d{2}(?::?\d{2})?)$/.test(s)) {
    const dt = DateTime.fromISO(s.toUpperCase().replace(' ', 'T'), { setZone: true });
    if (!dt.isValid || Math.abs(dt.offset) > 14 * 60) cantReadDate(text, field);
    return dt.toJSDate();
  }

  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ](.+))?$/.exec(s);
  if (ymd) {
    const t = ymd[4] === undefined ? { hour: 0, minute: 0, second: 0 } : parseTime(ymd[4]);
    if (!t) cantReadDate(text, field);
    const day = { year: Number(ymd[1]), month: Number(ymd[2]), day: Number(ymd[3]) };
    return wallClock(day, t, zone, text, field);
  }

  const rd = /^([a-z]+)(?: (?:at )?(.+))?$/.exec(s);
  if (rd) {
    const word = rd[1]!;
    const t = rd[2] === undefined ? { hour: DEFAULT_HOUR, minute: 0, second: 0 } : parseTime(rd[2]);
    if (!t) cantReadDate(text, field);
    const today = now.startOf('day');
    const at = (d: DateTime): Date => wallClock({ year: d.year, month: d.month, day: d.day }, t, zone, text, field);
    if (word === 'today') return at(today);
    if (word === 'tomorrow' || word === 'tmrw' || word === 'tomorow') return at(today.plus({ days: 1 }));
    const weekday = own(WEEKDAYS, word);
    if (weekday !== undefined) {
      const ahead = (weekday - today.weekday + 7) % 7;
      const first = at(today.plus({ days: ahead }));
      if (first.getTime() > ctx.now.getTime()) return first;
      return at(today.plus({ days: ahead + 7 }));
    }
  }
  return cantReadDate(text, field);
}
