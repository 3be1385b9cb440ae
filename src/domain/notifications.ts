/**
 * What a use case says must be told to whom. Recipients are abstract (a person, everyone with
 * a role, the CAB channel, a service's outage audience); the delivery layer resolves them per
 * platform and renders the text in each recipient's time zone at send time.
 */
import type { Subject } from './subject.js';
import type { PersonId, Role } from './types.js';

export const NOTIFICATION_EVENTS = [
  'vote-requested', // a CAB vote opened: post the voting card
  'approval-requested', // a minor change waits for a change manager
  'card-update', // the RFC changed (tally, state): update its cards in place; nobody new is told
  'decided', // approved or rejected
  'escalated', // the vote deadline passed undecided
  'scheduled',
  'rescheduled',
  'started', // maintenance started (audience) / started (owner, CAB)
  'completed', // service restored
  'failed',
  'backed-out', // service restored by backout
  'review-requested',
  'closed',
  'withdrawn',
  'cancelled',
  // Change tasks (src/domain/tasks.ts): `detail` is the task's words.
  'task-assigned', // a task was given to a team or a person: they are told
  'tasks-done', // the last open task was finished: the owner hears
  // Releases (subject type 'release'); their status message follows `card-update`.
  'release-decision', // go, no-go, a wave failed or backed out, the release backed out: the status thread and the team
  'release-rfc-left', // an RFC left the release (withdrawn, cancelled, removed): its release manager
  'release-announcement', // advance communication of the release to its services' audiences, before the first wave
  'wave-started', // a wave started: maintenance started (audience), the team
  'wave-finished', // a wave signed off successful (service restored), failed or backed out
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Messages posted in the CAB voting card's thread (where the card's conversation is told). */
export const VOTE_THREAD_EVENTS: ReadonlySet<string> = new Set(['decided', 'escalated']);

export type Recipient =
  | { kind: 'person'; id: PersonId }
  | { kind: 'role'; role: Role }
  | { kind: 'cab-channel' }
  | { kind: 'audience'; service: string }
  /** Audience references named directly (a wave's audience): channels, user groups, people, as a service's audience names them. */
  | { kind: 'audience-refs'; refs: string[] }
  /** The thread of a release's status message, on each platform that has one. */
  | { kind: 'status-thread' }
  /** A team (src/app/teams.ts): its listed members, its Slack user group's members, its Teams channel. */
  | { kind: 'team'; name: string };

export interface Notification {
  event: NotificationEvent;
  /** What it is about (an RFC; a release later). */
  subject: Subject;
  recipients: Recipient[];
  /** Extra words for the message (decision reason, failure reason...). */
  detail?: string;
  /** For `decided`: the decision itself (the RFC may have moved on by the time it is sent). */
  outcome?: 'approved' | 'rejected';
  /** For wave events: which wave of the release. */
  wave?: number;
}

/** People, without duplicates and without `except` (usually the actor, who sees the reply). */
export function people(ids: (PersonId | null | undefined)[], except?: PersonId): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const id of ids) {
    if (!id || id === except || seen.has(id)) continue;
    seen.add(id);
    out.push({ kind: 'person', id });
  }
  return out;
}
