/**
 * Releases (domain.md "Releases", MOF Release Management): a release bundles approved RFCs and
 * moves through phases, from planning to closed. This file is the release's vocabulary and its
 * state machine, pure like rfc-machine.ts: which move leads from which phase to which. The
 * rules that gate the moves (a release plan, the readiness review, pilots, waves) are in
 * release-rules.ts; who may take each step in release-permissions.ts.
 */
import { ChangebotError } from './errors.js';
import type { PersonId, Window } from './types.js';

/** The phases a release works through, in order. */
export const WORK_PHASES = ['planning', 'building', 'acceptance_testing', 'readiness_review', 'deployment', 'review'] as const;
export type WorkPhase = (typeof WORK_PHASES)[number];

/** Every phase: the work phases, where a release ends, and suspended. */
export const RELEASE_PHASES = [...WORK_PHASES, 'closed', 'suspended', 'cancelled'] as const;
export type ReleasePhase = (typeof RELEASE_PHASES)[number];

export const RELEASE_PHASE_LABELS: Record<ReleasePhase, string> = {
  planning: 'planning',
  building: 'building',
  acceptance_testing: 'acceptance testing',
  readiness_review: 'readiness review',
  deployment: 'deployment',
  review: 'review',
  closed: 'closed',
  suspended: 'suspended',
  cancelled: 'cancelled',
};

/** The eleven factors of the Release Readiness Review (MOF), in the guide's order. */
export const READINESS_FACTORS = [
  'deployment-order',
  'business-alignment',
  'deployment-plans',
  'action-ownership',
  'target-group-issues',
  'plans-signed-off',
  'resources',
  'communications',
  'training',
  'production-ready',
  'related-changes',
] as const;
export type ReadinessFactor = (typeof READINESS_FACTORS)[number];

export const READINESS_LABELS: Record<ReadinessFactor, string> = {
  'deployment-order': 'deployment order to the target group',
  'business-alignment': 'business alignment and priorities',
  'deployment-plans': 'deployment plans',
  'action-ownership': 'ownership of actions',
  'target-group-issues': 'issues from the target-group survey',
  'plans-signed-off': 'plans signed off',
  resources: 'resources in place',
  communications: 'communications sent to affected groups',
  training: 'training of administration and support staff',
  'production-ready': 'production environment ready, including a verified backup',
  'related-changes': 'related changes approved',
};

/** A readiness item: ticked by someone, or marked not applicable with a reason. */
export type ReadinessMark = { by: PersonId; at: Date; note: string | null } & ({ kind: 'ticked' } | { kind: 'not-applicable'; reason: string });

export interface ReleasePlan {
  deploymentOrder: string | null;
  training: string | null;
  communications: string | null;
  backout: string | null;
}

export const WAVE_STATES = ['planned', 'deploying', 'successful', 'failed', 'backed_out'] as const;
export type WaveState = (typeof WAVE_STATES)[number];

export interface Wave {
  /** 1, 2, ... in the order they were added. */
  number: number;
  pilot: boolean;
  window: Window;
  services: string[];
  /** Who is told of its outage (a channel, user group, or words); null: the services' audiences. */
  audience: string | null;
  /** Expected outage in minutes, announced to the audience (0: none). */
  outageMinutes: number;
  state: WaveState;
  startedBy: PersonId | null;
  startedAt: Date | null;
  /** A change manager started it outside its window, with this reason. */
  override: string | null;
  /** What was done (the sign-off of a finished wave), and by whom. */
  outcomeBy: PersonId | null;
  outcomeNote: string | null;
  finishedAt: Date | null;
}

/** A wave as planned: nothing started or finished yet. */
export function plannedWave(w: Pick<Wave, 'number' | 'window' | 'services'> & Partial<Pick<Wave, 'pilot' | 'audience' | 'outageMinutes'>>): Wave {
  return {
    pilot: false,
    audience: null,
    outageMinutes: 0,
    ...w,
    state: 'planned',
    startedBy: null,
    startedAt: null,
    override: null,
    outcomeBy: null,
    outcomeNote: null,
    finishedAt: null,
  };
}

/** An item of the release package (the guide's definitive software library, kept small). */
export interface Artifact {
  name: string;
  version: string;
  link: string | null;
  /** 64 lowercase hex digits. */
  sha256: string;
}

export interface ReleasePackage {
  artifacts: Artifact[];
  install: string | null;
  removal: string | null;
  /** When go froze it; changes after that need a change manager. */
  frozenAt: Date | null;
  /** Changed after the readiness review said go. */
  amendedAfterReview: boolean;
}

export interface TestResult {
  name: string;
  passed: boolean;
  by: PersonId;
  at: Date;
  note: string | null;
}

