import { describe, expect, it } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import { RFC_PERMISSIONS, type RfcPermission, authorize, authorizeDeployment, can, canDeployment, implementersOf } from '../../src/domain/permissions.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { type Actor, type Category, RFC_STATES, type RfcState, type Role } from '../../src/domain/types.js';

/**
 * Each kind of person, as the table knows them: through the RFC or through one role. The
 * implementer is a change manager who reported the implementation (start, done, fail, backout).
 */
const PEOPLE = ['requester', 'owner', 'cab', 'change-manager', 'implementer', 'release-manager', 'admin', 'outsider'] as const;
type Person = (typeof PEOPLE)[number];

function actorFor(p: Person): Actor {
  const roles = new Set<Role>((['cab', 'change-manager', 'release-manager', 'admin'] as const).filter((r) => r === p));
  if (p === 'implementer') roles.add('change-manager');
  return { id: `cli:${p}`, roles, timezone: 'UTC' };
}

function rfcIn(state: RfcState, category: Category = 'significant', escalated = false) {
  return {
    ...draftRfc('cli:requester', new Date('2026-12-01T00:00:00Z')),
    id: 1,
    key: 'RFC-1',
    owner: 'cli:owner',
    state,
    category,
    escalated,
    implementers: ['cli:implementer'],
  };
}

/** The expected table, written out by hand: who may, and in which states. */
const BEFORE_IMPLEMENTING: RfcState[] = ['draft', 'submitted', 'awaiting_approval', 'approved', 'scheduled'];
const EXPECTED: Record<RfcPermission, { who: Person[] | 'anyone'; states: RfcState[] }> = {
  view: { who: 'anyone', states: [...RFC_STATES] },
  edit: { who: ['requester', 'owner', 'change-manager', 'implementer'], states: ['draft'] },
  submit: { who: ['requester', 'owner'], states: ['draft'] },
  withdraw: { who: ['requester', 'owner'], states: ['draft', 'submitted', 'awaiting_approval'] },
  cancel: { who: ['requester', 'owner', 'change-manager', 'implementer'], states: BEFORE_IMPLEMENTING },
  vote: { who: ['cab', 'change-manager', 'implementer'], states: ['awaiting_approval'] },
  schedule: { who: ['owner', 'change-manager', 'implementer'], states: ['approved'] },
  reschedule: { who: ['owner', 'change-manager', 'implementer'], states: ['scheduled'] },
  start: { who: ['owner', 'change-manager', 'implementer'], states: ['scheduled'] },
  complete: { who: ['owner', 'change-manager', 'implementer'], states: ['implementing'] },
  fail: { who: ['owner', 'change-manager', 'implementer'], states: ['implementing'] },
  backout: { who: ['owner', 'change-manager', 'implementer'], states: ['implementing', 'failed', 'implemented'] },
  // In review, running it again amends the review (outcome, incident, problem reference).
  review: { who: ['owner', 'change-manager', 'implementer'], states: ['implemented', 'failed', 'backed_out', 'in_review'] },
  // Separation of duties: not the change manager who implemented it (nor an owner, below).
  close: { who: ['change-manager'], states: ['in_review'] },
  // A new draft from a finished RFC (standard changes are refused at raise for non-managers).
  clone: { who: 'anyone', states: ['rejected', 'closed', 'withdrawn', 'cancelled'] },
};

