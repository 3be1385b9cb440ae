/**
 * Who may do what on a release: one table, like the RFC table (permissions.ts). Use cases
 * refuse with `authorizeRelease`; the release card offers a button only when `canRelease` says
 * its press would be allowed, so a button and its click follow the same rule.
 */
import { ChangebotError } from './errors.js';
import { orList } from './permissions.js';
import { RELEASE_PHASE_LABELS, type ReleasePhase, RELEASE_PHASES, type Release, TEAM_LABELS, type TeamRole, WORK_PHASES } from './release.js';
import type { Actor, PersonId, Role } from './types.js';

/** How a person stands to a release: its manager, a member of its team, or a granted role. */
export type ReleaseRelation = 'manager' | TeamRole | Role;

export const RELEASE_PERMISSIONS = [
  'view',
  'edit', // name, goal, target date, status channels, team, plan
  'add-rfc',
  'remove-rfc',
  'remove-rfc-after-go',
  'phase',
  'package',
  'amend-package', // after go froze it
  'test',
  'signoff',
  'prove-backout',
  'approve-pilot',
  'tick',
  'go',
  'nogo',
  'add-wave',
  'run-wave', // start, done, fail, back out a wave; back the release out
  'review',
  'close',
  'suspend',
  'resume',
  'cancel',
] as const;
export type ReleasePermission = (typeof RELEASE_PERMISSIONS)[number];

interface ReleaseRule {
  who: 'anyone' | readonly ReleaseRelation[];
  phases: readonly ReleasePhase[];
  /** "Only its release manager or a change manager can <doing> REL-1." */
  doing: string;
}

const MANAGERS: readonly ReleaseRelation[] = ['manager', 'change-manager'];
const OPEN: readonly ReleasePhase[] = WORK_PHASES;
const BEFORE_GO: readonly ReleasePhase[] = ['planning', 'building', 'acceptance_testing', 'readiness_review'];
const TESTING: readonly ReleasePhase[] = ['building', 'acceptance_testing', 'readiness_review'];

export const RELEASE_RULES: Record<ReleasePermission, ReleaseRule> = {
  view: { who: 'anyone', phases: RELEASE_PHASES, doing: 'see' },
  edit: { who: MANAGERS, phases: [...OPEN, 'suspended'], doing: 'change' },
  'add-rfc': { who: MANAGERS, phases: BEFORE_GO, doing: 'add RFCs to' },
  'remove-rfc': { who: MANAGERS, phases: BEFORE_GO, doing: 'remove RFCs from' },
  // After go the change manager decides: what was reviewed is what is deployed.
  'remove-rfc-after-go': { who: ['change-manager'], phases: ['deployment', 'suspended'], doing: 'remove RFCs (after go) from' },
  phase: { who: MANAGERS, phases: ['planning', 'building', 'acceptance_testing'], doing: 'move the phase of' },
  package: { who: MANAGERS, phases: BEFORE_GO, doing: 'change the package of' },
  'amend-package': { who: ['change-manager'], phases: ['deployment', 'review', 'suspended'], doing: 'amend (after go) the package of' },
  test: { who: ['testing', 'manager'], phases: TESTING, doing: 'record test results of' },
  // A sign-off is a named person's word for their cluster: anyone may give it, and it is recorded as theirs.
  signoff: { who: 'anyone', phases: TESTING, doing: 'sign off' },
  'prove-backout': { who: ['testing', 'manager'], phases: [...TESTING, 'deployment'], doing: 'record the backout as proven for' },
  'approve-pilot': { who: ['change-manager'], phases: [...TESTING, 'deployment'], doing: 'approve the pilot of' },
  tick: {
    who: ['manager', 'testing', 'communications', 'training', 'change-manager'],
    phases: ['acceptance_testing', 'readiness_review'],
    doing: 'tick readiness items of',
  },
  go: { who: MANAGERS, phases: ['readiness_review'], doing: 'give go to' },
  nogo: { who: MANAGERS, phases: ['readiness_review'], doing: 'give no-go to' },
  'add-wave': { who: MANAGERS, phases: [...BEFORE_GO, 'deployment'], doing: 'plan waves of' },
  'run-wave': { who: MANAGERS, phases: ['deployment'], doing: 'run the waves of' },
  review: { who: MANAGERS, phases: ['review'], doing: 'review' },
  close: { who: MANAGERS, phases: ['review'], doing: 'close' },
  suspend: { who: MANAGERS, phases: OPEN, doing: 'suspend' },
  resume: { who: MANAGERS, phases: ['suspended'], doing: 'resume' },
  cancel: { who: MANAGERS, phases: [...OPEN, 'suspended'], doing: 'cancel' },
};

