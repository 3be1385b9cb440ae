/** CAB and change-manager votes, and what happens at the vote deadline. */
import { rfcSubject } from '../domain/subject.js';
import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import { listVotes, updateRfc, upsertVote } from '../db/repos/rfcs.js';
import { type Notification, type Recipient, people } from '../domain/notifications.js';
import { type Decision, applyVote, awaitingSignoff, decide, replaceVote, voteCapacity } from '../domain/votes.js';
import type { Actor, Rfc, Vote, VoteChoice } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { getRfc, move } from './support.js';
import { formatRange } from '../domain/windows.js';
import { said } from './text-input.js';

export interface VoteResult {
  rfc: Rfc;
  votes: Vote[];
  decision: Decision;
  /** false when the same vote was already recorded (a double click): nothing was written. */
  changed: boolean;
}

export function vote(ctx: AppContext, actor: Actor, key: string, choice: VoteChoice, given?: string): Outcome<VoteResult> {
  // Cleaned and capped before anything is read: an over-long comment records nothing.
  const comment = said('comment', given);
  return inTransaction<VoteResult>(ctx, (tx) => {
    let rfc = getRfc(tx, key);
    const existing = listVotes(tx, rfc.id);
    const capacity = voteCapacity(actor, rfc, ctx.policy, existing);
    const now = ctx.clock.now();
    const cast: Vote = { voter: actor.id, choice, capacity, comment: comment ?? null, castAt: now };
    const applied = applyVote(existing, cast);
    // A change manager repeating their sign-off to break a tie or decide a late vote: that is a
    // new decision (cast now), not a double click.
    const recast = replaceVote(existing, cast);
    const decisiveAgain =
      !applied.changed &&
      capacity === 'change-manager' &&
      decide(rfc, ctx.policy, existing).outcome === 'pending' &&
      decide(rfc, ctx.policy, recast).outcome !== 'pending';
    const changed = applied.changed || decisiveAgain;
    const votes = decisiveAgain ? recast : applied.votes;
    if (!changed) {
      // The same vote again (a double click, or a change manager repeating a vote cast before
      // the deadline): nothing new to record, but the decision it implies still applies.
      const decision = decide(rfc, ctx.policy, votes);
      if (decision.outcome === 'pending') {
        return { result: { rfc, votes, decision, changed }, rfc, message: `Your ${choice} vote on ${rfc.key} was already recorded.`, notifications: [] };
      }
      const notifications: Notification[] = [];
      rfc = applyDecision(tx, ctx, actor, rfc, decision, notifications);
      return { result: { rfc, votes, decision, changed }, rfc, message: decidedText(rfc, decision, actor.timezone), notifications };
    }
    const previous = existing.find((v) => v.voter === actor.id && v.capacity === capacity);
    upsertVote(tx, rfc.id, cast);
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: now,
      actor: actor.id,
      action: previous ? 'vote-changed' : 'vote',
      reason: cast.comment,
      detail: { choice, capacity, ...(previous ? { previous: previous.choice } : {}) },
    });
    const decision = decide(rfc, ctx.policy, votes);
    const notifications: Notification[] = [];
    let message = `Recorded your ${choice} vote on ${rfc.key}${capacity === 'change-manager' ? ' as change manager' : ''}.`;
    if (decision.outcome !== 'pending') {
      rfc = applyDecision(tx, ctx, actor, rfc, decision, notifications);
      message += ` ${decidedText(rfc, decision, actor.timezone)}`;
    } else {
      if (awaitingSignoff(rfc, ctx.policy, existing) && !awaitingSignoff(rfc, ctx.policy, votes)) {
        // The sign-off a high-risk major change needs first: now the CAB votes.
        message += ' That is the sign-off: the CAB votes now.';
        notifications.push({ event: 'vote-requested', subject: rfcSubject(rfc.key), recipients: [{ kind: 'cab-channel' }] });
      }
      message += ` Waiting for ${decision.waitingFor}.`;
    }
    return { result: { rfc, votes, decision, changed }, rfc, message, notifications };
  });
}

/** "RFC-8 is approved: approved by the CAB (3–0)." or, for a rejected new window, what stands. */
function decidedText(rfc: Rfc, decision: Decision & { outcome: 'approved' | 'rejected' }, zone: string): string {
  if (decision.outcome === 'rejected' && rfc.state === 'approved' && rfc.approvedWindow) {
    return `The new window of ${rfc.key} was ${decision.reason}; its approval for ${formatRange(rfc.approvedWindow, zone)} stands, so schedule it inside that window.`;
  }
  return `${rfc.key} is ${decision.outcome}: ${decision.reason}.`;
}

