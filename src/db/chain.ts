/**
 * The change log's hash chain (tamper evidence). Chain format 1, so an auditor can recompute it
 * with any tool (sqlite3 + a JCS library + sha256sum):
 *
 * - A row's canonical content is the JSON object of its columns, serialised by RFC 8785 (JSON
 *   Canonicalization Scheme: keys sorted by UTF-16 code units, no whitespace, numbers and string
 *   escapes as ECMAScript's JSON.stringify writes them), with exactly these keys, nulls explicit:
 *   `action, actor, at, detail, from_state, id, reason, subject_key, subject_type, to_state`.
 *   `at` is the stored integer (milliseconds since the epoch, UTC); `detail` is the stored JSON
 *   text parsed and re-serialised canonically (so key order in the stored text does not matter),
 *   or null. Example: `{"action":"raise","actor":"cli:bob","at":1796115600000,"detail":null,
 *   "from_state":null,"id":1,"reason":null,"subject_key":"RFC-1","subject_type":"rfc","to_state":"draft"}`.
 * - `hash = lowercase hex SHA-256 of the UTF-8 bytes of (prev_hash + canonical content)`, and
 *   `prev_hash` is the previous row's (by id) `hash`; the first row's `prev_hash` is GENESIS.
 * - Ids are consecutive: the table is append-only (triggers refuse UPDATE and DELETE) and
 *   AUTOINCREMENT never reuses an id, so a gap means rows were deleted.
 *
 * Rows written before the chain existed (hash null) are chained once, at open, in id order,
 * but only as a prefix: the first row must be unhashed. A null-hash row AFTER a hashed one was
 * written by an older changebot or had its hash removed; it is never silently chained, and
 * `audit verify` reports it. A chain cannot prove its own newest rows were not cut off or all
 * rewritten by someone with the file: keep the head (`audit verify` prints it) outside and pass
 * it back with `--head ID:HASH`.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The `prev_hash` of the first row. */
export const GENESIS = '0'.repeat(64);

/** A change-log row as stored (column names as in SQL). */
export interface StoredLogRow {
  id: number;
  subject_type: string | null;
  subject_key: string | null;
  at: number;
  actor: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  /** The stored JSON text. */
  detail: string | null;
  prev_hash: string | null;
  hash: string | null;
}

/** RFC 8785 serialisation of a JSON value (`undefined` members dropped, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The canonical content of a row; throws when its stored detail is not JSON (a changed row). */
export function canonicalRow(r: Omit<StoredLogRow, 'prev_hash' | 'hash'>): string {
  return canonicalJson({
    action: r.action,
    actor: r.actor,
    at: r.at,
    detail: r.detail === null ? null : JSON.parse(r.detail),
    from_state: r.from_state,
    id: r.id,
    reason: r.reason,
    subject_key: r.subject_key,
    subject_type: r.subject_type,
    to_state: r.to_state,
  });
}

/** `hash` of a row whose `prev_hash` is `prev`. */
export function rowHash(prev: string, r: Omit<StoredLogRow, 'prev_hash' | 'hash'>): string {
  return createHash('sha256')
    .update(prev + canonicalRow(r), 'utf8')
    .digest('hex');
}

/** What is wrong at the first broken row. */
export type BreakKind = 'content' | 'link' | 'missing' | 'unchained' | 'head';

export interface ChainBreak {
  /** The row named (for rows missing at the end, the first missing id). */
  id: number;
  subject: string | null;
  action: string | null;
  kind: BreakKind;
  /** One sentence saying what differs. */
  what: string;
}

export type ChainReport = { ok: true; rows: number; head: { id: number; hash: string } | null } | { ok: false; rows: number; broken: ChainBreak };

const subjectOf = (r: StoredLogRow) => (r.subject_key ? `${r.subject_type ?? '?'} ${r.subject_key}` : null);