/** Who may open a release at all. */
export const CREATE_RELEASE: readonly Role[] = ['release-manager', 'change-manager'];

export type RuleRelease = Pick<Release, 'key' | 'phase' | 'manager' | 'team'>;

export function releaseRelations(actor: Pick<Actor, 'id' | 'roles'>, r: Pick<RuleRelease, 'manager' | 'team'>): Set<ReleaseRelation> {
  const out = new Set<ReleaseRelation>(actor.roles);
  if (r.manager === actor.id) out.add('manager');
  for (const role of ['testing', 'communications', 'training'] as const) if (r.team[role] === actor.id) out.add(role);
  return out;
}

function holds(actor: Pick<Actor, 'id' | 'roles'>, r: RuleRelease, action: ReleasePermission): boolean {
  const who = RELEASE_RULES[action].who;
  if (who === 'anyone') return true;
  const held = releaseRelations(actor, r);
  return who.some((x) => held.has(x));
}

/** Whether `actor` may take `action` on the release now: the relation holds and the phase allows it. */
export function canRelease(actor: Pick<Actor, 'id' | 'roles'>, r: RuleRelease, action: ReleasePermission): boolean {
  return RELEASE_RULES[action].phases.includes(r.phase) && holds(actor, r, action);
}

const WORDS: Record<ReleaseRelation, string> = {
  manager: 'its release manager',
  testing: `its ${TEAM_LABELS.testing}`,
  communications: `its ${TEAM_LABELS.communications}`,
  training: `its ${TEAM_LABELS.training}`,
  cab: 'a CAB member',
  'change-manager': 'a change manager',
  'release-manager': 'a release manager',
  admin: 'an admin',
};

/** Refuses (`forbidden`) unless `actor` holds a relation allowing `action` (the phase is checked by the caller's move). */
export function authorizeRelease(actor: Pick<Actor, 'id' | 'roles'>, r: RuleRelease, action: ReleasePermission): void {
  if (holds(actor, r, action)) return;
  const who = RELEASE_RULES[action].who as readonly ReleaseRelation[];
  throw new ChangebotError('forbidden', `Only ${orList(who.map((x) => WORDS[x]))} can ${RELEASE_RULES[action].doing} ${r.key}.`, {
    action,
    allowed: [...who],
  });
}

/** Refuses opening a release unless `actor` is a release manager or change manager. */
export function authorizeCreateRelease(actor: Pick<Actor, 'roles'>): void {
  if (CREATE_RELEASE.some((r) => actor.roles.has(r))) return;
  throw new ChangebotError('forbidden', 'Only a release manager or a change manager can open a release. Ask an admin to grant you release-manager.', {
    action: 'create-release',
  });
}

/** The people a release's decisions go to: its manager and team. */
export function releaseTeamOf(r: Pick<Release, 'manager' | 'team'>): PersonId[] {
  return [r.manager, r.team.testing, r.team.communications, r.team.training].filter((x): x is PersonId => !!x);
}

/** Refuses (`invalid_transition`) when the release's phase does not allow `action`, naming the phases that do. */
export function checkReleasePhase(r: Pick<Release, 'key' | 'phase'>, action: ReleasePermission): void {
  const rule = RELEASE_RULES[action];
  if (rule.phases.includes(r.phase)) return;
  const where = r.phase === 'closed' || r.phase === 'cancelled' || r.phase === 'suspended' ? r.phase : `in ${RELEASE_PHASE_LABELS[r.phase]}`;
  throw new ChangebotError(
    'invalid_transition',
    `${r.key} is ${where}; you can ${rule.doing} it only in ${orList(rule.phases.map((p) => RELEASE_PHASE_LABELS[p]))}.`,
    { phase: r.phase, action },
  );
}
