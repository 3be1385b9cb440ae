/**
 * The forward schedule's read: whole RFCs (risk, requester and owner included, which the
 * conflict check's narrow listChangesInWindow does not carry) holding a window that overlaps a
 * range, optionally for some services or one person, soonest first, with how many match in all.
 */
import { and, asc, count, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { PersonId, Rfc, RfcState, Window } from '../../domain/types.js';
import type { Db } from '../client.js';
import { changeLog, rfcs } from '../schema.js';
import { toRfc } from './rfcs.js';

export interface ScheduleRangeQuery {
  range: Window;
  /** Only RFCs in these states (all states when absent: a feed keeps cancelled changes). */
  states?: readonly RfcState[];
  /** Only RFCs changing one of these services. */
  services?: readonly string[];
  /** Only RFCs this person requested or owns, or (with `implementing`) took one of those actions on. */
  person?: PersonId;
  /** Change-log actions that make `person` one of the RFC's implementers. */
  implementing?: readonly string[];
  /** RFCs a release deploys hold their time through its waves: left out unless asked. */
  withReleaseRfcs?: boolean;
  /** At most this many rows (`total` still counts them all); no limit when absent. */
  limit?: number;
}

/**
 * The RFCs whose window overlaps `q.range` (half-open), soonest first, as the calendar and the
 * feeds read them, and how many match in all.
 */
export function rfcsInRange(db: Db, q: ScheduleRangeQuery): { rows: Rfc[]; total: number } {
  const person = q.person;
  const where = and(
    q.states ? inArray(rfcs.state, [...q.states]) : undefined,
    lt(rfcs.windowStart, q.range.end),
    gt(rfcs.windowEnd, q.range.start),
    q.withReleaseRfcs ? undefined : isNull(rfcs.releaseKey),
    q.services?.length
      ? sql`exists (select 1 from json_each(${rfcs.services}) s where s.value in (select value from json_each(${JSON.stringify(q.services)})))`
      : undefined,
    person
      ? or(
          eq(rfcs.requester, person),
          eq(rfcs.owner, person),
          q.implementing?.length
            ? sql`exists (select 1 from ${changeLog} l where l.subject_type = 'rfc' and l.subject_key = ${rfcs.key} and l.actor = ${person}
                and l.action in (select value from json_each(${JSON.stringify(q.implementing)})))`
            : undefined,
        )
      : undefined,
  );
  const query = db.select().from(rfcs).where(where).orderBy(asc(rfcs.windowStart), asc(rfcs.number));
  const rows = (q.limit === undefined ? query : query.limit(q.limit)).all().map(toRfc);
  const total = q.limit !== undefined && rows.length >= q.limit ? (db.select({ n: count() }).from(rfcs).where(where).get()?.n ?? 0) : rows.length;
  return { rows, total };
}

/** Everyone who requested or owns an RFC in `states` holding a window that overlaps `range` (the calendar's person list). */
export function peopleInRange(db: Db, states: readonly RfcState[], range: Window): PersonId[] {
  const where = and(inArray(rfcs.state, [...states]), lt(rfcs.windowStart, range.end), gt(rfcs.windowEnd, range.start));
  const ids = new Set<PersonId>();
  for (const r of db.selectDistinct({ requester: rfcs.requester, owner: rfcs.owner }).from(rfcs).where(where).limit(2_000).all()) {
    ids.add(r.requester as PersonId);
    ids.add(r.owner as PersonId);
  }
  return [...ids];
}
