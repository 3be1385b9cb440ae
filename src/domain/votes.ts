/**
 * CAB vote rules (domain.md "CAB vote"): quorum (abstentions count), simple majority of
 * approve vs reject, optional change-manager veto, deadline after which the vote goes to the
 * change manager, vote changes until the decision, and no self-approval.
 */
import { ChangebotError } from './errors.js';
import { allowedRelations, relationsOf } from './permissions.js';
import { type ApprovalPath, type Policy, approvalPath, usesCab, voteRules } from './policy.js';
import type { Actor, Rfc, Vote, VoteCapacity } from './types.js';

export interface Tally {
  approve: number;
  reject: number;
  abstain: number;
  cast: number;
  quorum: number;
  /** The CAB's own result: pending until quorum, tied on an equal split. */
  cab: 'pending' | 'approved' | 'rejected' | 'tied';
  /** The change manager's vote, if any (approval for minor, sign-off / veto / override otherwise). */
  manager: Vote | null;
}

export type Decision = { outcome: 'approved' | 'rejected'; reason: string } | { outcome: 'pending'; waitingFor: string };

export function tally(path: ApprovalPath, policy: Policy, votes: readonly Vote[]): Tally {
  const rules = voteRules(path, policy);
  const cabVotes = votes.filter((v) => v.capacity === 'cab');
  const approve = cabVotes.filter((v) => v.choice === 'approve').length;
  const reject = cabVotes.filter((v) => v.choice === 'reject').length;
  const abstain = cabVotes.filter((v) => v.choice === 'abstain').length;
  const cast = cabVotes.length;
  const quorum = rules?.quorum ?? 0;
  let cab: Tally['cab'] = 'pending';
  if (rules && cast >= quorum) {
    cab = approve > reject ? 'approved' : reject > approve ? 'rejected' : 'tied';
  }
  const manager = [...votes].reverse().find((v) => v.capacity === 'change-manager' && v.choice !== 'abstain') ?? null;
  return { approve, reject, abstain, cast, quorum, cab, manager };
}

/** The decision the votes so far imply. `escalated`: the deadline passed undecided. */
export function decide(rfc: Pick<Rfc, 'category' | 'emergency' | 'escalated'>, policy: Policy, votes: readonly Vote[]): Decision {
  const path = approvalPath(rfc, policy);
  const t = tally(path, policy, votes);
  const rules = voteRules(path, policy);
  const m = t.manager;
  if (path === 'pre-approved') return { outcome: 'approved', reason: 'standard change, pre-approved' };
  if (path === 'change-manager') {
    if (!m) return { outcome: 'pending', waitingFor: 'a change manager' };
    return { outcome: m.choice === 'approve' ? 'approved' : 'rejected', reason: `${verb(m)} by the change manager` };
  }
  // CAB paths.
  if (m?.choice === 'reject' && rules?.veto) {
    return { outcome: 'rejected', reason: 'vetoed by the change manager' };
  }
  const managerDecides = rfc.escalated || t.cab === 'tied';
  if (m && managerDecides) {
    const why = rfc.escalated ? 'the vote passed its deadline' : 'the CAB vote was tied';
    return { outcome: m.choice === 'approve' ? 'approved' : 'rejected', reason: `${verb(m)} by the change manager (${why})` };
  }
  if (t.cab === 'rejected') return { outcome: 'rejected', reason: `rejected by the CAB (${t.approve}–${t.reject})` };
  if (t.cab === 'approved') {
    if (path !== 'cab+signoff') return { outcome: 'approved', reason: `approved by the CAB (${t.approve}–${t.reject})` };
    if (m?.choice === 'approve') {
      return { outcome: 'approved', reason: `approved by the CAB (${t.approve}–${t.reject}) and signed off by the change manager` };
    }
    return { outcome: 'pending', waitingFor: 'the change manager’s sign-off' };
  }
  if (t.cab === 'tied') return { outcome: 'pending', waitingFor: 'the change manager to break the tie' };
  if (rfc.escalated) return { outcome: 'pending', waitingFor: 'the change manager (deadline passed)' };
  const need = t.quorum - t.cast;
  return { outcome: 'pending', waitingFor: `${need} more CAB vote${need === 1 ? '' : 's'} (quorum ${t.quorum})` };
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
  rfc: Pick<Rfc, 'key' | 'category' | 'emergency' | 'escalated' | 'requester' | 'owner' | 'state'>,
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
  // Who may vote at all is the permission table's rule; the words of the refusal are the vote's own.
  const allowed = allowedRelations(rfc, 'vote', policy);
  const held = relationsOf(actor, rfc);
  if (allowed !== 'anyone' && !allowed.some((r) => held.has(r))) {
    if (usesCab(path) && isCab && rfc.escalated) {
      throw new ChangebotError('invalid_transition', `The CAB vote on ${rfc.key} passed its deadline; a change manager decides now.`);
    }
    if (usesCab(path)) {
      throw new ChangebotError(
        'forbidden',
        `Only CAB members can vote on ${rfc.key}. Ask an admin to run \`/rfc admin grant <you> cab\` if you should be one.`,
      );
    }
    throw new ChangebotError('forbidden', `${rfc.key} is a ${rfc.category} change: a change manager approves it. You are not a change manager.`);
  }
  if (!usesCab(path)) return 'change-manager';
  // A member who is also a change manager votes as CAB until the CAB has a result, then as
  // change manager (sign-off, tie-break). Plain members may vote, and change their vote,
  // until the decision or the deadline.
  const cabHasResult = tally(path, policy, votes).cab !== 'pending';
  return isManager && (!isCab || rfc.escalated || cabHasResult) ? 'change-manager' : 'cab';
}

/** The votes after `vote` replaces the same voter's earlier vote in the same capacity. */
export function applyVote(votes: readonly Vote[], vote: Vote): { votes: Vote[]; changed: boolean } {
  const prev = votes.find((v) => v.voter === vote.voter && v.capacity === vote.capacity);
  if (prev && prev.choice === vote.choice && (prev.comment ?? null) === (vote.comment ?? null)) {
    return { votes: [...votes], changed: false };
  }
  return { votes: [...votes.filter((v) => v !== prev), vote], changed: true };
}

export function deadlineFor(rfc: Pick<Rfc, 'category' | 'emergency'>, policy: Policy, from: Date): Date | null {
  const rules = voteRules(approvalPath(rfc, policy), policy);
  if (!rules) return null;
  return new Date(from.getTime() + rules.deadlineHours * 3_600_000);
}
