/**
 * The chat platforms' rows in the shared tables: where cards were posted (`chat_messages`, so
 * they can be updated in place), inbound requests already handled (`inbound_requests`, against
 * platform retries), and conversations the bot can write to proactively (`conversations`).
 */
import { and, eq, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { Subject, SubjectType } from '../../domain/subject.js';
import type { Db } from '../client.js';
import { chatMessages, conversations, inboundRequests } from '../schema.js';

export interface CardRef {
  subject: Subject;
  /** `vote-card`, `owner-card`, ... */
  kind: string;
  conversation: string;
  messageId: string;
  thread: string | null;
}

/** Records (or moves) the card of `kind` for a subject in one conversation. */
export function saveCard(db: Db, platform: string, ref: CardRef, at: Date): void {
  const { subject, ...rest } = ref;
  db.insert(chatMessages)
    .values({ ...rest, subjectType: subject.type, subjectKey: subject.key, platform, createdAt: at })
    .onConflictDoUpdate({
      target: [chatMessages.subjectType, chatMessages.subjectKey, chatMessages.platform, chatMessages.kind, chatMessages.conversation],
      set: { messageId: ref.messageId, thread: ref.thread, createdAt: at },
    })
    .run();
}

export function cardsOf(db: Db, platform: string, subject: Subject, kind?: string): CardRef[] {
  const where = and(
    eq(chatMessages.subjectType, subject.type),
    eq(chatMessages.subjectKey, subject.key),
    eq(chatMessages.platform, platform),
    kind ? eq(chatMessages.kind, kind) : undefined,
  );
  return db
    .select()
    .from(chatMessages)
    .where(where)
    .all()
    .map((r) => ({
      subject: { type: r.subjectType as SubjectType, key: r.subjectKey },
      kind: r.kind,
      conversation: r.conversation,
      messageId: r.messageId,
      thread: r.thread,
    }));
}

/** What a claim keeps to apply its request again after a crash, or to tell its author it was not. */
export interface InboundRequest {
  platform: string;
  request: Record<string, unknown>;
}

/**
 * Claims an inbound request id (a retry or a double click): false when already claimed. With
 * the request, the claim is `pending` until the use case's transaction marks it done
 * (`markInboundDone`); without, it is done at once (nothing to apply again).
 */
export function claimInbound(db: Db, id: string, at: Date, keep?: InboundRequest): boolean {
  const values = keep ? { id, receivedAt: at, platform: keep.platform, request: keep.request, state: 'pending' } : { id, receivedAt: at };
  const res = db.insert(inboundRequests).values(values).onConflictDoNothing().run() as { changes: number };
  return res.changes > 0;
}

/** The request was handled (in the use case's transaction when it changed something). */
export function markInboundDone(db: Db, id: string, at: Date): void {
  db.update(inboundRequests)
    .set({ state: 'done', doneAt: at })
    .where(and(eq(inboundRequests.id, id), inArray(inboundRequests.state, ['pending', 'replayed'])))
    .run();
}

/** Moves a claim on from one of the states `from` (e.g. pending -> replayed): false when it was in none of them. */
export function moveInbound(db: Db, id: string, from: readonly string[], to: 'replayed' | 'told', at: Date): boolean {
  const res = db
    .update(inboundRequests)
    .set({ state: to, ...(to === 'told' ? { doneAt: at } : {}) })
    .where(and(eq(inboundRequests.id, id), inArray(inboundRequests.state, [...from])))
    .run() as { changes: number };
  return res.changes > 0;
}

export interface UnfinishedInbound extends InboundRequest {
  id: string;
  receivedAt: Date;
  /** `pending`: never finished; `replayed`: a replay that did not finish either. */
  state: 'pending' | 'replayed';
}

/** Claims of `platform` left unfinished by a process that stopped (oldest first). */
/**
 * An unfinished claim whose author could not be told (deactivated, bot removed) is tried at
 * each start for this long, then given up (`told`, with an error logged), so none is kept forever.
 */
export const GIVE_UP_TELLING_MS = 24 * 3_600_000;

/**
 * The claims a stopped process left unfinished: only those received before `before` (this
 * process's start), so a request this process is handling right now (Socket Mode takes them
 * before every part is ready) is never mistaken for one.
 */
export function unfinishedInbound(db: Db, platform: string, before: Date): UnfinishedInbound[] {
  return db
    .select()
    .from(inboundRequests)
    .where(and(eq(inboundRequests.platform, platform), inArray(inboundRequests.state, ['pending', 'replayed']), lt(inboundRequests.receivedAt, before)))
    .orderBy(inboundRequests.receivedAt)
    .all()
    .map((r) => ({ id: r.id, receivedAt: r.receivedAt, state: r.state as 'pending' | 'replayed', platform, request: r.request ?? {} }));
}

/** SQLite refusing to write (disk full, read-only file, I/O error): nothing can be saved now. */
export function isWriteRefused(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/.test(code);
}

/** Forgets finished claims older than `before` (they only need to outlive the platform's retries); unfinished ones stay. */
export function pruneInbound(db: Db, before: Date): void {
  db.delete(inboundRequests)
    .where(and(lt(inboundRequests.receivedAt, before), notInArray(inboundRequests.state, ['pending', 'replayed'])))
    .run();
}

export type ConversationKind = 'personal' | 'channel' | 'group';

export interface StoredConversation<R = Record<string, unknown>> {
  id: string;
  kind: ConversationKind;
  tenant: string | null;
  team: string | null;
  personId: string | null;
  /** The platform's own reference (Teams: a ConversationReference). */
  reference: R;
}

export function saveConversation(db: Db, platform: string, c: StoredConversation<object>, at: Date): void {
  const row = { ...c, platform, reference: c.reference as Record<string, unknown>, updatedAt: at };
  db.insert(conversations)
    .values(row)
    .onConflictDoUpdate({
      target: [conversations.platform, conversations.id],
      set: { kind: row.kind, tenant: row.tenant, team: row.team, personId: row.personId, reference: row.reference, updatedAt: at },
    })
    .run();
}

export function forgetConversation(db: Db, platform: string, id: string): void {
  db.delete(conversations)
    .where(and(eq(conversations.platform, platform), eq(conversations.id, id)))
    .run();
}

/** The bot was removed from a team: none of its channels can be reached any more. */
export function forgetTeam(db: Db, platform: string, teamId: string): void {
  db.delete(conversations)
    .where(and(eq(conversations.platform, platform), eq(conversations.team, teamId)))
    .run();
}

function toStored<R>(r: typeof conversations.$inferSelect): StoredConversation<R> {
  return { id: r.id, kind: r.kind as ConversationKind, tenant: r.tenant, team: r.team, personId: r.personId, reference: r.reference as R };
}

export function findConversation<R>(db: Db, platform: string, id: string): StoredConversation<R> | null {
  const r = db
    .select()
    .from(conversations)
    .where(and(eq(conversations.platform, platform), eq(conversations.id, id)))
    .get();
  return r ? toStored<R>(r) : null;
}

/** The people's 1:1 chats with the bot, most recently used first. */
export function personalConversations<R>(db: Db, platform: string, personIds: string[]): StoredConversation<R>[] {
  if (!personIds.length) return [];
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.platform, platform), eq(conversations.kind, 'personal'), inArray(conversations.personId, personIds)))
    .orderBy(sql`${conversations.updatedAt} desc`)
    .all()
    .map((r) => toStored<R>(r));
}
