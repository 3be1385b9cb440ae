/** The deployment-wide change log: role grants, the CAB channel, the catalogue, policy; and the log's hash chain. */
import type { AppDatabase } from '../db/client.js';
import { type ChainReport, type StoredLogRow, verifyRows } from '../db/chain.js';
import { stringify } from 'csv-stringify/sync';
import { findService } from '../db/repos/catalogue.js';
import {
  chainHead,
  countLogRange,
  serviceInLog,
  type DeploymentLogEntry,
  iterateStoredLog,
  listDeploymentLog,
  logSequence,
  pagesOfLogRange,
} from '../db/repos/log.js';
import { logLine } from '../domain/changelog.js';
import { ChangebotError } from '../domain/errors.js';
import { authorizeDeployment } from '../domain/permissions.js';
import type { Actor } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import type { AuditInput, ExportInput } from './inputs.js';

/** How many rows one reply shows (the newest); the whole log goes out as CSV/JSON (`admin export`, `/audit.csv`). */
export const AUDIT_LIMIT = 100;

/** `Chain head: row 42, sha256 ab12...`: what an auditor keeps to check the log later (`audit verify --head 42:ab12...`). */
export function headLine(head: { id: number; hash: string } | null): string {
  return head ? `Chain head: row ${head.id}, sha256 ${head.hash}` : 'Chain head: none (the change log is empty)';
}

/** Deployment-wide rows, oldest first, in the actor's zone, then the chain head; only admins and change managers read them. */
export function deploymentLog(ctx: AppContext, actor: Actor, input: AuditInput = {}): Outcome<DeploymentLogEntry[]> {
  authorizeDeployment(actor, 'audit');
  const { rows, total } = listDeploymentLog(ctx.database.db, { ...input, limit: AUDIT_LIMIT });
  const about = input.person ? ` by or about ${input.person}` : '';
  if (!rows.length) return { result: rows, message: `No deployment-wide changes${about} in the change log.`, notifications: [] };
  const heading = `Deployment change log${about}${total > rows.length ? ` (the latest ${rows.length} of ${total})` : ''}:`;
  const lines = [heading, ...rows.map((r) => logLine(r, actor.timezone)), headLine(chainHead(ctx.database.db))];
  return { result: rows, message: lines.join('\n'), notifications: [] };
}

/** One exported row: the stored columns (detail parsed), enough to recompute every hash (src/db/chain.ts). */
export type ExportedLogRow = Omit<StoredLogRow, 'detail'> & { detail: unknown };

/** An export's filters, as the JSON export names them (only those given). */
export type ExportFilter = Pick<ExportInput, 'service' | 'rfc' | 'release'>;

/** The change log (or a range of it) for an export: its head first, then the rows up to it, streamed. */
export interface ChangeLogExport {
  format: 'changebot-change-log/1';
  /** The range exported (`to` exclusive); null for the whole log. */
  from: Date | null;
  to: Date | null;
  filter: ExportFilter;
  head: { id: number; hash: string } | null;
  rows: Iterable<ExportedLogRow>;
  /** How many rows `rows` yields (one counting query, run when asked). */
  count(): number;
}

/**
 * The change log ready to export, whole or a range (`input`: `from <= at < to`, then the
 * filters). Only admins and change managers export it. The head is read first and the rows
 * are those up to it, so rows appended while the export is written do not make it disagree
 * with its own head. The rows are read a page at a time as `rows` is iterated.
 */
export function changeLogExport(ctx: AppContext, actor: Actor, input?: ExportInput): ChangeLogExport {
  authorizeDeployment(actor, 'audit');
  const db = ctx.database.db;
  if (input && !(input.from.getTime() < input.to.getTime())) {
    throw new ChangebotError('bad_value', `The export range must end after it starts (from ${input.from.toISOString()}, to ${input.to.toISOString()}).`, {
      field: 'to',
    });
  }
  const filter: ExportFilter = {};
  if (input?.service) {
    const known = findService(db, input.service)?.name ?? (serviceInLog(db, input.service) ? input.service : undefined);
    if (!known) {
      throw new ChangebotError(
        'bad_value',
        `There is no service “${input.service}”, and the change log never mentions one by that name. Check the name (admin service list), or leave service= out.`,
        {
          field: 'service',
        },
      );
    }
    filter.service = known;
  }
  if (input?.rfc) filter.rfc = input.rfc;
  if (input?.release) filter.release = input.release;
  const head = chainHead(db);
  const query = { upTo: head?.id ?? 0, from: input?.from.getTime() ?? Number.MIN_SAFE_INTEGER, to: input?.to.getTime() ?? Number.MAX_SAFE_INTEGER, ...filter };
  function* rows(): Iterable<ExportedLogRow> {
    if (!head) return;
    for (const page of pagesOfLogRange(db, query)) {
      for (const r of page) yield { ...r, detail: r.detail === null ? null : JSON.parse(r.detail) };
    }
  }
  return {
    format: 'changebot-change-log/1',
    from: input?.from ?? null,
    to: input?.to ?? null,
    filter,
    head,
    rows: rows(),
    count: () => (head ? countLogRange(db, query) : 0),
  };
}

