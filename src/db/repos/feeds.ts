/**
 * What the calendar feeds (src/app/feeds.ts) read: the RFCs whose planned window overlaps a
 * range, in any state (a cancelled change stays in a feed so calendar apps remove it), and how
 * often each one moved (its iCalendar SEQUENCE), both in one query each however many RFCs.
 */
import { and, asc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Window } from '../../domain/types.js';
import type { Rfc } from '../../domain/types.js';
import type { Db } from '../client.js';
import { changeLog, rfcs } from '../schema.js';
import { toRfc } from './rfcs.js';

/**
 * RFCs whose window overlaps `range` (half-open), soonest first; with `service`, only those
 * changing it; with `person`, only those the person requested, owns or implemented (a row of
 * theirs among `implementing` actions in the RFC's change log).
 */
export function rfcsInRange(db: Db, range: Window, opts: { service?: string; person?: string; implementing?: readonly string[] } = {}): Rfc[] {
  const where = and(
    lt(rfcs.windowStart, range.end),
    gt(rfcs.windowEnd, range.start),
    opts.service ? sql`exists (select 1 from json_each(${rfcs.services}) s where s.value = ${opts.service})` : undefined,
    opts.person
      ? or(
          eq(rfcs.requester, opts.person),
          eq(rfcs.owner, opts.person),
          sql`exists (select 1 from ${changeLog} l where l.subject_type = 'rfc' and l.subject_key = ${rfcs.key} and l.actor = ${opts.person}
                and l.action in (select value from json_each(${JSON.stringify(opts.implementing ?? [])})))`,
        )
      : undefined,
  );
  return db.select().from(rfcs).where(where).orderBy(asc(rfcs.windowStart), asc(rfcs.number)).all().map(toRfc);
}

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
