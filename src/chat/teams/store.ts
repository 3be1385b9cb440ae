/**
 * What the Teams adapter keeps in SQLite: conversation references (so the bot can write to a
 * team, channel or personal chat proactively, also after a restart) and where voting cards were
 * posted (so they can be updated in place). Tables: `conversations`, `chat_messages`.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ConversationReference } from 'botbuilder';
import type { Db } from '../../db/client.js';
import { chatMessages, conversations, inboundRequests } from '../../db/schema.js';

export type ConversationKind = 'personal' | 'channel' | 'group';

export interface StoredConversation {
  id: string;
  kind: ConversationKind;
  tenant: string | null;
  team: string | null;
  personId: string | null;
  reference: Partial<ConversationReference>;
}

const PLATFORM = 'teams';

export function saveConversation(db: Db, c: StoredConversation, at: Date): void {
  const row = {
    platform: PLATFORM,
    id: c.id,
    kind: c.kind,
    tenant: c.tenant,
    team: c.team,
    personId: c.personId,
    reference: c.reference as Record<string, unknown>,
    updatedAt: at,
  };
  db.insert(conversations)
    .values(row)
    .onConflictDoUpdate({
      target: [conversations.platform, conversations.id],
      set: { kind: row.kind, tenant: row.tenant, team: row.team, personId: row.personId, reference: row.reference, updatedAt: at },
    })
    .run();
}

export function forgetConversation(db: Db, id: string): void {
  db.delete(conversations).where(and(eq(conversations.platform, PLATFORM), eq(conversations.id, id))).run();
}

/** The bot was removed from a team: none of its channels can be reached any more. */
export function forgetTeam(db: Db, teamId: string): void {
  db.delete(conversations).where(and(eq(conversations.platform, PLATFORM), eq(conversations.team, teamId))).run();
}

function toStored(r: typeof conversations.$inferSelect): StoredConversation {
  return {
    id: r.id,
    kind: r.kind as ConversationKind,
    tenant: r.tenant,
    team: r.team,
    personId: r.personId,
    reference: r.reference as Partial<ConversationReference>,
  };
}

export function findConversation(db: Db, id: string): StoredConversation | null {
  const r = db.select().from(conversations).where(and(eq(conversations.platform, PLATFORM), eq(conversations.id, id))).get();
  return r ? toStored(r) : null;
}

/** The person's 1:1 chat with the bot, most recently used first. */
export function personalConversation(db: Db, personId: string): StoredConversation | null {
  const r = db
    .select()
    .from(conversations)
    .where(and(eq(conversations.platform, PLATFORM), eq(conversations.personId, personId), eq(conversations.kind, 'personal')))
    .orderBy(sql`${conversations.updatedAt} desc`)
    .get();
  return r ? toStored(r) : null;
}

/** Personal conversations of these people (for the card refresh list). */
export function personalConversations(db: Db, personIds: string[]): StoredConversation[] {
  if (!personIds.length) return [];
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.platform, PLATFORM), eq(conversations.kind, 'personal'), inArray(conversations.personId, personIds)))
    .all()
    .map(toStored);
}

export interface CardMessage {
  rfcId: number;
  kind: string;
  conversation: string;
  messageId: string;
}

export function saveCardMessage(db: Db, m: CardMessage, at: Date): void {
  db.insert(chatMessages)
    .values({ rfcId: m.rfcId, platform: PLATFORM, kind: m.kind, conversation: m.conversation, messageId: m.messageId, createdAt: at })
    .onConflictDoUpdate({
      target: [chatMessages.rfcId, chatMessages.platform, chatMessages.kind, chatMessages.conversation],
      set: { messageId: m.messageId, createdAt: at },
    })
    .run();
}

export function cardMessages(db: Db, rfcId: number): CardMessage[] {
  return db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.platform, PLATFORM), eq(chatMessages.rfcId, rfcId)))
    .all()
    .map((r) => ({ rfcId: r.rfcId, kind: r.kind, conversation: r.conversation, messageId: r.messageId }));
}

/** Records an inbound activity id; false when it was already handled (a Teams retry). */
export function firstDelivery(db: Db, activityId: string, at: Date): boolean {
  const res = db
    .insert(inboundRequests)
    .values({ id: `${PLATFORM}:${activityId}`, receivedAt: at })
    .onConflictDoNothing()
    .run() as { changes: number };
  return res.changes > 0;
}
