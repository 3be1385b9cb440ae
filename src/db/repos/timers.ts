/** What the scheduler (src/jobs) reads from and writes to SQLite, the source of truth. */
import { and, eq, inArray, isNotNull, like, notLike, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { appendLog } from './log.js';
import { type DeliveryRow, recordDelivery } from './outbox.js';
import { toRfc } from './rfcs.js';
import { changeLog, deliveries, rfcs } from '../schema.js';
import { FAILURE_EVENT, type Subject, type SubjectType, failureKey } from '../../domain/subject.js';
import { TIMED_STATES } from '../../domain/timers.js';
import type { Rfc } from '../../domain/types.js';

/** The actor recorded for what the scheduler does (change log, vote deadlines). */
export const SCHEDULER = 'system:scheduler';
/** Change-log action of a timed event or failure report that was sent (detail.key = its delivery key). */
export const NOTIFIED = 'notified';

/** Every RFC that may have timers. */
export function timedRfcs(db: Db): Rfc[] {
  return db
    .select()
    .from(rfcs)
    .where(inArray(rfcs.state, [...TIMED_STATES]))
    .all()
    .map(toRfc);
}

/** The delivery keys of timed events already sent, for the given subjects (all when omitted). */
export function firedKeys(db: Db, subjects?: Subject[]): Set<string> {
  const about = subjects ? or(...subjects.map((s) => and(eq(changeLog.subjectType, s.type), eq(changeLog.subjectKey, s.key)))) : undefined;
  const rows = db
    .select({ key: sql<string | null>`json_extract(${changeLog.detail}, '$.key')` })
    .from(changeLog)
    .where(and(eq(changeLog.action, NOTIFIED), about))
    .all();
  return new Set(rows.map((r) => r.key).filter((k): k is string => !!k));
}

/**
 * Records one pending delivery per target and, the first time only, a change-log row saying
 * the event went out (which also stops it from ever being due again). One transaction.
 */
export function recordFired(
  db: Db & { transaction: <T>(fn: (tx: Db) => T, c?: { behavior?: 'immediate' }) => T },
  e: { subject: Subject; key: string; event: string; targets: string[]; at: Date },
): void {
  db.transaction(
    (tx) => {
      for (const recipient of e.targets) recordDelivery(tx, { notificationKey: e.key, recipient, subject: e.subject, at: e.at });
      const logged = tx
        .select({ id: changeLog.id })
        .from(changeLog)
        .where(
          and(
            eq(changeLog.subjectType, e.subject.type),
            eq(changeLog.subjectKey, e.subject.key),
            eq(changeLog.action, NOTIFIED),
            sql`json_extract(${changeLog.detail}, '$.key') = ${e.key}`,
          ),
        )
        .get();
      if (!logged) {
        appendLog(tx, {
          subject: e.subject,
          at: e.at,
          actor: SCHEDULER,
          action: NOTIFIED,
          detail: { key: e.key, event: e.event, recipients: e.targets.length },
        });
      }
    },
    { behavior: 'immediate' },
  );
}

/** Every delivery not yet sent or given up on (all of them: a fan-out can be thousands). */
export function unsentRows(db: Db): DeliveryRow[] {
  return db
    .select()
    .from(deliveries)
    .where(inArray(deliveries.status, ['pending', 'sending']))
    .all();
}

/** Notifications with failed deliveries whose owner has not been told yet (subject, key). */
export function unreportedFailures(db: Db, reported: ReadonlySet<string>): { subject: Subject; notificationKey: string }[] {
  const rows = db
    .selectDistinct({ subjectType: deliveries.subjectType, subjectKey: deliveries.subjectKey, notificationKey: deliveries.notificationKey })
    .from(deliveries)
    .where(and(eq(deliveries.status, 'failed'), isNotNull(deliveries.subjectKey), notLike(deliveries.notificationKey, `timed:${FAILURE_EVENT}:%`)))
    .all();
  return rows
    .map((r) => ({ subject: { type: r.subjectType as SubjectType, key: r.subjectKey as string }, notificationKey: r.notificationKey }))
    .filter((r) => !reported.has(failureKey(r.subject, r.notificationKey)));
}

/** Keys of failure reports already sent. */
export function reportedFailures(db: Db): Set<string> {
  const rows = db
    .select({ key: sql<string | null>`json_extract(${changeLog.detail}, '$.key')` })
    .from(changeLog)
    .where(and(eq(changeLog.action, NOTIFIED), like(sql`json_extract(${changeLog.detail}, '$.key')`, `timed:${FAILURE_EVENT}:%`)))
    .all();
  return new Set(rows.map((r) => r.key).filter((k): k is string => !!k));
}
