/**
 * The two kinds of work. A timer job re-checks SQLite when it fires (the RFC may have moved on
 * since it was queued), then fans out or runs the vote deadline. A delivery job sends one
 * recorded delivery; the deliveries row guards against sending twice.
 */
import { DelayedError, type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { decideByDeadline, votersToRemind } from '../app/voting.js';
import { findRelease } from '../db/repos/releases.js';
import { findRfc } from '../db/repos/rfcs.js';
import { type Timer, firedKey, parseTimerId } from '../domain/timers.js';
import { rfcTimers } from './rfc-timers.js';
import { releaseTimers } from './release-timers.js';
import { countDelivery, sendDelivery } from '../notify/deliver.js';
import { reportFailure } from '../notify/nobody.js';
import type { ChatPlatform } from '../notify/types.js';
import { type DeliveryJobData, type ReportJobData, type TimerJobData, TIMERS_QUEUE, deliveryQueueName } from './queues.js';
import { type JobsRuntime, announce, scheduleFailureReport } from './runtime.js';
import { SCHEDULER } from '../db/repos/timers.js';
import { findDeliveryById } from '../db/repos/outbox.js';
import { type Subject, type SubjectType, rfcSubject } from '../domain/subject.js';

/** A timer that fires this much before its due time (clock skew) still counts as due. */
const EARLY_MS = 1000;
/** How long after start a delivery waits for its platform's adapter to register. */
const STARTUP_GRACE_MS = 30_000;

export function timerProcessor(rt: JobsRuntime): Processor<TimerJobData | ReportJobData> {
  return async (job, token) => {
    if (job.name === 'report') return report(rt, job.data as ReportJobData);
    const parsed = parseTimerId(job.id ?? '');
    if (!parsed) return 'unknown';
    const db = rt.ctx.database.db;
    const now = rt.ctx.clock.now();
    if (parsed.subject.type === 'release') {
      const release = findRelease(db, parsed.subject.key);
      if (!release) return 'gone';
      const timer = releaseTimers(db, release, rt.settings, now).find((t) => t.id === job.id);
      if (!timer) return 'stale'; // the wave started, finished, moved... since it was queued
      await waitUntilDue(job, token, timer, now);
      const n = await announce(rt, timer.subject, timer.recipients, firedKey(timer), timer.kind);
      // The wave's window opened: the kept release cards now offer to start it.
      if (timer.kind === 'start-prompt') for (const notifier of rt.notifiers) await notifier.refreshCards(timer.subject).catch(() => undefined);
      return `${timer.kind} (wave ${timer.wave}): ${n} recipient(s)`;
    }
    const rfc = findRfc(db, parsed.subject.key);
    if (!rfc) return 'gone';
    const timer = rfcTimers(db, rfc, rt.settings, now).find((t) => t.id === job.id);
    if (!timer) return 'stale'; // rescheduled, started, cancelled... since it was queued
    await waitUntilDue(job, token, timer, now);
    if (timer.kind === 'vote-deadline') {
      const out = decideByDeadline(rt.ctx, { id: SCHEDULER, roles: new Set(), timezone: rt.ctx.timezone }, rfc.key);
      return out.message;
    }
    const recipients = timer.kind === 'vote-reminder' ? votersToRemind(rt.ctx, rfc.key) : timer.recipients;
    const n = await announce(rt, timer.subject, recipients, firedKey(timer), timer.kind);
    // The window opened: the kept cards now offer Start.
    if (timer.kind === 'start-prompt') for (const notifier of rt.notifiers) await notifier.refreshCards(timer.subject).catch(() => undefined);
    return `${timer.kind}: ${n} recipient(s)`;
  };
}

/** A timer that fired early (clock skew, or its time moved later) goes back to wait. */
async function waitUntilDue(job: Job, token: string | undefined, timer: Timer, now: Date): Promise<void> {
  const early = timer.dueAt.getTime() - now.getTime();
  if (early > EARLY_MS) {
    await job.moveToDelayed(Date.now() + early, token);
    throw new DelayedError();
  }
}

async function report(rt: JobsRuntime, data: ReportJobData): Promise<string> {
  // A report queued before subjects existed carries its RFC key alone.
  const subject: Subject = data.subject ?? rfcSubject((data as unknown as { rfcKey: string }).rfcKey);
  const db = rt.ctx.database.db;
  if (!(subject.type === 'rfc' ? findRfc(db, subject.key) : findRelease(db, subject.key))) return 'gone';
  // The change owner (or release manager), else the change managers; reaching no one is itself recorded.
  const unsent = await reportFailure(rt.ctx, rt.notifiers, rt.log, subject, data.notificationKey);
  await rt.sender.enqueue(unsent);
  return `failure report: ${unsent.length} delivery(ies) to send`;
}

export function deliveryProcessor(rt: JobsRuntime, platform: ChatPlatform): Processor<DeliveryJobData> {
  const queue = rt.queues.deliveries.get(platform);
  return async (job: Job<DeliveryJobData>, token) => {
    const db = rt.ctx.database.db;
    const row = findDeliveryById(db, job.data.id);
    if (!row) return 'gone';
    if (!rt.notifiers.some((n) => n.platform === platform) && Date.now() - rt.startedAt < STARTUP_GRACE_MS) {
      // The chat adapters may still be starting: wait for them rather than failing the delivery.
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    const r = await sendDelivery(rt.ctx, rt.notifiers, row, { maxAttempts: rt.maxAttempts });
    countDelivery(rt.metrics, r);
    if (r === 'sent' || r === 'skipped') return r;
    if ('retryInMs' in r) {
      if (r.rateLimited && queue) {
        // The platform said "slow down": pause this queue for Retry-After, then try this job again.
        await queue.rateLimit(r.retryInMs);
        throw Worker.RateLimitError();
      }
      await job.moveToDelayed(Date.now() + r.retryInMs, token);
      throw new DelayedError();
    }
    rt.log.warn({ delivery: row.id, recipient: row.recipient, error: r.failed }, 'jobs: delivery failed');
    if (row.subjectType && row.subjectKey) await scheduleFailureReport(rt, row, { type: row.subjectType as SubjectType, key: row.subjectKey });
    return `failed: ${r.failed}`;
  };
}

export interface WorkerTuning {
  /** Timers processed at once. */
  timerConcurrency: number;
  /** Deliveries in flight at once, per platform. */
  deliveryConcurrency: number;
  /** Per-platform limiter: at most `max` sends per `duration` ms across all workers. */
  limits: Record<ChatPlatform, { max: number; duration: number }>;
  /** Lock and stall detection (how fast a crashed worker's jobs are picked up again). */
  lockDuration: number;
  stalledInterval: number;
}

/**
 * Slack: chat.postMessage allows about one message per second per channel and "several hundred
 * per minute" per workspace, so 5 per second keeps a large fan-out under the workspace limit.
 * Teams: 7 per second per conversation and a per-bot global limit; 10 per second in total.
 */
export const DEFAULT_TUNING: WorkerTuning = {
  timerConcurrency: 8,
  deliveryConcurrency: 4,
  limits: { slack: { max: 5, duration: 1000 }, teams: { max: 10, duration: 1000 } },
  lockDuration: 30_000,
  stalledInterval: 30_000,
};

export function createWorkers(rt: JobsRuntime, connection: Redis, tuning: WorkerTuning, only?: 'timers' | 'deliveries'): Worker[] {
  const base: WorkerOptions = {
    connection,
    prefix: rt.queues.prefix,
    lockDuration: tuning.lockDuration,
    stalledInterval: tuning.stalledInterval,
    maxStalledCount: 5,
  };
  const workers: Worker[] = [];
  if (only !== 'deliveries') {
    workers.push(new Worker(TIMERS_QUEUE, timerProcessor(rt), { ...base, concurrency: tuning.timerConcurrency }));
  }
  if (only !== 'timers') {
    for (const platform of rt.queues.deliveries.keys()) {
      workers.push(
        new Worker(deliveryQueueName(platform), deliveryProcessor(rt, platform), {
          ...base,
          concurrency: tuning.deliveryConcurrency,
          limiter: tuning.limits[platform],
        }),
      );
    }
  }
  for (const w of workers) {
    w.on('error', (err) => rt.log.debug({ err: err.message, queue: w.name }, 'jobs: worker error'));
    w.on('failed', (job, err) => rt.log.warn({ job: job?.id, queue: w.name, err: err.message }, 'jobs: job failed'));
  }
  return workers;
}
