/** From approval to closure: schedule, reschedule, start, complete, fail, back out, review, close. */
import { rfcSubject } from '../domain/subject.js';
import type { Db } from '../db/client.js';
import { listBlackouts, listMaintenance, listServices } from '../db/repos/catalogue.js';
import { appendLog } from '../db/repos/log.js';
import { waveSlotsInWindow } from '../db/repos/releases.js';
import { listChangesInWindow, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, type Recipient, people } from '../domain/notifications.js';
import { ACTIVE_WINDOW_STATES, type RfcAction, transition } from '../domain/rfc-machine.js';
import { type Conflict, type ScheduleContext, findConflicts, relatedServices } from '../domain/schedule.js';
import { defaultOutcome, needsProblem, reviewSummary, wentWrong } from '../domain/review.js';
import type { Actor, Review, Rfc, Window } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { windowFrom } from './fields.js';
import type { ReviewInput, ScheduleInput } from './inputs.js';
import { type NextStep, refusal } from './next.js';
import { evaluate, openApproval } from './approval.js';
import { type Policy, approvalPath } from '../domain/policy.js';
import { formatInstant, formatRange, insideWindow } from '../domain/windows.js';
import { authorize, authorizeDeployment } from '../domain/permissions.js';
import { TRANSITIONS } from '../domain/rfc-machine.js';
import { startBlockersOf } from './checklist.js';
import { checkReleaseRfc, getRfc, implementersOfRfc, move } from './support.js';
import { checkTemplateWindow } from './templates.js';
import { cleanInput, said } from './text-input.js';

export type { ReviewInput, ScheduleInput } from './inputs.js';

/**
 * What conflicts are checked against: the catalogue, windows, and the other RFCs and the
 * releases' waves holding a window that overlaps `range` (only those can conflict, so only
 * those are read).
 */
/**
 * An RFC in a release: the release's waves start it (its own start is held) and hold its time,
 * so its own window (or the span of the waves it is given) stands for nothing of its own.
 */
export function deployedByWaves(rfc: Pick<Rfc, 'releaseKey'>): boolean {
  return !!rfc.releaseKey;
}

export function scheduleContext(tx: Db, except: string | null, displayZone: string, range: Window, services: string[]): ScheduleContext {
  const catalogue = listServices(tx);
  return {
    services: catalogue,
    maintenance: listMaintenance(tx),
    blackouts: listBlackouts(tx),
    // An RFC a release is deploying holds its time through the release's waves (below), not the span of them.
    others: listChangesInWindow(tx, ACTIVE_WINDOW_STATES, range, relatedServices(catalogue, services)).filter((r) => r.key !== except && !deployedByWaves(r)),
    waves: waveSlotsInWindow(tx, range),
    displayZone,
  };
}

export function schedule(ctx: AppContext, actor: Actor, key: string, input: ScheduleInput): Outcome<Rfc> {
  return placeWindow(ctx, actor, key, input, 'schedule');
}

export function reschedule(ctx: AppContext, actor: Actor, key: string, input: ScheduleInput): Outcome<Rfc> {
  return placeWindow(ctx, actor, key, input, 'reschedule');
}

