/**
 * Who may do what: one table for every action on an RFC (in which states, by which relation to
 * it) and for the deployment-wide actions. The use cases refuse with `authorize`, and the card
 * models show a button only when `can` says its press would be allowed, so a button and its
 * click always follow the same rule. The state machine (rfc-machine.ts) still decides where an
 * action leads; this table only adds who, and repeats the states so a card never offers an
 * action the state does not allow.
 */
import { ChangebotError } from './errors.js';
import { type ApprovalPath, type Policy, approvalPath, usesCab } from './policy.js';
import { TRANSITIONS } from './rfc-machine.js';
import { type Actor, RFC_STATES, type Rfc, type RfcState, type Role } from './types.js';

/** How a person stands to an RFC: through it (requester, owner) or through a granted role. */
export type Relation = 'requester' | 'owner' | Role;

export const RFC_PERMISSIONS = [
  'view',
  'edit',
  'submit',
  'withdraw',
  'cancel',
  'vote',
  'schedule',
  'reschedule',
  'start',
  'complete',
  'fail',
  'backout',
  'review',
  'close',
] as const;
export type RfcPermission = (typeof RFC_PERMISSIONS)[number];

/** What the rule of an action may depend on besides the person: the RFC's approval path. */
export interface RuleFacts {
  path: ApprovalPath;
  /** The vote passed its deadline undecided: it is the change managers' now. */
  escalated: boolean;
  /** A high-risk major change: the change manager signs off before the CAB may vote. */
  awaitingSignoff: boolean;
}

export interface RfcRule {
  /** Anyone holding one of these may act; `'anyone'` for everybody. */
  who: 'anyone' | readonly Relation[] | ((f: RuleFacts) => readonly Relation[]);
  /** Relations that rule a person out even when they hold one in `who` (no self-approval). */
  except?: readonly Relation[];
  /** States the action is possible in. */
  states: readonly RfcState[];
  /** Words for the refusal: "Only its change owner or a change manager can <doing> RFC-1." */
  doing: string;
}

const ALL_STATES: readonly RfcState[] = RFC_STATES;
const OWNER_OR_MANAGER: readonly Relation[] = ['owner', 'change-manager'];

export const RFC_RULES: Record<RfcPermission, RfcRule> = {
  view: { who: 'anyone', states: ALL_STATES, doing: 'see' },
  edit: { who: ['requester', 'owner', 'change-manager'], states: ['draft'], doing: 'edit' },
  submit: { who: ['requester', 'owner'], states: TRANSITIONS.submit.from, doing: 'submit' },
  withdraw: { who: ['requester', 'owner'], states: TRANSITIONS.withdraw.from, doing: 'withdraw' },
  cancel: { who: ['requester', 'owner', 'change-manager'], states: TRANSITIONS.cancel.from, doing: 'cancel' },
  vote: {
    // CAB members vote on changes that go to the CAB, until the deadline passes undecided;
    // change managers approve minor changes, sign off major ones, veto and decide late votes.
    who: (f) => (usesCab(f.path) && !f.escalated && !f.awaitingSignoff ? ['cab', 'change-manager'] : ['change-manager']),
    except: ['requester', 'owner'],
    states: ['awaiting_approval'],
    doing: 'vote on',
  },
  schedule: { who: OWNER_OR_MANAGER, states: TRANSITIONS.schedule.from, doing: 'schedule' },
  reschedule: { who: OWNER_OR_MANAGER, states: TRANSITIONS.reschedule.from, doing: 'reschedule' },
  start: { who: OWNER_OR_MANAGER, states: TRANSITIONS.start.from, doing: 'start' },
  complete: { who: OWNER_OR_MANAGER, states: TRANSITIONS.complete.from, doing: 'complete' },
  fail: { who: OWNER_OR_MANAGER, states: TRANSITIONS.fail.from, doing: 'mark as failed' },
  backout: { who: OWNER_OR_MANAGER, states: TRANSITIONS.backout.from, doing: 'back out' },
  review: { who: OWNER_OR_MANAGER, states: TRANSITIONS.review.from, doing: 'review' },
  close: { who: ['change-manager'], states: TRANSITIONS.close.from, doing: 'close' },
};

/** Deployment-wide actions, not tied to one RFC. */
export const DEPLOYMENT_PERMISSIONS = ['administer', 'set-cab-channel', 'acknowledge-conflicts', 'mark-standard', 'accept-window', 'audit'] as const;
export type DeploymentPermission = (typeof DEPLOYMENT_PERMISSIONS)[number];

