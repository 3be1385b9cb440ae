/**
 * Signing in to the web from chat: `/rfc web` makes a personal link (a random single-use token,
 * valid 10 minutes); opening it makes a session for the chat identity that asked. The session
 * cookie holds a random id (the database keeps only its hash); each session has its own form
 * token against cross-site requests.
 */
import { findPerson } from '../db/repos/people.js';
import {
  deleteSession,
  findSession,
  insertSession,
  insertSignInLink,
  type LinkRefusal,
  peekSignInLink,
  pruneWebCredentials,
  useSignInLink,
} from '../db/repos/web.js';
import { ChangebotError } from '../domain/errors.js';
import type { Actor, PersonId } from '../domain/types.js';
import { type AppContext, loadActor } from './context.js';

export const SIGN_IN_LINK_MS = 10 * 60_000;
export const SESSION_MS = 12 * 60 * 60_000;
/** Used and expired links are kept this long, so a second click is told "already used", not "unknown". */
const KEEP_LINKS_MS = 24 * 60 * 60_000;

/** A new sign-in link's token for the actor, and when it expires. */
export function issueSignInLink(ctx: AppContext, actor: Actor): { token: string; expiresAt: Date } {
  const at = ctx.clock.now();
  const token = insertSignInLink(ctx.database.db, actor.id, at, SIGN_IN_LINK_MS);
  return { token, expiresAt: new Date(at.getTime() + SIGN_IN_LINK_MS) };
}

const REFUSED: Record<LinkRefusal, string> = {
  unknown: 'This sign-in link is not valid. Type `/rfc web` in Slack or Teams for a new one.',
  used: 'This sign-in link was used already: each link signs in once. Type `/rfc web` in Slack or Teams for a new one.',
  expired: 'This sign-in link has expired (links last 10 minutes). Type `/rfc web` in Slack or Teams for a new one.',
};

/**
 * Whom a link signs in (shown on the page before the person confirms), without using it;
 * refuses (ChangebotError 'forbidden') a link that is unknown, used or expired.
 */
export function signInLinkPerson(ctx: AppContext, token: string): { personId: PersonId; name: string } {
  const found = peekSignInLink(ctx.database.db, token, ctx.clock.now());
  if ('refused' in found) throw new ChangebotError('forbidden', REFUSED[found.refused], { refused: found.refused });
  const person = findPerson(ctx.database.db, found.personId as PersonId);
  return { personId: found.personId as PersonId, name: person?.displayName ?? found.personId };
}

/** Opens a session from a link; refuses (ChangebotError 'forbidden') a link that is unknown, used or expired. */
export function redeemSignInLink(ctx: AppContext, token: string): { sessionId: string; csrf: string; expiresAt: Date; personId: PersonId } {
  const at = ctx.clock.now();
  return ctx.database.db.transaction(
    (tx) => {
      pruneWebCredentials(tx, at, new Date(at.getTime() - KEEP_LINKS_MS));
      const used = useSignInLink(tx, token, at);
      if ('refused' in used) throw new ChangebotError('forbidden', REFUSED[used.refused], { refused: used.refused });
      const s = insertSession(tx, used.personId, at, SESSION_MS);
      return { sessionId: s.id, csrf: s.csrf, expiresAt: s.expiresAt, personId: used.personId as PersonId };
    },
    { behavior: 'immediate' },
  );
}

/** The signed-in person of a session cookie (with their roles and zone as stored), or undefined. */
export function sessionActor(ctx: AppContext, sessionId: string): { actor: Actor; csrf: string } | undefined {
  const db = ctx.database.db;
  const s = findSession(db, sessionId, ctx.clock.now());
  if (!s) return undefined;
  const person = findPerson(db, s.personId as PersonId);
  const actor = loadActor(ctx, s.personId as PersonId, {
    ...(person?.displayName ? { displayName: person.displayName } : {}),
    ...(person?.timezone ? { timezone: person.timezone } : {}),
  });
  return { actor, csrf: s.csrf };
}

export function signOut(ctx: AppContext, sessionId: string): void {
  deleteSession(ctx.database.db, sessionId);
}
