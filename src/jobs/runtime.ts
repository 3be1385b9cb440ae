/** What every part of the jobs component shares, and the fan-out of one announcement. */
import { createHash } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import type { Recipient } from '../domain/notifications.js';
import type { TimerSettings } from '../domain/timers.js';
import { FAILURE_EVENT, type Subject, parseNotificationKey } from '../domain/subject.js';
import type { Logger } from '../log.js';
import type { DeliveryRow } from '../db/repos/outbox.js';
import { nobodyReason, recordNobody, reportFailure } from '../notify/nobody.js';
import { resolveTargets } from '../notify/resolve.js';
import type { Notifier } from '../notify/types.js';
import type { Metrics } from '../server/metrics.js';
import { type JobQueues, type QueueSender, type ReportJobData, TIMER_JOB } from './queues.js';
import { deliveriesOf } from '../db/repos/outbox.js';
import { recordFired } from '../db/repos/timers.js';

export interface JobsRuntime {
  ctx: AppContext;
  notifiers: readonly Notifier[];
  queues: JobQueues;
  sender: QueueSender;
  settings: TimerSettings;
  log: Logger;
  /** Attempts before a delivery is marked failed (rate limits do not count). */
  maxAttempts: number;
  /** How long to wait after a first failed delivery before telling the owner (collects the others). */
  reportDelayMs: number;
  /** Date.now() when the workers started. */
  startedAt: number;
  metrics: Metrics;
}

/**
 * Resolves recipients into concrete targets on every platform, records one pending delivery
 * per target (plus the change-log line) in one transaction, and queues what is unsent. Safe
 * to run again: rows are unique per (key, target) and jobs per row.
 */
export async function announce(rt: JobsRuntime, subject: Subject, recipients: Recipient[], key: string, event: string): Promise<number> {
  const targets = await resolveTargets(rt.ctx.database.db, rt.notifiers, recipients, subject);
  const at = rt.ctx.clock.now();
  recordFired(rt.ctx.database.db, { subject, key, event, targets, at });
  if (!targets.length && recipients.length) {
    // Asked of someone, reaching no one: a failed delivery with the reason, and the owner (or
    // the change managers) told, as for the outbox's notifications (notify/nobody.ts).
    const reason = nobodyReason(recipients, rt.notifiers);
    rt.ctx.database.db.transaction((tx) => recordNobody(tx, { notificationKey: key, subject, at, reason }));
    rt.log.warn({ subject: subject.key, notification: key, reason }, 'jobs: a timed notification reached no one');
    await rt.sender.enqueue(await reportFailure(rt.ctx, rt.notifiers, rt.log, subject, key));
    return 0;
  }
  const unsent = deliveriesOf(rt.ctx.database.db, key).filter((d) => d.status === 'pending' || d.status === 'sending');
  await rt.sender.enqueue(unsent);
  return targets.length;
}

export const reportJobId = (notificationKey: string) => `report-${createHash('sha1').update(notificationKey).digest('hex').slice(0, 20)}`;

/** After a delivery finally failed: tell the change owner, once per notification, a little later. */
export async function scheduleFailureReport(
  rt: JobsRuntime,
  row: Pick<DeliveryRow, 'notificationKey'>,
  subject: Subject,
  delayMs = rt.reportDelayMs,
): Promise<void> {
  const key = parseNotificationKey(row.notificationKey);
  if (key?.kind === 'timed' && key.event === FAILURE_EVENT) return; // never report a report
  const data: ReportJobData = { subject, notificationKey: row.notificationKey };
  await rt.queues.timers.add('report', data, { ...TIMER_JOB, jobId: reportJobId(row.notificationKey), delay: delayMs });
}