export const DEPLOYMENT_RULES: Record<DeploymentPermission, { who: readonly Role[]; refusal: string }> = {
  administer: { who: ['admin'], refusal: 'Only an admin can change roles, services or windows.' },
  'set-cab-channel': { who: ['admin', 'change-manager'], refusal: 'Only an admin or a change manager can set the CAB channel.' },
  'acknowledge-conflicts': { who: ['change-manager'], refusal: 'Only a change manager can acknowledge conflicts (ack=yes).' },
  'accept-window': {
    who: ['change-manager'],
    refusal: 'Only a change manager can accept a window outside the approved one, or start a change outside its window (override="...").',
  },
  'mark-standard': {
    who: ['change-manager', 'admin'],
    refusal: 'Standard changes are pre-approved, so only a change manager can mark a change standard. Use category=minor, or ask a change manager.',
  },
  audit: { who: ['admin', 'change-manager'], refusal: 'Only an admin or a change manager can read the deployment-wide change log.' },
};

export type RuleRfc = Pick<Rfc, 'key' | 'state' | 'requester' | 'owner' | 'category' | 'emergency' | 'escalated'> &
  Partial<Pick<Rfc, 'impact' | 'likelihood' | 'cabMembers'>> & {
    /** Known from the votes (votes.ts `awaitingSignoff`); absent counts as no. */
    awaitingSignoff?: boolean;
  };

/** The relations `actor` holds to `rfc`. */
export function relationsOf(actor: Pick<Actor, 'id' | 'roles'>, rfc: Pick<Rfc, 'requester' | 'owner'>): Set<Relation> {
  const out = new Set<Relation>(actor.roles);
  if (rfc.requester === actor.id) out.add('requester');
  if (rfc.owner === actor.id) out.add('owner');
  return out;
}

/** Who may take `action` on this RFC (its approval path matters for votes). */
export function allowedRelations(rfc: RuleRfc, action: RfcPermission, policy: Policy): 'anyone' | readonly Relation[] {
  const who = RFC_RULES[action].who;
  return typeof who === 'function' ? who({ path: approvalPath(rfc, policy), escalated: rfc.escalated, awaitingSignoff: !!rfc.awaitingSignoff }) : who;
}

function holdsRelation(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): boolean {
  const rule = RFC_RULES[action];
  const held = relationsOf(actor, rfc);
  if (rule.except?.some((r) => held.has(r))) return false;
  // The CAB that votes is the one of the vote's opening: members granted later don't.
  if (action === 'vote' && rfc.cabMembers && !rfc.cabMembers.includes(actor.id)) held.delete('cab');
  const who = allowedRelations(rfc, action, policy);
  return who === 'anyone' || who.some((r) => held.has(r));
}

/** Whether `actor` may take `action` on `rfc` now: the relation holds and the state allows it. */
export function can(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): boolean {
  return RFC_RULES[action].states.includes(rfc.state) && holdsRelation(actor, rfc, action, policy);
}

const RELATION_WORDS: Record<Relation, string> = {
  requester: 'its requester',
  owner: 'its change owner',
  cab: 'a CAB member',
  'change-manager': 'a change manager',
  'release-manager': 'a release manager',
  admin: 'an admin',
};

function orList(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
}

/**
 * Refuses (`forbidden`) unless `actor` holds a relation that allows `action` on `rfc`. The
 * state is left to the state machine, whose refusal says what can be done instead.
 */
export function authorize(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): void {
  if (holdsRelation(actor, rfc, action, policy)) return;
  const who = allowedRelations(rfc, action, policy);
  const list = who === 'anyone' ? 'anyone' : orList(who.map((r) => RELATION_WORDS[r]));
  throw new ChangebotError('forbidden', `Only ${list} can ${RFC_RULES[action].doing} ${rfc.key}.`, { action, allowed: who });
}

export function canDeployment(actor: Pick<Actor, 'roles'>, action: DeploymentPermission): boolean {
  return DEPLOYMENT_RULES[action].who.some((r) => actor.roles.has(r));
}

export function authorizeDeployment(actor: Pick<Actor, 'roles'>, action: DeploymentPermission): void {
  if (canDeployment(actor, action)) return;
  throw new ChangebotError('forbidden', DEPLOYMENT_RULES[action].refusal, { action, allowed: DEPLOYMENT_RULES[action].who });
}