/**
 * The exported columns, in order, named as in the database (and in src/db/chain.ts's canonical
 * form). `at` is ISO 8601 UTC with milliseconds (the hash covers its milliseconds since the
 * epoch); `detail` is JSON; an empty CSV field is null.
 */
export const EXPORT_COLUMNS = [
  'id',
  'at',
  'subject_type',
  'subject_key',
  'actor',
  'action',
  'from_state',
  'to_state',
  'reason',
  'detail',
  'prev_hash',
  'hash',
] as const;

/** A row as the JSON export writes it (the CSV writes the same values, detail as JSON text). */
function exportRecord(r: ExportedLogRow) {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    subject_type: r.subject_type,
    subject_key: r.subject_key,
    actor: r.actor,
    action: r.action,
    from_state: r.from_state,
    to_state: r.to_state,
    reason: r.reason,
    detail: r.detail,
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

/** How many rows go into one written chunk. */
const CHUNK_ROWS = 200;

function* batches<T>(items: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === CHUNK_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * The export as CSV (csv-stringify), in chunks: one header row (EXPORT_COLUMNS), then one row
 * per change-log row. Values are written as stored (no spreadsheet-formula escaping), so the
 * hashes can be recomputed from the file.
 */
export function* exportCsv(exp: ChangeLogExport): Generator<string> {
  yield stringify([[...EXPORT_COLUMNS]]);
  for (const batch of batches(exp.rows)) {
    yield stringify(
      batch.map((r) => {
        const rec = exportRecord(r);
        return EXPORT_COLUMNS.map((c) => (c === 'detail' ? (rec.detail === null ? null : JSON.stringify(rec.detail)) : rec[c]));
      }),
    );
  }
}

/** The export as one JSON document `{ format, from, to, filter, head, rows: [...] }`, in chunks (the rows streamed). */
export function* exportJson(exp: ChangeLogExport): Generator<string> {
  const { format, from, to, filter, head } = exp;
  const opening = JSON.stringify({ format, from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, filter, head });
  yield `${opening.slice(0, -1)},"rows":[`;
  let first = true;
  for (const batch of batches(exp.rows)) {
    yield `${first ? '\n' : ',\n'}${batch.map((r) => JSON.stringify(exportRecord(r))).join(',\n')}`;
    first = false;
  }
  yield first ? ']}\n' : '\n]}\n';
}

/** `ID:HASH` as `audit verify --head` takes it (what `headLine` printed). */
export function parseHead(text: string): { id: number; hash: string } | null {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(text.trim());
  return m ? { id: Number(m[1]), hash: m[2]!.toLowerCase() } : null;
}

/**
 * Walks the whole chain (streamed) and says whether it holds: the row count and head, or the
 * first broken row (its id, subject, action, and what differs). For whoever can read the
 * database file (the CLI); no chat command offers it yet.
 */
export function verifyChangeLog(database: AppDatabase, expectHead?: { id: number; hash: string }): { report: ChainReport; text: string } {
  const db = database.db;
  // One read transaction: the sequence and the rows come from the same snapshot.
  const report = db.transaction((tx) => {
    const sequence = logSequence(tx);
    return verifyRows(iterateStoredLog(tx), sequence, expectHead);
  });
  if (report.ok) {
    const rows = `${report.rows} row${report.rows === 1 ? '' : 's'}`;
    return { report, text: `Change log intact: ${rows} chained.\n${headLine(report.head)}` };
  }
  const b = report.broken;
  const about = [b.subject, b.action].filter(Boolean).join(', ');
  const before = `${report.rows} row${report.rows === 1 ? '' : 's'} before it verified.`;
  return { report, text: `Change log broken at row ${b.id}${about ? ` (${about})` : ''}: ${b.what}.\n${before}` };
}
