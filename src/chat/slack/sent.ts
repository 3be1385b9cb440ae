/**
 * Telling, after a crash, whether a delivery already reached Slack. Every message the notifier
 * posts for a delivery carries its key as message metadata (event type `changebot_delivery`);
 * `findDelivery` reads the conversation (or the card's thread) back since the delivery was
 * recorded, looking for that key on a message of our own bot.
 */
import type { WebClient } from './web.js';

export const DELIVERY_EVENT = 'changebot_delivery';

/** Metadata attached to chat.postMessage: `{ event_type, event_payload: { key } }`. */
export function deliveryMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: DELIVERY_EVENT, event_payload: { key } };
}

/**
 * Messages read per page. 15 is also the most conversations.history returns to apps under
 * Slack's 2025 limits for non-Marketplace distributed apps, so a page means the same everywhere.
 */
export const HISTORY_PAGE = 15;
/** Pages read at most: a crashed send is recent, so it is among the first messages after `oldest`. */
export const HISTORY_PAGES = 4;
/** Looked back this much before the delivery was recorded (clock skew between us and Slack). */
export const CLOCK_SKEW_MS = 60_000;

export interface BotIdentity {
  userId?: string;
  botId?: string;
}

export interface FindDeliveryArgs {
  channel: string;
  /** The thread the message was posted in (its parent's ts), if any. */
  thread?: string;
  /** When the delivery was recorded: the message cannot be older. */
  since: Date;
  key: string;
  /** Our bot: a message of another app (another changebot install) does not count. */
  by: BotIdentity;
}

export interface FindDeliveryResult {
  /** The ts of the message carrying the key. */
  ts?: string;
  /** False when more messages remained than the pages read (the answer "not found" is not sure). */
  complete: boolean;
}

type HistoryMessage = { ts?: string; user?: string; bot_id?: string; metadata?: { event_type?: string; event_payload?: unknown } };

/** Reads at most HISTORY_PAGES pages of the conversation (or thread) since `since`. Web API errors propagate. */
export async function findDelivery(client: WebClient, a: FindDeliveryArgs): Promise<FindDeliveryResult> {
  const oldest = slackTs(new Date(a.since.getTime() - CLOCK_SKEW_MS));
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const args = { channel: a.channel, oldest, include_all_metadata: true, limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) };
    const res = a.thread ? await client.conversations.replies({ ...args, ts: a.thread }) : await client.conversations.history(args);
    const hit = ((res.messages ?? []) as HistoryMessage[]).find((m) => carries(m, a.key) && ours(m, a.by));
    if (hit?.ts) return { ts: hit.ts, complete: true };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) return { complete: true };
  }
  return { complete: false };
}

function carries(m: HistoryMessage, key: string): boolean {
  const payload = m.metadata?.event_payload;
  return m.metadata?.event_type === DELIVERY_EVENT && typeof payload === 'object' && payload !== null && (payload as { key?: unknown }).key === key;
}

function ours(m: HistoryMessage, by: BotIdentity): boolean {
  if (!by.botId && !by.userId) return true; // identity unknown: the key alone decides
  return (by.botId !== undefined && m.bot_id === by.botId) || (by.userId !== undefined && m.user === by.userId);
}

/** A Slack timestamp (`1700000000.000000`) for a date, rounded down to the second. */
export function slackTs(d: Date): string {
  return `${Math.floor(d.getTime() / 1000)}.000000`;
}

/** A conversation id (C…, G…, D…), as conversations.history needs; `#name` is not one. */
export function isConversationId(s: string): boolean {
  return /^[CGD][A-Z0-9]+$/.test(s);
}
