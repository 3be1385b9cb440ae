/**
 * `GET /signin?token=...` shows whom the link signs in and a button that posts the token back
 * (`POST /signin`). Nothing signs in without that press: link previews (Slack's unfurler, mail
 * scanners) fetch the page but do not post it, so they cannot use the link up; and someone who
 * sends their own link to another person cannot sign that person's browser in as themselves
 * unnoticed (the page names whom it signs in, and replaces a session only on the press). A
 * used, expired or unknown link is refused (403) and says how to get a new one.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { redeemSignInLink, signInLinkPerson, signOut } from '../app/web-auth.js';
import { isChangebotError } from '../domain/errors.js';
import { html, page } from './html.js';
import { NEXT_COOKIE, SESSION_COOKIE, checkForm, cookieOptions, signInPage } from './session.js';

/** Only a path on this site: `/rfc/RFC-12`, never `//evil.example` or a full URL. */
export function localPath(next: unknown, fallback = '/calendar'): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./?=&%~:+]*$/.test(next) ? next : fallback;
}

export function signInRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (_req, reply) => reply.redirect('/calendar', 303));

  app.get<{ Querystring: { token?: string; next?: string } }>('/signin', async (req, reply) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!token && req.viewer) {
      const body = html`<h1>You are signed in</h1><p>as ${req.viewer.name}. <a href="/calendar">Open the change calendar</a>.</p>`;
      return reply.type('text/html; charset=utf-8').send(page({ title: 'Signed in', viewer: req.viewer, body }).markup);
    }
    if (!token) return reply.code(401).type('text/html; charset=utf-8').send(signInPage().markup);
    // Back to the page that asked for a sign-in (session.ts remembers it), or the calendar.
    const next = localPath(req.query.next ?? req.cookies[NEXT_COOKIE]);
    let who: { personId: string; name: string };
    try {
      who = signInLinkPerson(ctx, token);
    } catch (err) {
      if (!isChangebotError(err)) throw err;
      return reply.code(403).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(signInPage(err.message).markup);
    }
    const now = req.viewer ? html`<p class="notice">You are signed in as ${req.viewer.name} now; signing in with this link replaces that.</p>` : '';
    const body = html`<h1>Sign in to changebot</h1>${now}
<p>This link signs you in as <strong>${who.name}</strong> (<code>${who.personId}</code>), the person who asked for it in chat. Not you? Close this page.</p>
<form id="signin" method="post" action="/signin"><input type="hidden" name="token" value="${token}"><input type="hidden" name="next" value="${next}">
<button type="submit">Sign in as ${who.name}</button></form>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(page({ title: 'Sign in', viewer: req.viewer ?? undefined, body }).markup);
  });

  app.post<{ Body: { token?: string; next?: string } }>('/signin', async (req, reply) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    try {
      const s = redeemSignInLink(ctx, token);
      // The session this browser had (another person's, or its own older one) ends here.
      const old = req.cookies[SESSION_COOKIE];
      if (old) signOut(ctx, old);
      reply.setCookie(SESSION_COOKIE, s.sessionId, cookieOptions(ctx.publicUrl));
      reply.clearCookie(NEXT_COOKIE, { path: '/' });
      return reply.redirect(localPath(req.body?.next), 303);
    } catch (err) {
      if (!isChangebotError(err)) throw err;
      return reply.code(403).type('text/html; charset=utf-8').send(signInPage(err.message).markup);
    }
  });

  app.post('/signout', async (req, reply) => {
    checkForm(req);
    const id = req.cookies[SESSION_COOKIE];
    if (id) signOut(ctx, id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/signin', 303);
  });
}
