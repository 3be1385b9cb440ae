/**
 * CAB vote rules (domain.md "CAB vote"): quorum (abstentions count), simple majority of
 * approve vs reject, optional change-manager veto, deadline after which the vote goes to the
 * change manager, vote changes until the decision, and no self-approval.
 */
import { ChangebotError } from './errors.js';
import { can } from './permissions.js';
import { type ApprovalPath, type Policy, approvalPath, needsSignoff, usesCab, voteRules } from './policy.js';
import type { Actor, Rfc, Vote, VoteCapacity } from './types.js';

export interface Tally {
  approve: number;
  reject: number;
  abstain: number;
  cast: number;
  quorum: number;
  minApprovals: number;
  /**
   * The CAB's own result: pending until quorum, tied on an equal split, and `no-decision` when
   * the quorum voted but too few approved (all abstained, or approvals under the minimum).
   */
  cab: 'pending' | 'approved' | 'rejected' | 'tied' | 'no-decision';
  /** The change manager's vote, if any (approval for minor, sign-off / veto / override otherwise). */
  manager: Vote | null;
}

export type Decision = { outcome: 'approved' | 'rejected'; reason: string } | { outcome: 'pending'; waitingFor: string };

export type DecisionFacts = Pick<Rfc, 'category' | 'emergency' | 'escalated'> & Partial<Pick<Rfc, 'impact' | 'likelihood' | 'voteDeadline'>>;

export function tally(path: ApprovalPath, policy: Policy, votes: readonly Vote[]): Tally {
  const rules = voteRules(path, policy);
  const cabVotes = votes.filter((v) => v.capacity === 'cab');
  const approve = cabVotes.filter((v) => v.choice === 'approve').length;
  const reject = cabVotes.filter((v) => v.choice === 'reject').length;
  const abstain = cabVotes.filter((v) => v.choice === 'abstain').length;
  const cast = cabVotes.length;
  const quorum = rules?.quorum ?? 0;
  const minApprovals = rules?.minApprovals ?? 0;
  let cab: Tally['cab'] = 'pending';
  if (rules && cast >= quorum) {
    if (reject > approve) cab = 'rejected';
    else if (approve > reject && approve >= minApprovals) cab = 'approved';
    else if (approve === reject && approve > 0) cab = 'tied';
    else cab = 'no-decision';
  }
  const manager = [...votes].reverse().find((v) => v.capacity === 'change-manager' && v.choice !== 'abstain') ?? null;
  return { approve, reject, abstain, cast, quorum, minApprovals, cab, manager };
}

/** The path waits for the change manager's sign-off before the CAB may vote. */
export function awaitingSignoff(rfc: DecisionFacts, policy: Policy, votes: readonly Vote[]): boolean {
  return approvalPath(rfc, policy) === 'signoff-then-cab' && tally('signoff-then-cab', policy, votes).manager?.choice !== 'approve';
}

/** "3–0" or "2–0, 1 abstained". */
function score(t: Tally): string {
  return `${t.approve}–${t.reject}${t.abstain ? `, ${t.abstain} abstained` : ''}`;
}

