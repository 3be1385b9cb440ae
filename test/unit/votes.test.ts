import { describe, expect, it } from 'vitest';
import type { ChangebotError } from '../../src/domain/errors.js';
import { DEFAULT_POLICY, type Policy, approvalPath, riskOf } from '../../src/domain/policy.js';
import type { Actor, Rfc, Role, Vote, VoteCapacity, VoteChoice } from '../../src/domain/types.js';
import { applyVote, deadlineFor, decide, tally, voteCapacity } from '../../src/domain/votes.js';

const t0 = new Date('2026-12-01T10:00:00Z');
const v = (voter: string, choice: VoteChoice, capacity: VoteCapacity = 'cab'): Vote => ({ voter, choice, capacity, comment: null, castAt: t0 });
const actor = (id: string, ...roles: Role[]): Actor => ({ id, roles: new Set(roles), timezone: 'UTC' });
const rfc = (over: Partial<Rfc> = {}) => ({
  key: 'RFC-1',
  category: 'significant' as const,
  emergency: false,
  escalated: false,
  requester: 'cli:req',
  owner: 'cli:own',
  state: 'awaiting_approval' as const,
  window: null,
  ...over,
});

describe('approval paths', () => {
  it('maps each category and the emergency flag to its path', () => {
    expect(approvalPath({ category: 'standard', emergency: false }, DEFAULT_POLICY)).toBe('pre-approved');
    expect(approvalPath({ category: 'minor', emergency: false }, DEFAULT_POLICY)).toBe('change-manager');
    expect(approvalPath({ category: 'significant', emergency: false }, DEFAULT_POLICY)).toBe('cab');
    expect(approvalPath({ category: 'major', emergency: false }, DEFAULT_POLICY)).toBe('cab+signoff');
    expect(approvalPath({ category: 'minor', emergency: true }, DEFAULT_POLICY)).toBe('emergency-cab');
  });

  it('standard is approved without votes', () => {
    expect(decide(rfc({ category: 'standard' }), DEFAULT_POLICY, []).outcome).toBe('approved');
  });

  it('minor waits for one change manager and follows their choice', () => {
    const minor = rfc({ category: 'minor' });
    expect(decide(minor, DEFAULT_POLICY, []).outcome).toBe('pending');
    expect(decide(minor, DEFAULT_POLICY, [v('m', 'approve', 'change-manager')]).outcome).toBe('approved');
    expect(decide(minor, DEFAULT_POLICY, [v('m', 'reject', 'change-manager')]).outcome).toBe('rejected');
  });

  it('major needs the CAB and then the change manager sign-off', () => {
    const major = rfc({ category: 'major' });
    const cab = [v('a', 'approve'), v('b', 'approve'), v('c', 'reject')];
    const waiting = decide(major, DEFAULT_POLICY, cab);
    expect(waiting).toEqual({ outcome: 'pending', waitingFor: 'the change manager’s sign-off' });
    expect(decide(major, DEFAULT_POLICY, [...cab, v('m', 'approve', 'change-manager')]).outcome).toBe('approved');
    expect(decide(major, DEFAULT_POLICY, [...cab, v('m', 'reject', 'change-manager')]).outcome).toBe('rejected');
  });

  it('emergency uses the smaller quorum', () => {
    const e = rfc({ emergency: true });
    expect(decide(e, DEFAULT_POLICY, [v('a', 'approve')]).outcome).toBe('pending');
    expect(decide(e, DEFAULT_POLICY, [v('a', 'approve'), v('b', 'approve')]).outcome).toBe('approved');
  });
});

