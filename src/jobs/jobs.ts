/**
 * Starting and stopping the queues, workers, scheduler and reconciler on one Redis. Used by the
 * bot's component (component.ts), by the benchmarks, and by tests (with a unique prefix).
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppContext } from '../app/context.js';
import { subjectOf } from '../domain/subject.js';
import { DEFAULT_TIMER_SETTINGS, type TimerSettings } from '../domain/timers.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/types.js';
import { type Metrics, NO_METRICS } from '../server/metrics.js';
import { JobQueues, QueueSender, producerConnection, workerConnection } from './queues.js';
import type { JobsRuntime } from './runtime.js';
import { type ReconcileReport, Scheduler } from './scheduler.js';
import { DEFAULT_TUNING, type WorkerTuning, createWorkers } from './workers.js';

export interface JobsOptions {
  redisUrl: string;
  ctx: AppContext;
  /** Shared with the chat components, which push their notifier when they start. */
  notifiers: readonly Notifier[];
  log: Logger;
  /** Key prefix in Redis (tests use a unique one). */
  prefix?: string;
  settings?: Partial<TimerSettings>;
  tuning?: Partial<WorkerTuning>;
  /** Which workers run in this process (default both; 'none' = only schedule). */
  workers?: 'all' | 'timers' | 'deliveries' | 'none';
  /** Period of the reconciler; 0 = only when called. */
  reconcileMs?: number;
  maxAttempts?: number;
  reportDelayMs?: number;
  /** Counts the delivery attempts. */
  metrics?: Metrics;
}

export interface Jobs {
  queues: JobQueues;
  sender: QueueSender;
  scheduler: Scheduler;
  runtime: JobsRuntime;
  workers: Worker[];
  /** Reconciles now; resolves with null (and logs) when Redis is away. */
  reconcile(): Promise<ReconcileReport | null>;
  /** Re-derives one RFC's (`RFC-3`) or release's (`REL-2`) timers, swallowing (and logging) errors: for afterCommit. */
  sync(key: string): void;
  /** Resolves true once Redis answers (false after `ms`). */
  waitReady(ms: number): Promise<boolean>;
  /** Redis health for /readyz. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  /** Stops the reconciler, lets workers finish their current job, closes connections. */
  stop(): Promise<void>;
}

export function startJobs(opts: JobsOptions): Jobs {
  const producer = producerConnection(opts.redisUrl);
  const consumer: Redis = workerConnection(opts.redisUrl);
  const queues = new JobQueues(producer, opts.prefix ?? 'changebot');
  const log = opts.log;
  const sender = new QueueSender(queues, log);
  const runtime: JobsRuntime = {
    ctx: opts.ctx,
    notifiers: opts.notifiers,
    queues,
    sender,
    settings: { ...DEFAULT_TIMER_SETTINGS, ...opts.settings },
    log,
    maxAttempts: opts.maxAttempts ?? 8,
    reportDelayMs: opts.reportDelayMs ?? 60_000,
    startedAt: Date.now(),
    metrics: opts.metrics ?? NO_METRICS,
  };
  const scheduler = new Scheduler(runtime);
  const which = opts.workers ?? 'all';
  const workers = which === 'none' ? [] : createWorkers(runtime, consumer, { ...DEFAULT_TUNING, ...opts.tuning }, which === 'all' ? undefined : which);

  let downSince = 0;
  const reconcile = async (): Promise<ReconcileReport | null> => {
    try {
      const report = await scheduler.reconcile();
      if (downSince) log.info('jobs: Redis is back; timers and deliveries reconciled');
      downSince = 0;
      if (report.added || report.removed || report.replaced || report.requeued || report.reports) log.info({ ...report }, 'jobs: reconciled');
      return report;
    } catch (err) {
      if (!downSince) log.warn({ err: (err as Error).message }, 'jobs: reconcile failed (Redis unavailable?); will retry');
      downSince ||= Date.now();
      return null;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // When Redis comes back (it may have restarted empty), repair at once, not at the next period.
  let wasReady = false;
  producer.on('ready', () => {
    if ((wasReady || downSince) && !stopped) void reconcile();
    wasReady = true;
  });
  if (opts.reconcileMs) {
    timer = setInterval(() => void reconcile(), opts.reconcileMs);
    timer.unref();
  }

  return {
    queues,
    sender,
    scheduler,
    runtime,
    workers,
    reconcile,
    sync(key) {
      const subject = subjectOf(key);
      if (!subject) return;
      (subject.type === 'release' ? scheduler.syncRelease(key) : scheduler.syncRfc(key)).catch((err) => {
        downSince ||= Date.now();
        log.debug({ err: (err as Error).message, [subject.type]: key }, 'jobs: timers not updated now; the reconciler will');
      });
    },
    waitReady(ms) {
      if (queues.ready) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (v: boolean) => {
          clearTimeout(t);
          producer.off('ready', onReady);
          resolve(v);
        };
        const onReady = () => done(true);
        const t = setTimeout(() => done(queues.ready), ms);
        producer.on('ready', onReady);
      });
    },
    async health() {
      if (!queues.ready) return { ok: false, detail: `Redis unreachable (${producer.status})` };
      try {
        const pong = await withTimeout(producer.ping(), 1000);
        return pong === 'PONG' ? { ok: true } : { ok: false, detail: `unexpected PING answer ${pong}` };
      } catch (err) {
        return { ok: false, detail: `Redis unreachable: ${(err as Error).message}` };
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await withTimeout(scheduler.idle(), 5_000).catch(() => {});
      // Graceful: each worker finishes the job it is running; if Redis is gone, don't hang.
      await Promise.all(workers.map((w) => withTimeout(w.close(), 15_000).catch(() => withTimeout(w.close(true), 2_000).catch(() => {}))));
      await withTimeout(queues.close(), 5_000).catch(() => {});
      producer.disconnect();
      consumer.disconnect();
    },
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms);
      t.unref();
    }),
  ]);
}
