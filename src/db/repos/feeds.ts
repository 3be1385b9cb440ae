/**
 * What the calendar feeds (src/app/feeds.ts) read besides the RFCs in range (schedule-range.ts):
 * how often each one moved or was written about (its events' iCalendar SEQUENCE), in one query
 * however many RFCs.
 */
import { and, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { changeLog } from '../schema.js';

/**
 * For each RFC key, how many of its change-log rows moved it: a state change (every transition,
 * schedule and reschedule included, writes `to_state`) or an edit of its window. Only ever
 * grows, so it serves as the event's SEQUENCE. Keys without rows are absent (0).
 */
export function rfcMoves(db: Db, keys: readonly string[]): Map<string, number> {
  if (!keys.length) return new Map();
  const rows = db
    .select({ key: changeLog.subjectKey, n: sql<number>`count(*)` })
    .from(changeLog)
    .where(
      and(
        eq(changeLog.subjectType, 'rfc'),
        sql`${changeLog.subjectKey} in (select value from json_each(${JSON.stringify(keys)}))`,
        or(
          sql`${changeLog.toState} is not null`,
          and(
            eq(changeLog.action, 'edit'),
            sql`exists (select 1 from json_each(${changeLog.detail}, '$.changes') c where json_extract(c.value, '$.field') = 'window')`,
          ),
        ),
      ),
    )
    .groupBy(changeLog.subjectKey)
    .all();
  return new Map(rows.map((r) => [r.key as string, r.n]));
}

/** For each RFC key, how many change-log rows it has (any action: a vote, an escalation, a move). Only ever grows. */
export function rfcLogRows(db: Db, keys: readonly string[]): Map<string, number> {
  if (!keys.length) return new Map();
  const rows = db
    .select({ key: changeLog.subjectKey, n: sql<number>`count(*)` })
    .from(changeLog)
    .where(and(eq(changeLog.subjectType, 'rfc'), sql`${changeLog.subjectKey} in (select value from json_each(${JSON.stringify(keys)}))`))
    .groupBy(changeLog.subjectKey)
    .all();
  return new Map(rows.map((r) => [r.key as string, r.n]));
}
