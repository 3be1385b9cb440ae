/**
 * Where a message goes and as which card, decided once for every platform: the CAB voting card
 * in the CAB channel (kept, to be updated in place), the decision and escalation in its thread,
 * the change owner's card in their DM (kept and updated too), and a notice everywhere else.
 */
import type { PersonViewer, RfcCardKind, Viewer } from '../domain/cards.js';
import { VOTE_THREAD_EVENTS } from '../domain/notifications.js';

/** Cards remembered per RFC and conversation so they can be updated in place. */
export const KEPT_CARDS = ['vote-card', 'owner-card'] as const;
export type KeptCard = (typeof KEPT_CARDS)[number];

/** The card a kept message shows when it is re-rendered. */
export const KEPT_CARD_KIND: Record<KeptCard, RfcCardKind> = { 'vote-card': 'vote', 'owner-card': 'owner' };

export interface Placement {
  card: Extract<RfcCardKind, 'vote' | 'notice'>;
  viewer: Viewer;
  /** Post as a reply in the thread of this kept card in the same conversation, when there is one. */
  thread: KeptCard | null;
  /** Remember the posted message as this card of the RFC. */
  keep: KeptCard | null;
}

export type PlacementTarget =
  | { kind: 'channel'; isCabChannel: boolean }
  /** A person; `viewer` carries their roles. */
  | { kind: 'user'; viewer: PersonViewer };

export function placementFor(event: string, target: PlacementTarget, owner: string): Placement {
  if (target.kind === 'user') {
    const isOwner = target.viewer.id === owner;
    return { card: 'notice', viewer: target.viewer, thread: null, keep: isOwner ? 'owner-card' : null };
  }
  if (!target.isCabChannel) return { card: 'notice', viewer: { kind: 'channel' }, thread: null, keep: null };
  if (event === 'vote-requested') return { card: 'vote', viewer: { kind: 'cab-channel' }, thread: null, keep: 'vote-card' };
  return { card: 'notice', viewer: { kind: 'cab-channel' }, thread: VOTE_THREAD_EVENTS.has(event) ? 'vote-card' : null, keep: null };
}

/** A release's status message, kept per platform (one per release, in its status channel) and updated in place. */
export const RELEASE_STATUS = 'release-status';

/**
 * Release messages posted in the status message's thread when they go to its channel: the
 * decisions and the waves' progress. Announcements to a service's audience stand on their own.
 */
export const RELEASE_THREAD_EVENTS: ReadonlySet<string> = new Set([
  'release-decision',
  'release-rfc-left',
  'wave-started',
  'wave-finished',
  'reminder-24h',
  'reminder-1h',
  'start-prompt',
  'overrun',
  'delivery-failed',
]);
