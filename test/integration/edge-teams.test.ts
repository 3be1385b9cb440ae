/**
 * The Teams edge (issue 11, item 3), over HTTP to the real CloudAdapter: malformed activities
 * get a 4xx JSON answer at once and record nothing; a forged bearer token is refused with 401
 * quietly (one JSON log line through the bot's logger, nothing on stderr or the console).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { inParallel, malformedTeams } from '../support/edge-fuzz.js';
import { TeamsClient, personal, user } from '../support/teams-activities.js';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';

function counts(bot: Bot): Record<string, number> {
  const n = (t: string) => (bot.database.sqlite.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
  return { rfcs: n('rfcs'), change_log: n('change_log'), outbox: n('outbox'), conversations: n('conversations'), people: n('people') };
}

describe('malformed Teams activities', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses 1,000 of them with a 4xx at once, records nothing, and stays up', async () => {
    const u = user('fuzz');
    const valid = h.client.message(u, personal(u), 'rfc help');
    const before = counts(h.bot);
    const cases = fc.sample(malformedTeams(valid), { numRuns: 1_000, seed: 11 });
    const results: { what: string; status: number; ms: number }[] = [];
    await inParallel(cases, 8, async (c) => {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${h.bot.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
      await res.text();
      results.push({ what: c.what, status: res.status, ms: performance.now() - t0 });
    });
    expect(results.filter((r) => r.status < 400 || r.status >= 500).slice(0, 5)).toEqual([]);
    // A hang detector (the target is 100 ms per answer), generous for a shared machine.
    const max = Math.max(...results.map((r) => r.ms));
    expect(max).toBeLessThan(1_000);
    expect(counts(h.bot)).toEqual(before);
    expect(h.connector.calls).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
    const ok = await h.client.post(valid);
    expect(ok.status).toBe(200);
    console.info(`teams edge fuzz: 1000 refused, slowest ${max.toFixed(1)} ms`);
  }, 60_000);

  it('says what is wrong, in JSON', async () => {
    const u = user('x');
    const a = h.client.message(u, personal(u), 'rfc help');
    const res = await h.client.post({ ...a, serviceUrl: 'javascript:alert(1)' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringMatching(/^not a valid Bot Framework activity: serviceUrl/) });
  });
});

describe('a forged Teams token', () => {
  const APP_ID = '00000000-0000-0000-0000-00000000b07';
  let bot: Bot;
  let dir: string;
  const logs: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'changebot-teams-edge-'));
    const config = loadConfig({
      PORT: '0',
      DATABASE_PATH: join(dir, 'bot.db'),
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000te',
    });
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    bot = await startBot(config, { components: [createTeamsComponent()], log });
  });
  afterAll(async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  // None of these reaches a key download: each fails a check made before botbuilder runs, or
  // botbuilder's own issuer check (the last), which needs no network.
  const FORGED = [
    'garbage',
    'Bearer',
    'Basic dXNlcjpwYXNz',
    `Bearer ${b64({ alg: 'none' })}.${b64({ aud: APP_ID, exp: 9_999_999_999 })}.`,
    `Bearer ${b64({ alg: 'HS256', kid: 'k' })}.${b64({ aud: APP_ID, exp: 9_999_999_999 })}.c2ln`,
    `Bearer ${b64({ alg: 'RS256', kid: 'k' })}.${b64({ aud: 'someone-else', exp: 9_999_999_999 })}.c2ln`,
    `Bearer ${b64({ alg: 'RS256', kid: 'k' })}.${b64({ aud: APP_ID, exp: 1 })}.c2ln`,
    `Bearer ${b64({ alg: 'RS256', kid: 'k' })}.${b64({ aud: APP_ID, exp: 9_999_999_999, iss: 'https://evil.example' })}.c2ln`,
  ];

  it('is refused with 401, one JSON log line each, and nothing on stderr or the console', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    const consoleWarn = vi.spyOn(console, 'warn');
    const client = new TeamsClient(`http://127.0.0.1:${bot.port}`, 'http://127.0.0.1:1');
    const u = user('mallory');
    const activity = client.message(u, personal(u), 'rfc admin grant teams:aad-mallory admin');
    const before = logs.length;
    for (const token of FORGED) {
      const res = await fetch(`${client.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify(activity),
      });
      expect(res.status, token).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/^Unauthorized/);
    }
    expect(stderr).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
    const lines = logs.slice(before).map((l) => JSON.parse(l) as { msg: string; status: number; stack?: string; err?: unknown });
    expect(lines).toHaveLength(FORGED.length);
    expect(lines.every((l) => l.msg === 'teams: request refused' && l.status === 401 && l.err === undefined)).toBe(true);
  });
});
