/**
 * Keeps Redis equal to what SQLite says must be pending. `syncRfc` runs right after a use case
 * commits (schedule, reschedule, cancel, start, complete, vote...) for that RFC, `syncRelease`
 * after one on a release (go, a wave added, started, finished...); `reconcile`
 * runs at start and every RECONCILE_MINUTES for everything: it adds the timers Redis lacks
 * (restarted empty, flushed, or down when the RFC was scheduled), removes the ones that should
 * not exist, promotes timers already due, and queues deliveries left unsent.
 * Both are serialised, so an older view of the database never undoes a newer one.
 */
import { type Subject, releaseSubject, rfcSubject, sameSubject } from '../domain/subject.js';
import type { Job, JobType } from 'bullmq';
import type { Db } from '../db/client.js';
import { findRelease, timedReleases } from '../db/repos/releases.js';
import { findRfc } from '../db/repos/rfcs.js';
import { TIMER_KINDS, type Timer, type TimerSettings, delayUntil, parseTimerId } from '../domain/timers.js';
import { allRfcTimers, rfcTimers } from './rfc-timers.js';
import { TIMER_JOB, type TimerJobData } from './queues.js';
import { releaseTimers } from './release-timers.js';
import { type JobsRuntime, scheduleFailureReport } from './runtime.js';
import { firedKeys, reportedFailures, timedRfcs, unreportedFailures, unsentRows } from '../db/repos/timers.js';

export interface ReconcileReport {
  desired: number;
  added: number;
  removed: number;
  replaced: number;
  promoted: number;
  requeued: number;
  reports: number;
}

const PENDING_STATES: JobType[] = ['delayed', 'wait', 'prioritized'];

/** Every timed event that must be pending now: each timed RFC's and release's, less those already sent. */
export function desiredTimers(db: Db, settings: TimerSettings, now: Date): Timer[] {
  const fired = firedKeys(db);
  return [
    ...allRfcTimers(db, timedRfcs(db), settings, now, fired),
    ...timedReleases(db).flatMap((release) => releaseTimers(db, release, settings, now, fired)),
  ];
}

/** How long the timers gauge's count is reused (real time). */
const PENDING_TTL_MS = 10_000;

