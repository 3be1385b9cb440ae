/**
 * Issue 13 item 7: the queue board at `/admin/queues` (bull-board over the jobs' BullMQ queues),
 * with a real Redis, the real bot (Slack over signed HTTP against a fake Slack, the jobs
 * component) and real HTTP. People sign in through `/rfc web`: an admin gets the board, its
 * assets and its API; a signed-in non-admin 403; a visitor the sign-in page (401); a change to
 * a queue only from the bot's own origin. With the jobs off, the address says so (503). The
 * metrics read Redis's health and the pending timers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, type Component, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { loadConfig } from '../../src/config.js';
import { type JobsOverrides, jobsComponent } from '../../src/jobs/component.js';
import type { Jobs } from '../../src/jobs/jobs.js';
import { scrape } from '../support/metrics.js';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { SECRET, slackTestEnv } from '../support/slack-harness.js';
import { SlackSender, type Who, slashCommand } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';
import { WebClient, linkIn } from '../support/web.js';

const T = 'T1';
const ADMIN: Who = { team: T, user: 'UADMIN', name: 'admin' };
const BOB: Who = { team: T, user: 'UBOB', name: 'bob' };

interface Running {
  bot: Bot;
  base: string;
  answer(who: Who, text: string): Promise<string>;
  signedIn(who: Who): Promise<WebClient>;
  stop(): Promise<void>;
}

let n = 0;

async function start(name: string, jobs: Component, env: Record<string, string> = {}): Promise<Running & { fake: FakeSlack }> {
  const fake = await FakeSlack.start({ teamId: T });
  const dir = mkdtempSync(join(tmpdir(), `changebot-${name}-`));
  const config = loadConfig(slackTestEnv(dir, fake.url, { CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, ...env }));
  const bot = await startBot(config, { components: [slackComponent, jobs] });
  const base = `http://127.0.0.1:${bot.port}`;
  const sender = new SlackSender(`${base}/slack/events`, SECRET);
  const answer = async (who: Who, text: string) => {
    const responseUrl = fake.responseUrl(`${name}-${++n}`);
    const ack = await sender.send(slashCommand(who, text, { responseUrl }));
    if (ack.status !== 200) throw new Error(`/rfc ${text}: acknowledged with ${ack.status}`);
    const named = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
    return String((await fake.waitForResponse((x) => x.name === named)).body.text);
  };
  return {
    bot,
    fake,
    base,
    answer,
    async signedIn(who) {
      const web = new WebClient(base);
      expect((await web.signIn(linkIn(await answer(who, 'web')))).status).toBe(303);
      return web;
    },
    async stop() {
      await bot.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('the queue board with the jobs on (real Redis)', () => {
  let r: Running;
  let jobs: Jobs | undefined;
  const prefix = uniquePrefix('queues');
  let admin: WebClient;
  let bob: WebClient;
  const visitor = () => new WebClient(r.base);
  let asset: string;

  beforeAll(async () => {
    const overrides: JobsOverrides = { prefix, watchMs: 0, reconcileMs: 0, expose: (j) => void (jobs = j) };
    r = await start('queues', jobsComponent(overrides), { REDIS_URL: testRedisUrl() });
    admin = await r.signedIn(ADMIN);
    bob = await r.signedIn(BOB);
    const page = await admin.get('/admin/queues');
    // The page's scripts are relative to its <base href="/admin/queues/">.
    expect(page.text).toContain('<base href="/admin/queues/"');
    asset = `/admin/queues/${/src="(static\/js\/[^"]+\.js)"/.exec(page.text)?.[1] ?? 'no-script-found'}`;
  });
  afterAll(async () => {
    await r.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('shows an admin the board, its assets and its API over the bot’s queues', async () => {
    const page = await admin.get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('changebot queues');
    expect(page.text).toContain('/admin/queues');
    expect(asset).toMatch(/^\/admin\/queues\/static\/.+\.js$/);
    const js = await admin.get(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const api = await admin.get('/admin/queues/api/queues', { accept: 'application/json' });
    expect(api.status).toBe(200);
    const names = (JSON.parse(api.text) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['deliveries-slack', 'deliveries-teams', 'timers']);
  });

  it('refuses a signed-in person who is not an admin (403), on the page, the assets and the API', async () => {
    const page = await bob.get('/admin/queues');
    expect(page.status).toBe(403);
    expect(page.text).toContain('The queue board is for admins');
    expect(page.text).not.toContain('changebot queues');
    expect((await bob.get(asset)).status).toBe(403);
    const api = await bob.get('/admin/queues/api/queues', { accept: 'application/json' });
    expect(api.status).toBe(403);
    expect(JSON.parse(api.text)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(api.text).not.toContain('deliveries-slack');
  });

  it('gives a visitor the sign-in page (401), on the page, the assets and the API', async () => {
    const page = await visitor().get('/admin/queues');
    expect(page.status).toBe(401);
    expect(page.text).toContain('Sign in to changebot');
    expect((await visitor().get(asset)).status).toBe(401);
    const api = await visitor().get('/admin/queues/api/queues', { accept: 'application/json' });
    expect(api.status).toBe(401);
    expect(api.text).not.toContain('timers');
  });

  it('lets an admin change a queue only from the bot’s own origin', async () => {
    const put = (headers: Record<string, string>) =>
      fetch(`${r.base}/admin/queues/api/queues/timers/pause`, { method: 'PUT', headers: { cookie: admin.cookie ?? '', ...headers } });
    const elsewhere = await put({ origin: 'https://evil.example' });
    expect(elsewhere.status).toBe(403);
    expect(await jobs?.queues.timers.isPaused()).toBe(false);
    expect((await put({})).status).toBe(403);
    const own = await put({ origin: r.base });
    expect(own.status).toBeLessThan(300);
    expect(await jobs?.queues.timers.isPaused()).toBe(true);
    await jobs?.queues.timers.resume();
    // A non-admin from the same origin: still refused.
    const bobs = await fetch(`${r.base}/admin/queues/api/queues/timers/pause`, { method: 'PUT', headers: { cookie: bob.cookie ?? '', origin: r.base } });
    expect(bobs.status).toBe(403);
    expect(await jobs?.queues.timers.isPaused()).toBe(false);
  });

  it('reports Redis as up and the pending timers by kind in /metrics, as many as Redis holds', async () => {
    expect(await r.answer(ADMIN, 'admin service add db')).toContain('Added service db');
    const raised = await r.answer(
      BOB,
      'new "Patch db01" category=significant services=db backout="Restore it" test="Smoke tests" start="2031-12-23 22:00" duration=30m',
    );
    const key = /(RFC-\d+)/.exec(raised)?.[1] as string;
    expect(await r.answer(BOB, `submit ${key}`)).toContain('went to the CAB for a vote');
    await jobs?.scheduler.idle();
    const queued = (await jobs?.queues.timers.getJobs(['delayed', 'wait'])) ?? [];
    const deadlines = queued.filter((j) => j.name === 'vote-deadline' && j.id?.startsWith(`${key}.`));
    expect(deadlines).toHaveLength(1);
    const s = await scrape(r.base);
    expect(s.value('changebot_check_up', { check: 'redis' })).toBe(1);
    expect(s.value('changebot_timers', { kind: 'vote-deadline' })).toBe(1);
    const byKind = new Map<string, number>();
    for (const j of queued) byKind.set(j.name, (byKind.get(j.name) ?? 0) + 1);
    for (const m of s.family('changebot_timers').metrics) expect(Number(m.value), m.labels?.kind).toBe(byKind.get(m.labels?.kind ?? '') ?? 0);
  });
});

describe('the queue board with the jobs off', () => {
  let r: Running;
  beforeAll(async () => {
    const off: Component = { ...jobsComponent(), enabled: () => 'no REDIS_URL and no redis-server on PATH' };
    r = await start('queues-off', off);
  });
  afterAll(() => r.stop());

  it('says the queues are off (503) to an admin, with the reason; others are refused as with the board', async () => {
    const admin = await r.signedIn(ADMIN);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await admin.get(path);
      expect(res.status, path).toBe(503);
      expect(res.text).toContain('The job queues are off');
      expect(res.text).toContain('no REDIS_URL and no redis-server on PATH');
    }
    const json = await admin.get('/admin/queues/api/queues', { accept: 'application/json' });
    expect(JSON.parse(json.text)).toMatchObject({ ok: false, code: 'unavailable' });
    expect((await (await r.signedIn(BOB)).get('/admin/queues')).status).toBe(403);
    expect((await new WebClient(r.base).get('/admin/queues')).status).toBe(401);
    const s = await scrape(r.base);
    expect(s.family('changebot_check_up').metrics.map((m) => m.labels?.check)).not.toContain('redis');
    expect(s.sample('changebot_timers')).toBeUndefined();
  });
});
