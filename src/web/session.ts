/**
 * Who is looking at a page: the session cookie (HttpOnly, SameSite=Lax, Secure when PUBLIC_URL
 * is https) names a session made by a sign-in link from chat. Every page that shows data calls
 * `signedIn` (a visitor gets the sign-in page, 401); every form post calls `checkForm` (no
 * session or a wrong form token: 403, nothing done).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { SESSION_MS, sessionActor } from '../app/web-auth.js';
import { ChangebotError } from '../domain/errors.js';
import type { Actor } from '../domain/types.js';
import { type Html, html, page } from './html.js';

export const SESSION_COOKIE = 'changebot_session';
/** The page a visitor was sent to sign in from: signing in (signin.ts) returns there. */
export const NEXT_COOKIE = 'changebot_next';

export interface WebViewer {
  actor: Actor;
  csrf: string;
  /** The name shown in the header. */
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, or null for a visitor (set for every web request). */
    viewer: WebViewer | null;
    /** PUBLIC_URL is https: every cookie the web sets is Secure. */
    cookieSecure: boolean;
  }
}

export function cookieOptions(publicUrl: string) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: publicUrl.startsWith('https:'),
    maxAge: Math.floor(SESSION_MS / 1000),
  };
}

/** Reads the cookie into `req.viewer`; a cookie naming no live session (forged, expired, signed out) is cleared. */
export function loadViewer(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    req.viewer = null;
    req.cookieSecure = ctx.publicUrl.startsWith('https:');
    const id = req.cookies[SESSION_COOKIE];
    if (!id) return;
    const found = /^[\w-]{20,100}$/.test(id) ? sessionActor(ctx, id) : undefined;
    if (!found) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    req.viewer = { ...found, name: found.actor.displayName ?? found.actor.id };
  };
}

/** The page a visitor gets instead of data; `next` is the page signing in returns to. */
export function signInPage(message?: string, next?: string): Html {
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in to changebot</h1>
${message ? html`<p class="notice error">${message}</p>` : ''}
<p>changebot signs you in from chat, as the person you are there:</p>
<ol><li>In Slack type <code>/rfc web</code>; in Teams send <code>web</code> to changebot in your personal chat.</li>
<li>Open the link it answers with (it works once, for 10 minutes).</li></ol>
${next ? html`<p class="muted" data-next="${next}">Signing in in this browser brings you back to <code>${next}</code>.</p>` : ''}`,
  });
}

/** True when the request wants JSON rather than a page (an API client, `Accept: application/json`). */
export function wantsJson(req: FastifyRequest): boolean {
  return req.accepts().type(['html', 'json']) === 'json';
}

/**
 * The signed-in viewer; for a visitor, answers 401 (the sign-in page, or JSON) and returns
 * undefined: the caller stops there.
 */
export function signedIn(req: FastifyRequest, reply: FastifyReply): WebViewer | undefined {
  if (req.viewer) return req.viewer;
  // A page a visitor opened: remembered for 15 minutes, so that signing in comes back to it.
  const next = req.method === 'GET' && /^\/(?![/\\])/.test(req.url) ? req.url : undefined;
  if (next) reply.setCookie(NEXT_COOKIE, next, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.cookieSecure, maxAge: 15 * 60 });
  if (wantsJson(req)) reply.code(401).send({ ok: false, error: 'sign in first: type /rfc web in Slack or Teams', code: 'unauthorized' });
  else reply.code(401).type('text/html; charset=utf-8').send(signInPage(undefined, next).markup);
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A form post's viewer, after checking the session and the form's `_csrf` field (or an
 * `X-CSRF-Token` header); throws ChangebotError('forbidden') otherwise, before anything is done.
 */
export function checkForm(req: FastifyRequest): WebViewer {
  const viewer = req.viewer;
  if (!viewer) throw new ChangebotError('forbidden', 'You are not signed in (or your session ended). Type /rfc web in chat for a new sign-in link.');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const header = req.headers['x-csrf-token'];
  const given = typeof body._csrf === 'string' ? body._csrf : typeof header === 'string' ? header : '';
  if (!given || !same(given, viewer.csrf)) {
    throw new ChangebotError(
      'forbidden',
      'This form is out of date or was not sent from a changebot page (its security token is missing or wrong). Reload the page and try again.',
    );
  }
  return viewer;
}

/** The hidden field every form carries. */
export function csrfField(viewer: WebViewer): Html {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

export const FLASH_COOKIE = 'changebot_flash';

/**
 * What a form did, for the page its redirect opens: kept a minute in an HttpOnly cookie (not in
 * the address, where anyone could write their own words into a real page's notice).
 */
export function flash(reply: FastifyReply, text: string): void {
  reply.setCookie(FLASH_COOKIE, text.slice(0, 1000), { path: '/', httpOnly: true, sameSite: 'lax', secure: reply.request.cookieSecure, maxAge: 60 });
}

/** The outcome `flash` kept, once (then cleared), as the page's status notice; nothing when there is none. */
export function takeFlash(req: FastifyRequest, reply: FastifyReply): Html {
  const text = req.cookies[FLASH_COOKIE];
  if (!text) return html``;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  return html`<p class="notice good" role="status">${text}</p>`;
}