/** The first thing wrong with `r`, following the row `prev` (null for the first row). */
function checkRow(r: StoredLogRow, prev: { id: number; hash: string } | null): Omit<ChainBreak, 'id' | 'subject' | 'action'> | null {
  const expectedId = (prev?.id ?? 0) + 1;
  if (r.hash === null) return { kind: 'unchained', what: 'it has no hash: written by an older changebot, or its hash was removed' };
  if (r.id !== expectedId) {
    const range = r.id - 1 === expectedId ? `row ${expectedId} is` : `rows ${expectedId} to ${r.id - 1} are`;
    return { kind: 'missing', what: `${range} missing (deleted) before it` };
  }
  const wanted = prev?.hash ?? GENESIS;
  if (r.prev_hash !== wanted) {
    return {
      kind: 'link',
      what: `its prev_hash is not ${prev ? `row ${prev.id}'s hash` : 'the genesis value'}: a row before it was rewritten, or its link was changed`,
    };
  }
  let computed: string;
  try {
    computed = rowHash(r.prev_hash, r);
  } catch {
    return { kind: 'content', what: 'its detail is not valid JSON: the row was changed after it was written' };
  }
  return computed === r.hash ? null : { kind: 'content', what: 'its content does not match its hash: the row was changed after it was written' };
}

/**
 * Walks `rows` (in id order, streamed) and returns the first broken row, or the row count and
 * the head. `sequence` is the highest id ever given (sqlite_sequence): above the last row's id,
 * the newest rows were deleted. `expectHead` is a head kept from an earlier run.
 */
export function verifyRows(rows: Iterable<StoredLogRow>, sequence: number, expectHead?: { id: number; hash: string }): ChainReport {
  let prev: { id: number; hash: string } | null = null;
  let count = 0;
  for (const r of rows) {
    const wrong = checkRow(r, prev);
    if (wrong) return { ok: false, rows: count, broken: { id: r.id, subject: subjectOf(r), action: r.action, ...wrong } };
    if (expectHead && r.id === expectHead.id && r.hash !== expectHead.hash) {
      const what = `its hash is not the head kept earlier (${expectHead.hash}): the chain was rewritten up to here`;
      return { ok: false, rows: count, broken: { id: r.id, subject: subjectOf(r), action: r.action, kind: 'head', what } };
    }
    prev = { id: r.id, hash: r.hash as string };
    count++;
  }
  const last = prev?.id ?? 0;
  const highest = Math.max(sequence, expectHead?.id ?? 0);
  if (highest > last) {
    const range = highest === last + 1 ? `row ${highest} is` : `rows ${last + 1} to ${highest} are`;
    return {
      ok: false,
      rows: count,
      broken: { id: last + 1, subject: null, action: null, kind: 'missing', what: `${range} missing (deleted) at the end of the log` },
    };
  }
  return { ok: true, rows: count, head: prev };
}

const ROW_COLUMNS = 'id, subject_type, subject_key, at, actor, action, from_state, to_state, reason, detail, prev_hash, hash';
export const SELECT_ROWS = `select ${ROW_COLUMNS} from change_log`;
const CHAIN_PAGE = 1000;

/**
 * Chains the rows written before the chain existed (a null-hash prefix), in id order, in one
 * IMMEDIATE transaction; idempotent, and a no-op (one indexed read) once the first row is
 * hashed. The append-only trigger is lifted for this transaction only and made again from its
 * own stored SQL. Returns how many rows it chained.
 */
export function chainExisting(sqlite: Database.Database): number {
  const firstUnhashed = sqlite.prepare('select hash is null as unhashed from change_log order by id limit 1').pluck();
  if (!firstUnhashed.get()) return 0;
  return sqlite
    .transaction(() => {
      if (!firstUnhashed.get()) return 0; // another process chained them meanwhile
      const trigger = sqlite.prepare("select sql from sqlite_master where type = 'trigger' and name = 'change_log_no_update'").pluck().get() as
        | string
        | undefined;
      if (trigger) sqlite.exec('drop trigger change_log_no_update');
      const page = sqlite.prepare(`${SELECT_ROWS} where id > ? order by id limit ${CHAIN_PAGE}`);
      const update = sqlite.prepare('update change_log set prev_hash = ?, hash = ? where id = ?');
      let prev = GENESIS;
      let after = 0;
      let chained = 0;
      for (let rows = page.all(after) as StoredLogRow[]; rows.length; rows = page.all(after) as StoredLogRow[]) {
        const end = rows.findIndex((r) => r.hash !== null);
        for (const r of end < 0 ? rows : rows.slice(0, end)) {
          const hash = rowHash(prev, r);
          update.run(prev, hash, r.id);
          prev = hash;
          chained++;
        }
        if (end >= 0) break; // the prefix ends at the first hashed row
        after = rows.at(-1)!.id;
      }
      if (trigger) sqlite.exec(trigger);
      return chained;
    })
    .immediate();
}
