/**
 * A delivery worker killed with SIGKILL in the middle of a fan-out, then restarted: every
 * recipient ends with exactly one message (counted at the fake Slack API) and one sent row.
 * The worker is a separate process running the compiled code (npm test builds dist/ first) with
 * the real SlackNotifier, against the shared fake Slack. It is killed while Slack holds the
 * answers to posts it already made, so some deliveries left `sending` did reach Slack: the
 * restarted worker finds those by their delivery key (message metadata) instead of re-posting.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { type AppContext, createContext, loadActor } from '../../src/app/context.js';
import { schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { SlackNotifier } from '../../src/chat/slack/notifier.js';
import { createWebClient } from '../../src/chat/slack/web.js';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { grantRole } from '../../src/db/repos/people.js';
import { deliveries } from '../../src/db/schema.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { type Jobs, startJobs } from '../../src/jobs/jobs.js';
import { createLogger } from '../../src/log.js';
import { cleanPrefix, eventually, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { FakeSlack } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = join(ROOT, 'test/support/redis-worker-child.mjs');
const USERS = Array.from({ length: 300 }, (_, i) => `U${String(i).padStart(4, '0')}`);
const H = 3_600_000;

let fake: FakeSlack;
let dir: string;
let database: AppDatabase;
let ctx: AppContext;
let jobs: Jobs;
const prefix = uniquePrefix('crash');
const children: ChildProcess[] = [];

/** Builds dist/ when it is missing or older than the sources this test runs there. */
function ensureBuilt(): void {
  const sources = [
    'src/jobs/jobs.ts',
    'src/jobs/workers.ts',
    'src/jobs/queues.ts',
    'src/notify/deliver.ts',
    'src/chat/slack/notifier.ts',
    'src/chat/slack/sent.ts',
    'src/chat/slack/web.ts',
  ];
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs));
  const outputs = ['dist/jobs/jobs.js', 'dist/chat/slack/notifier.js', 'dist/chat/slack/sent.js'].map((o) => join(ROOT, o));
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newest)) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // type errors elsewhere still emit JavaScript
  }
}

function startWorker(): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const env = { ...process.env, SLACK_API_URL: fake.url, SLACK_BOT_TOKEN: 'xoxb-crash' };
  const child = spawn(process.execPath, [CHILD, join(dir, 'bot.db'), testRedisUrl(), prefix], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => String(d).includes('ready') && resolve());
    void exited.then(() => reject(new Error(`worker exited early: ${err}`)));
  });
  return { child, ready, exited };
}

beforeAll(async () => {
  ensureBuilt();
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: USERS }, latency: { 'chat.postMessage': 15 } });
  dir = mkdtempSync(join(tmpdir(), 'changebot-crash-'));
  database = openDatabase(join(dir, 'bot.db'));
  ctx = createContext(database, { policy: DEFAULT_POLICY, timezone: 'UTC' });
  // This process only schedules and fires timers; the deliveries run in the child.
  const log = createLogger('silent');
  const slack = { botToken: 'xoxb-crash', apiUrl: fake.url };
  const notifier = new SlackNotifier(ctx, createWebClient(slack, log), slack, { log });
  jobs = startJobs({ redisUrl: testRedisUrl(), ctx, notifiers: [notifier], log, prefix, workers: 'timers' });
  await jobs.waitReady(5000);
});

afterAll(async () => {
  // A failed assertion leaves a worker running: stop it with the test.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await jobs?.stop();
  database?.close();
  await fake?.close();
  await cleanPrefix(testRedisUrl(), prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('a delivery worker killed mid fan-out', () => {
  it('ends, after a restart, with exactly one delivery per recipient', async () => {
    grantRole(database.db, 'cli:root', 'admin', 'test', new Date());
    grantRole(database.db, 'slack:T1/UOWN', 'admin', 'test', new Date()); // may mark changes standard
    const owner = loadActor(ctx, 'slack:T1/UOWN');
    addService(ctx, loadActor(ctx, 'cli:root'), { name: 'db', audience: ['slack:channel:CDB', 'slack:usergroup:S1'] });
    const start = new Date(Date.now() + 3 * H);
    const r = raise(ctx, owner, {
      title: 'Patch db01',
      category: 'standard',
      services: ['db'],
      backout: 'restore',
      start,
      durationMinutes: 60,
      outageMinutes: 10,
    }).result;
    submit(ctx, owner, r.key);
    schedule(ctx, owner, r.key, {});
    // The advance notice is already due: the reconciler fires it, 301 deliveries are queued.
    await jobs.reconcile();
    const rows = () =>
      database.db
        .select()
        .from(deliveries)
        .all()
        .filter((d) => d.notificationKey.startsWith('timed:outage-notice:'));
    await eventually(() => rows().length === 301, '301 deliveries recorded');

    const notices = () => [...fake.messages.values()].filter((m) => m.text?.startsWith('Planned maintenance'));
    const first = startWorker();
    await first.ready;
    await eventually(() => notices().length >= 60, 'the fan-out under way');
    // Slack posts what is in flight but holds the answers: the worker dies not knowing.
    fake.setReplyDelay('chat.postMessage', 30_000);
    await eventually(() => fake.heldReplies >= 1, 'a post made but not answered yet');
    await new Promise((res) => setTimeout(res, 100));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    fake.setReplyDelay('chat.postMessage', 0);
    expect(notices().length).toBeLessThan(301);
    // Deliveries the killed worker had begun: some posted, maybe some not. Nobody knows yet.
    const inDoubt = rows().filter((d) => d.status === 'sending');
    const keyOf = (m: { metadata?: Record<string, unknown> }) => (m.metadata?.event_payload as { key?: string } | undefined)?.key;
    const postedKeys = new Set(notices().map(keyOf));
    expect(inDoubt.filter((d) => postedKeys.has(`d${d.id}`)).length).toBeGreaterThan(0);

    const second = startWorker();
    await second.ready;
    await eventually(() => rows().every((d) => d.status === 'sent'), 'every delivery sent after the restart', 20_000);
    await new Promise((res) => setTimeout(res, 300));
    const channels = notices().map((m) => m.channel);
    expect(channels).toHaveLength(301);
    expect(new Set(channels).size).toBe(301);
    expect(new Set(channels)).toEqual(new Set(['CDB', ...USERS.map((u) => fake.dmOf(u))]));
    // Every message carries the key of the one delivery it belongs to.
    expect(new Set(notices().map(keyOf))).toEqual(new Set(rows().map((d) => `d${d.id}`)));
    expect(rows()).toHaveLength(301);
    expect(new Set(rows().map((d) => d.recipient)).size).toBe(301);
    // Each of them was looked up at Slack (message metadata) before being sent again.
    expect(
      fake
        .callsTo('conversations.history')
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(inDoubt.map((d) => (d.recipient.startsWith('slack:user:') ? fake.dmOf(d.recipient.split('/').pop() as string) : 'CDB')).sort());
    expect(slackProblems(fake)).toEqual([]);
    // Graceful shutdown: the worker finishes what it runs and exits cleanly.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