function placeWindow(ctx: AppContext, actor: Actor, key: string, given: ScheduleInput, action: 'schedule' | 'reschedule'): Outcome<Rfc> {
  const input = cleanInput(given, { reason: 'reason', override: 'override' });
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, key);
    authorize(actor, rfc, action, ctx.policy);
    checkReleaseRfc(tx, rfc, action);
    // The state is checked before any conflict work: a refused command costs nothing.
    transition(rfc.key, rfc.state, action);
    const now = ctx.clock.now();
    const window = windowFrom(input, rfc.window, now) ?? rfc.window;
    if (!window) {
      throw refusal('bad_value', `${rfc.key} has no planned window.`, [{ step: 'give-window', key: rfc.key, action }], { field: 'start' });
    }
    if (window.end.getTime() <= now.getTime()) {
      throw new ChangebotError('bad_value', `That window has already ended. Give a window in the future, e.g. start="tomorrow 22:00" duration=2h.`, {
        field: 'start',
      });
    }
    // A change from a template keeps to the template's windows (its longest, maintenance only).
    checkTemplateWindow(tx, rfc, window);
    const conflicts = findConflicts(rfc, window, scheduleContext(tx, rfc.key, actor.timezone, window, rfc.services));
    checkConflicts(rfc, actor, conflicts, input, action);
    const override = input.override?.trim();
    const windowDetail = {
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      ...(conflicts.length ? { conflicts: conflicts.map((c) => c.message), acknowledged: !!input.ack } : {}),
    };
    const approved = rfc.approvedWindow;
    const outside = bindsWindow(rfc, ctx.policy) && approved !== null && !insideWindow(window, approved);
    if (outside && !override) return backForApproval(tx, ctx, actor, rfc, window, input, windowDetail);
    if (outside) authorizeOverride(actor, rfc);
    const saved = move(tx, ctx, actor, { ...rfc }, action, {
      reason: (outside && override) || input.reason || null,
      // A change manager's acceptance makes the new window the approved one.
      patch: { window, scheduleReason: input.reason ?? null, ...(outside ? { approvedWindow: window } : {}) },
      detail: { ...windowDetail, ...(outside && approved ? { outsideApproval: windowIso(approved), acceptedBy: actor.id } : {}) },
    });
    const notifications: Notification[] = [
      {
        event: action === 'schedule' ? 'scheduled' : 'rescheduled',
        subject: rfcSubject(saved.key),
        recipients: people([saved.requester, saved.owner], actor.id),
      },
    ];
    if (action === 'reschedule' && saved.outage?.minutes) {
      notifications.push({ event: 'rescheduled', subject: rfcSubject(saved.key), recipients: audience(saved) });
    }
    const verb = action === 'schedule' ? 'Scheduled' : 'Rescheduled';
    const accepted = outside ? ' You accepted a window outside the approved one; the change log keeps your reason.' : '';
    return {
      result: saved,
      rfc: saved,
      message: `${verb} ${saved.key}.${accepted}${conflicts.length ? ` ${conflicts.length} conflict(s) noted in the change log.` : ''}`,
      notifications,
    };
  });
}

/**
 * A change manager may accept a window outside the approval, or start outside the window, but
 * not on a change they raised or own: like a vote, that is for someone else.
 */
function authorizeOverride(actor: Actor, rfc: Rfc): void {
  authorizeDeployment(actor, 'accept-window');
  if (actor.id === rfc.requester || actor.id === rfc.owner) {
    throw new ChangebotError('self_approval', `You raised or own ${rfc.key}, so you can't override its approved window. Another change manager must.`);
  }
}

/** Whether the approved window holds this RFC (standard changes are pre-approved for any window). */
function bindsWindow(rfc: Rfc, policy: Policy): boolean {
  return approvalPath(rfc, policy) !== 'pre-approved';
}

const windowIso = (w: Window) => ({ start: w.start.toISOString(), end: w.end.toISOString() });

/** A window outside the approved one: the RFC goes back for approval on the same path, with fresh votes. */
function backForApproval(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  window: Window,
  input: ScheduleInput,
  windowDetail: Record<string, unknown>,
): Outcome<Rfc> {
  const approved = rfc.approvedWindow!;
  const planned = { ...rfc, window };
  evaluate(ctx, actor, planned, 'reapprove');
  const opened = openApproval(tx, ctx, actor, rfc, 'reapprove', {
    reason: input.reason?.trim() || 'the new window is outside the approved one',
    patch: { window, scheduleReason: input.reason ?? null },
    detail: { ...windowDetail, approved: windowIso(approved) },
  });
  const zone = actor.timezone;
  const notifications = [...opened.notifications];
  // Users told about the old window hear that it moved.
  if (rfc.state === 'scheduled' && rfc.outage?.minutes) notifications.push({ event: 'rescheduled', subject: rfcSubject(rfc.key), recipients: audience(rfc) });
  return {
    result: opened.rfc,
    rfc: opened.rfc,
    message: `${rfc.key}'s new window (${formatRange(window, zone)}) is outside the one it was approved for (${formatRange(approved, zone)}), so it needs a new approval: it ${opened.asked}.${opened.notes} Once approved, schedule it again.`,
    next: [
      { step: 'stay-inside', key: rfc.key, window: formatRange(approved, zone) },
      { step: 'override', key: rfc.key, action: rfc.state === 'approved' ? 'schedule' : 'reschedule' },
    ],
    notifications,
  };
}

