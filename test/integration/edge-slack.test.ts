/**
 * The hard edge in front of Bolt (issue 11, item 3), over signed HTTP to the real bot (real
 * Bolt, real SQLite, fake Slack Web API on 127.0.0.1): malformed payloads are refused with a
 * 4xx at once, timestamps are checked in both directions, a foreign response_url is refused and
 * never posted to, and a listener error is logged with the request id and answered.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { createSlackApp } from '../../src/chat/slack/app.js';
import { loadConfig } from '../../src/config.js';
import { inParallel, malformedSlack, type RawRequest } from '../support/edge-fuzz.js';
import { SECRET, type SlackHarness, slackHarness, slackTestEnv } from '../support/slack-harness.js';
import { SlackSender, buttonClick, interaction, signature, slashCommand } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';

const WHO = { team: 'T1', user: 'U1', name: 'una' };

/** Posts raw bytes, correctly signed at `ts` (Unix seconds). */
async function sendRaw(url: string, r: RawRequest, ts = Math.floor(Date.now() / 1000)): Promise<{ status: number; ms: number; text: string }> {
  const bytes = typeof r.body === 'string' ? Buffer.from(r.body) : Buffer.from(r.body);
  const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:`).update(bytes).digest('hex')}`;
  const headers: Record<string, string> = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
  if (r.contentType) headers['content-type'] = r.contentType;
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: bytes });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t0, text };
}

