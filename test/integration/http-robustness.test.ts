/**
 * Issue 13 item 1's acceptance: no malformed body on any route is a 500. Each route (the Slack
 * edge, signed; Teams in Emulator and in authenticated mode; the sign-in and sign-out forms; an
 * export page; an unknown route) gets `{}`, invalid JSON, a wrong content type, an oversized
 * body and an empty one, and must answer a 4xx, as JSON (or the sign-in page for the HTML
 * routes), with an `X-Request-Id`; `/healthz` is fine after. Real bot, real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { BODY_LIMIT } from '../../src/server/http.js';
import { SECRET, slackTestEnv } from '../support/slack-harness.js';
import { signature } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';

interface Case {
  what: string;
  body: string;
  type?: string;
}
const CASES: Case[] = [
  { what: '{}', body: '{}', type: 'application/json' },
  { what: 'invalid JSON', body: '{"type":', type: 'application/json' },
  { what: 'a wrong content type', body: '<xml/>', type: 'application/xml' },
  { what: 'an oversized body', body: JSON.stringify({ text: 'x'.repeat(BODY_LIMIT + 1024) }), type: 'application/json' },
  { what: 'an empty body', body: '', type: 'application/json' },
  { what: 'an empty body, no content type', body: '' },
];

interface Route {
  name: string;
  path: string;
  /** An HTML route may answer the sign-in page rather than JSON. */
  html?: boolean;
  headers?: (body: string) => Record<string, string>;
}

const slackSigned = (body: string): Record<string, string> => {
  const ts = Math.floor(Date.now() / 1000);
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(SECRET, ts, body) };
};

const ROUTES: Route[] = [
  { name: 'Slack events (signed)', path: '/slack/events', headers: slackSigned },
  { name: 'Teams messages (Emulator mode)', path: '/api/messages' },
  { name: 'sign-in form', path: '/signin', html: true },
  { name: 'sign-out form', path: '/signout', html: true },
  { name: 'an export page', path: '/audit.csv', html: true },
  { name: 'an unknown route', path: '/no/such/route' },
];

async function send(base: string, route: Route, c: Case) {
  const headers: Record<string, string> = { ...(c.type ? { 'content-type': c.type } : {}), ...route.headers?.(c.body) };
  const res = await fetch(`${base}${route.path}`, { method: 'POST', headers, body: c.body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', id: res.headers.get('x-request-id'), text };
}

function expectRefused(route: Route, c: Case, r: Awaited<ReturnType<typeof send>>): void {
  const what = `${route.name}, ${c.what}: ${r.status} ${r.type} ${r.text.slice(0, 120)}`;
  expect(r.status >= 400 && r.status < 500, what).toBe(true);
  expect(r.id, what).toMatch(/^[\w.:-]{8,}$/);
  if (r.type.startsWith('application/json')) {
    const body = JSON.parse(r.text) as { error?: unknown; requestId?: unknown };
    expect(body.error, what).toEqual(expect.any(String));
    // The Teams edge names the request in its answer: the same id as the header.
    if (body.requestId !== undefined) expect(body.requestId, what).toBe(r.id);
  } else {
    // A page route answers a page: the sign-in page, or the refusal saying what was wrong.
    expect(route.html && r.type.startsWith('text/html') && /Sign in to changebot|class="notice error"/.test(r.text), what).toBe(true);
  }
}

describe('malformed bodies on every route', () => {
  let dir: string;
  let fake: FakeSlack;
  let bot: Bot;
  let authenticated: Bot;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'changebot-robust-'));
    fake = await FakeSlack.start();
    const config = loadConfig(slackTestEnv(dir, fake.url));
    bot = await startBot(config, { components: [slackComponent, createTeamsComponent({ unauthenticated: 'always' })] });
    const teams = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_PATH: join(dir, 'teams.db'),
      MicrosoftAppId: '00000000-0000-0000-0000-00000000b07',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000te',
    });
    authenticated = await startBot(teams, { components: [createTeamsComponent()] });
  });
  afterAll(async () => {
    await bot.stop();
    await authenticated.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const route of ROUTES) {
    it(`${route.name}: a 4xx with a request id, never a 500`, async () => {
      const base = `http://127.0.0.1:${bot.port}`;
      for (const c of CASES) expectRefused(route, c, await send(base, route, c));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  }

  it('Teams messages (authenticated mode): a 4xx with a request id, never a 500', async () => {
    const base = `http://127.0.0.1:${authenticated.port}`;
    const route: Route = { name: 'Teams messages (authenticated)', path: '/api/messages' };
    for (const c of CASES) expectRefused(route, c, await send(base, route, c));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
