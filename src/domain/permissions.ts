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
import { TERMINAL_STATES, TRANSITIONS } from './rfc-machine.js';
import { type Actor, type PersonId, RFC_STATES, type Rfc, type RfcState, type Role } from './types.js';

/**
 * How a person stands to an RFC: through it (requester, owner, implementer: who reported its
 * implementation) or through a granted role.
 */
export type Relation = 'requester' | 'owner' | 'implementer' | Role;

/** The change-log actions that make their actor an implementer of the RFC. */
export const IMPLEMENTING_ACTIONS: readonly string[] = ['start', 'complete', 'fail', 'backout'];

/** Who implemented the RFC, from its change log: whoever started, completed, failed or backed it out. */
export function implementersOf(log: readonly { actor: PersonId; action: string }[]): PersonId[] {
  return [...new Set(log.filter((e) => IMPLEMENTING_ACTIONS.includes(e.action)).map((e) => e.actor))];
}

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
  'clone',
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
  /** The refusal for someone `except` rules out, by the relation that does ("You own RFC-1, so ..."). */
  excluded?: Partial<Record<Relation, (key: string) => string>>;
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
  // Opening the review moves the RFC into review; running it again there amends the review.
  review: { who: OWNER_OR_MANAGER, states: [...TRANSITIONS.review.from, 'in_review'], doing: 'review' },
  close: {
    // Separation of duties: the review is closed by a change manager who neither owns the
    // change nor implemented it. (Admins hold no RFC rights of their own, as everywhere here.)
    who: ['change-manager'],
    except: ['implementer', 'owner'],
    states: TRANSITIONS.close.from,
    doing: 'close',
    excluded: {
      implementer: (key) => `You implemented ${key}, so you can't close its review. Another change manager must close it.`,
      owner: (key) => `You own ${key}, so you can't close its review. Another change manager must close it.`,
    },
  },
  // A new draft from a finished RFC: whoever may raise one (a standard change: see mark-standard).
  clone: { who: 'anyone', states: TERMINAL_STATES, doing: 'clone' },
};

/** Deployment-wide actions, not tied to one RFC. */
export const DEPLOYMENT_PERMISSIONS = [
  'administer',
  'set-cab-channel',
  'acknowledge-conflicts',
  'mark-standard',
  'manage-templates',
  'accept-window',
  'audit',
  'manage-teams',
] as const;
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
  // A template is a standing approval: whoever raises from it is approved at once, so only those
  // who could approve (or mark a change standard) define one. Raising from one is anyone's.
  'manage-templates': {
    who: ['change-manager', 'admin'],
    refusal: 'Only a change manager or an admin can add, edit or retire standard-change templates. Anyone can raise a change from one: /rfc template list.',
  },
  audit: { who: ['admin', 'change-manager'], refusal: 'Only an admin or a change manager can read the deployment-wide change log.' },
  'manage-teams': { who: ['admin', 'change-manager'], refusal: 'Only an admin or a change manager can add, remove or change teams.' },
};

/**
 * Change tasks (src/domain/tasks.ts): who may add one to an RFC, and who may finish one (mark it
 * done, or not applicable). `task-member` is a member of the task's team, or its assignee.
 */
export const TASK_PERMISSIONS = ['add-task', 'finish-task'] as const;
export type TaskPermission = (typeof TASK_PERMISSIONS)[number];
export type TaskRelation = 'requester' | 'owner' | 'task-member' | 'change-manager';

export const TASK_RULES: Record<TaskPermission, { who: readonly TaskRelation[]; refusal: (key: string) => string }> = {
  'add-task': {
    who: ['requester', 'owner', 'change-manager'],
    refusal: (key) => `Only its requester, its change owner or a change manager can add tasks to ${key}.`,
  },
  'finish-task': {
    who: ['task-member', 'owner', 'change-manager'],
    refusal: (key) => `Only the task's team or assignee, the change owner of ${key} or a change manager can mark this task.`,
  },
};

/** The relations `actor` holds for a task rule; `taskPeople`: the task's team members and assignee. */
export function taskRelationsOf(
  actor: Pick<Actor, 'id' | 'roles'>,
  rfc: Pick<Rfc, 'requester' | 'owner'>,
  taskPeople: readonly PersonId[] = [],
): Set<TaskRelation> {
  const out = new Set<TaskRelation>();
  if (actor.roles.has('change-manager')) out.add('change-manager');
  if (rfc.requester === actor.id) out.add('requester');
  if (rfc.owner === actor.id) out.add('owner');
  if (taskPeople.includes(actor.id)) out.add('task-member');
  return out;
}

