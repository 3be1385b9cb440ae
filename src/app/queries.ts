/** Read-only use cases: show, list, log, conflicts, calendar, next free slot. */
import { DateTime } from 'luxon';
import { listTasks } from '../db/repos/tasks.js';
import type { Db } from '../db/client.js';
import { findService, listBlackouts, listMaintenance } from '../db/repos/catalogue.js';
import { applicableWindows, expandWindow } from '../domain/windows.js';
import { listLog } from '../db/repos/log.js';
import { waveSlotsInWindow } from '../db/repos/releases.js';
import { listChangesInWindow, listVotes, queryRfcs } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { ACTIVE_WINDOW_STATES, TERMINAL_STATES } from '../domain/rfc-machine.js';
import { type Conflict, findConflicts, formatRange, nextFreeSlot, overlaps } from '../domain/schedule.js';
import { listCard, rfcCard } from '../domain/cards.js';
import { logLine } from '../domain/changelog.js';
import { cardText, listText } from '../domain/text.js';
import { type RfcSummaryView, type RfcView, rfcView, summaryView } from '../domain/views.js';
import { type Actor, type ChangeLogEntry, RFC_STATES, type Rfc, type Window } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import { shownConflicts } from './conflicts-cache.js';
import { deployedByWaves, scheduleContext } from './implementation.js';
import type { ListFilter } from './inputs.js';
import { refusal } from './next.js';
import { getRfc, holdingRelease, implementersOfRfc } from './support.js';
import { rfcSubject } from '../domain/subject.js';

const SLOT_HORIZON_DAYS = 60;

const read = <T>(result: T, message: string): Outcome<T> => ({ result, message, notifications: [] });

export function conflictsOf(db: Db, rfc: Rfc, zone: string): Conflict[] {
  if (!rfc.window || TERMINAL_STATES.includes(rfc.state) || !['draft', 'submitted', 'awaiting_approval', 'approved', 'scheduled'].includes(rfc.state)) {
    return [];
  }
  return findConflicts(rfc, rfc.window, scheduleContext(db, rfc.key, zone, rfc.window, rfc.services));
}

/**
 * The view of one RFC as `zone` sees it: votes, tally, conflicts. Used by cards on every
 * platform. `withConflicts: false` skips the conflict check for messages that do not ask anyone
 * to decide (reminders, announcements), which fire in bulk.
 */
export function viewRfc(ctx: AppContext, key: string, zone: string = ctx.timezone, opts: { withConflicts?: boolean } = {}): RfcView {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  const conflicts = opts.withConflicts === false ? [] : shownConflicts(ctx.database, rfc, zone, () => conflictsOf(db, rfc, zone));
  return rfcView(rfc, {
    votes: listVotes(db, rfc.id),
    conflicts,
    implementers: implementersOfRfc(db, rfc.key),
    policy: ctx.policy,
    zone,
    now: ctx.clock.now(),
    release: holdingRelease(db, rfc),
    tasks: listTasks(db, rfc.key),
  });
}

export function show(ctx: AppContext, actor: Actor, key: string): Outcome<RfcView> {
  const view = viewRfc(ctx, key, actor.timezone);
  return read(view, cardText(rfcCard('details', view, { kind: 'person', id: actor.id, roles: actor.roles }, ctx.policy)));
}

/** How many lines a list shows before it says how many more there are and how to see them. */
export const LIST_SHOWN = 40;

export function list(ctx: AppContext, actor: Actor, filter: ListFilter): Outcome<RfcSummaryView[]> {
  const db = ctx.database.db;
  const open = RFC_STATES.filter((s) => !TERMINAL_STATES.includes(s));
  const query = {
    mine: { states: open, person: actor.id },
    pending: { states: ['awaiting_approval'] as const },
    scheduled: { states: ['scheduled', 'implementing'] as const, order: 'window' as const },
    all: {},
  }[filter];
  const { rows, total } = queryRfcs(db, { ...query, limit: LIST_SHOWN });
  const views = rows.map((r) => summaryView(r, actor.timezone));
  if (views.length) {
    const cut = total > views.length ? `\n${cutNote(views.length, total, filter)}` : '';
    return read(views, `${listText(listCard('', views))}${cut}`);
  }
  const empty = { mine: 'You have no open RFCs.', pending: 'No RFCs are waiting for approval.', scheduled: 'Nothing is scheduled.', all: 'No RFCs yet.' }[
    filter
  ];
  return { ...read(views, empty), ...(filter === 'mine' ? { next: [{ step: 'raise' }] } : {}) };
}

/** "Showing 40 of 1,952, soonest first: 1,912 more. ..." — the true total, and how to see the rest. */
function cutNote(shown: number, total: number, filter: ListFilter): string {
  const how =
    filter === 'scheduled'
      ? 'See them day by day with `/rfc calendar days=7` (any number of days), or for one service with `service=NAME`.'
      : filter === 'all'
        ? 'Narrow it with `/rfc list mine`, `pending` or `scheduled`, or see upcoming changes with `/rfc calendar days=7`.'
        : 'Open one with `/rfc show RFC-n`; `/rfc calendar days=7` shows what is planned.';
  const order = filter === 'scheduled' ? 'soonest first' : 'newest first';
  return `Showing ${shown} of ${total.toLocaleString('en')}, ${order}: ${(total - shown).toLocaleString('en')} more. ${how}`;
}

