import { and, asc, desc, eq, gt, isNotNull, isNull, max, ne, or, sql } from 'drizzle-orm';
import type { Subject, SubjectType } from '../../domain/subject.js';
import type { ReleasePhase } from '../../domain/release.js';
import type { ChangeLogEntry, RfcState } from '../../domain/types.js';
import type Database from 'better-sqlite3';
import { GENESIS, rowHash, SELECT_ROWS, type StoredLogRow } from '../chain.js';
import type { Db } from '../client.js';
import { connectionOf, preparedPer } from '../prepared.js';
import { changeLog } from '../schema.js';

export interface LogInput {
  /** What the row is about; null for deployment-wide rows (role grants, services, windows). */
  subject: Subject | null;
  at: Date;
  actor: string;
  action: string;
  /** An RFC's states, or a release's phases. */
  fromState?: RfcState | ReleasePhase | null;
  toState?: RfcState | ReleasePhase | null;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

interface LogStatements {
  head: Database.Statement<[], { hash: string | null; last: number }>;
  insert: Database.Statement<unknown[]>;
  sequence: Database.Statement<[], number>;
}
/** The chain's statements, compiled once per connection. */
const prepared = preparedPer((db): LogStatements => {
  const client = connectionOf(db);
  const sequence = "coalesce((select seq from sqlite_sequence where name = 'change_log'), 0)";
  return {
    // Both by the id primary key, from the end: one index step each.
    head: client.prepare(
      `select (select hash from change_log where hash is not null order by id desc limit 1) as hash,
              max(${sequence}, coalesce((select max(id) from change_log), 0)) as last`,
    ),
    insert: client.prepare(
      'insert into change_log (id, subject_type, subject_key, at, actor, action, from_state, to_state, reason, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    sequence: client.prepare(`select ${sequence}`).pluck() as Database.Statement<[], number>,
  };
});

/**
 * Appends one row, chained to the previous one (see src/db/chain.ts for the canonical form).
 * The previous hash is read and the row inserted in one transaction: the caller's (every use
 * case's is IMMEDIATE), or an IMMEDIATE one of its own when called outside any. SQLite
 * serialises writers, so two processes appending at once cannot both link to the same row.
 * The id is given explicitly (the next AUTOINCREMENT value, never a deleted one's) because it is
 * part of the hashed content; as the primary key it also refuses a second row claiming the same
 * place, so even a caller in a stale deferred transaction fails rather than forking the chain.
 */
export function appendLog(db: Db, e: LogInput): void {
  const client = connectionOf(db);
  const s = prepared(db);
  const write = () => {
    const head = s.head.get() as { hash: string | null; last: number };
    const detail = e.detail == null ? null : JSON.stringify(e.detail);
    const row = {
      id: head.last + 1,
      subject_type: e.subject?.type ?? null,
      subject_key: e.subject?.key ?? null,
      at: e.at.getTime(),
      actor: e.actor,
      action: e.action,
      from_state: e.fromState ?? null,
      to_state: e.toState ?? null,
      reason: e.reason ?? null,
      detail,
    };
    const prev = head.hash ?? GENESIS;
    s.insert.run(...Object.values(row), prev, rowHash(prev, row));
  };
  if (client.inTransaction) write();
  else client.transaction(write).immediate();
}

/** Every row as stored (up to id `upTo`), in id order, streamed (never all in memory): `audit verify`, exports. */
export function iterateStoredLog(db: Db, upTo = Number.MAX_SAFE_INTEGER): IterableIterator<StoredLogRow> {
  return connectionOf(db).prepare(`${SELECT_ROWS} where id <= ? order by id`).iterate(upTo) as IterableIterator<StoredLogRow>;
}

/** Which rows an export takes: ids up to `upTo` (the head read first), written at `from <= at < to` (ms), and the filters. */
export interface LogRangeQuery {
  upTo: number;
  from: number;
  to: number;
  service?: string | undefined;
  rfc?: string | undefined;
  release?: string | undefined;
}

/**
 * The export's condition. `service`: rows about RFCs whose services include it; about releases
 * holding such an RFC (now) or deploying it in a wave; and the catalogue's own rows about it
 * (`service-add|update|remove` naming it, `window-add` for it). Each filter given must hold.
 */
const RANGE_WHERE = `id <= @upTo and at >= @from and at < @to
  and (@rfc is null or (subject_type = 'rfc' and subject_key = @rfc))
  and (@release is null or (subject_type = 'release' and subject_key = @release))
  and (@service is null
    or (subject_type = 'rfc' and subject_key in (select r.key from rfcs r, json_each(r.services) s where s.value = @service))
    or (subject_type = 'release' and subject_key in (
      select r.release_key from rfcs r, json_each(r.services) s where s.value = @service and r.release_key is not null
      union select rel.key from releases rel join release_waves w on w.release_id = rel.id, json_each(w.services) s where s.value = @service))
    or (subject_type is null and (
      (action in ('service-add', 'service-update', 'service-remove') and json_extract(detail, '$.name') = @service)
      or (action = 'window-add' and json_extract(detail, '$.service') = @service))))`;

const EXPORT_PAGE = 500;
const rangeParams = (q: LogRangeQuery) => ({
  upTo: q.upTo,
  from: q.from,
  to: q.to,
  service: q.service ?? null,
  rfc: q.rfc ?? null,
  release: q.release ?? null,
});

const rangeStatements = preparedPer((db) => {
  const client = connectionOf(db);
  return {
    page: client.prepare(`${SELECT_ROWS} where id > @after and ${RANGE_WHERE} order by id limit ${EXPORT_PAGE}`),
    count: client.prepare(`select count(*) from change_log where ${RANGE_WHERE}`).pluck(),
  };
});

/**
 * The rows of an export in id order, a page of at most 500 at a time (keyset by id, so memory
 * stays bounded however large the range). Pages rather than one `.iterate()` cursor: an export
 * is written to an HTTP client at its pace, and an open cursor would keep the bot's one
 * connection busy (better-sqlite3 refuses every other statement meanwhile). The rows are
 * append-only and capped at `upTo`, so the pages agree with each other.
 */
export function* pagesOfLogRange(db: Db, q: LogRangeQuery): Generator<StoredLogRow[]> {
  const { page } = rangeStatements(db);
  const params = rangeParams(q);
  let after = 0;
  for (;;) {
    const rows = page.all({ ...params, after }) as StoredLogRow[];
    if (rows.length) yield rows;
    if (rows.length < EXPORT_PAGE) return;
    after = rows.at(-1)!.id;
  }
}

/** How many rows an export of `q` has. */
export function countLogRange(db: Db, q: LogRangeQuery): number {
  return rangeStatements(db).count.get(rangeParams(q)) as number;
}

/** The highest id the log ever gave out (sqlite_sequence), deleted rows included. */
export function logSequence(db: Db): number {
  return prepared(db).sequence.get() ?? 0;
}

/** The chain head: the newest row's id and hash (null when the log is empty or it is unhashed). */
export function chainHead(db: Db): { id: number; hash: string } | null {
  const row = db.select({ id: changeLog.id, hash: changeLog.hash }).from(changeLog).orderBy(desc(changeLog.id)).limit(1).get();
  return row?.hash ? { id: row.id, hash: row.hash } : null;
}

function subjectOfRow(r: { subjectType: string | null; subjectKey: string | null }): Subject | null {
  return r.subjectType && r.subjectKey ? { type: r.subjectType as SubjectType, key: r.subjectKey } : null;
}

const logOf = preparedPer((db) =>
  db
    .select()
    .from(changeLog)
    .where(and(eq(changeLog.subjectType, sql.placeholder('type')), eq(changeLog.subjectKey, sql.placeholder('key'))))
    .orderBy(asc(changeLog.id))
    .prepare(),
);

export function listLog(db: Db, subject: Subject): ChangeLogEntry[] {
  return logOf(db)
    .all({ type: subject.type, key: subject.key })
    .map((log) => ({ ...entryOf(log), subject: subjectOfRow(log) ?? subject }));
}

function entryOf(log: typeof changeLog.$inferSelect): DeploymentLogEntry {
  return {
    id: log.id,
    at: log.at,
    actor: log.actor,
    action: log.action,
    fromState: log.fromState as RfcState | null,
    toState: log.toState as RfcState | null,
    reason: log.reason,
    detail: log.detail ?? null,
  };
}

/** A deployment-wide row (role grants, CAB channel, catalogue, policy): it has no subject. */
export type DeploymentLogEntry = Omit<ChangeLogEntry, 'subject'>;

/**
 * The newest `limit` deployment-wide rows (subject null), oldest first; with `person`, only
 * those that person wrote or that name them in `detail.person` (granted or revoked a role).
 */
export function listDeploymentLog(db: Db, opts: { person?: string; limit: number }): { rows: DeploymentLogEntry[]; total: number } {
  const where = and(
    isNull(changeLog.subjectKey),
    opts.person ? or(eq(changeLog.actor, opts.person), sql`json_extract(${changeLog.detail}, '$.person') = ${opts.person}`) : undefined,
  );
  const total = db.select({ n: sql<number>`count(*)` }).from(changeLog).where(where).get()?.n ?? 0;
  const rows = db.select().from(changeLog).where(where).orderBy(desc(changeLog.id)).limit(opts.limit).all().reverse();
  return { total, rows: rows.map(entryOf) };
}

/** The id of the newest change-log row (0 when empty). */
export function lastLogId(db: Db): number {
  return (
    db
      .select({ id: max(changeLog.id) })
      .from(changeLog)
      .get()?.id ?? 0
  );
}

/**
 * The subjects changed since row `after` (ignoring rows with action `except`, such as the
 * scheduler's own notes), and the newest row id seen.
 */
export function subjectsChangedSince(db: Db, after: number, except: string): { last: number; subjects: Subject[] } {
  const rows = db
    .select({ id: changeLog.id, subjectType: changeLog.subjectType, subjectKey: changeLog.subjectKey })
    .from(changeLog)
    .where(and(gt(changeLog.id, after), ne(changeLog.action, except), isNotNull(changeLog.subjectKey)))
    .all();
  const seen = new Map<string, Subject>();
  let last = after;
  for (const r of rows) {
    last = Math.max(last, r.id);
    const s = subjectOfRow(r);
    if (s) seen.set(`${s.type}:${s.key}`, s);
  }
  return { last, subjects: [...seen.values()] };
}

/** Whether the change log ever mentions the service: an RFC on it, or the catalogue adding or removing it (a removed service's history stays exportable). */
export function serviceInLog(db: Db, name: string): boolean {
  const row = db.get<{ one: number }>(
    sql`select 1 as one where exists (select 1 from rfcs where exists (select 1 from json_each(rfcs.services) where json_each.value = ${name}))
        or exists (select 1 from change_log where action like 'service-%' and json_extract(detail, '$.name') = ${name})`,
  );
  return row !== undefined;
}
