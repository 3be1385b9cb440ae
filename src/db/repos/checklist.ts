/** The checklist's ticks and the outage notice's delivery: with the open change tasks (tasks.ts), what `start` checks (issue 14). */
import { and, eq } from 'drizzle-orm';
import type { Tick } from '../../domain/checklist.js';
import type { Db } from '../client.js';
import { deliveries, rfcChecklist } from '../schema.js';

export function ticksOf(db: Db, rfcKey: string): Tick[] {
  return db
    .select()
    .from(rfcChecklist)
    .where(eq(rfcChecklist.rfcKey, rfcKey))
    .all()
    .map((r) => ({ item: r.item, by: r.tickedBy, at: r.tickedAt, note: r.note }));
}

/** Ticks `item` (again: the newest tick wins); returns the tick it replaced, if any. */
export function saveTick(db: Db, rfcKey: string, t: Tick): Tick | undefined {
  const before = ticksOf(db, rfcKey).find((x) => x.item === t.item);
  db.insert(rfcChecklist)
    .values({ rfcKey, item: t.item, tickedBy: t.by, tickedAt: t.at, note: t.note ?? null })
    .onConflictDoUpdate({ target: [rfcChecklist.rfcKey, rfcChecklist.item], set: { tickedBy: t.by, tickedAt: t.at, note: t.note ?? null } })
    .run();
  return before;
}

export function removeTick(db: Db, rfcKey: string, item: string): boolean {
  return (
    (
      db
        .delete(rfcChecklist)
        .where(and(eq(rfcChecklist.rfcKey, rfcKey), eq(rfcChecklist.item, item)))
        .run() as { changes: number }
    ).changes > 0
  );
}

/**
 * When the outage notice of the RFC's current window (its exact timed key) was delivered: every
 * delivery of it sent (none failed or still on its way), so every affected audience was told.
 * Undefined when it has not (yet), or when a delivery of it failed.
 */
export function outageNoticeDeliveredAt(db: Db, notificationKey: string): Date | undefined {
  const rows = db
    .select({ status: deliveries.status, sentAt: deliveries.sentAt })
    .from(deliveries)
    .where(eq(deliveries.notificationKey, notificationKey))
    .all();
  if (!rows.length || rows.some((r) => r.status !== 'sent')) return undefined;
  return rows.reduce<Date | undefined>((last, r) => (r.sentAt && (!last || r.sentAt > last) ? r.sentAt : last), undefined);
}
