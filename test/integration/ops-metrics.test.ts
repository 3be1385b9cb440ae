/**
 * Issue 13 item 7: `GET /metrics` for operators. The real bot with real Bolt over signed HTTP and
 * a fake Slack Web API (and the real Teams adapter against a fake connector), scraped over real
 * HTTP and read with an independent Prometheus text-format parser: the counters move when a
 * command is handled (typed, a button), a vote counts by its choice, the RFCs-by-state gauge
 * says what was raised, a failed Slack API call counts by method and code, each bot has its own
 * registry, and METRICS_TOKEN is enforced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { RFC_STATES } from '../../src/domain/types.js';
import { scrape } from '../support/metrics.js';
import { eventually } from '../support/redis.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { personal, user } from '../support/teams-activities.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const C1 = { team: T, user: 'UC1', name: 'cab1' };
const C2 = { team: T, user: 'UC2', name: 'cab2' };

let h: SlackHarness;
let base: string;
const commands = (verb: string, outcome = 'ok', platform = 'slack') => ({ platform, verb, outcome });

beforeAll(async () => {
  h = await slackHarness({ env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } });
  base = `http://127.0.0.1:${h.bot.port}`;
  for (const u of ['UC1', 'UC2']) expect(await h.answer(ADMIN, `admin grant <@${u}|x> cab`)).toContain('Granted cab');
  expect(await h.answer(ADMIN, 'admin service add db')).toContain('Added service db');
});
afterAll(() => h.stop());

describe('GET /metrics', () => {
  it('answers the Prometheus text format: every family typed and explained, the process metrics included', async () => {
    const s = await scrape(base);
    expect(s.status).toBe(200);
    expect(s.contentType).toContain('text/plain');
    expect(s.contentType).toContain('version=0.0.4');
    expect(s.families.length).toBeGreaterThan(10);
    for (const f of s.families) {
      expect(f.type, f.name).not.toBe('UNTYPED');
      expect(f.help, f.name).not.toBe('');
    }
    // prom-client's default process metrics.
    expect(s.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(s.family('nodejs_eventloop_lag_seconds').type).toBe('GAUGE');
    expect(s.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    // The /readyz checks as 1/0: SQLite writable, the Slack token being checked (ok meanwhile).
    expect(s.value('changebot_check_up', { check: 'database' })).toBe(1);
    expect(s.value('changebot_check_up', { check: 'process' })).toBe(1);
    expect(s.family('changebot_check_up').metrics.map((m) => m.labels?.check)).not.toContain('redis');
    expect(s.family('changebot_ack_latency_seconds').type).toBe('HISTOGRAM');
    expect(s.family('changebot_deliveries_total').type).toBe('COUNTER');
  });

  it('counts a handled command by platform, verb and outcome, and observes its acknowledgement', async () => {
    const before = await scrape(base);
    const acks = before.histogram('changebot_ack_latency_seconds', { platform: 'slack' })?.count ?? 0;
    expect(await h.answer(REQ, 'list')).toBeTruthy();
    expect(await h.answer(REQ, 'show RFC-999')).toContain('RFC-999');
    const after = await scrape(base);
    expect(after.value('changebot_commands_total', commands('list'))).toBe(before.value('changebot_commands_total', commands('list')) + 1);
    expect(after.value('changebot_commands_total', commands('show', 'refused'))).toBe(
      before.value('changebot_commands_total', commands('show', 'refused')) + 1,
    );
    const hist = after.histogram('changebot_ack_latency_seconds', { platform: 'slack' });
    expect(hist?.count).toBe(acks + 2);
    expect(hist?.sum).toBeGreaterThan(0);
    // Each acknowledgement took well under Slack's 3 seconds.
    expect(hist?.buckets['3']).toBe(acks + 2);
    expect(hist?.buckets['+Inf']).toBe(acks + 2);
  });

  it('counts RFCs by state from the database, and votes by choice (typed and clicked)', async () => {
    await h.answer(REQ, 'new "Draft one"');
    await h.answer(REQ, 'new "Draft two"');
    const raised = await h.answer(
      REQ,
      'new "Patch db01" category=significant services=db backout="Restore it" test="Smoke tests" start="2031-12-23 22:00" duration=30m',
    );
    const key = /(RFC-\d+)/.exec(raised)?.[1] as string;
    expect(await h.answer(REQ, `submit ${key}`)).toContain('went to the CAB for a vote');
    const states = await scrape(base);
    const expected: Record<string, number> = Object.fromEntries(RFC_STATES.map((st) => [st, 0]));
    expected.draft = 2;
    expected.awaiting_approval = 1;
    for (const st of RFC_STATES) expect(states.value('changebot_rfcs', { state: st }), st).toBe(expected[st]);
    expect(states.family('changebot_rfcs').metrics).toHaveLength(RFC_STATES.length);

    expect(await h.answer(C1, `vote ${key} approve`)).toContain('Recorded your approve vote');
    // The CAB card's button: the same vote, counted the same way.
    const card = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && JSON.stringify(c.args.blocks).includes(`"vote:${key}"`));
    const { ack } = await h.click(C2, {
      actionId: 'rfc_vote_reject',
      value: key,
      message: { channel: 'CCAB', ts: String(card.response.ts), blocks: card.args.blocks as unknown[] },
    });
    expect(ack.status).toBe(200);
    await eventually(async () => (await scrape(base)).value('changebot_votes_total', { choice: 'reject' }) === 1, 'the clicked reject vote counted');
    const s = await scrape(base);
    expect(s.value('changebot_votes_total', { choice: 'approve' })).toBe(1);
    expect(s.value('changebot_commands_total', commands('vote'))).toBe(2);
    expect(s.value('changebot_commands_total', commands('submit'))).toBe(1);
    expect(s.value('changebot_commands_total', commands('new'))).toBe(3);
    // A vote refused (not on the CAB) is a refused command, not a vote cast.
    expect(await h.answer(REQ, `vote ${key} approve`)).not.toContain('Recorded');
    const refused = await scrape(base);
    expect(refused.value('changebot_votes_total', { choice: 'approve' })).toBe(1);
    expect(refused.value('changebot_commands_total', commands('vote', 'refused'))).toBe(1);
  });

  it('counts failed Slack Web API calls by method and code, each attempt', async () => {
    h.fake.failNext('views.open', { error: 'expired_trigger_id' });
    await h.command(REQ, 'new');
    const failed = { platform: 'slack', method: 'views.open', code: 'expired_trigger_id' };
    await eventually(async () => (await scrape(base)).value('changebot_chat_api_errors_total', failed) === 1, 'the views.open error counted');
    // A 503 is retried once (the second attempt succeeds): one error counted, the modal opened.
    const opened = h.fake.okCallsTo('views.open').length;
    h.fake.failNext('views.open', { status: 503 });
    await h.command(REQ, 'new');
    await eventually(() => h.fake.okCallsTo('views.open').length === opened + 1, 'the modal opened at the second attempt');
    const s = await scrape(base);
    expect(s.value('changebot_chat_api_errors_total', { platform: 'slack', method: 'views.open', code: 'http_503' })).toBe(1);
    expect(s.value('changebot_chat_api_errors_total', { platform: 'slack', method: 'views.open', code: 'expired_trigger_id' })).toBe(1);
  });
});

describe('Teams', () => {
  let t: TeamsHarness;
  beforeAll(async () => {
    t = await startTeamsHarness();
  });
  afterAll(() => t.close());

  it('counts a Teams command and observes the time to its HTTP answer, in its own bot’s registry', async () => {
    const ann = user('ann');
    const res = await t.client.post(t.client.message(ann, personal(ann), 'rfc list'));
    expect(res.status).toBe(200);
    const s = await scrape(`http://127.0.0.1:${t.bot.port}`);
    expect(s.value('changebot_commands_total', commands('list', 'ok', 'teams'))).toBe(1);
    expect(s.histogram('changebot_ack_latency_seconds', { platform: 'teams' })?.count).toBe(1);
    expect(s.histogram('changebot_ack_latency_seconds', { platform: 'slack' })).toBeUndefined();
    // Another bot in the same process: the Slack bot's counts are not in it.
    expect(s.sample('changebot_commands_total', { platform: 'slack' })).toBeUndefined();
    expect(s.value('changebot_rfcs', { state: 'draft' })).toBe(0);
  });
});

describe('METRICS_TOKEN', () => {
  let bot: Bot;
  let dir: string;
  const TOKEN = 'a-long-metrics-token-0123456789';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'changebot-metrics-'));
    bot = await startBot(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'bot.db'), LOG_LEVEL: 'silent', METRICS_TOKEN: TOKEN }), {
      components: [],
    });
  });
  afterAll(async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is required as a bearer token when set: 401 JSON saying how, without it or with another', async () => {
    const url = `http://127.0.0.1:${bot.port}/metrics`;
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789012' }, { authorization: TOKEN }] as Record<string, string>[]) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const body = (await res.json()) as { ok: boolean; code: string; error: string };
      expect(body).toMatchObject({ ok: false, code: 'unauthorized' });
      expect(body.error).toContain('Authorization: Bearer');
      expect(await res.text().catch(() => '')).not.toContain('changebot_');
    }
    const s = await scrape(`http://127.0.0.1:${bot.port}`, { authorization: `Bearer ${TOKEN}` });
    expect(s.status).toBe(200);
    expect(s.value('changebot_check_up', { check: 'database' })).toBe(1);
  });

  it('refuses a token too short to be a secret, naming the variable', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN expects 16 to 256 printable characters/);
  });
});
