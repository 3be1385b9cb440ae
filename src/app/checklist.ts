/**
 * The pre-implementation checklist (issue 14): ticking an item (a named person, an optional
 * note or evidence link, in the change log), taking a tick back, reading the checklist, and
 * what `start` checks (every open item and open task named; see implementation.ts).
 */
import { outageNoticeDeliveredAt, removeTick, saveTick, ticksOf } from '../db/repos/checklist.js';
import { openTasks } from '../db/repos/tasks.js';
import { appendLog } from '../db/repos/log.js';
import type { Db } from '../db/client.js';
import { CHECKLIST_ITEMS, CHECKLIST_STATES, type ChecklistLine, checklistOf, isChecklistItem, mayTick, openItems, startBlockers } from '../domain/checklist.js';
import { ChangebotError } from '../domain/errors.js';
import type { Policy } from '../domain/policy.js';
import { rfcSubject, timedKey } from '../domain/subject.js';
import { stampOf } from '../domain/timers.js';
import { formatInstant } from '../domain/windows.js';
import type { Actor, Rfc } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { getRfc } from './support.js';
import { said } from './text-input.js';

/** The RFC's checklist as it stands (its category's items under the policy in force). */
export function checklistLines(db: Db, policy: Policy, rfc: Rfc): ChecklistLine[] {
  const items = policy.checklist[rfc.category] ?? [];
  if (!items.length) return [];
  // The notice of the window it will start in: one sent for an earlier window does not count.
  const notice = rfc.window ? outageNoticeDeliveredAt(db, timedKey('outage-notice', rfcSubject(rfc.key), stampOf(rfc.window.start))) : undefined;
  return checklistOf(items, ticksOf(db, rfc.key), { announcesOutage: !!rfc.outage?.minutes, noticeDeliveredAt: notice });
}

/** What keeps the RFC from starting: its open checklist items and open tasks, named (empty: it may start). */
export function startBlockersOf(db: Db, policy: Policy, rfc: Rfc): string[] {
  return startBlockers(openItems(checklistLines(db, policy, rfc)), openTasks(db, rfc.key));
}

function itemOf(rfc: Rfc, policy: Policy, raw: string): (typeof CHECKLIST_ITEMS)[number] {
  const item = raw.trim().toLowerCase();
  const items = policy.checklist[rfc.category] ?? [];
  if (!isChecklistItem(item)) {
    throw new ChangebotError(
      'bad_value',
      `There is no checklist item “${raw}”. Items: ${CHECKLIST_ITEMS.join(', ')}. Example: /rfc check ${rfc.key} lab-test`,
      {
        field: 'item',
      },
    );
  }
  if (!items.includes(item)) {
    const its = items.length ? `Its items: ${items.join(', ')}.` : 'Its category has no checklist.';
    throw new ChangebotError('bad_value', `${item} is not on ${rfc.key}'s checklist (a ${rfc.category} change). ${its}`, { field: 'item' });
  }
  return item;
}

function checkMayTick(actor: Actor, rfc: Rfc): void {
  if (!mayTick(actor, rfc)) {
    throw new ChangebotError('forbidden', `Only ${rfc.key}'s requester or owner, or a change manager, can tick its checklist.`);
  }
  if (!(CHECKLIST_STATES as readonly string[]).includes(rfc.state)) {
    throw new ChangebotError('invalid_transition', `${rfc.key}'s checklist is done before it starts; it is ${rfc.state.replace('_', ' ')} now.`);
  }
}

/** Ticks an item, by the actor, with an optional note or evidence link. */
export function tickItem(ctx: AppContext, actor: Actor, key: string, rawItem: string, givenNote?: string): Outcome<ChecklistLine[]> {
  const note = said('note', givenNote);
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, key);
    checkMayTick(actor, rfc);
    const item = itemOf(rfc, ctx.policy, rawItem);
    const at = ctx.clock.now();
    const before = saveTick(tx, rfc.key, { item, by: actor.id, at, note: note ?? null });
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at,
      actor: actor.id,
      action: 'checklist-tick',
      detail: { item, ...(note ? { note } : {}), ...(before ? { replaces: { by: before.by, at: before.at.toISOString(), note: before.note ?? null } } : {}) },
    });
    const lines = checklistLines(tx, ctx.policy, rfc);
    const open = openItems(lines);
    const message = `Ticked “${lines.find((l) => l.item === item)?.label}” on ${rfc.key}.${open.length ? ` Still open: ${open.map((l) => l.item).join(', ')}.` : ' Its checklist is complete.'}`;
    return { result: lines, rfc, message, notifications: [] };
  });
}

/** Takes a tick back (the evidence did not hold), with the reason. */
export function untickItem(ctx: AppContext, actor: Actor, key: string, rawItem: string, givenReason?: string): Outcome<ChecklistLine[]> {
  const reason = said('reason', givenReason);
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, key);
    checkMayTick(actor, rfc);
    const item = itemOf(rfc, ctx.policy, rawItem);
    const removed = ticksOf(tx, rfc.key).find((t) => t.item === item);
    if (!removed || !removeTick(tx, rfc.key, item)) {
      const auto = checklistLines(tx, ctx.policy, rfc).find((l) => l.item === item && l.state === 'auto');
      throw new ChangebotError(
        'bad_value',
        auto
          ? `${item} on ${rfc.key} was ticked by the delivered outage notice, not by a person, so there is no tick to take back. If the users still need telling, say so in a task (/rfc task add ${rfc.key} ...).`
          : `${item} is not ticked on ${rfc.key}.`,
        { field: 'item' },
      );
    }
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: ctx.clock.now(),
      actor: actor.id,
      action: 'checklist-untick',
      reason: reason ?? null,
      detail: { item, removed: { by: removed.by, at: removed.at.toISOString(), note: removed.note ?? null } },
    });
    return { result: checklistLines(tx, ctx.policy, rfc), rfc, message: `Took back the tick of ${item} on ${rfc.key}.`, notifications: [] };
  });
}

/** The checklist and open tasks, as text. */
export function showChecklist(ctx: AppContext, actor: Actor, key: string): Outcome<ChecklistLine[]> {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  const lines = checklistLines(db, ctx.policy, rfc);
  const tasks = openTasks(db, rfc.key);
  if (!lines.length && !tasks.length) {
    return {
      result: lines,
      message: `${rfc.key} (a ${rfc.category} change) has no checklist and no open tasks: nothing stands before its start.`,
      notifications: [],
    };
  }
  const mark = (l: ChecklistLine) => {
    if (l.state === 'open') return `☐ ${l.label} (${l.item})`;
    if (l.state === 'not-applicable') return `– ${l.label}: not needed (${l.note})`;
    const when = l.at ? formatInstant(l.at, actor.timezone) : '';
    return `☑ ${l.label}: ${l.state === 'auto' ? 'changebot' : l.by}, ${when}${l.note ? ` — ${l.note}` : ''}`;
  };
  const out = [`Checklist of ${rfc.key} (${rfc.category}):`, ...lines.map(mark), ...tasks.map((t) => `☐ task ${t.number}: ${t.title}`)];
  return { result: lines, message: out.join('\n'), notifications: [] };
}