function checkConflicts(rfc: Rfc, actor: Actor, conflicts: Conflict[], input: ScheduleInput, action: 'schedule' | 'reschedule'): void {
  if (input.ack) authorizeDeployment(actor, 'acknowledge-conflicts');
  const needAck = conflicts.filter((c) => c.needs === 'ack');
  const needReason = conflicts.filter((c) => c.needs === 'reason');
  const list = (cs: Conflict[]) => cs.map((c) => `• ${c.message}`).join('\n');
  if (needAck.length && !input.ack) {
    throw refusal(
      'conflict',
      `${rfc.key} conflicts with:\n${list(needAck)}`,
      [
        { step: 'find-slot', service: rfc.services[0] ?? 'NAME' },
        { step: 'acknowledge', key: rfc.key, action },
      ],
      { conflicts: needAck.map((c) => c.message) },
    );
  }
  if ((needReason.length || needAck.length) && !input.reason?.trim()) {
    throw new ChangebotError(
      'conflict',
      `${rfc.key} needs a reason to be scheduled here:\n${list([...needAck, ...needReason])}\nAdd reason="..." to the command.`,
      { conflicts: [...needAck, ...needReason].map((c) => c.message), field: 'reason' },
    );
  }
}

function audience(rfc: Rfc): Recipient[] {
  return rfc.services.map((service) => ({ kind: 'audience', service }));
}

/** Start, complete, fail, back out: the owner (or a change manager) reports progress. */
export function progress(
  ctx: AppContext,
  actor: Actor,
  key: string,
  action: Extract<RfcAction, 'start' | 'complete' | 'fail' | 'backout'>,
  given?: string,
  opts: { override?: string } = {},
): Outcome<Rfc> {
  const reason = said('reason', given);
  const override = said('override', opts.override);
  return inTransaction(ctx, (tx) => {
    const before = getRfc(tx, key);
    authorize(actor, before, action, ctx.policy);
    checkReleaseRfc(tx, before, action);
    // What the checklist and the tasks still lack: refused unless an emergency or overridden (and then logged).
    const blockers = action === 'start' && !before.emergency && TRANSITIONS.start.from.includes(before.state) ? startBlockersOf(tx, ctx.policy, before) : [];
    if (action === 'start') checkStart(ctx, actor, before, override, blockers);
    const rfc = move(tx, ctx, actor, before, action, {
      reason: override || reason,
      ...(action === 'start' && override
        ? { detail: { override: true, window: before.window ? windowIso(before.window) : null, ...(blockers.length ? { open: blockers } : {}) } }
        : {}),
    });
    const owners = people([rfc.requester, rfc.owner], actor.id);
    // Service audiences hear "maintenance started" and "service restored" only when told to
    // expect an outage.
    const users = rfc.outage?.minutes ? audience(rfc) : [];
    const managers: Recipient = { kind: 'role', role: 'change-manager' };
    const n = (event: Notification['event'], recipients: Recipient[]): Notification => ({ event, subject: rfcSubject(rfc.key), recipients, detail: reason });
    switch (action) {
      case 'start':
        return {
          result: rfc,
          rfc,
          message: `${rfc.key} is now implementing.`,
          next: [{ step: 'done', key: rfc.key }],
          notifications: [n('started', [...users, ...owners])],
        };
      case 'complete':
        return {
          result: rfc,
          rfc,
          message: `${rfc.key} is implemented.`,
          next: [{ step: 'review', key: rfc.key }],
          notifications: [n('completed', [...users, ...owners])],
        };
      case 'fail':
        return {
          result: rfc,
          rfc,
          message: `${rfc.key} is marked failed.`,
          next: [{ step: 'backout', key: rfc.key }],
          notifications: [n('failed', [...owners, managers])],
        };
      case 'backout':
        return { result: rfc, rfc, message: `${rfc.key} is backed out.`, notifications: [n('backed-out', [...users, ...owners, managers])] };
    }
  });
}

/**
 * A change starts inside its window: not before it opens (the CAB approved that time), not
 * after it closed, and with its pre-implementation checklist ticked and its tasks done (every
 * open one named). Emergencies may start at once; a change manager may override with a reason.
 */
function checkStart(ctx: AppContext, actor: Actor, rfc: Rfc, override: string | undefined, blockers: readonly string[]): void {
  if (override) {
    authorizeOverride(actor, rfc);
    return;
  }
  checkStartTime(ctx, actor, rfc);
  if (blockers.length) {
    throw new ChangebotError(
      'incomplete',
      `${rfc.key} can't start yet. Still open: ${blockers.join('; ')}. Tick items with \`/rfc check ${rfc.key} ITEM\` and finish the tasks; a change manager may start it anyway with override="reason".`,
      { missing: [...blockers], field: 'start' },
    );
  }
}

