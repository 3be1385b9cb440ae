/**
 * Teams' view of the shared chat tables (src/db/repos/chat.ts): conversation references typed
 * as botbuilder's, so announcements reach a team, channel or chat after a restart, and where
 * voting cards were posted, so they are updated in place.
 */
import type { ConversationReference } from 'botbuilder';
import type { Db } from '../../db/client.js';
import type { Subject } from '../../domain/subject.js';
import * as chat from '../../db/repos/chat.js';

export type { ConversationKind } from '../../db/repos/chat.js';
export type StoredConversation = chat.StoredConversation<Partial<ConversationReference>>;
type Reference = Partial<ConversationReference>;

const PLATFORM = 'teams';

export const saveConversation = (db: Db, c: StoredConversation, at: Date): void => chat.saveConversation(db, PLATFORM, c, at);
export const forgetConversation = (db: Db, id: string): void => chat.forgetConversation(db, PLATFORM, id);
export const forgetTeam = (db: Db, teamId: string): void => chat.forgetTeam(db, PLATFORM, teamId);
export const findConversation = (db: Db, id: string): StoredConversation | null => chat.findConversation<Reference>(db, PLATFORM, id);

/** Personal conversations of these people, most recently used first. */
export const personalConversations = (db: Db, personIds: string[]): StoredConversation[] => chat.personalConversations<Reference>(db, PLATFORM, personIds);

/** The person's 1:1 chat with the bot, most recently used. */
export const personalConversation = (db: Db, personId: string): StoredConversation | null => personalConversations(db, [personId])[0] ?? null;

export type CardMessage = Omit<chat.CardRef, 'thread'>;
export const saveCardMessage = (db: Db, m: CardMessage, at: Date): void => chat.saveCard(db, PLATFORM, { ...m, thread: null }, at);
export const cardMessages = (db: Db, subject: Subject): CardMessage[] => chat.cardsOf(db, PLATFORM, subject);

/**
 * Records an inbound activity; false when it was already handled (a Teams retry). Activity ids
 * are only unique within a conversation, so the claim names both. With `keep` (a command), the
 * claim stays pending until the use case's transaction marks it done (unfinished.ts).
 */
export const firstDelivery = (db: Db, conversationId: string, activityId: string, at: Date, keep?: Record<string, unknown>): boolean =>
  chat.claimInbound(db, claimIdOf(conversationId, activityId), at, keep ? { platform: PLATFORM, request: keep } : undefined);

export const claimIdOf = (conversationId: string, activityId: string): string => `${PLATFORM}:${conversationId}:${activityId}`;

/** Commands a stopped process left unfinished (received before `before`, this process's start), oldest first. */
export const unfinished = (db: Db, before: Date): chat.UnfinishedInbound[] => chat.unfinishedInbound(db, PLATFORM, before);
export const markTold = (db: Db, id: string, at: Date): boolean => chat.moveInbound(db, id, ['pending', 'replayed'], 'told', at);
export { isWriteRefused } from '../../db/repos/chat.js';

/** The turnState key under which a message's claim travels to the use case. */
export const CLAIM = Symbol('changebot.inboundClaim');

export const CANNOT_SAVE = "changebot can't save right now; nothing was changed. Please try again in a few minutes.";
