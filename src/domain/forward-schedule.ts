/**
 * The Forward Schedule of Change as a picture, before any markup: the days of a week or month
 * grid in the viewer's zone, which changes and release waves fall on each day (with their local
 * times), where maintenance windows and blackouts shade a day, and the colour classes that show
 * state, risk and conflicts (with the legend that explains them). Pure: luxon only; the
 * changes, windows and blackouts come in as arguments.
 */
import { DateTime } from 'luxon';
import { ChangebotError } from './errors.js';
import { STATE_LABELS } from './rfc-machine.js';
import type { Level, MaintenanceWindow, RfcState, Window } from './types.js';
import { expandWindow, validateTimezone } from './windows.js';
import type { WaveState } from './release.js';

export const CALENDAR_VIEWS = ['week', 'month'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/**
 * RFC states the calendar shows: those that hold a window (ACTIVE_WINDOW_STATES), and the
 * changes awaiting approval at their proposed window (drawn as proposed), so the CAB sees what
 * it is asked to approve against the schedule and can open it to vote.
 */
export const SHOWN_RFC_STATES = ['awaiting_approval', 'approved', 'scheduled', 'implementing'] as const satisfies readonly RfcState[];
/** Wave states that hold a window (HOLDING_WAVE_STATES). */
export const SHOWN_WAVE_STATES = ['planned', 'deploying'] as const satisfies readonly WaveState[];
export type ShownState = (typeof SHOWN_RFC_STATES)[number] | (typeof SHOWN_WAVE_STATES)[number];
export const SHOWN_STATES: readonly ShownState[] = [...SHOWN_RFC_STATES, ...SHOWN_WAVE_STATES];

export const STATE_NAMES: Record<ShownState, string> = {
  awaiting_approval: STATE_LABELS.awaiting_approval,
  approved: STATE_LABELS.approved,
  scheduled: STATE_LABELS.scheduled,
  implementing: STATE_LABELS.implementing,
  planned: 'Wave planned',
  deploying: 'Wave deploying',
};

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` as a day, or a ChangebotError saying how to write one. */
export function parseDay(text: string, zone: string): DateTime {
  const m = DAY_RE.exec(text);
  const day = m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone }) : null;
  if (!day?.isValid) {
    throw new ChangebotError('bad_value', `date=${text} is not a day. Write it as YYYY-MM-DD, e.g. date=2026-12-07.`, { field: 'date', example: '2026-12-07' });
  }
  return day;
}

/** The day `now` falls on in `zone`. */
export function dayOf(now: Date, zone: string): DateTime {
  return DateTime.fromJSDate(now, { zone }).startOf('day');
}

export function parseView(text: string): CalendarView {
  if ((CALENDAR_VIEWS as readonly string[]).includes(text)) return text as CalendarView;
  throw new ChangebotError('bad_value', `view=${text} is not a calendar view. Use view=week or view=month.`, { field: 'view', example: 'week' });
}

export function parseZone(text: string): string {
  try {
    validateTimezone(text);
  } catch {
    throw new ChangebotError('bad_value', `tz=${text} is not a time zone. Use an IANA name such as tz=Europe/London or tz=America/New_York.`, {
      field: 'tz',
      example: 'Europe/London',
    });
  }
  return text;
}

export function parseStates(given: readonly string[]): ShownState[] {
  const bad = given.filter((s) => !(SHOWN_STATES as readonly string[]).includes(s));
  if (bad.length) {
    throw new ChangebotError('bad_value', `state=${bad.join(',')} is not a state the calendar shows. Use one or more of: ${SHOWN_STATES.join(', ')}.`, {
      field: 'state',
      example: 'scheduled',
    });
  }
  return [...new Set(given)] as ShownState[];
}

export interface GridDay {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** "Mon 7 Dec". */
  label: string;
  weekday: string;
  dayOfMonth: number;
  /** Midnight to midnight in the zone: 23 or 25 hours on a day the clocks change. */
  window: Window;
  /** False for the days before and after the month a month grid shows. */
  inMonth: boolean;
  today: boolean;
  weekend: boolean;
}

export interface Grid {
  view: CalendarView;
  zone: string;
  /** The day asked for (`YYYY-MM-DD`). */
  date: string;
  /** "7 – 13 December 2026" or "December 2026". */
  title: string;
  days: GridDay[];
  /** From the first day's midnight to the last day's end. */
  range: Window;
  /** The day to show for the previous and next week or month, and today. */
  prev: string;
  next: string;
  today: string;
}

const iso = (d: DateTime) => d.toFormat('yyyy-LL-dd');

/**
 * The days a week (Monday to Sunday) or month (whole weeks from the Monday on or before the 1st
 * to the Sunday on or after the last day) shows around `date`, each midnight to midnight in
 * `zone`.
 */
export function calendarGrid(view: CalendarView, date: DateTime, zone: string, now: Date): Grid {
  const day = date.setZone(zone, { keepLocalTime: true }).startOf('day');
  const today = iso(DateTime.fromJSDate(now, { zone }));
  const first = view === 'week' ? day.startOf('week') : day.startOf('month').startOf('week');
  const last = view === 'week' ? first.plus({ days: 6 }) : day.endOf('month').startOf('week').plus({ days: 6 });
  const days: GridDay[] = [];
  for (let d = first; d <= last; d = d.plus({ days: 1 })) {
    const start = d.startOf('day');
    days.push({
      date: iso(start),
      label: start.setLocale('en-GB').toFormat('ccc d LLL'),
      weekday: start.setLocale('en-GB').toFormat('ccc'),
      dayOfMonth: start.day,
      window: { start: start.toJSDate(), end: start.plus({ days: 1 }).startOf('day').toJSDate() },
      inMonth: view === 'week' || start.month === day.month,
      today: iso(start) === today,
      weekend: start.weekday >= 6,
    });
  }
  const step = view === 'week' ? { weeks: 1 } : { months: 1 };
  const title =
    view === 'month'
      ? day.setLocale('en-GB').toFormat('LLLL yyyy')
      : first.month === last.month
        ? `${first.day} – ${last.setLocale('en-GB').toFormat('d LLLL yyyy')}`
        : first.year === last.year
          ? `${first.setLocale('en-GB').toFormat('d LLLL')} – ${last.setLocale('en-GB').toFormat('d LLLL yyyy')}`
          : `${first.setLocale('en-GB').toFormat('d LLLL yyyy')} – ${last.setLocale('en-GB').toFormat('d LLLL yyyy')}`;
  return {
    view,
    zone,
    date: iso(day),
    title,
    days,
    range: { start: days[0]!.window.start, end: days[days.length - 1]!.window.end },
    prev: iso(day.minus(step)),
    next: iso(day.plus(step)),
    today,
  };
}

// ---------------------------------------------------------------------------------------------
// Items, shading and colours

export interface ItemConflict {
  /** "RFC-7 (Patch db) also changes db from ...": times in the viewer's zone. */
  message: string;
  needs: 'ack' | 'reason';
}

/** A change or a release wave on the calendar. */
export interface ScheduleItem {
  kind: 'rfc' | 'wave';
  /** RFC-12, or the release's REL-3 for a wave. */
  key: string;
  /** The page it links to: /rfc/RFC-12, /release/REL-3. */
  href: string;
  title: string;
  state: ShownState;
  /** The RFC's risk (impact × likelihood); null when not assessed, and for a wave. */
  risk: Level | null;
  window: Window;
  services: string[];
  conflicts: ItemConflict[];
  /** The wave's number. */
  wave?: number;
}

/** The item's colour classes: its kind, state, risk and whether it has conflicts. */
export function itemClasses(item: Pick<ScheduleItem, 'kind' | 'state' | 'risk' | 'conflicts'>): string[] {
  return [`item`, `kind-${item.kind}`, `state-${item.state}`, `risk-${item.risk ?? 'none'}`, ...(item.conflicts.length ? ['conflict'] : [])];
}

export const RISK_NAMES: Record<Level | 'none', string> = { high: 'High risk', medium: 'Medium risk', low: 'Low risk', none: 'Risk not assessed' };

export interface LegendEntry {
  /** The class that draws the swatch. */
  cls: string;
  label: string;
}

/** What each colour means: the fill is the state, the left edge the risk, a red outline a conflict; shading for windows and blackouts. */
export const LEGEND: { states: LegendEntry[]; risks: LegendEntry[]; marks: LegendEntry[] } = {
  states: SHOWN_STATES.map((s) => ({ cls: `state-${s}`, label: STATE_NAMES[s] })),
  risks: (['high', 'medium', 'low', 'none'] as const).map((r) => ({ cls: `risk-${r}`, label: RISK_NAMES[r] })),
  marks: [
    { cls: 'conflict', label: 'Conflict (reasons listed)' },
    { cls: 'shade-maintenance', label: 'Maintenance window' },
    { cls: 'shade-blackout', label: 'Blackout' },
  ],
};

export interface ShadeSource {
  kind: 'maintenance' | 'blackout';
  window: Window;
  /** "Maintenance · db", "Maintenance · all services", "Blackout · Christmas freeze". */
  label: string;
}

/**
 * The maintenance occurrences and blackouts to shade over `range`. With `services` given, only
 * the windows that apply to them (global ones and theirs); blackouts apply to every service.
 */
export function shadesIn(
  windows: readonly MaintenanceWindow[],
  blackouts: readonly { start: Date; end: Date; reason: string | null }[],
  range: Window,
  services?: readonly string[],
): ShadeSource[] {
  const applies = (w: MaintenanceWindow) => w.service === null || !services?.length || services.includes(w.service);
  const maintenance = windows
    .filter(applies)
    .flatMap((w) =>
      expandWindow(w, range.start, range.end).map(
        (o): ShadeSource => ({ kind: 'maintenance', window: o, label: `Maintenance · ${w.service ?? 'all services'}` }),
      ),
    );
  const blocked = blackouts
    .filter((b) => b.start < range.end && b.end > range.start)
    .map((b): ShadeSource => ({ kind: 'blackout', window: { start: b.start, end: b.end }, label: `Blackout${b.reason ? ` · ${b.reason}` : ''}` }));
  return [...blocked, ...maintenance].sort((a, b) => a.window.start.getTime() - b.window.start.getTime());
}

/** Part of a day: local times ("22:00", or null where it runs on from the day before / into the next), and where it lies on the day's bar (percent). */
export interface DayPart {
  from: string | null;
  to: string | null;
  /** It covers the whole day, midnight to midnight. */
  allDay: boolean;
  left: number;
  width: number;
}

export interface DayShade extends DayPart {
  kind: 'maintenance' | 'blackout';
  label: string;
  cls: string;
}

export interface DayEntry extends DayPart {
  item: ScheduleItem;
  classes: string[];
}

export interface DayCell extends GridDay {
  entries: DayEntry[];
  shades: DayShade[];
  /** `day`, plus `today`, `other-month`, `weekend`, `shaded-blackout`, `shaded-maintenance`, `empty`. */
  classes: string[];
}

function partOf(day: Window, w: Window, zone: string): DayPart | null {
  const s = Math.max(day.start.getTime(), w.start.getTime());
  const e = Math.min(day.end.getTime(), w.end.getTime());
  if (e <= s) return null;
  const len = day.end.getTime() - day.start.getTime();
  const clock = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    from: w.start.getTime() >= day.start.getTime() ? clock(w.start.getTime()) : null,
    to: w.end.getTime() <= day.end.getTime() ? clock(w.end.getTime()) : null,
    allDay: s === day.start.getTime() && e === day.end.getTime(),
    left: round(((s - day.start.getTime()) / len) * 100),
    width: round(((e - s) / len) * 100),
  };
}

/** Each day of the grid with the items and shading that touch it, items in start order. */
export function layOut(grid: Grid, items: readonly ScheduleItem[], shades: readonly ShadeSource[]): DayCell[] {
  const sorted = [...items].sort((a, b) => a.window.start.getTime() - b.window.start.getTime() || a.key.localeCompare(b.key));
  return grid.days.map((day) => {
    const entries: DayEntry[] = [];
    for (const item of sorted) {
      const part = partOf(day.window, item.window, grid.zone);
      if (part) entries.push({ ...part, item, classes: itemClasses(item) });
    }
    const dayShades: DayShade[] = [];
    for (const s of shades) {
      const part = partOf(day.window, s.window, grid.zone);
      if (part) dayShades.push({ ...part, kind: s.kind, label: s.label, cls: `shade-${s.kind}` });
    }
    const classes = [
      'day',
      ...(day.today ? ['today'] : []),
      ...(day.inMonth ? [] : ['other-month']),
      ...(day.weekend ? ['weekend'] : []),
      ...(dayShades.some((s) => s.kind === 'blackout') ? ['shaded-blackout'] : []),
      ...(dayShades.some((s) => s.kind === 'maintenance') ? ['shaded-maintenance'] : []),
      ...(entries.length || dayShades.length ? [] : ['empty']),
    ];
    return { ...day, entries, shades: dayShades, classes };
  });
}
