import { describe, expect, it } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import { RFC_PERMISSIONS, type RfcPermission, authorize, authorizeDeployment, can, canDeployment } from '../../src/domain/permissions.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { type Actor, type Category, RFC_STATES, type RfcState, type Role } from '../../src/domain/types.js';

/** Each kind of person, as the table knows them: through the RFC or through one role. */
const PEOPLE = ['requester', 'owner', 'cab', 'change-manager', 'release-manager', 'admin', 'outsider'] as const;
type Person = (typeof PEOPLE)[number];

function actorFor(p: Person): Actor {
  const roles = new Set<Role>((['cab', 'change-manager', 'release-manager', 'admin'] as const).filter((r) => r === p));
  return { id: `cli:${p}`, roles, timezone: 'UTC' };
}

function rfcIn(state: RfcState, category: Category = 'significant', escalated = false) {
  return { ...draftRfc('cli:requester', new Date('2026-12-01T00:00:00Z')), id: 1, key: 'RFC-1', owner: 'cli:owner', state, category, escalated };
}

/** The expected table, written out by hand: who may, and in which states. */
const BEFORE_IMPLEMENTING: RfcState[] = ['draft', 'submitted', 'awaiting_approval', 'approved', 'scheduled'];
const EXPECTED: Record<RfcPermission, { who: Person[] | 'anyone'; states: RfcState[] }> = {
  view: { who: 'anyone', states: [...RFC_STATES] },
  edit: { who: ['requester', 'owner', 'change-manager'], states: ['draft'] },
  submit: { who: ['requester', 'owner'], states: ['draft'] },
  withdraw: { who: ['requester', 'owner'], states: ['draft', 'submitted', 'awaiting_approval'] },
  cancel: { who: ['requester', 'owner', 'change-manager'], states: BEFORE_IMPLEMENTING },
  vote: { who: ['cab', 'change-manager'], states: ['awaiting_approval'] },
  schedule: { who: ['owner', 'change-manager'], states: ['approved'] },
  reschedule: { who: ['owner', 'change-manager'], states: ['scheduled'] },
  start: { who: ['owner', 'change-manager'], states: ['scheduled'] },
  complete: { who: ['owner', 'change-manager'], states: ['implementing'] },
  fail: { who: ['owner', 'change-manager'], states: ['implementing'] },
  backout: { who: ['owner', 'change-manager'], states: ['implementing', 'failed', 'implemented'] },
  review: { who: ['owner', 'change-manager'], states: ['implemented', 'failed', 'backed_out'] },
  close: { who: ['change-manager'], states: ['in_review'] },
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
    expect(voters('minor', false)).toEqual(['change-manager']);
    expect(voters('significant', true)).toEqual(['change-manager']);
    expect(voters('major', false)).toEqual(['cab', 'change-manager']);
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

  it('has deployment-wide rules for admin work, the CAB channel, conflicts and standard changes', () => {
    const allowed = (action: Parameters<typeof canDeployment>[1]) => PEOPLE.filter((p) => canDeployment(actorFor(p), action));
    expect(allowed('administer')).toEqual(['admin']);
    expect(allowed('set-cab-channel')).toEqual(['change-manager', 'admin']);
    expect(allowed('acknowledge-conflicts')).toEqual(['change-manager']);
    expect(allowed('mark-standard')).toEqual(['change-manager', 'admin']);
    expect(() => authorizeDeployment(actorFor('cab'), 'administer')).toThrow('Only an admin can change roles, services or windows.');
  });
});