/** The decision the votes so far imply. `escalated`: the deadline passed undecided. */
export function decide(rfc: DecisionFacts, policy: Policy, votes: readonly Vote[]): Decision {
  const path = approvalPath(rfc, policy);
  const t = tally(path, policy, votes);
  const rules = voteRules(path, policy);
  const m = t.manager;
  if (path === 'pre-approved') return { outcome: 'approved', reason: 'standard change, pre-approved' };
  if (path === 'change-manager') {
    if (!m) return { outcome: 'pending', waitingFor: 'a change manager' };
    return { outcome: m.choice === 'approve' ? 'approved' : 'rejected', reason: `${verb(m)} by the change manager` };
  }
  if (path === 'signoff-then-cab' && m?.choice !== 'approve') {
    if (m) return { outcome: 'rejected', reason: 'rejected by the change manager before the CAB vote' };
    return { outcome: 'pending', waitingFor: 'the change manager’s sign-off (high risk: before the CAB votes)' };
  }
  // CAB paths.
  if (m?.choice === 'reject' && rules?.veto) {
    return { outcome: 'rejected', reason: 'vetoed by the change manager' };
  }
  const managerDecides = rfc.escalated || t.cab === 'tied';
  if (m && managerDecides && decidesAfter(m, path, rfc, votes)) {
    const why = rfc.escalated ? 'the vote passed its deadline' : 'the CAB vote was tied';
    return { outcome: m.choice === 'approve' ? 'approved' : 'rejected', reason: `${verb(m)} by the change manager (${why})` };
  }
  if (t.cab === 'rejected') return { outcome: 'rejected', reason: `rejected by the CAB (${score(t)})` };
  if (t.cab === 'approved') {
    if (path === 'signoff-then-cab') return { outcome: 'approved', reason: `approved by the CAB (${score(t)}) after the change manager’s sign-off` };
    if (path !== 'cab+signoff') return { outcome: 'approved', reason: `approved by the CAB (${score(t)})` };
    if (m?.choice === 'approve') {
      return { outcome: 'approved', reason: `approved by the CAB (${score(t)}) and signed off by the change manager` };
    }
    return { outcome: 'pending', waitingFor: 'the change manager’s sign-off' };
  }
  if (t.cab === 'tied') return { outcome: 'pending', waitingFor: 'the change manager to break the tie' };
  if (rfc.escalated) return { outcome: 'pending', waitingFor: 'the change manager (deadline passed)' };
  if (t.cab === 'no-decision') {
    const need = t.minApprovals - t.approve;
    const why = t.approve === 0 ? `the ${t.cast} votes so far are abstentions, which decide nothing` : `${t.approve} approved and ${t.abstain} abstained`;
    return { outcome: 'pending', waitingFor: `${need} more approval${need === 1 ? '' : 's'}: ${why} (at least ${t.minApprovals} approvals needed)` };
  }
  const need = t.quorum - t.cast;
  return { outcome: 'pending', waitingFor: `${need} more CAB vote${need === 1 ? '' : 's'} (quorum ${t.quorum})` };
}

/**
 * Whether the change manager's vote `m` may break a tie or decide a late vote. Where the path
 * needs their sign-off, an approval given as sign-off is not also the tie-break or the late
 * decision: that takes a vote cast after the last CAB vote (a tie) or after the deadline.
 */
function decidesAfter(m: Vote, path: ApprovalPath, rfc: DecisionFacts, votes: readonly Vote[]): boolean {
  if (!needsSignoff(path) || m.choice === 'reject') return true;
  const at = m.castAt.getTime();
  if (rfc.escalated) return rfc.voteDeadline ? at >= rfc.voteDeadline.getTime() : false;
  const lastCab = Math.max(0, ...votes.filter((v) => v.capacity === 'cab').map((v) => v.castAt.getTime()));
  return at > lastCab;
}

function verb(v: Vote): string {
  return v.choice === 'approve' ? 'approved' : 'rejected';
}

/**
 * In which capacity `actor` votes on `rfc` now, or a ChangebotError saying why they can't.
 * A CAB member votes as CAB until the decision or the deadline; a change manager votes as
 * change manager (approval of minor changes, sign-off of major ones, veto, tie-break, after
 * the deadline).
 */