describe('the permission table', () => {
  it('lists every RFC action in the expected table', () => {
    expect([...RFC_PERMISSIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const triples = PEOPLE.flatMap((p) => RFC_PERMISSIONS.flatMap((a) => RFC_STATES.map((s) => [p, a, s] as const)));
  it.each(triples)('%s may %s an RFC that is %s only as the table says (significant change)', (person, action, state) => {
    const e = EXPECTED[action];
    const expected = (e.who === 'anyone' || e.who.includes(person)) && e.states.includes(state);
    expect(can(actorFor(person), rfcIn(state), action, DEFAULT_POLICY)).toBe(expected);
  });

  it('lets only change managers vote on a minor change, and on a CAB vote past its deadline', () => {
    const voters = (category: Category, escalated: boolean) =>
      PEOPLE.filter((p) => can(actorFor(p), rfcIn('awaiting_approval', category, escalated), 'vote', DEFAULT_POLICY));
    expect(voters('minor', false)).toEqual(['change-manager', 'implementer']);
    expect(voters('significant', true)).toEqual(['change-manager', 'implementer']);
    expect(voters('major', false)).toEqual(['cab', 'change-manager', 'implementer']);
  });

  it('never lets the requester or owner vote, even holding a CAB or change-manager role', () => {
    const requester: Actor = { id: 'cli:requester', roles: new Set<Role>(['cab', 'change-manager']), timezone: 'UTC' };
    expect(can(requester, rfcIn('awaiting_approval'), 'vote', DEFAULT_POLICY)).toBe(false);
  });

  it('refuses with the words of the rule', () => {
    const refusal = (p: Person, action: RfcPermission, state: RfcState) => {
      try {
        authorize(actorFor(p), rfcIn(state), action, DEFAULT_POLICY);
        return null;
      } catch (e) {
        return e instanceof ChangebotError ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(refusal('cab', 'start', 'scheduled')).toBe('forbidden: Only its change owner or a change manager can start RFC-1.');
    expect(refusal('outsider', 'edit', 'draft')).toBe('forbidden: Only its requester, its change owner or a change manager can edit RFC-1.');
    expect(refusal('owner', 'close', 'in_review')).toBe('forbidden: Only a change manager can close RFC-1.');
    // The state is the state machine's to refuse, with what can be done instead.
    expect(refusal('owner', 'start', 'draft')).toBeNull();
  });

  describe('closing a review (separation of duties)', () => {
    const inReview = (owner: string, implementers: string[]) => ({ ...rfcIn('in_review'), owner, implementers });
    const cm = (name: string, ...more: Role[]): Actor => ({ id: `cli:${name}`, roles: new Set<Role>(['change-manager', ...more]), timezone: 'UTC' });
    const refusal = (actor: Actor, rfc: ReturnType<typeof inReview>) => {
      try {
        authorize(actor, rfc, 'close', DEFAULT_POLICY);
        return null;
      } catch (e) {
        return e instanceof ChangebotError ? `${e.code}: ${e.message}` : String(e);
      }
    };

    it('lets another change manager close it', () => {
      expect(can(cm('other'), inReview('cli:ana', ['cli:ana']), 'close', DEFAULT_POLICY)).toBe(true);
      expect(refusal(cm('other'), inReview('cli:ana', ['cli:ana']))).toBeNull();
    });

    it('refuses the change manager who implemented it, saying who must close it', () => {
      const rfc = inReview('cli:ana', ['cli:ana', 'cli:ian']);
      expect(can(cm('ian'), rfc, 'close', DEFAULT_POLICY)).toBe(false);
      expect(refusal(cm('ian'), rfc)).toBe("forbidden: You implemented RFC-1, so you can't close its review. Another change manager must close it.");
    });

    it('refuses the owner who is a change manager, even if someone else implemented it', () => {
      const rfc = inReview('cli:olga', ['cli:ian']);
      expect(can(cm('olga'), rfc, 'close', DEFAULT_POLICY)).toBe(false);
      expect(refusal(cm('olga'), rfc)).toBe("forbidden: You own RFC-1, so you can't close its review. Another change manager must close it.");
      // Owner and implementer both: the implementation is named.
      expect(refusal(cm('ian'), inReview('cli:ian', ['cli:ian']))).toBe(
        "forbidden: You implemented RFC-1, so you can't close its review. Another change manager must close it.",
      );
    });

    it('treats an admin like everyone else: only a change-manager role closes, and the same exclusions apply', () => {
      const admin: Actor = { id: 'cli:root', roles: new Set<Role>(['admin']), timezone: 'UTC' };
      expect(refusal(admin, inReview('cli:ana', ['cli:ana']))).toBe('forbidden: Only a change manager can close RFC-1.');
      expect(can(cm('root', 'admin'), inReview('cli:ana', ['cli:ana']), 'close', DEFAULT_POLICY)).toBe(true);
      expect(refusal(cm('root', 'admin'), inReview('cli:ana', ['cli:root']))).toBe(
        "forbidden: You implemented RFC-1, so you can't close its review. Another change manager must close it.",
      );
    });

    it('never decides without knowing who implemented it', () => {
      const { implementers: _unknown, ...rfc } = rfcIn('in_review');
      expect(() => can(cm('other'), rfc, 'close', DEFAULT_POLICY)).toThrow('Permission "close" on RFC-1 needs the RFC\'s implementers');
    });

    it('reads the implementers from the change log', () => {
      const log = ['raise', 'submit', 'start', 'edit', 'complete', 'fail', 'backout', 'review'].map((action, i) => ({
        action,
        actor: ['cli:a', 'cli:a', 'cli:b', 'cli:c', 'cli:b', 'cli:d', 'cli:e', 'cli:a'][i] as string,
      }));
      expect(implementersOf(log)).toEqual(['cli:b', 'cli:d', 'cli:e']);
    });
  });

  it('has deployment-wide rules for admin work, the CAB channel, conflicts and standard changes', () => {
    const allowed = (action: Parameters<typeof canDeployment>[1]) => PEOPLE.filter((p) => canDeployment(actorFor(p), action));
    expect(allowed('administer')).toEqual(['admin']);
    expect(allowed('set-cab-channel')).toEqual(['change-manager', 'implementer', 'admin']);
    expect(allowed('acknowledge-conflicts')).toEqual(['change-manager', 'implementer']);
    expect(allowed('mark-standard')).toEqual(['change-manager', 'implementer', 'admin']);
    expect(() => authorizeDeployment(actorFor('cab'), 'administer')).toThrow('Only an admin can change roles, services or windows.');
  });
});