export class Scheduler {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly rt: JobsRuntime) {}

  /** Runs `fn` after everything queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Waits for queued sync/reconcile work (for shutdown and tests). */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** Re-derives one RFC's timers after a commit. Throws RedisUnavailable while Redis is away. */
  syncRfc(key: string): Promise<ReconcileReport> {
    return this.syncSubject(rfcSubject(key), (db, now, fired) => {
      const rfc = findRfc(db, key);
      return rfc ? rfcTimers(db, rfc, this.rt.settings, now, fired) : [];
    });
  }

  /** Re-derives one release's wave timers after a commit. Throws RedisUnavailable while Redis is away. */
  syncRelease(key: string): Promise<ReconcileReport> {
    return this.syncSubject(releaseSubject(key), (db, now, fired) => {
      const release = findRelease(db, key);
      return release ? releaseTimers(db, release, this.rt.settings, now, fired) : [];
    });
  }

  private syncSubject(subject: Subject, derive: (db: Db, now: Date, fired: ReadonlySet<string>) => Timer[]): Promise<ReconcileReport> {
    return this.serial(async () => {
      const { queues, ctx } = this.rt;
      queues.assertReady();
      const db = ctx.database.db;
      const desired = derive(db, ctx.clock.now(), firedKeys(db, [subject]));
      const ids = (await queues.timers.getRanges(PENDING_STATES, 0, -1)).filter((id) => sameSubject(parseTimerId(id)?.subject, subject));
      const existing = (await Promise.all(ids.map((id) => queues.timers.getJob(id)))).filter((j): j is Job => !!j);
      return this.apply(desired, existing, { promote: true });
    });
  }

  /** Repairs everything from the database. Throws RedisUnavailable while Redis is away. */
  reconcile(): Promise<ReconcileReport> {
    return this.serial(async () => {
      const { queues, ctx } = this.rt;
      queues.assertReady();
      const db = ctx.database.db;
      const now = ctx.clock.now();
      const desired = desiredTimers(db, this.rt.settings, now);
      const existing = (await queues.timers.getJobs(PENDING_STATES, 0, -1)).filter((j) => parseTimerId(j.id ?? ''));
      const report = await this.apply(desired, existing, { promote: true });
      // Deliveries recorded but not queued (Redis was down, or flushed).
      const unsent = unsentRows(db);
      await this.rt.sender.enqueue(unsent);
      report.requeued = unsent.length;
      // Failures nobody was told about (the report job was lost with Redis).
      for (const f of unreportedFailures(db, reportedFailures(db))) {
        await scheduleFailureReport(this.rt, f, f.subject, 0);
        report.reports++;
      }
      return report;
    });
  }

  /** How many timed events are pending now, by kind, as the database says (the metrics' gauge). */
  pendingByKind(): Record<string, number> {
    // Worked out from every timed RFC and release: kept a few seconds, so scraping /metrics
    // (open to anyone who reaches the port unless METRICS_TOKEN is set) as often as one likes
    // costs the database at most that often.
    const at = Date.now();
    if (this.pending && at - this.pending.at < PENDING_TTL_MS) return this.pending.counts;
    const out: Record<string, number> = Object.fromEntries(TIMER_KINDS.map((k) => [k, 0]));
    for (const t of desiredTimers(this.rt.ctx.database.db, this.rt.settings, this.rt.ctx.clock.now())) out[t.kind] = (out[t.kind] ?? 0) + 1;
    this.pending = { at, counts: out };
    return out;
  }

  private pending: { at: number; counts: Record<string, number> } | undefined;

  private async apply(desired: Timer[], existing: Job[], opts: { promote: boolean }): Promise<ReconcileReport> {
    const { queues, ctx } = this.rt;
    const now = ctx.clock.now();
    const report: ReconcileReport = { desired: desired.length, added: 0, removed: 0, replaced: 0, promoted: 0, requeued: 0, reports: 0 };
    const want = new Map(desired.map((t) => [t.id, t]));
    const have = new Map<string, Job>();
    for (const job of existing) {
      const t = want.get(job.id ?? '');
      const dueAt = (job.data as TimerJobData).dueAt;
      if (t && dueAt === t.dueAt.toISOString()) {
        have.set(t.id, job);
        continue;
      }
      // Not wanted any more, or due at another time (notice hours changed, completion time moved).
      if (await removeJob(job)) {
        if (t) report.replaced++;
        else report.removed++;
      } else if (t) {
        have.set(t.id, job); // running right now: it re-checks the database itself
      }
    }
    const missing = desired.filter((t) => !have.has(t.id));
    for (let i = 0; i < missing.length; i += 1000) {
      const at = ctx.clock.now(); // delays are relative to when each batch is added
      await queues.timers.addBulk(
        missing.slice(i, i + 1000).map((t) => ({
          name: t.kind,
          data: { subject: t.subject, kind: t.kind, stamp: t.stamp, dueAt: t.dueAt.toISOString() } satisfies TimerJobData,
          opts: { ...TIMER_JOB, jobId: t.id, delay: delayUntil(t.dueAt, at) },
        })),
      );
    }
    report.added = missing.length - report.replaced;
    if (opts.promote) {
      // Due by the app's clock but still delayed in Redis (clock skew, or a test clock moved on).
      for (const [id, job] of have) {
        const t = want.get(id) as Timer;
        if (t.dueAt.getTime() <= now.getTime() && (await job.isDelayed().catch(() => false))) {
          await job.promote().then(
            () => report.promoted++,
            () => {},
          );
        }
      }
    }
    return report;
  }
}

async function removeJob(job: Job): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch {
    return false; // locked by a worker that is running it
  }
}