/** The role clusters that sign off acceptance testing (MOF). */
export const SIGNOFF_CLUSTERS = ['operations', 'security', 'support', 'service-level'] as const;
export type SignoffCluster = (typeof SIGNOFF_CLUSTERS)[number];
export const SIGNOFF_LABELS: Record<SignoffCluster, string> = {
  operations: 'operations',
  security: 'security',
  support: 'support',
  'service-level': 'service level',
};

export interface Signoff {
  cluster: SignoffCluster;
  by: PersonId;
  at: Date;
  note: string | null;
}

export interface GoDecision {
  by: PersonId;
  as: 'release-manager' | 'change-manager';
  at: Date;
}

export interface ReleaseTeam {
  testing: PersonId | null;
  communications: PersonId | null;
  training: PersonId | null;
}

export const TEAM_ROLES = ['testing', 'communications', 'training'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const TEAM_LABELS: Record<TeamRole, string> = {
  testing: 'testing coordinator',
  communications: 'communications coordinator',
  training: 'training coordinator',
};

/** Where the release's status message is kept (one per platform). */
export interface StatusChannels {
  slack: string | null;
  teams: string | null;
}

export interface ReleaseReview {
  outcome: string | null;
  workarounds: string | null;
  lessons: string | null;
  /** Follow-up RFCs raised from the review, linked to the release. */
  followUps: string[];
}

/** The parts of a release the rules read (storage adds ids, package, tests and so on). */
export interface ReleaseFacts {
  key: string;
  phase: ReleasePhase;
  /** The phase a suspended release resumes to. */
  suspendedFrom: WorkPhase | null;
  manager: PersonId;
  plan: ReleasePlan;
  readiness: Partial<Record<ReadinessFactor, ReadinessMark>>;
  waves: Wave[];
  /** The backout procedure was recorded as proven in test. */
  backoutProven: boolean;
  /** A change manager approved piloting in production. */
  pilotApprovedBy: PersonId | null;
}

/** A release as stored: the rules' facts and everything the cards show. */
export interface Release extends ReleaseFacts {
  id: number;
  name: string;
  goal: string | null;
  targetDate: Date | null;
  team: ReleaseTeam;
  channels: StatusChannels;
  package: ReleasePackage;
  tests: TestResult[];
  signoffs: Signoff[];
  /** Go decisions given in the current readiness review (cleared on no-go). */
  goDecisions: GoDecision[];
  backoutProvenBy: PersonId | null;
  review: ReleaseReview | null;
  /** Why it was last suspended, cancelled or given no-go. */
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ReleaseMove =
  | { move: 'advance' } // to the next work phase
  | { move: 'go' } // readiness review -> deployment
  | { move: 'nogo'; to: 'planning' | 'building' | 'acceptance_testing' | 'suspended' | 'cancelled' }
  | { move: 'complete' } // deployment -> review (every wave done, or the release backed out)
  | { move: 'close' } // review -> closed
  | { move: 'suspend' }
  | { move: 'resume' }
  | { move: 'cancel' };

const ACTIVE: readonly ReleasePhase[] = WORK_PHASES;

/** The phase after `m` from `phase`, or a ChangebotError saying what can be done instead. */
export function releaseTransition(r: Pick<ReleaseFacts, 'key' | 'phase' | 'suspendedFrom'>, m: ReleaseMove): ReleasePhase {
  const refuse = (what: string): never => {
    const where = ['closed', 'suspended', 'cancelled'].includes(r.phase) ? RELEASE_PHASE_LABELS[r.phase] : `in ${RELEASE_PHASE_LABELS[r.phase]}`;
    throw new ChangebotError('invalid_transition', `${r.key} is ${where}, so it can't ${what}.`, { phase: r.phase, move: m.move });
  };
  switch (m.move) {
    case 'advance': {
      const i = (WORK_PHASES as readonly ReleasePhase[]).indexOf(r.phase);
      // Readiness review leaves by go/no-go, deployment by its waves, review by close.
      if (i < 0 || i >= WORK_PHASES.indexOf('readiness_review')) return refuse('move to the next phase that way');
      return WORK_PHASES[i + 1]!;
    }
    case 'go':
      return r.phase === 'readiness_review' ? 'deployment' : refuse('be given go');
    case 'nogo':
      return r.phase === 'readiness_review' ? m.to : refuse('be given no-go');
    case 'complete':
      return r.phase === 'deployment' ? 'review' : refuse('finish deployment');
    case 'close':
      return r.phase === 'review' ? 'closed' : refuse('be closed');
    case 'suspend':
      return ACTIVE.includes(r.phase) ? 'suspended' : refuse('be suspended');
    case 'resume':
      return r.phase === 'suspended' && r.suspendedFrom ? r.suspendedFrom : refuse('resume');
    case 'cancel':
      return r.phase === 'closed' || r.phase === 'cancelled' ? refuse('be cancelled') : 'cancelled';
  }
}
