/**
 * The bot's clockwork as a component: BullMQ queues and workers on REDIS_URL (or on a private
 * redis-server when REDIS_URL is unset), the dispatcher's deliveries through the queues, timers
 * re-derived after every commit, and a reconciler at start and every RECONCILE_MINUTES.
 * Redis being away never stops the bot: commands keep working, /readyz says so, and the
 * reconciler repairs everything when it is back.
 */
import type { AfterCommit } from '../app/context.js';
import type { BotDeps, Component } from '../component.js';
import { lastLogId, subjectsChangedSince } from '../db/repos/log.js';
import { deploymentId } from '../db/repos/deployment.js';
import { rfcsOfRelease } from '../db/repos/releases.js';
import { type Jobs, type JobsOptions, startJobs } from './jobs.js';
import { INSTALL_HINT, type LocalRedis, findRedisServer, redisDirFor, startLocalRedis } from './local-redis.js';
import { NOTIFIED } from '../db/repos/timers.js';
import { queueBoard, queueBoardOff } from './board.js';

export type JobsOverrides = Partial<Omit<JobsOptions, 'redisUrl' | 'ctx' | 'notifiers' | 'log'>> & {
  /** How often to look for changes committed by other processes (the CLI); 0 = never. */
  watchMs?: number;
  /** Receives the running jobs (tests and tools). */
  expose?: (jobs: Jobs) => void;
  /** How long start waits for Redis before going on without it (default 3000 ms). */
  readyWaitMs?: number;
};

export function jobsComponent(overrides: JobsOverrides = {}): Component {
  return {
    name: 'jobs',
    enabled(config) {
      if (config.redisUrl || findRedisServer()) return true;
      return `no REDIS_URL and no redis-server on PATH, so reminders and announcements are sent only as things happen. ${INSTALL_HINT}`;
    },
    whenOff(deps, reason) {
      deps.addWebRoutes(queueBoardOff(reason));
    },
    async start(deps: BotDeps) {
      const { config, log } = deps;
      // Keys and the local Redis folder belong to this deployment only (REDIS_PREFIX overrides).
      const id = deploymentId(deps.app.database.db, deps.app.clock.now());
      let local: LocalRedis | undefined;
      let url = config.redisUrl;
      if (!url) {
        local = await startLocalRedis({ dir: redisDirFor(config.databasePath, id), persist: true });
        url = local.url;
        log.info({ redis: url, data: local.dir }, 'jobs: REDIS_URL is not set; started a local redis-server (append-only file in the data folder)');
      }
      const { watchMs = 2000, expose, readyWaitMs = 3000, prefix, ...rest } = overrides;
      const jobs = startJobs({
        redisUrl: url,
        prefix: prefix ?? config.redisPrefix ?? deploymentPrefix(id),
        ctx: deps.app,
        notifiers: deps.notifiers,
        log,
        settings: { outageNoticeHours: config.jobs.outageNoticeHours },
        reconcileMs: config.jobs.reconcileMinutes * 60_000,
        metrics: deps.metrics,
        ...rest,
      });
      deps.useDeliverySender(jobs.sender);
      deps.metrics.timersFrom(() => jobs.scheduler.pendingByKind());
      deps.addWebRoutes(queueBoard(jobs.queues.all()));
      log.info({ prefix: jobs.queues.prefix }, "jobs: Redis keys under this deployment's prefix");
      const listener: AfterCommit = (outcome) => {
        const keys = new Set<string>();
        if (outcome.rfc) keys.add(outcome.rfc.key);
        if (outcome.release) {
          keys.add(outcome.release.key);
          // A wave's move may move the release's RFCs along (rfcsFollow): their timers follow.
          for (const rfc of rfcsOfRelease(deps.app.database.db, outcome.release.key)) keys.add(rfc.key);
        }
        // So do the RFCs a use case names in its notifications (one that left a release, say).
        for (const n of outcome.notifications) keys.add(n.subject.key);
        for (const key of keys) jobs.sync(key);
      };
      const stopListening = deps.onCommit(listener);
      deps.http.check('redis', () => jobs.health());
      const watcher = watchMs ? watchOtherProcesses(deps, watchMs, (key) => jobs.sync(key)) : undefined;
      expose?.(jobs);
      if (!(await jobs.waitReady(readyWaitMs)))
        log.warn({ redis: redacted(url) }, 'jobs: Redis is not reachable yet; commands work, timers are repaired when it is back');
      return {
        // Every notifier is registered by now: repair the queue and send what waited.
        ready: () => void jobs.reconcile(),
        async stop() {
          if (watcher) clearInterval(watcher);
          stopListening();
          await jobs.stop();
          await local?.stop();
        },
      };
    },
  };
}

/**
 * Commits made in this process reach the scheduler through afterCommit; those made by another
 * process (the CLI) show up as new change-log rows, checked every `ms`.
 */
function watchOtherProcesses(deps: BotDeps, ms: number, sync: (key: string) => void): NodeJS.Timeout {
  const db = deps.app.database.db;
  let seen = lastLogId(db);
  const t = setInterval(() => {
    try {
      const changed = subjectsChangedSince(db, seen, NOTIFIED);
      seen = changed.last;
      for (const s of changed.subjects) sync(s.key);
    } catch (err) {
      deps.log.debug({ err }, 'jobs: change watch failed');
    }
  }, ms);
  t.unref();
  return t;
}

/**
 * BullMQ's key prefix for a deployment. Deployments before issue 12 used the fixed `changebot`:
 * their keys stay there untouched (another deployment may still own them); the reconciler
 * re-derives every timer under the new prefix from the database at start.
 */
export const deploymentPrefix = (id: string) => `changebot-${id}`;

/** The URL without its password, for logs. */
function redacted(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}