export function changeLog(ctx: AppContext, actor: Actor, key: string): Outcome<ChangeLogEntry[]> {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  const entries = listLog(db, rfcSubject(rfc.key));
  const lines = entries.map((e) => logLine(e, actor.timezone));
  return read(entries, [`Change log of ${rfc.key}:`, ...lines].join('\n'));
}

export function conflicts(ctx: AppContext, actor: Actor, key: string): Outcome<Conflict[]> {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  if (!rfc.window) {
    throw refusal('bad_value', `${rfc.key} has no planned window yet.`, [{ step: 'edit', key: rfc.key, with: 'window' }]);
  }
  const found = findConflicts(rfc, rfc.window, scheduleContext(db, rfc.key, actor.timezone, rfc.window, rfc.services));
  return read(
    found,
    found.length
      ? found.map((c) => `• ${c.message}${c.needs === 'ack' ? ' (needs a change manager’s ack)' : ' (needs a reason)'}`).join('\n')
      : `${rfc.key} has no conflicts ${formatRange(rfc.window, actor.timezone)}.`,
  );
}

export interface CalendarEntry {
  /** The RFC's key, or the release's for a wave. */
  key: string;
  /** The RFC's title; for a wave "wave 1 (pilot) · release name". */
  title: string;
  /** The RFC's state, or the wave's (planned, deploying). */
  state: string;
  window: Window;
  services: string[];
  /** Set for a release's deployment wave: its number. */
  wave?: number;
}

/** "wave 1 (pilot) · Spring rollout": a wave's calendar title. */
export function waveTitle(w: { number: number; pilot: boolean; releaseName: string }): string {
  return `wave ${w.number}${w.pilot ? ' (pilot)' : ''} · ${w.releaseName}`;
}

export function calendar(ctx: AppContext, actor: Actor, days: number, service?: string): Outcome<CalendarEntry[]> {
  const db = ctx.database.db;
  const only = service ? findService(db, service)?.name : undefined;
  if (service && !only) throw new ChangebotError('not_found', `There is no service ${service}.`);
  const from = ctx.clock.now();
  const range: Window = { start: from, end: new Date(from.getTime() + days * 86_400_000) };
  // The window query (soonest first), so every change in the range is there, however many.
  const entries = listChangesInWindow(db, ACTIVE_WINDOW_STATES, range, only ? [only] : undefined)
    .filter((r) => r.window && !deployedByWaves(r))
    .map((r): CalendarEntry => ({ key: r.key, title: r.title, state: r.state, window: r.window as Window, services: r.services }))
    .concat(
      waveSlotsInWindow(db, range)
        .filter((w) => !only || w.services.includes(only))
        .map((w) => ({ key: w.releaseKey, title: waveTitle(w), state: w.state, window: w.window, services: w.services, wave: w.number })),
    )
    .sort((a, b) => a.window.start.getTime() - b.window.start.getTime());
  const blackouts = listBlackouts(db).filter((b) => overlaps(b, range));
  const lines: string[] = [];
  let day = '';
  for (const e of entries) {
    const d = DateTime.fromJSDate(e.window.start, { zone: actor.timezone }).toFormat('cccc d LLLL');
    if (d !== day) lines.push((day = d));
    lines.push(`  ${e.key} ${e.title} [${e.services.join(', ')}] ${formatRange(e.window, actor.timezone)} (${e.state})`);
  }
  if (!lines.length) lines.push(`No changes in the next ${days} days${only ? ` to ${only}` : ''}.`);
  // Each maintenance window once (a daily one would fill the answer): its rule, and its next opening in the range.
  const all = listMaintenance(db);
  const windows = (only ? applicableWindows(all, only) : all)
    .map((w) => ({ w, occurrences: expandWindow(w, range.start, range.end) }))
    .filter((x) => x.occurrences.length > 0);
  if (windows.length) {
    lines.push(`Maintenance windows${only ? ` for ${only}` : ''}:`);
    for (const { w, occurrences } of windows) {
      const next = occurrences[0] as Window;
      const more = occurrences.length > 1 ? `, ${occurrences.length} times in these ${days} days` : '';
      lines.push(
        `  #${w.id} ${w.service ?? 'all services'}: ${w.rrule} for ${w.durationMinutes} min (${w.timezone}); next ${formatRange(next, actor.timezone)}${more}`,
      );
    }
  }
  for (const b of blackouts) lines.push(`Blackout ${formatRange(b, actor.timezone)}${b.reason ? ` — ${b.reason}` : ''}`);
  return read(entries, lines.join('\n'));
}

export function slot(ctx: AppContext, actor: Actor, service: string, durationMinutes: number): Outcome<Window | null> {
  const db = ctx.database.db;
  const name = findService(db, service)?.name;
  if (!name) throw new ChangebotError('not_found', `There is no service ${service}.`);
  const now = ctx.clock.now();
  const horizon = { start: now, end: new Date(now.getTime() + SLOT_HORIZON_DAYS * 86_400_000) };
  const found = nextFreeSlot([name], durationMinutes, now, { ...scheduleContext(db, null, actor.timezone, horizon, [name]), horizonDays: SLOT_HORIZON_DAYS });
  return read(
    found,
    found ? `Next free slot for ${name}: ${formatRange(found, actor.timezone)}.` : `No free slot for ${name} in the next ${SLOT_HORIZON_DAYS} days.`,
  );
}