export function canTask(
  actor: Pick<Actor, 'id' | 'roles'>,
  rfc: Pick<Rfc, 'requester' | 'owner'>,
  action: TaskPermission,
  taskPeople?: readonly PersonId[],
): boolean {
  const held = taskRelationsOf(actor, rfc, taskPeople);
  return TASK_RULES[action].who.some((r) => held.has(r));
}

export function authorizeTask(
  actor: Pick<Actor, 'id' | 'roles'>,
  rfc: Pick<Rfc, 'key' | 'requester' | 'owner'>,
  action: TaskPermission,
  taskPeople?: readonly PersonId[],
): void {
  if (canTask(actor, rfc, action, taskPeople)) return;
  throw new ChangebotError('forbidden', TASK_RULES[action].refusal(rfc.key), { action, allowed: TASK_RULES[action].who });
}

export type RuleRfc = Pick<Rfc, 'key' | 'state' | 'requester' | 'owner' | 'category' | 'emergency' | 'escalated'> &
  Partial<Pick<Rfc, 'impact' | 'likelihood' | 'cabMembers'>> & {
    /** Known from the votes (votes.ts `awaitingSignoff`); absent counts as no. */
    awaitingSignoff?: boolean;
    /** Who implemented it (`implementersOf` its change log); needed by rules that rule implementers out. */
    implementers?: readonly PersonId[];
  };

/** The relations `actor` holds to `rfc`. */
export function relationsOf(actor: Pick<Actor, 'id' | 'roles'>, rfc: Pick<RuleRfc, 'requester' | 'owner' | 'implementers'>): Set<Relation> {
  const out = new Set<Relation>(actor.roles);
  if (rfc.requester === actor.id) out.add('requester');
  if (rfc.owner === actor.id) out.add('owner');
  if (rfc.implementers?.includes(actor.id)) out.add('implementer');
  return out;
}

/** Who may take `action` on this RFC (its approval path matters for votes). */
export function allowedRelations(rfc: RuleRfc, action: RfcPermission, policy: Policy): 'anyone' | readonly Relation[] {
  const who = RFC_RULES[action].who;
  return typeof who === 'function' ? who({ path: approvalPath(rfc, policy), escalated: rfc.escalated, awaitingSignoff: !!rfc.awaitingSignoff }) : who;
}

/** Whether `actor` holds a relation in the rule's `who`, and which `except` relation rules them out. */
function standing(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): { allowed: boolean; excludedBy?: Relation } {
  const rule = RFC_RULES[action];
  if (rule.except?.includes('implementer') && rfc.implementers === undefined) {
    // Not knowing who implemented it must not let an implementer through.
    throw new Error(`Permission "${action}" on ${rfc.key} needs the RFC's implementers (implementersOf its change log).`);
  }
  const held = relationsOf(actor, rfc);
  // The CAB that votes is the one of the vote's opening: members granted later don't.
  if (action === 'vote' && rfc.cabMembers && !rfc.cabMembers.includes(actor.id)) held.delete('cab');
  const who = allowedRelations(rfc, action, policy);
  const allowed = who === 'anyone' || who.some((r) => held.has(r));
  const excludedBy = rule.except?.find((r) => held.has(r));
  return excludedBy ? { allowed, excludedBy } : { allowed };
}

function holdsRelation(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): boolean {
  const s = standing(actor, rfc, action, policy);
  return s.allowed && !s.excludedBy;
}

/** Whether `actor` may take `action` on `rfc` now: the relation holds and the state allows it. */
export function can(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): boolean {
  return RFC_RULES[action].states.includes(rfc.state) && holdsRelation(actor, rfc, action, policy);
}

const RELATION_WORDS: Record<Relation, string> = {
  requester: 'its requester',
  owner: 'its change owner',
  implementer: 'whoever implemented it',
  cab: 'a CAB member',
  'change-manager': 'a change manager',
  'release-manager': 'a release manager',
  admin: 'an admin',
};

/** `a`, `a or b`, `a, b or c`. */
export function orList(words: readonly string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
}

/**
 * Refuses (`forbidden`) unless `actor` holds a relation that allows `action` on `rfc`. The
 * state is left to the state machine, whose refusal says what can be done instead.
 */
export function authorize(actor: Pick<Actor, 'id' | 'roles'>, rfc: RuleRfc, action: RfcPermission, policy: Policy): void {
  const s = standing(actor, rfc, action, policy);
  if (s.allowed && !s.excludedBy) return;
  const excluded = s.allowed && s.excludedBy ? RFC_RULES[action].excluded?.[s.excludedBy] : undefined;
  if (excluded) throw new ChangebotError('forbidden', excluded(rfc.key), { action, excludedAs: s.excludedBy });
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
