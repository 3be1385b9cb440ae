/**
 * Issue 13 item 4: signing in to the web from chat. `/rfc web` in Slack answers with a personal
 * link; the link opens a session for that Slack identity once; a used, expired or unknown link
 * is refused; a visitor and a forged cookie get the sign-in page; a form without its token is
 * refused. Real bot, real Bolt over signed HTTP, real HTTP to the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { WebClient, csrfIn, linkIn } from '../support/web.js';

const ana = { team: 'T1', user: 'UANA', name: 'ana' };
let h: SlackHarness;
let base: string;

beforeAll(async () => {
  h = await slackHarness();
  base = `http://127.0.0.1:${h.bot.port}`;
});
afterAll(() => h.stop());

describe('a sign-in link from /rfc web', () => {
  it('signs in as the Slack person who asked, once, with an HttpOnly SameSite=Lax cookie', async () => {
    const answer = await h.answer(ana, 'web');
    const link = linkIn(answer);
    expect(link.startsWith(`http://localhost:${h.bot.port}/signin?token=`)).toBe(true);
    const web = new WebClient(base);
    const shown = await web.get(new URL(link).pathname + new URL(link).search);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('<form id="signin" method="post" action="/signin">');
    // The page names whom it signs in, and showing it (twice: a link preview, then the person) uses nothing up.
    expect(shown.text).toContain('signs you in as <strong>ana</strong> (<code>slack:T1/UANA</code>)');
    expect((await web.get(new URL(link).pathname + new URL(link).search)).status).toBe(200);
    expect(shown.text).not.toContain('<script');
    const res = await web.signIn(link);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/calendar');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('changebot_session='));
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i);
    expect(web.cookie).toBeDefined();

    // The same link a second time: refused, and no new session.
    const again = new WebClient(base);
    const second = await again.signIn(link);
    expect(second.status).toBe(403);
    expect(second.text).toContain('was used already');
    expect(again.cookie).toBeUndefined();
  });

  it('a link opened in a browser signed in as someone else says so, and signing in ends that session', async () => {
    const bob = { team: 'T1', user: 'UBOB', name: 'bob' };
    const web = new WebClient(base);
    expect((await web.signIn(linkIn(await h.answer(bob, 'web')))).status).toBe(303);
    const bobsCookie = web.cookie as string;
    const anasLink = new URL(linkIn(await h.answer(ana, 'web')));
    const shown = await web.get(anasLink.pathname + anasLink.search);
    expect(shown.text).toContain('You are signed in as bob now; signing in with this link replaces that.');
    expect(shown.text).toContain('Sign in as ana');
    expect((await web.signIn(anasLink.toString())).status).toBe(303);
    expect((await web.get('/signin')).text).toContain('as ana.');
    // Bob's session ended with it: his old cookie no longer signs anyone in.
    const stale = new WebClient(base);
    stale.cookie = bobsCookie;
    expect((await stale.get('/signin')).status).toBe(401);
  });

  it('refuses an expired link and an unknown one, saying how to get a new one', async () => {
    const link = linkIn(await h.answer(ana, 'web'));
    h.clock.advance(10 * 60_000 + 1);
    const late = await new WebClient(base).signIn(link);
    expect(late.status).toBe(403);
    expect(late.text).toContain('has expired');
    const made = new URL(link);
    made.searchParams.set('token', 'a'.repeat(64));
    const unknown = await new WebClient(base).signIn(made.toString());
    expect(unknown.status).toBe(403);
    expect(unknown.text).toContain('not valid');
  });

  it('a forged session cookie is refused: the sign-in page, and the cookie is cleared', async () => {
    const web = new WebClient(base);
    web.cookie = `changebot_session=${'x'.repeat(43)}`;
    const res = await web.post('/signout', { _csrf: 'anything' });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => /^changebot_session=;/.test(c))).toBe(true);
  });

  it('a form posted without its token, or with another session’s, is refused and changes nothing', async () => {
    const web = new WebClient(base);
    expect((await web.signIn(linkIn(await h.answer(ana, 'web')))).status).toBe(303);
    const other = new WebClient(base);
    expect((await other.signIn(linkIn(await h.answer(ana, 'web')))).status).toBe(303);
    const withoutToken = await web.post('/signout', {});
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.text).toContain('security token is missing or wrong');
    const othersToken = csrfIn((await other.get('/signin')).text);
    expect((await web.post('/signout', { _csrf: othersToken })).status).toBe(403);
    // Both refusals did nothing: still signed in; its own token signs it out, and then the cookie is gone.
    const mine = await web.get('/signin');
    expect(mine.text).toContain('You are signed in');
    expect((await web.post('/signout', { _csrf: csrfIn(mine.text) })).status).toBe(303);
    expect((await web.get('/signin')).status).toBe(401);
  });

  it('unknown routes and malformed bodies answer JSON 404 and 400, with a request id', async () => {
    const res = await fetch(`${base}/no/such/page`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, code: 'not_found' });
    const bad = await fetch(`${base}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"token":',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { ok: boolean }).ok).toBe(false);
    expect(bad.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
  });
});

describe('behind HTTPS (PUBLIC_URL https://...)', () => {
  it('links use PUBLIC_URL and the session cookie is Secure', async () => {
    const s = await slackHarness({ env: { PUBLIC_URL: 'https://changebot.example.test/' } });
    try {
      const link = linkIn(await s.answer(ana, 'web'));
      expect(link).toMatch(/^https:\/\/changebot\.example\.test\/signin\?token=[0-9a-f]{64}$/);
      // Reached here directly (the proxy would forward it): the cookies are only ever sent over HTTPS.
      const web = new WebClient(`http://127.0.0.1:${s.bot.port}`);
      const visitor = await web.get('/rfc/RFC-1');
      expect(visitor.status).toBe(401);
      expect(visitor.headers.getSetCookie().find((c) => c.startsWith('changebot_next='))).toMatch(/;\s*Secure/i);
      const res = await web.signIn(link);
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('changebot_session='))).toMatch(/;\s*Secure/i);
    } finally {
      await s.stop();
    }
  });
});
