/**
 * Opening an approval: on submission, and again when a change is moved outside the window it
 * was approved for. Both take the same path (evaluation, notice, deadline, CAB snapshot, who is
 * asked), so a re-approval is held to everything a first approval is.
 */
import type { Db } from '../db/client.js';
import { peopleWithRole } from '../db/repos/people.js';
import { clearVotes, listVotes } from '../db/repos/rfcs.js';
import { leadTimeShortfall, leadTimeText, missingForApproval, missingText } from '../domain/evaluation.js';
import type { Notification } from '../domain/notifications.js';
import { pathByPolicy, usesCab, voteRules } from '../domain/policy.js';
import { rfcSubject } from '../domain/subject.js';
import type { Actor, Rfc } from '../domain/types.js';
import { deadlineFor } from '../domain/votes.js';
import { formatInstant } from '../domain/windows.js';
import type { AppContext } from './context.js';
import { type NextStep, refusal } from './next.js';
import { move } from './support.js';

/**
 * Refuses unless `rfc` may go to approval now: everything its category needs filled in, a
 * window that has not started, and the notice its category needs. A re-approval checks only
 * the window: the content was approved already and can no longer be edited.
 */
export function evaluate(ctx: AppContext, actor: Actor, rfc: Rfc, mode: 'submit' | 'reapprove'): void {
  const now = ctx.clock.now();
  const missing = missingForApproval(rfc, ctx.policy, now, actor.timezone).filter((m) => mode === 'submit' || m.field === 'window');
  const fix: NextStep[] = mode === 'submit' ? [{ step: 'edit', key: rfc.key, with: 'missing' }] : [{ step: 'override', key: rfc.key, action: 'reschedule' }];
  if (missing.length) {
    throw refusal('incomplete', missingText(rfc.key, missing), fix, { missing: missing.map((m) => m.field) });
  }
  const short = leadTimeShortfall(rfc, ctx.policy, now);
  if (short) {
    const next: NextStep[] =
      mode === 'submit'
        ? [
            { step: 'edit', key: rfc.key, with: 'start' },
            { step: 'mark-emergency', key: rfc.key },
          ]
        : fix;
    throw refusal('incomplete', leadTimeText(rfc, short, actor.timezone), next, { field: 'start', earliest: short.earliest.toISOString() });
  }
}

export interface OpenedApproval {
  rfc: Rfc;
  /** Who was asked: "went to the CAB for a vote". */
  asked: string;
  /** Warnings about the vote (deadline at the window, quorum out of reach), as sentences; may be empty. */
  notes: string;
  notifications: Notification[];
}

/**
 * Moves an evaluated RFC into awaiting_approval through `action` (`evaluate` after submit,
 * `reapprove` from approved/scheduled): fresh votes (the old ones stay in the change log), the
 * deadline, the CAB members of this moment, and the request to whoever decides first.
 */
export function openApproval(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  action: 'evaluate' | 'reapprove',
  opts: { reason: string; patch?: Partial<Rfc>; detail?: Record<string, unknown> },
): OpenedApproval {
  const now = ctx.clock.now();
  const policy = ctx.policy;
  const planned = { ...rfc, ...opts.patch };
  // The path is the policy's now, and stays fixed while this approval is open.
  const path = pathByPolicy(planned, policy);
  const deadline = deadlineFor(planned, policy, now);
  // The members who can vote on it: its requester and owner can't (no self-approval).
  const cabMembers = usesCab(path)
    ? peopleWithRole(tx, 'cab')
        .filter((id) => id !== rfc.requester && id !== rfc.owner)
        .sort()
    : null;
  const previous = listVotes(tx, rfc.id);
  if (previous.length) clearVotes(tx, rfc.id);
  const saved = move(tx, ctx, actor, rfc, action, {
    reason: opts.reason,
    patch: { ...opts.patch, approvalPath: path, voteDeadline: deadline?.at ?? null, voteOpenedAt: now, cabMembers, escalated: false },
    detail: {
      ...opts.detail,
      path,
      ...(deadline ? { deadline: deadline.at.toISOString() } : {}),
      ...(cabMembers ? { expected: cabMembers } : {}),
      ...(previous.length ? { previousVotes: previous.map((v) => ({ voter: v.voter, choice: v.choice, capacity: v.capacity })) } : {}),
    },
  });
  const subject = rfcSubject(saved.key);
  const notifications: Notification[] = [];
  const notes: string[] = [];
  let asked: string;
  if (path === 'signoff-then-cab') {
    asked = 'waits for a change manager’s sign-off (high risk); the CAB votes after it';
    notifications.push({ event: 'approval-requested', subject, recipients: [{ kind: 'role', role: 'change-manager' }] });
  } else if (usesCab(path)) {
    asked = `went to the ${path === 'emergency-cab' ? 'emergency ' : ''}CAB for a vote`;
    notifications.push({ event: 'vote-requested', subject, recipients: [{ kind: 'cab-channel' }] });
  } else {
    asked = "waits for a change manager's approval";
    notifications.push({ event: 'approval-requested', subject, recipients: [{ kind: 'role', role: 'change-manager' }] });
  }
  const zone = actor.timezone;
  if (deadline?.capped === 'before-window') notes.push(`The vote closes ${formatInstant(deadline.at, zone)}, an hour before the window opens.`);
  if (deadline?.capped === 'at-window' && saved.window) {
    notes.push(
      `Its window opens ${formatInstant(saved.window.start, zone)}, less than an hour from now, so the vote can't close an hour before it: it closes when the window opens.`,
    );
  }
  const rules = voteRules(path, policy);
  if (rules && cabMembers) {
    const needed = Math.max(rules.quorum, rules.minApprovals);
    if (cabMembers.length < needed) {
      notes.push(
        `The CAB has ${cabMembers.length} member${cabMembers.length === 1 ? '' : 's'}, fewer than the ${needed} votes the decision needs, so a change manager will decide at the deadline.`,
      );
    }
  }
  return { rfc: saved, asked, notes: notes.map((n) => ` ${n}`).join(''), notifications };
}