function counts(bot: Bot): Record<string, number> {
  const n = (t: string) => (bot.database.sqlite.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
  return { rfcs: n('rfcs'), change_log: n('change_log'), outbox: n('outbox'), inbound_requests: n('inbound_requests'), people: n('people') };
}

/** A server on 127.0.0.1 that counts every request it gets (the "foreign" response_url). */
async function hitCounter(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the Slack edge', () => {
  let h: SlackHarness;
  let url: string;
  beforeAll(async () => {
    h = await slackHarness({ fake: { teamId: 'T1' } });
    url = h.sender.url;
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses 10,000 malformed signed payloads with a 4xx at once, records nothing and stays up', async () => {
    const before = counts(h.bot);
    const cases = fc.sample(malformedSlack(h.fake.baseUrl), { numRuns: 10_000, seed: 11 });
    const results: { what: string; status: number; ms: number }[] = [];
    await inParallel(cases, 8, async (c) => {
      const r = await sendRaw(url, c);
      results.push({ what: c.what, status: r.status, ms: r.ms });
    });
    expect(results).toHaveLength(10_000);
    const not4xx = results.filter((r) => r.status < 400 || r.status >= 500);
    expect(not4xx.slice(0, 5)).toEqual([]);
    // A hang detector, not a benchmark (the issue's target is 100 ms): Bolt's old failure mode
    // was a 3-second wait, so each answer must come well under a second, with 8 in flight on
    // a shared 2-core machine.
    const max = Math.max(...results.map((r) => r.ms));
    expect(max).toBeLessThan(1_000);
    expect(counts(h.bot)).toEqual(before);
    expect(h.fake.responses).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
    // Still serving real commands after all that.
    const ok = await h.command(WHO, 'help');
    expect(ok.ack.status).toBe(200);
    const slowest = [...results]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((r) => `${r.what.slice(0, 60)} ${r.ms.toFixed(0)} ms`);
    console.info(`edge fuzz: slowest ${slowest.join('; ')}`);
    console.info(`edge fuzz: 10000 refused, slowest ${max.toFixed(1)} ms, statuses ${[...new Set(results.map((r) => r.status))].sort().join(',')}`);
  }, 120_000);

  it('refuses the payload=null that used to end the process, with a JSON 400', async () => {
    const r = await sendRaw(url, { body: 'payload=null', contentType: 'application/x-www-form-urlencoded', what: 'null' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: 'body must be a JSON object' });
  });

  it('refuses timestamps more than 5 minutes away in either direction, and accepts a fresh one', async () => {
    const body = slashCommand(WHO, 'help', { responseUrl: h.fake.responseUrl('ts') });
    const now = Math.floor(Date.now() / 1000);
    const at = (ts: number) => h.sender.send(body, { timestamp: ts });
    expect((await at(now + 10 * 60)).status).toBe(401);
    expect((await at(now + 10 * 365 * 24 * 3600)).status).toBe(401);
    expect((await at(now - 10 * 60)).status).toBe(401);
    expect((await h.sender.send(body, { signature: signature('wrong-secret', now, body) })).status).toBe(401);
    const refused = await at(now + 10 * 60);
    expect(JSON.parse(refused.text)).toMatchObject({ ok: false, error: 'x-slack-request-timestamp is more than 5 minutes from now' });
    expect((await at(now)).status).toBe(200);
    await h.fake.waitForResponse((r) => r.name === 'ts');
  });

  it('refuses a foreign response_url, and nothing is ever sent to it', async () => {
    const foreign = await hitCounter();
    try {
      const click = await h.sender.send(interaction(buttonClick(WHO, { actionId: 'rfc_details', value: 'RFC-1', responseUrl: foreign.url })));
      expect(click.status).toBe(400);
      expect(JSON.parse(click.text)).toMatchObject({ error: 'response_url is not a Slack URL' });
      const command = await h.sender.send(slashCommand(WHO, 'help', { responseUrl: foreign.url }));
      expect(command.status).toBe(400);
      const look = await h.sender.send(slashCommand(WHO, 'help', { responseUrl: 'https://hooks.slack.com.evil.example/x' }));
      expect(look.status).toBe(400);
      // Give anything that might still post a moment, then count.
      await new Promise((r) => setTimeout(r, 300));
      expect(foreign.hits()).toBe(0);
    } finally {
      await foreign.close();
    }
  });

  it('acknowledges at once a well-formed request no listener handles, instead of a 3-second hang', async () => {
    const t0 = performance.now();
    const unknownButton = await h.sender.send(
      interaction(buttonClick(WHO, { actionId: 'someone_elses_button', value: 'x', responseUrl: h.fake.responseUrl('u') })),
    );
    const viewClosed = await h.sender.send(
      interaction({
        type: 'view_closed',
        user: { id: 'U1', team_id: 'T1' },
        team: { id: 'T1' },
        view: { id: 'V1', callback_id: 'rfc_new', private_metadata: '', state: { values: {} } },
      }),
    );
    const suggestion = await h.sender.send(interaction({ type: 'block_suggestion', user: { id: 'U1' }, team: { id: 'T1' }, action_id: 'a', value: 'x' }));
    expect([unknownButton.status, viewClosed.status, suggestion.status]).toEqual([200, 200, 200]);
    expect(suggestion.json).toEqual({ options: [] });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('answers url_verification through Bolt, with the body the edge already read', async () => {
    const res = await h.sender.send(JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: 'c-123' });
  });
});

describe('a listener that throws', () => {
  let bot: Bot;
  let fake: FakeSlack;
  let dir: string;
  const logs: string[] = [];
  beforeAll(async () => {
    fake = await FakeSlack.start({ teamId: 'T1' });
    dir = mkdtempSync(join(tmpdir(), 'changebot-edge-'));
    const config = loadConfig(slackTestEnv(dir, fake.url));
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    // The real Slack app, with a middleware that fails before any listener acknowledges.
    const component = {
      name: 'slack',
      enabled: () => true as const,
      async start(deps: Parameters<typeof createSlackApp>[0]) {
        const slack = createSlackApp(deps);
        slack.app.use(async ({ body, next }) => {
          if ((body as { text?: string }).text === 'boom') throw new Error('listener exploded');
          await next();
        });
        await slack.start();
        return { stop: () => slack.stop() };
      },
    };
    bot = await startBot(config, { components: [component], log });
  });
  afterAll(async () => {
    await bot.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is logged with the request id, acknowledged at once, and the person is told', async () => {
    const sender = new SlackSender(`http://127.0.0.1:${bot.port}/slack/events`, SECRET);
    const t0 = performance.now();
    const res = await sender.send(slashCommand(WHO, 'boom', { responseUrl: fake.responseUrl('boom') }));
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1_000);
    const told = await fake.waitForResponse((r) => r.name === 'boom');
    expect(String(told.body.text)).toMatch(/Something went wrong on our side and nothing was changed/);
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'slack: listener failed');
    expect(line).toMatchObject({ level: 50, user: 'U1' });
    expect(String(line?.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect((line?.err as { message?: string } | undefined)?.message).toBe('listener exploded');
  });
});
