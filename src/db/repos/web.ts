/**
 * The web's stored credentials: sign-in links, sessions and calendar feed tokens. Links and
 * sessions are kept as SHA-256 hashes of their random tokens; a feed token is its URL's
 * secret and is kept as is, so its owner can be shown the link again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { calendarFeeds, webLinks, webSessions } from '../schema.js';

/**
 * 32 random bytes as hex (64 characters): the form of every web token. Hex, not base64url, so
 * a link survives every chat's markdown (Teams escapes `_`, which would break the link).
 */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function insertSignInLink(db: Db, personId: string, at: Date, ttlMs: number): string {
  const token = newToken();
  db.insert(webLinks)
    .values({ tokenHash: tokenHash(token), personId, createdAt: at, expiresAt: new Date(at.getTime() + ttlMs) })
    .run();
  return token;
}

/** Why a link did not sign anyone in. */
export type LinkRefusal = 'unknown' | 'used' | 'expired';

/** Whom a link would sign in, without using it; or why it would not. */
export function peekSignInLink(db: Db, token: string, at: Date): { personId: string } | { refused: LinkRefusal } {
  const row = db
    .select()
    .from(webLinks)
    .where(eq(webLinks.tokenHash, tokenHash(token)))
    .get();
  if (!row) return { refused: 'unknown' };
  if (row.usedAt) return { refused: 'used' };
  if (row.expiresAt.getTime() <= at.getTime()) return { refused: 'expired' };
  return { personId: row.personId };
}

/**
 * Marks the link used, once: the update only matches an unused, unexpired link, so two
 * requests racing with one link cannot both succeed.
 */
export function useSignInLink(db: Db, token: string, at: Date): { personId: string } | { refused: LinkRefusal } {
  const hash = tokenHash(token);
  const row = db.select().from(webLinks).where(eq(webLinks.tokenHash, hash)).get();
  if (!row) return { refused: 'unknown' };
  if (row.usedAt) return { refused: 'used' };
  if (row.expiresAt.getTime() <= at.getTime()) return { refused: 'expired' };
  const res = db
    .update(webLinks)
    .set({ usedAt: at })
    .where(and(eq(webLinks.tokenHash, hash), isNull(webLinks.usedAt), gt(webLinks.expiresAt, at)))
    .run() as { changes: number };
  return res.changes === 1 ? { personId: row.personId } : { refused: 'used' };
}

export function insertSession(db: Db, personId: string, at: Date, ttlMs: number): { id: string; csrf: string; expiresAt: Date } {
  const id = newToken();
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = new Date(at.getTime() + ttlMs);
  db.insert(webSessions)
    .values({ idHash: tokenHash(id), personId, csrf, createdAt: at, expiresAt })
    .run();
  return { id, csrf, expiresAt };
}

export function findSession(db: Db, id: string, at: Date): { personId: string; csrf: string; expiresAt: Date } | undefined {
  const row = db
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.idHash, tokenHash(id)), gt(webSessions.expiresAt, at)))
    .get();
  return row ? { personId: row.personId, csrf: row.csrf, expiresAt: row.expiresAt } : undefined;
}

export function deleteSession(db: Db, id: string): void {
  db.delete(webSessions)
    .where(eq(webSessions.idHash, tokenHash(id)))
    .run();
}

/** Drops expired sessions and links used or expired before `before` (kept a while for "this link was used"). */
export function pruneWebCredentials(db: Db, at: Date, before: Date): void {
  db.delete(webSessions).where(lte(webSessions.expiresAt, at)).run();
  db.delete(webLinks)
    .where(or(lte(webLinks.expiresAt, before), lte(webLinks.usedAt, before)))
    .run();
}

/** The person's token for `feed` (`all`, `mine`, `service:NAME`), made on first use. */
export function feedToken(db: Db, personId: string, feed: string, at: Date): string {
  const found = db
    .select({ token: calendarFeeds.token })
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.personId, personId), eq(calendarFeeds.feed, feed)))
    .get();
  if (found) return found.token;
  const token = newToken();
  db.insert(calendarFeeds).values({ token, personId, feed, createdAt: at }).onConflictDoNothing().run();
  return feedToken(db, personId, feed, at);
}

/** Every feed the person has a token for. */
export function listFeeds(db: Db, personId: string): { feed: string; token: string; createdAt: Date }[] {
  return db
    .select({ feed: calendarFeeds.feed, token: calendarFeeds.token, createdAt: calendarFeeds.createdAt })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.personId, personId))
    .all();
}

/** Replaces the person's token for `feed` (the old URL stops working); returns the new one. */
export function rotateFeed(db: Db, personId: string, feed: string, at: Date): string {
  db.delete(calendarFeeds)
    .where(and(eq(calendarFeeds.personId, personId), eq(calendarFeeds.feed, feed)))
    .run();
  return feedToken(db, personId, feed, at);
}

export function feedByToken(db: Db, token: string): { personId: string; feed: string } | undefined {
  return db.select({ personId: calendarFeeds.personId, feed: calendarFeeds.feed }).from(calendarFeeds).where(eq(calendarFeeds.token, token)).get();
}
