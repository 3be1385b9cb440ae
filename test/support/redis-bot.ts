/**
 * A bot for the jobs tests: real SQLite file, real Redis (unique prefix), the jobs component,
 * and the Slack adapter's real SlackNotifier talking to the shared fake Slack Web API. The
 * clock is a TestClock; `tick()` reconciles (which promotes timers due by that clock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setCabChannel } from '../../src/app/admin.js';
import { addService } from '../../src/app/catalogue.js';
import { loadActor } from '../../src/app/context.js';
import { type Bot, type Component, startBot } from '../../src/bot.js';
import { SlackNotifier } from '../../src/chat/slack/notifier.js';
import { createWebClient } from '../../src/chat/slack/web.js';
import { loadConfig } from '../../src/config.js';
import { LENIENT_ENV } from './policy.js';
import { grantRole } from '../../src/db/repos/people.js';
import type { Actor, Role } from '../../src/domain/types.js';
import { type JobsOverrides, jobsComponent } from '../../src/jobs/component.js';
import type { Jobs } from '../../src/jobs/jobs.js';
import { createLogger } from '../../src/log.js';
import { TestClock } from './app.js';
import { cleanPrefix, testRedisUrl, uniquePrefix } from './redis.js';
import type { FakeSlack } from './slack-server.js';

export interface JobsBot {
  bot: Bot;
  jobs: Jobs;
  clock: TestClock;
  prefix: string;
  redisUrl: string;
  dir: string;
  person(id: string, opts?: { roles?: Role[]; timezone?: string }): Actor;
  /** Reconcile now (promotes timers due by the test clock). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** A component that registers the real Slack notifier against the fake Web API. */
export function fakeSlackNotifier(fake: FakeSlack): Component {
  return {
    name: 'slack-notifier',
    enabled: () => true,
    async start(deps) {
      const slack = { botToken: 'xoxb-test', apiUrl: fake.url };
      const log = createLogger('silent');
      deps.registerNotifier(
        new SlackNotifier(deps.app, createWebClient(slack, log, { timeoutMs: 2000 }), slack, { log, retry: { attempts: 2, baseMs: 5, maxWaitMs: 20 } }),
      );
      return { stop: async () => {} };
    },
  };
}

export async function startJobsBot(
  fake: FakeSlack,
  opts: { name: string; redisUrl?: string; overrides?: JobsOverrides; env?: Record<string, string>; extra?: Component[]; jobsFirst?: boolean },
): Promise<JobsBot> {
  const dir = mkdtempSync(join(tmpdir(), `changebot-${opts.name}-`));
  const redisUrl = opts.redisUrl ?? testRedisUrl();
  const prefix = uniquePrefix(opts.name);
  const clock = new TestClock();
  let jobs: Jobs | undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: join(dir, 'bot.db'),
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    ...LENIENT_ENV,
    ...opts.env,
  });
  const component = jobsComponent({
    prefix,
    watchMs: 0,
    reconcileMs: 0,
    reportDelayMs: 50,
    tuning: { limits: { slack: { max: 1000, duration: 1000 }, teams: { max: 1000, duration: 1000 } } },
    expose: (j) => void (jobs = j),
    ...opts.overrides,
  });
  const parts = [fakeSlackNotifier(fake), ...(opts.extra ?? [])];
  const components = opts.jobsFirst ? [component, ...parts] : [...parts, component];
  const bot = await startBot(config, { clock, log: createLogger('silent'), components });
  if (!jobs) throw new Error('jobs component did not start');
  const j = jobs;
  await j.scheduler.idle();
  return {
    bot,
    jobs: j,
    clock,
    prefix,
    redisUrl,
    dir,
    person(id, o = {}) {
      for (const r of o.roles ?? []) grantRole(bot.database.db, id, r, 'test', clock.now());
      return loadActor(bot.app, id, o.timezone ? { timezone: o.timezone } : {});
    },
    async tick() {
      const report = await j.reconcile();
      if (!report) throw new Error('reconcile failed: Redis unavailable');
    },
    async stop() {
      await bot.stop();
      await cleanPrefix(redisUrl, prefix).catch(() => 0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The CAB channel and a service whose audience is a channel and a user group. */
export function seedCatalogue(b: JobsBot, root: Actor): void {
  addService(b.bot.app, root, { name: 'db', audience: ['slack:channel:CDB', 'slack:usergroup:S1'] });
  setCabChannel(b.bot.app, root, { platform: 'slack', channel: 'slack:channel:CCAB' });
}