export function voteCapacity(
  actor: Actor,
  rfc: Pick<Rfc, 'key' | 'category' | 'emergency' | 'escalated' | 'requester' | 'owner' | 'state'> & Partial<Pick<Rfc, 'impact' | 'likelihood' | 'cabMembers'>>,
  policy: Policy,
  votes: readonly Vote[],
): VoteCapacity {
  if (rfc.state !== 'awaiting_approval') {
    throw new ChangebotError('invalid_transition', `${rfc.key} is not open for votes (it is ${rfc.state.replace('_', ' ')}).`);
  }
  if (actor.id === rfc.requester || actor.id === rfc.owner) {
    throw new ChangebotError('self_approval', `You raised or own ${rfc.key}, so you can't vote on it. Another CAB member or change manager must decide.`);
  }
  const path = approvalPath(rfc, policy);
  const isCab = actor.roles.has('cab');
  const isManager = actor.roles.has('change-manager');
  const signoffFirst = awaitingSignoff(rfc, policy, votes);
  const facts = { ...rfc, awaitingSignoff: signoffFirst };
  // Who may vote at all is the permission table's rule; the words of the refusal are the vote's own.
  if (!can(actor, facts, 'vote', policy)) {
    if (usesCab(path) && isCab && rfc.escalated) {
      throw new ChangebotError('invalid_transition', `The CAB vote on ${rfc.key} passed its deadline; a change manager decides now.`);
    }
    if (isCab && signoffFirst) {
      throw new ChangebotError(
        'invalid_transition',
        `${rfc.key} is a high-risk major change: a change manager signs it off before the CAB votes. You can vote once they have.`,
      );
    }
    if (isCab && usesCab(path) && rfc.cabMembers && !rfc.cabMembers.includes(actor.id)) {
      throw new ChangebotError(
        'forbidden',
        `You joined the CAB after ${rfc.key} went to a vote, so you don't vote on it: its vote is for the members of that time.`,
      );
    }
    if (usesCab(path)) {
      throw new ChangebotError(
        'forbidden',
        `Only CAB members can vote on ${rfc.key}. Ask an admin to run \`/rfc admin grant <you> cab\` if you should be one.`,
      );
    }
    throw new ChangebotError('forbidden', `${rfc.key} is a ${rfc.category} change: a change manager approves it. You are not a change manager.`);
  }
  if (!usesCab(path) || signoffFirst) return 'change-manager';
  // A member who is also a change manager votes as CAB until the CAB has a result, then as
  // change manager (sign-off, tie-break). Plain members may vote, and change their vote,
  // until the decision or the deadline. A change manager outside the snapshot votes as one.
  const member = isCab && (!rfc.cabMembers || rfc.cabMembers.includes(actor.id));
  const cabHasResult = ['approved', 'rejected', 'tied'].includes(tally(path, policy, votes).cab);
  return isManager && (!member || rfc.escalated || cabHasResult) ? 'change-manager' : 'cab';
}

/** The votes after `vote` replaces the same voter's earlier vote in the same capacity. */
export function applyVote(votes: readonly Vote[], vote: Vote): { votes: Vote[]; changed: boolean } {
  const prev = votes.find((v) => v.voter === vote.voter && v.capacity === vote.capacity);
  if (prev && prev.choice === vote.choice && (prev.comment ?? null) === (vote.comment ?? null)) {
    return { votes: [...votes], changed: false };
  }
  return { votes: replaceVote(votes, vote), changed: true };
}

/** The votes with `vote` in place of the same voter's earlier vote in the same capacity (cast last). */
export function replaceVote(votes: readonly Vote[], vote: Vote): Vote[] {
  return [...votes.filter((v) => !(v.voter === vote.voter && v.capacity === vote.capacity)), vote];
}

/**
 * When a vote opened at `from` closes: the path's deadline, but never later than an hour before
 * the window opens. When even that is past (the window opens within the hour), the vote closes
 * as the window opens (`atWindow`), and submission says so.
 */
export function deadlineFor(
  rfc: Pick<Rfc, 'category' | 'emergency' | 'window'> & Partial<Pick<Rfc, 'impact' | 'likelihood'>>,
  policy: Policy,
  from: Date,
): { at: Date; capped: null | 'before-window' | 'at-window' } | null {
  const rules = voteRules(approvalPath(rfc, policy), policy);
  if (!rules) return null;
  const normal = from.getTime() + rules.deadlineHours * 3_600_000;
  if (!rfc.window) return { at: new Date(normal), capped: null };
  const latest = rfc.window.start.getTime() - 3_600_000;
  if (normal <= latest) return { at: new Date(normal), capped: null };
  if (latest > from.getTime()) return { at: new Date(latest), capped: 'before-window' };
  return { at: new Date(Math.max(rfc.window.start.getTime(), from.getTime())), capped: 'at-window' };
}
