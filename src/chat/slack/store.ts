/**
 * Slack's rows in the shared tables: where cards were posted (`chat_messages`), inbound
 * requests already handled (`inbound_requests`), and the CAB channel setting.
 */
import { and, eq, lt } from 'drizzle-orm';
import { cabChannel } from '../../app/admin.js';
import type { Db } from '../../db/client.js';
import { chatMessages, inboundRequests } from '../../db/schema.js';

export type CardKind = 'vote-card' | 'owner-card';

export interface CardRef {
  rfcId: number;
  kind: CardKind;
  conversation: string;
  messageId: string;
  thread: string | null;
}

/** Records (or moves) the card of `kind` for an RFC in one conversation. */
export function saveCard(db: Db, ref: CardRef, at: Date): void {
  db.insert(chatMessages)
    .values({ ...ref, platform: 'slack', createdAt: at })
    .onConflictDoUpdate({
      target: [chatMessages.rfcId, chatMessages.platform, chatMessages.kind, chatMessages.conversation],
      set: { messageId: ref.messageId, thread: ref.thread, createdAt: at },
    })
    .run();
}

export function cardsOf(db: Db, rfcId: number, kind?: CardKind): CardRef[] {
  const where = kind
    ? and(eq(chatMessages.rfcId, rfcId), eq(chatMessages.platform, 'slack'), eq(chatMessages.kind, kind))
    : and(eq(chatMessages.rfcId, rfcId), eq(chatMessages.platform, 'slack'));
  return db
    .select()
    .from(chatMessages)
    .where(where)
    .all()
    .map((r) => ({ rfcId: r.rfcId, kind: r.kind as CardKind, conversation: r.conversation, messageId: r.messageId, thread: r.thread }));
}

/**
 * Claims an inbound request id (a Slack retry or a double click). Returns false when it was
 * already claimed, so the caller does nothing a second time.
 */
export function claimInbound(db: Db, id: string, at: Date): boolean {
  const res = db.insert(inboundRequests).values({ id, receivedAt: at }).onConflictDoNothing().run() as { changes: number };
  return res.changes > 0;
}

/** Forgets claims older than `before` (they only need to outlive Slack's retries). */
export function pruneInbound(db: Db, before: Date): void {
  db.delete(inboundRequests).where(lt(inboundRequests.receivedAt, before)).run();
}

/**
 * The CAB channel as a Slack channel id or name: the `cab-channel:slack` setting (set with
 * `/rfc admin cab-channel`) wins over SLACK_CAB_CHANNEL.
 */
export function slackCabChannel(db: Db, configured: string | undefined): string | null {
  const raw = cabChannel(db, 'slack') ?? configured ?? null;
  return raw ? channelRef(raw) : null;
}

/** `slack:channel:C1` -> `C1`, `channel:cab` / `#cab` -> `#cab`, `<#C1|cab>` -> `C1`. */
export function channelRef(raw: string): string {
  const s = raw.trim();
  const m = /^slack:channel:(.+)$/.exec(s) ?? /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(s);
  if (m) return m[1] as string;
  const named = /^channel:(.+)$/.exec(s);
  if (named) return `#${named[1]}`;
  return s;
}
