import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Notification } from '../../domain/notifications.js';
import type { Db } from '../client.js';
import { deliveries, outbox } from '../schema.js';

export interface OutboxRow {
  id: number;
  rfcKey: string;
  notification: Notification;
  createdAt: Date;
}

export function addToOutbox(db: Db, rfcId: number | null, n: Notification, at: Date): void {
  db.insert(outbox)
    .values({ rfcId, rfcKey: n.rfcKey, event: n.event, notification: n as unknown as Record<string, unknown>, createdAt: at })
    .run();
}

export function pendingOutbox(db: Db, limit = 100): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(isNull(outbox.dispatchedAt))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .all()
    .map((r) => ({ id: r.id, rfcKey: r.rfcKey, notification: r.notification as unknown as Notification, createdAt: r.createdAt }));
}

export function markDispatched(db: Db, id: number, at: Date): void {
  db.update(outbox).set({ dispatchedAt: at }).where(eq(outbox.id, id)).run();
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';
export type DeliveryRow = typeof deliveries.$inferSelect;

/** Records a delivery once per (notification, recipient); returns false if it already existed. */
export function recordDelivery(
  db: Db,
  d: { notificationKey: string; recipient: string; rfcId: number | null; at: Date },
): boolean {
  const res = db
    .insert(deliveries)
    .values({ notificationKey: d.notificationKey, recipient: d.recipient, rfcId: d.rfcId, status: 'pending', createdAt: d.at })
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

export function markDelivery(
  db: Db,
  id: number,
  status: DeliveryStatus,
  at: Date,
  extra: { error?: string; messageRef?: string } = {},
): void {
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
