import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Notification } from '../../domain/notifications.js';
import type { Subject, SubjectType } from '../../domain/subject.js';
import type { Db } from '../client.js';
import { deliveries, outbox } from '../schema.js';

export interface OutboxRow {
  id: number;
  subject: Subject;
  notification: Notification;
  createdAt: Date;
}

export function addToOutbox(db: Db, n: Notification, at: Date): void {
  db.insert(outbox)
    .values({ subjectType: n.subject.type, subjectKey: n.subject.key, event: n.event, notification: n as unknown as Record<string, unknown>, createdAt: at })
    .run();
}

function toOutboxRow(r: typeof outbox.$inferSelect): OutboxRow {
  return {
    id: r.id,
    subject: { type: r.subjectType as SubjectType, key: r.subjectKey },
    notification: r.notification as unknown as Notification,
    createdAt: r.createdAt,
  };
}

export function findOutboxRow(db: Db, id: number): OutboxRow | null {
  const r = db.select().from(outbox).where(eq(outbox.id, id)).get();
  return r ? toOutboxRow(r) : null;
}

export function pendingOutbox(db: Db, limit = 100): OutboxRow[] {
  return db.select().from(outbox).where(isNull(outbox.dispatchedAt)).orderBy(asc(outbox.id)).limit(limit).all().map(toOutboxRow);
}

export function markDispatched(db: Db, id: number, at: Date): void {
  db.update(outbox).set({ dispatchedAt: at }).where(eq(outbox.id, id)).run();
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';
export type DeliveryRow = typeof deliveries.$inferSelect;

/** Records a delivery once per (notification, recipient); returns false if it already existed. */
export function recordDelivery(db: Db, d: { notificationKey: string; recipient: string; subject: Subject | null; at: Date }): boolean {
  const res = db
    .insert(deliveries)
    .values({
      notificationKey: d.notificationKey,
      recipient: d.recipient,
      subjectType: d.subject?.type ?? null,
      subjectKey: d.subject?.key ?? null,
      status: 'pending',
      createdAt: d.at,
    })
    .onConflictDoNothing()
    .run() as { changes: number };
  return res.changes > 0;
}

export function findDelivery(db: Db, notificationKey: string, recipient: string): DeliveryRow | null {
  return (
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.notificationKey, notificationKey), eq(deliveries.recipient, recipient)))
      .get() ?? null
  );
}

export function findDeliveryById(db: Db, id: number): DeliveryRow | null {
  return db.select().from(deliveries).where(eq(deliveries.id, id)).get() ?? null;
}

/** A rate-limited attempt did not happen: back to pending, its attempts as they were. */
export function requeueDelivery(db: Db, id: number, attempts: number, error: string): void {
  db.update(deliveries).set({ status: 'pending', attempts, lastError: error }).where(eq(deliveries.id, id)).run();
}

/** Notes why an attempt failed, leaving the row as it is (a retry follows). */
export function noteDeliveryError(db: Db, id: number, error: string): void {
  db.update(deliveries).set({ lastError: error }).where(eq(deliveries.id, id)).run();
}

/** The status of every delivery (the benchmarks wait for all to settle). */
export function deliveryStatuses(db: Db): DeliveryStatus[] {
  return db
    .select({ status: deliveries.status })
    .from(deliveries)
    .all()
    .map((r) => r.status as DeliveryStatus);
}

export function deliveriesOf(db: Db, notificationKey: string): DeliveryRow[] {
  return db.select().from(deliveries).where(eq(deliveries.notificationKey, notificationKey)).orderBy(asc(deliveries.id)).all();
}

export function unsentDeliveries(db: Db, limit = 500): DeliveryRow[] {
  return db
    .select()
    .from(deliveries)
    .where(inArray(deliveries.status, ['pending', 'sending']))
    .orderBy(asc(deliveries.id))
    .limit(limit)
    .all();
}

export function markDelivery(db: Db, id: number, status: DeliveryStatus, at: Date, extra: { error?: string; messageRef?: string } = {}): void {
  db.update(deliveries)
    .set({
      status,
      attempts: status === 'sending' ? sql`${deliveries.attempts} + 1` : deliveries.attempts,
      ...(status === 'sent' ? { sentAt: at, messageRef: extra.messageRef ?? null, lastError: null } : {}),
      ...(extra.error ? { lastError: extra.error } : {}),
    })
    .where(eq(deliveries.id, id))
    .run();
}
