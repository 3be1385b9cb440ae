/**
 * What a chat platform offers the delivery layer. Slack and Teams each implement Notifier;
 * the dispatcher knows nothing else about them.
 */
import type { Recipient } from '../domain/notifications.js';
import type { Subject } from '../domain/subject.js';
import type { ReleaseView } from '../domain/release-views.js';
import type { RfcView } from '../domain/views.js';

export type ChatPlatform = 'slack' | 'teams';

/** A concrete place to send to: a channel/conversation or a user (DM). */
export interface Target {
  platform: ChatPlatform;
  kind: 'channel' | 'user';
  id: string;
}

export function targetKey(t: Target): string {
  return `${t.platform}:${t.kind}:${t.id}`;
}

export function parseTargetKey(key: string): Target | null {
  const m = /^(slack|teams):(channel|user):(.+)$/.exec(key);
  return m ? { platform: m[1] as ChatPlatform, kind: m[2] as Target['kind'], id: m[3] as string } : null;
}

interface MessageBase {
  /** A NotificationEvent, or a timed event of the scheduler (`reminder-24h`, `outage-notice`, ...). */
  event: string;
  subject: Subject;
  /** Plain text, already in the recipient's zone. */
  text: string;
  /**
   * Unique per (notification, recipient), e.g. `d42`. A notifier that can, attaches it to the
   * message (Slack: message metadata) so `findSent` can tell after a crash whether it went out.
   */
  deliveryKey?: string;
}

/** A message about an RFC: the RFC as a card would show it. */
export interface RfcMessage extends MessageBase {
  view: RfcView;
  release?: undefined;
}

/** A message about a release: the release as a card would show it; `wave`, for a wave's event. */
export interface ReleaseMessage extends MessageBase {
  release: ReleaseView;
  view?: undefined;
  wave?: number;
}

export type OutboundMessage = RfcMessage | ReleaseMessage;

export function isReleaseMessage(m: OutboundMessage): m is ReleaseMessage {
  return m.release !== undefined;
}

export interface Notifier {
  platform: ChatPlatform;
  /** Concrete targets on this platform for an abstract recipient; [] when it has none here. */
  resolve(recipient: Recipient, subject: Subject): Promise<Target[]>;
  /** Sends one message to one target. Throws DeliveryError on failure. */
  send(target: Target, message: OutboundMessage): Promise<{ messageRef?: string }>;
  /** Re-renders every card already posted for the subject, in place. Idempotent. */
  refreshCards(subject: Subject): Promise<void>;
  /**
   * Optional: whether a message carrying `message.deliveryKey` already reached `target` (posted
   * at or after `since`). Asked only for a delivery left `sending` by a crash, so it is sent
   * exactly once; without it such a delivery is sent again (at least once).
   */
  findSent?(target: Target, message: OutboundMessage, since: Date): Promise<{ messageRef?: string } | null>;
}

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** From a 429's Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
