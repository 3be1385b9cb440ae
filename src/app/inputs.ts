/**
 * What each use case takes, owned here so that every caller (the `/rfc` command language, card
 * buttons, forms, an HTTP API later) builds the same input. Keys, people and dates are already
 * resolved: a person is an id (`slack:T/U`, `teams:...`, `cli:name`), a date a UTC instant.
 */
import type { Category, Level, ReviewOutcome, Role } from '../domain/types.js';

/** Fields settable when raising (`raise`) or editing (`edit`) an RFC. */
export interface RfcFields {
  title?: string;
  description?: string;
  justification?: string;
  category?: Category;
  emergency?: boolean;
  services?: string[];
  impact?: Level;
  likelihood?: Level;
  urgency?: Level;
  plan?: string;
  backout?: string;
  test?: string;
  cost?: string;
  /** People, teams and tools the change needs. */
  resources?: string;
  /** A person id resolved from a mention or name. */
  owner?: string;
  start?: Date;
  end?: Date;
  /** Minutes. With `start` and no `end`, end = start + duration. */
  durationMinutes?: number;
  /** Expected outage in minutes; 0 = none. */
  outageMinutes?: number;
  audience?: string;
  problem?: string;
  /** Raise from this standard-change template (its current version); only when raising. */
  template?: string;
}

export type RaiseInput = RfcFields;
export type EditInput = RfcFields;

/** `schedule` and `reschedule`: the window (missing parts come from the RFC's planned window). */
export interface ScheduleInput {
  start?: Date;
  end?: Date;
  durationMinutes?: number;
  reason?: string;
  /** A change manager acknowledges the listed conflicts. */
  ack?: boolean;
  /** A change manager accepts a window outside the approved one, giving this reason. */
  override?: string;
}

/**
 * `review`: opens the post-implementation review, or amends it while it is in review. Missing
 * values keep what the review recorded, or default (outcome from the state, no incident).
 */
export interface ReviewInput {
  outcome?: ReviewOutcome;
  causedIncident?: boolean;
  /** Reference of the problem record opened for a failed or backed-out change, e.g. PRB-12. */
  problem?: string;
  notes?: string;
}

/**
 * `addTemplate` (every field but `description`, `test`, `max`, `tasks` and `checklist` needed)
 * and `editTemplate` (only the fields to change; null clears an optional one).
 */
export interface TemplateInput {
  name: string;
  titlePattern?: string;
  description?: string | null;
  services?: string[];
  plan?: string;
  backout?: string;
  test?: string | null;
  maxDurationMinutes?: number | null;
  allowedWindows?: 'maintenance' | 'any';
  tasks?: { title: string; team?: string; person?: string }[];
  checklist?: string[];
}

export type ListFilter = 'mine' | 'pending' | 'scheduled' | 'all';

/** `grantRole` and `revokeRole`. */
export interface GrantInput {
  person: string;
  role: Role;
}

/** `deploymentLog`: every deployment-wide change, or those by or about one person. */
export interface AuditInput {
  person?: string;
}

/**
 * `changeLogExport`: the change-log rows written at `from <= at < to` (`to` is exclusive: the
 * command language and the web read `to=2026-12-31` as the end of that day in the actor's
 * zone, so they pass the next day's start). The filters narrow it further, together:
 * `service` (rows about RFCs whose services include it, the releases holding such RFCs or
 * deploying it in a wave, and the catalogue's rows about the service itself), `rfc` (RFC-12)
 * and `release` (REL-3): the rows about that subject.
 */
export interface ExportInput {
  from: Date;
  to: Date;
  service?: string;
  rfc?: string;
  release?: string;
}

/** `listRoles`: everybody's roles, or one person's. */
export interface RolesInput {
  person?: string;
}

/** `addService`: adds the service, or updates the one with that name (case-insensitive). */
export interface ServiceInput {
  name: string;
  owner?: string;
  /** Audience ids (channels, user groups, people) told about outages of the service. */
  audience?: string[];
  dependsOn?: string[];
}

