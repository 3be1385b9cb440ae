/** The checklist's ticks and the outage notice's delivery: with the open change tasks (tasks.ts), what `start` checks (issue 14). */
import { and, eq, like, min } from 'drizzle-orm';
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

/** When the RFC's outage notice first reached someone (a delivery of the timed `outage-notice` sent), if it has. */
export function outageNoticeDeliveredAt(db: Db, rfcKey: string): Date | undefined {
  const row = db
    .select({ at: min(deliveries.sentAt) })
    .from(deliveries)
    .where(and(eq(deliveries.status, 'sent'), like(deliveries.notificationKey, `timed:outage-notice:${rfcKey}:%`)))
    .get();
  return row?.at ?? undefined;
}
