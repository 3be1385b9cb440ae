import { and, asc, count, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { ApprovalPath, Category, Level, Rfc, ReviewOutcome, RfcState, Vote, VoteCapacity, VoteChoice, Window } from '../../domain/types.js';
import type { OtherChange } from '../../domain/schedule.js';
import type { Db } from '../client.js';
import { preparedPer } from '../prepared.js';
import { noteScheduleWrite } from '../schedule-version.js';
import { rfcs, sequences, votes } from '../schema.js';

type Row = typeof rfcs.$inferSelect;
export type RfcInsert = Omit<Rfc, 'id' | 'key'>;

export function toRfc(r: Row): Rfc {
  return {
    id: r.id,
    key: r.key,
    title: r.title,
    description: r.description,
    justification: r.justification,
    category: r.category as Category,
    emergency: r.emergency,
    services: r.services,
    impact: r.impact as Level | null,
    likelihood: r.likelihood as Level | null,
    urgency: r.urgency as Level | null,
    plan: r.plan,
    backout: r.backout,
    test: r.test,
    cost: r.cost,
    resources: r.resources,
    requester: r.requester,
    owner: r.owner,
    window: r.windowStart && r.windowEnd ? { start: r.windowStart, end: r.windowEnd } : null,
    outage: r.outageMinutes != null ? { minutes: r.outageMinutes, audience: r.outageAudience ?? undefined } : null,
    problem: r.problem,
    releaseKey: r.releaseKey,
    state: r.state as RfcState,
    voteDeadline: r.voteDeadline,
    escalated: r.escalated,
    scheduleReason: r.scheduleReason,
    approvalPath: r.approvalPath as ApprovalPath | null,
    voteOpenedAt: r.voteOpenedAt,
    cabMembers: r.cabMembers,
    approvedWindow: r.approvedStart && r.approvedEnd ? { start: r.approvedStart, end: r.approvedEnd } : null,
    approvedAt: r.approvedAt,
    review: r.reviewOutcome ? { outcome: r.reviewOutcome as ReviewOutcome, causedIncident: !!r.causedIncident } : null,
    clonedFrom: r.clonedFrom,
    templateName: r.templateName,
    templateVersion: r.templateVersion,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toRow(r: RfcInsert) {
  const { window, outage, approvedWindow, review, ...rest } = r;
  return {
    ...rest,
    approvedStart: approvedWindow?.start ?? null,
    approvedEnd: approvedWindow?.end ?? null,
    reviewOutcome: review?.outcome ?? null,
    causedIncident: review ? review.causedIncident : null,
    windowStart: window?.start ?? null,
    windowEnd: window?.end ?? null,
    outageMinutes: outage?.minutes ?? null,
    outageAudience: outage?.audience ?? null,
  };
}

/** Next value of a gap-free counter; call inside the transaction that uses it. */
export function nextSequence(db: Db, name: string): number {
  const row = db
    .insert(sequences)
    .values({ name, value: 1 })
    .onConflictDoUpdate({ target: sequences.name, set: { value: sql`${sequences.value} + 1` } })
    .returning({ value: sequences.value })
    .get();
  return row.value;
}

export function insertRfc(db: Db, data: RfcInsert): Rfc {
  noteScheduleWrite();
  const number = nextSequence(db, 'rfc');
  const row = db
    .insert(rfcs)
    .values({ ...toRow(data), number, key: `RFC-${number}` })
    .returning()
    .get();
  return toRfc(row);
}

export function updateRfc(db: Db, rfc: Rfc): Rfc {
  noteScheduleWrite();
  const { id, key: _key, ...data } = rfc;
  const row = db.update(rfcs).set(toRow(data)).where(eq(rfcs.id, id)).returning().get();
  return toRfc(row);
}

const rfcByKey = preparedPer((db) =>
  db
    .select()
    .from(rfcs)
    .where(eq(rfcs.key, sql.placeholder('key')))
    .prepare(),
);
const rfcById = preparedPer((db) =>
  db
    .select()
    .from(rfcs)
    .where(eq(rfcs.id, sql.placeholder('id')))
    .prepare(),
);

export function findRfc(db: Db, key: string): Rfc | null {
  const row = rfcByKey(db).get({ key: key.toUpperCase() });
  return row ? toRfc(row) : null;
}

export function findRfcById(db: Db, id: number): Rfc | null {
  const row = rfcById(db).get({ id });
  return row ? toRfc(row) : null;
}

export function listRfcs(db: Db, filter: { states?: readonly RfcState[]; limit?: number } = {}): Rfc[] {
  const q = db.select().from(rfcs);
  const rows = (filter.states ? q.where(inArray(rfcs.state, [...filter.states])) : q)
    .orderBy(desc(rfcs.number))
    .limit(filter.limit ?? 500)
    .all();
  return rows.map(toRfc);
}

export interface RfcQuery {
  states?: readonly RfcState[];
  /** Only RFCs this person requested or owns. */
  person?: string;
  /** 'newest' (default): by number, newest first; 'window': by planned start, soonest first. */
  order?: 'newest' | 'window';
  /** At most this many rows (all when omitted); `total` counts them all. */
  limit?: number;
}

/** The RFCs matching `q`, and how many match in all (so a cut list can say the truth). */
export function queryRfcs(db: Db, q: RfcQuery): { rows: Rfc[]; total: number } {
  const where = and(
    q.states ? inArray(rfcs.state, [...q.states]) : undefined,
    q.person ? or(eq(rfcs.requester, q.person), eq(rfcs.owner, q.person)) : undefined,
  );
  const order = q.order === 'window' ? [sql`${rfcs.windowStart} is null`, asc(rfcs.windowStart), asc(rfcs.number)] : [desc(rfcs.number)];
  const base = db
    .select()
    .from(rfcs)
    .where(where)
    .orderBy(...order);
  const rows = (q.limit !== undefined ? base.limit(q.limit) : base).all().map(toRfc);
  const total = q.limit !== undefined && rows.length >= q.limit ? (db.select({ n: count() }).from(rfcs).where(where).get()?.n ?? 0) : rows.length;
  return { rows, total };
}

/** How many RFCs in `states` name `service` among their affected services (all of them, uncapped). */
export function countRfcsUsingService(db: Db, states: readonly RfcState[], service: string): { total: number; keys: string[] } {
  const where = and(inArray(rfcs.state, [...states]), sql`exists (select 1 from json_each(${rfcs.services}) where json_each.value = ${service})`);
  const total = db.select({ n: count() }).from(rfcs).where(where).get()?.n ?? 0;
  const keys = db
    .select({ key: rfcs.key })
    .from(rfcs)
    .where(where)
    .orderBy(asc(rfcs.number))
    .limit(10)
    .all()
    .map((r) => r.key);
  return { total, keys };
}

/**
 * What a conflict check needs of the RFCs in `states` whose planned window overlaps `range`
 * (and that change one of `services`, when given): only the rows and columns it reads, since a
 * year-long window may overlap a hundred thousand changes.
 */
// Built once per connection: the states and services are bound as JSON arrays (a list's length
// would otherwise change the SQL), the window's ends as milliseconds (the columns' storage).
const changesInWindow = preparedPer((db) => {
  const services = sql.placeholder('services');
  return db
    .select({
      key: rfcs.key,
      title: rfcs.title,
      state: rfcs.state,
      services: rfcs.services,
      start: rfcs.windowStart,
      end: rfcs.windowEnd,
      releaseKey: rfcs.releaseKey,
    })
    .from(rfcs)
    .where(
      and(
        sql`${rfcs.state} in (select value from json_each(${sql.placeholder('states')}))`,
        lt(rfcs.windowStart, sql.placeholder('end')),
        gt(rfcs.windowEnd, sql.placeholder('start')),
        sql`(${services} is null or exists (select 1 from json_each(${rfcs.services}) s where s.value in (select value from json_each(${services}))))`,
      ),
    )
    .orderBy(asc(rfcs.windowStart))
    .prepare();
});

export function listChangesInWindow(db: Db, states: readonly RfcState[], range: Window, services?: string[]): OtherChange[] {
  return changesInWindow(db)
    .all({
      states: JSON.stringify(states),
      services: services ? JSON.stringify(services) : null,
      start: range.start.getTime(),
      end: range.end.getTime(),
    })
    .map(({ start, end, state, ...r }) => ({ ...r, state: state as RfcState, window: start && end ? { start, end } : null }));
}

const votesOf = preparedPer((db) =>
  db
    .select()
    .from(votes)
    .where(eq(votes.rfcId, sql.placeholder('rfcId')))
    .orderBy(asc(votes.castAt))
    .prepare(),
);

export function listVotes(db: Db, rfcId: number): Vote[] {
  return votesOf(db)
    .all({ rfcId })
    .map((v) => ({
      voter: v.voter,
      capacity: v.capacity as VoteCapacity,
      choice: v.choice as VoteChoice,
      comment: v.comment,
      castAt: v.castAt,
    }));
}

export function upsertVote(db: Db, rfcId: number, v: Vote): void {
  db.insert(votes)
    .values({ rfcId, ...v })
    .onConflictDoUpdate({
      target: [votes.rfcId, votes.voter, votes.capacity],
      set: { choice: v.choice, comment: v.comment, castAt: v.castAt },
    })
    .run();
}

/** Clears an RFC's votes when it goes back for approval (the change log keeps every vote cast). */
export function clearVotes(db: Db, rfcId: number): void {
  db.delete(votes).where(eq(votes.rfcId, rfcId)).run();
}