describe('CAB vote rules', () => {
  it('waits for quorum, counting abstentions toward it', () => {
    expect(decide(rfc(), DEFAULT_POLICY, [v('a', 'approve'), v('b', 'approve')])).toEqual({
      outcome: 'pending',
      waitingFor: '1 more CAB vote (quorum 3)',
    });
    expect(decide(rfc(), DEFAULT_POLICY, [v('a', 'approve'), v('b', 'approve'), v('c', 'abstain')]).outcome).toBe('approved');
  });

  it('decides by simple majority of approve vs reject', () => {
    expect(decide(rfc(), DEFAULT_POLICY, [v('a', 'reject'), v('b', 'reject'), v('c', 'approve')]).outcome).toBe('rejected');
  });

  it('leaves a tie to the change manager, who can break it', () => {
    const tie = [v('a', 'approve'), v('b', 'reject'), v('c', 'abstain')];
    expect(tally('cab', DEFAULT_POLICY, tie).cab).toBe('tied');
    expect(decide(rfc(), DEFAULT_POLICY, tie)).toEqual({ outcome: 'pending', waitingFor: 'the change manager to break the tie' });
    expect(decide(rfc(), DEFAULT_POLICY, [...tie, v('m', 'approve', 'change-manager')]).outcome).toBe('approved');
  });

  it('lets the change manager veto when the policy allows it', () => {
    const votes = [v('a', 'approve'), v('m', 'reject', 'change-manager')];
    expect(decide(rfc(), DEFAULT_POLICY, votes)).toEqual({ outcome: 'rejected', reason: 'vetoed by the change manager' });
    const noVeto: Policy = { ...DEFAULT_POLICY, cab: { ...DEFAULT_POLICY.cab, veto: false } };
    expect(decide(rfc(), noVeto, votes).outcome).toBe('pending');
  });

  it('after the deadline the change manager decides alone', () => {
    const late = rfc({ escalated: true });
    expect(decide(late, DEFAULT_POLICY, [v('a', 'reject')])).toEqual({ outcome: 'pending', waitingFor: 'the change manager (deadline passed)' });
    expect(decide(late, DEFAULT_POLICY, [v('a', 'reject'), v('m', 'approve', 'change-manager')]).outcome).toBe('approved');
  });

  it('replaces a member’s earlier vote; the same vote twice changes nothing', () => {
    const first = applyVote([], v('a', 'approve'));
    expect(first.changed).toBe(true);
    const again = applyVote(first.votes, v('a', 'approve'));
    expect(again.changed).toBe(false);
    const changed = applyVote(first.votes, v('a', 'reject'));
    expect(changed.changed).toBe(true);
    expect(changed.votes).toEqual([v('a', 'reject')]);
  });

  it('sets the deadline from the policy: 48 h, or 2 h for emergencies, none for minor', () => {
    expect(deadlineFor(rfc(), DEFAULT_POLICY, t0)).toEqual({ at: new Date('2026-12-03T10:00:00Z'), capped: null });
    expect(deadlineFor(rfc({ emergency: true }), DEFAULT_POLICY, t0)).toEqual({ at: new Date('2026-12-01T12:00:00Z'), capped: null });
    expect(deadlineFor(rfc({ category: 'minor' }), DEFAULT_POLICY, t0)).toBeNull();
  });
});

describe('who votes', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as ChangebotError).code;
    }
    return 'ok';
  };

  it('refuses self-approval by the requester and the owner', () => {
    expect(code(() => voteCapacity(actor('cli:req', 'cab'), rfc(), DEFAULT_POLICY, []))).toBe('self_approval');
    expect(code(() => voteCapacity(actor('cli:own', 'change-manager'), rfc({ category: 'minor' }), DEFAULT_POLICY, []))).toBe('self_approval');
  });

  it('refuses people without the role', () => {
    expect(code(() => voteCapacity(actor('cli:x'), rfc(), DEFAULT_POLICY, []))).toBe('forbidden');
    expect(code(() => voteCapacity(actor('cli:x', 'cab'), rfc({ category: 'minor' }), DEFAULT_POLICY, []))).toBe('forbidden');
  });

  it('a CAB member votes as CAB; a change manager as change manager', () => {
    expect(voteCapacity(actor('cli:a', 'cab'), rfc(), DEFAULT_POLICY, [])).toBe('cab');
    expect(voteCapacity(actor('cli:m', 'change-manager'), rfc(), DEFAULT_POLICY, [])).toBe('change-manager');
    expect(voteCapacity(actor('cli:m', 'cab', 'change-manager'), rfc(), DEFAULT_POLICY, [])).toBe('cab');
  });

  it('lets members vote and change their vote until the decision; closes CAB voting at the deadline', () => {
    const major = rfc({ category: 'major' });
    const waitingForSignoff = [v('a', 'approve'), v('b', 'approve'), v('c', 'reject')];
    expect(voteCapacity(actor('cli:b', 'cab'), major, DEFAULT_POLICY, waitingForSignoff)).toBe('cab');
    const tie = [v('a', 'approve'), v('b', 'reject'), v('c', 'abstain')];
    expect(voteCapacity(actor('cli:d', 'cab'), rfc(), DEFAULT_POLICY, tie)).toBe('cab');
    // someone with both roles signs off or breaks the tie once the CAB has a result
    expect(voteCapacity(actor('cli:m', 'cab', 'change-manager'), major, DEFAULT_POLICY, waitingForSignoff)).toBe('change-manager');
    expect(voteCapacity(actor('cli:m', 'cab', 'change-manager'), rfc(), DEFAULT_POLICY, tie)).toBe('change-manager');
    expect(code(() => voteCapacity(actor('cli:d', 'cab'), rfc({ escalated: true }), DEFAULT_POLICY, []))).toBe('invalid_transition');
  });

  it('refuses votes when the RFC is not awaiting approval', () => {
    expect(code(() => voteCapacity(actor('cli:a', 'cab'), rfc({ state: 'approved' }), DEFAULT_POLICY, []))).toBe('invalid_transition');
  });
});

describe('risk', () => {
  it('computes risk from impact x likelihood', () => {
    expect(riskOf('low', 'low')).toBe('low');
    expect(riskOf('low', 'medium')).toBe('low');
    expect(riskOf('medium', 'medium')).toBe('medium');
    expect(riskOf('low', 'high')).toBe('medium');
    expect(riskOf('high', 'medium')).toBe('high');
    expect(riskOf('high', 'high')).toBe('high');
    expect(riskOf(null, 'high')).toBeNull();
  });
});
