/**
 * The product's vocabulary (see shared/domain.md). Pure data: no I/O, no SDK types.
 * Times are JavaScript Dates holding UTC instants; display zones are applied by views.
 */
import type { Subject } from './subject.js';

export const RFC_STATES = [
  'draft',
  'submitted',
  'awaiting_approval',
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'implemented',
  'failed',
  'backed_out',
  'in_review',
  'closed',
  'withdrawn',
  'cancelled',
] as const;
export type RfcState = (typeof RFC_STATES)[number];

export const CATEGORIES = ['standard', 'minor', 'significant', 'major'] as const;
export type Category = (typeof CATEGORIES)[number];

export const LEVELS = ['low', 'medium', 'high'] as const;
export type Level = (typeof LEVELS)[number];
export type Risk = Level;

/** Roles granted per deployment. Requester and change owner are per RFC, not granted. */
export const ROLES = ['cab', 'change-manager', 'release-manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Platform = 'slack' | 'teams' | 'cli';

/**
 * A person is a chat identity. Its id is `platform:rest`:
 * `slack:T123/U456`, `teams:<aad-object-id>`, `cli:alice`.
 */
export type PersonId = string;

export interface Actor {
  id: PersonId;
  /** Roles held at the time of the command (loaded from the database). */
  roles: ReadonlySet<Role>;
  /** IANA zone used to read and show times for this person. */
  timezone: string;
  displayName?: string;
}

/** Who approves a change: see policy.ts `approvalPath`. */
export type ApprovalPath =
  | 'pre-approved' // standard: approved on submit
  | 'change-manager' // minor: one change manager
  | 'cab' // significant (and minor with high risk): CAB vote
  | 'cab+signoff' // major: CAB vote and change-manager sign-off
  | 'signoff-then-cab' // major with high risk: the change manager signs off before the CAB votes
  | 'emergency-cab'; // emergency flag: smaller quorum, short deadline

export interface Outage {
  /** Minutes of expected user-visible outage; 0 or undefined means none. */
  minutes: number;
  /** Who is affected, free text ("all EU users"). Announcements go to each service's audience. */
  audience?: string;
}

export interface Window {
  start: Date;
  end: Date;
}

export interface Rfc {
  id: number;
  key: string; // RFC-<n>
  title: string;
  description: string | null;
  justification: string | null;
  category: Category;
  emergency: boolean;
  services: string[];
  impact: Level | null;
  likelihood: Level | null;
  urgency: Level | null;
  plan: string | null;
  backout: string | null;
  test: string | null;
  cost: string | null;
  resources: string | null;
  requester: PersonId;
  owner: PersonId;
  window: Window | null;
  outage: Outage | null;
  problem: string | null;
  releaseKey: string | null;
  state: RfcState;
  /** When the approval vote closes (set on entering awaiting_approval). */
  voteDeadline: Date | null;
  /** Set when an undecided vote passed its deadline and went to the change manager. */
  escalated: boolean;
  /** Reason given for scheduling outside maintenance windows / in a blackout / over conflicts. */
  scheduleReason: string | null;
  /** The path the current (or last) approval took, fixed when it opened: a policy change later does not move it. */
  approvalPath: ApprovalPath | null;
  /** When the current vote opened, and the CAB members expected to vote on it (a snapshot). */
  voteOpenedAt: Date | null;
  cabMembers: PersonId[] | null;
  /** The window the approval covers, and when it was given. */
  approvedWindow: Window | null;
  approvedAt: Date | null;
  review: Review | null;
  clonedFrom: string | null;
  /** The standard-change template (and its version) it was raised from; null for a normal change or once edited away from it. */
  templateName: string | null;
  templateVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export const REVIEW_OUTCOMES = ['successful', 'successful-with-issues', 'failed', 'backed-out'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** What the post-implementation review found. */
export interface Review {
  outcome: ReviewOutcome;
  causedIncident: boolean;
}

export type VoteChoice = 'approve' | 'reject' | 'abstain';
/** In which capacity a vote was cast: as a CAB member, or as a change manager (approval, sign-off, veto, override). */
export type VoteCapacity = 'cab' | 'change-manager';

export interface Vote {
  voter: PersonId;
  choice: VoteChoice;
  capacity: VoteCapacity;
  comment: string | null;
  castAt: Date;
}

export interface Service {
  name: string;
  owner: PersonId | null;
  /** Audience references, e.g. `slack:channel:C123`, `slack:usergroup:S1`, `teams:conversation:...`, or a person id. */
  audience: string[];
  dependsOn: string[];
}

export interface MaintenanceWindow {
  id: number;
  /** null: applies to every service. */
  service: string | null;
  /** RFC 5545 RRULE body, e.g. `FREQ=WEEKLY;BYDAY=SA;BYHOUR=22`. Hours are wall-clock in `timezone`. */
  rrule: string;
  durationMinutes: number;
  timezone: string;
}

export interface BlackoutWindow {
  id: number;
  start: Date;
  end: Date;
  reason: string | null;
}

export interface ChangeLogEntry {
  id: number;
  subject: Subject;
  at: Date;
  actor: PersonId;
  action: string;
  fromState: RfcState | null;
  toState: RfcState | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}