/** Not before the window opens, not after it closed (emergencies and other states: no check). */
function checkStartTime(ctx: AppContext, actor: Actor, rfc: Rfc): void {
  const w = rfc.window;
  if (!w || rfc.emergency || rfc.state !== 'scheduled') return;
  const now = ctx.clock.now().getTime();
  const next: NextStep[] = [{ step: 'override', key: rfc.key, action: 'start' }];
  if (now < w.start.getTime()) {
    throw refusal('invalid_transition', `${rfc.key} may start from ${formatInstant(w.start, actor.timezone)}.`, next, { field: 'start' });
  }
  if (now >= w.end.getTime()) {
    throw refusal('invalid_transition', `${rfc.key}'s window closed at ${formatInstant(w.end, actor.timezone)}; reschedule it before starting.`, [
      { step: 'give-window', key: rfc.key, action: 'reschedule' },
      ...next,
    ]);
  }
}

/**
 * The owner (or a change manager) opens the post-implementation review: its outcome (by
 * default what the implementation report said), whether it caused an incident, a problem
 * reference and notes. While in review, running it again amends the review (e.g. to add the
 * problem reference a failed or backed-out change needs before it can be closed).
 */
export function review(ctx: AppContext, actor: Actor, key: string, given: ReviewInput = {}): Outcome<Rfc> {
  const input = cleanInput(given, { problem: 'problem', notes: 'notes' });
  return inTransaction(ctx, (tx) => {
    const before = getRfc(tx, key);
    authorize(actor, before, 'review', ctx.policy);
    const amending = before.state === 'in_review';
    const found: Review = {
      outcome: input.outcome ?? before.review?.outcome ?? defaultOutcome(before.state),
      causedIncident: input.causedIncident ?? before.review?.causedIncident ?? false,
    };
    const problem = input.problem?.trim() || before.problem;
    const notes = input.notes?.trim() || undefined;
    const patch = { review: found, problem };
    const detail = { outcome: found.outcome, causedIncident: found.causedIncident, ...(problem ? { problem } : {}) };
    let rfc: Rfc;
    if (amending) {
      if (input.outcome === undefined && input.causedIncident === undefined && !input.problem?.trim() && !notes) {
        throw refusal('bad_command', `${before.key} is already in review. Give what to change in its review.`, [{ step: 'amend-review', key: before.key }]);
      }
      const now = ctx.clock.now();
      rfc = updateRfc(tx, { ...before, ...patch, updatedAt: now });
      appendLog(tx, {
        subject: rfcSubject(rfc.key),
        at: now,
        actor: actor.id,
        action: 'review',
        fromState: 'in_review',
        toState: 'in_review',
        reason: notes ?? null,
        detail: { ...detail, amended: true },
      });
    } else {
      rfc = move(tx, ctx, actor, before, 'review', { reason: notes, patch, detail });
    }
    const missing = needsProblem(rfc);
    const managers: Recipient = { kind: 'role', role: 'change-manager' };
    const notifications: Notification[] = [];
    // Change managers hear that a review is ready to close; while a problem reference is
    // missing, the owner is asked for it too. An amendment tells them only when it made the
    // review ready to close.
    if (!amending || (needsProblem(before) && !missing)) {
      const recipients: Recipient[] = [managers, ...(missing ? people([rfc.owner], actor.id) : [])];
      notifications.push({ event: 'review-requested', subject: rfcSubject(rfc.key), recipients, ...(notes ? { detail: notes } : {}) });
    }
    const summary = `${reviewSummary(found)}${rfc.problem ? `, problem ${rfc.problem}` : ''}`;
    const message = amending ? `Updated the review of ${rfc.key}: ${summary}.` : `${rfc.key} is in review: ${summary}.`;
    return {
      result: rfc,
      rfc,
      message: missing ? `${message} ${wentWrong(rfc.key, found.outcome)}, so its review needs a problem reference before it can be closed.` : message,
      next: [missing ? { step: 'give-problem', key: rfc.key } : { step: 'close', key: rfc.key }],
      notifications,
    };
  });
}

export function close(ctx: AppContext, actor: Actor, key: string, given?: string): Outcome<Rfc> {
  const reason = said('reason', given);
  return inTransaction(ctx, (tx) => {
    const before = getRfc(tx, key);
    authorize(actor, { ...before, implementers: implementersOfRfc(tx, before.key) }, 'close', ctx.policy);
    if (before.state === 'in_review' && before.review && needsProblem(before)) {
      throw refusal(
        'incomplete',
        `${wentWrong(before.key, before.review.outcome)}, so its review needs a problem reference before it can be closed.`,
        [{ step: 'give-problem', key: before.key }],
        { field: 'problem' },
      );
    }
    const rfc = move(tx, ctx, actor, before, 'close', { reason });
    return {
      result: rfc,
      rfc,
      message: `Closed ${rfc.key}.`,
      notifications: [{ event: 'closed', subject: rfcSubject(rfc.key), recipients: people([rfc.requester, rfc.owner], actor.id) }],
    };
  });
}