function applyDecision(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  decision: Decision & { outcome: 'approved' | 'rejected' },
  notifications: Notification[],
): Rfc {
  const approved = decision.outcome === 'approved';
  // A rejected re-approval (a new window) leaves the approval given before standing: the change
  // goes back to approved, in its approved window, rather than dying with the new window.
  const keep = !approved && rfc.approvedWindow !== null;
  // The approval covers the window the RFC holds now: a schedule outside it needs a new one.
  const patch: Partial<Rfc> = approved ? { approvedWindow: rfc.window, approvedAt: ctx.clock.now() } : keep ? { window: rfc.approvedWindow } : {};
  const action = approved ? 'approve' : keep ? 'keep_approval' : 'reject';
  const reason = keep ? `the new window was ${decision.reason}; the approval given before stands` : decision.reason;
  const saved = move(tx, ctx, actor, rfc, action, { reason, patch });
  const recipients = people([saved.requester, saved.owner]);
  // Rejections are routed back to the requester and the release managers (domain.md).
  if (decision.outcome === 'rejected') recipients.push({ kind: 'role', role: 'release-manager' });
  recipients.push({ kind: 'cab-channel' });
  notifications.push({ event: 'decided', subject: rfcSubject(saved.key), recipients, detail: reason, outcome: decision.outcome });
  return saved;
}

/**
 * Called when the vote deadline passes (by the scheduler, or by hand). Decides if the votes
 * already decide; otherwise hands the vote to the change managers (escalation). Idempotent:
 * a second call after escalation or decision changes nothing.
 */
export function decideByDeadline(ctx: AppContext, actor: Actor, key: string): Outcome<{ escalated: boolean }> {
  return inTransaction<{ escalated: boolean }>(ctx, (tx) => {
    const rfc = getRfc(tx, key);
    const now = ctx.clock.now();
    if (rfc.state !== 'awaiting_approval' || rfc.escalated || !rfc.voteDeadline || rfc.voteDeadline > now) {
      return { result: { escalated: false }, rfc, message: `${rfc.key}: nothing to do at the deadline.`, notifications: [] };
    }
    const votes = listVotes(tx, rfc.id);
    const notifications: Notification[] = [];
    // The votes may decide already, or do once the vote is the change manager's (a change
    // manager's vote cast before the deadline counts as theirs now).
    const decision = decide(rfc, ctx.policy, votes);
    const escalatedDecision = decision.outcome === 'pending' ? decide({ ...rfc, escalated: true }, ctx.policy, votes) : decision;
    if (escalatedDecision.outcome !== 'pending') {
      const saved = applyDecision(tx, ctx, actor, { ...rfc, escalated: decision.outcome === 'pending' }, escalatedDecision, notifications);
      return { result: { escalated: false }, rfc: saved, message: `${rfc.key} is ${escalatedDecision.outcome}.`, notifications };
    }
    const saved = updateRfc(tx, { ...rfc, escalated: true, updatedAt: now });
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: now,
      actor: actor.id,
      action: 'escalate',
      reason: `vote deadline passed; waiting for ${escalatedDecision.waitingFor}`,
    });
    notifications.push({ event: 'escalated', subject: rfcSubject(rfc.key), recipients: [{ kind: 'role', role: 'change-manager' }, { kind: 'cab-channel' }] });
    return { result: { escalated: true }, rfc: saved, message: `The vote on ${rfc.key} passed its deadline and went to the change managers.`, notifications };
  });
}

/**
 * Who the vote reminder goes to: the CAB members of the vote's opening who have not voted (the
 * snapshot already leaves out the requester and owner), or the change managers while a
 * sign-off is awaited.
 */
export function votersToRemind(ctx: AppContext, key: string): Recipient[] {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  if (rfc.state !== 'awaiting_approval' || rfc.escalated) return [];
  const votes = listVotes(db, rfc.id);
  if (awaitingSignoff(rfc, ctx.policy, votes)) return [{ kind: 'role', role: 'change-manager' }];
  const voted = new Set(votes.map((v) => v.voter));
  return people((rfc.cabMembers ?? []).filter((id) => !voted.has(id)));
}