export interface ServiceRemoveInput {
  name: string;
}

/** `addMaintenanceWindow`: a recurring window (RFC 5545 rule) in the actor's time zone. */
export interface MaintenanceWindowInput {
  /** No service: the window applies to all services. */
  service?: string;
  rrule: string;
  durationMinutes: number;
}

export interface BlackoutInput {
  start: Date;
  end: Date;
  reason?: string;
}

/** `removeMaintenanceWindow`, `removeBlackout`. */
export interface IdInput {
  id: number;
}

/** `setCabChannel`: where the CAB voting cards of one platform are posted. */
export interface CabChannelInput {
  platform: string;
  channel: string;
}

/** `showCabChannel`: the CAB channels of these platforms. */
export interface CabChannelQuery {
  platforms: string[];
}

/** `setPolicy`: one setting of the approval policy, as `admin policy show` names it. */
export interface PolicySetInput {
  key: string;
  value: string;
}

// Releases (src/app/releases.ts). People are ids, dates UTC instants, as above.

/** `createRelease` and `editRelease`; `null` clears an optional value. */
export interface ReleaseFields {
  name?: string;
  goal?: string | null;
  /** The release manager (the owner). */
  manager?: string;
  targetDate?: Date | null;
  testing?: string | null;
  communications?: string | null;
  training?: string | null;
  /** The Slack channel id where the status message is kept. */
  slackChannel?: string | null;
  /** The Teams conversation id where the status message is kept. */
  teamsChannel?: string | null;
}

/** `setReleasePlan`: the parts given replace those stored. */
export interface ReleasePlanInput {
  deploymentOrder?: string;
  training?: string;
  communications?: string;
  backout?: string;
}

/** `addReleaseRfc`, `removeReleaseRfc`. */
export interface ReleaseRfcInput {
  rfc: string;
  reason?: string;
}

/** `changePackage`: add (or replace, by name) an artifact, remove one, set the procedures. */
export interface PackageInput {
  artifact?: { name: string; version: string; link?: string; sha256: string };
  removeArtifact?: string;
  install?: string;
  removal?: string;
  /** Why, when a change manager amends it after go. */
  reason?: string;
}

export interface TestResultInput {
  name: string;
  passed: boolean;
  note?: string;
}

export interface SignoffInput {
  cluster: import('../domain/release.js').SignoffCluster;
  note?: string;
}

/** `pilot`: record the backout as proven in test, or (a change manager) approve the pilot. */
export interface PilotInput {
  what: 'proven' | 'approve';
  note?: string;
}

/** `tickReadiness`: tick an item, or mark it not applicable with a reason. */
export interface TickInput {
  item: import('../domain/release.js').ReadinessFactor;
  note?: string;
  /** Not applicable, and why. */
  notApplicable?: string;
}

/** `noGo`: why, and where the release goes. */
export interface NoGoInput {
  reason: string;
  to: 'planning' | 'building' | 'acceptance_testing' | 'suspended' | 'cancelled';
}

/** `addWave`: a deployment group with its window, like an RFC's schedule. */
export interface WaveInput {
  pilot?: boolean;
  start: Date;
  end?: Date;
  durationMinutes?: number;
  services?: string[];
  audience?: string;
  outageMinutes?: number;
  reason?: string;
  /** A change manager acknowledges the listed conflicts. */
  ack?: boolean;
}

/** `startWave`, `finishWave`: which wave, what was done. */
export interface WaveStepInput {
  wave: number;
  note?: string;
  /** A change manager starts it outside its window, with this reason. */
  override?: string;
}

/** `reviewRelease`: the parts given replace those recorded; `followUp` raises an RFC linked to the release. */
export interface ReleaseReviewInput {
  outcome?: string;
  workarounds?: string;
  lessons?: string;
  followUp?: string;
}

export interface ReleaseListFilter {
  which: 'mine' | 'open' | 'all';
}
