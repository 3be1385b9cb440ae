/** The deployment-wide change log: role grants, the CAB channel, the catalogue, policy; and the log's hash chain. */
import type { AppDatabase } from '../db/client.js';
import { type ChainReport, type StoredLogRow, verifyRows } from '../db/chain.js';
import { chainHead, type DeploymentLogEntry, iterateStoredLog, listDeploymentLog, logSequence } from '../db/repos/log.js';
import { logLine } from '../domain/changelog.js';
import { authorizeDeployment } from '../domain/permissions.js';
import type { Actor } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import type { AuditInput } from './inputs.js';

/** How many rows one reply shows (the newest); the whole log goes out as CSV/JSON later. */
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

/** The whole change log for an export (JSON or CSV, later): its head first, then the rows up to it, streamed. */
export interface ChangeLogExport {
  format: 'changebot-change-log/1';
  head: { id: number; hash: string } | null;
  rows: Iterable<ExportedLogRow>;
}

/**
 * The change log ready to export: the head is read first and the rows are those up to it, so
 * rows appended while the export is written do not make it disagree with its own head.
 */
export function changeLogExport(ctx: AppContext, actor: Actor): ChangeLogExport {
  authorizeDeployment(actor, 'audit');
  const db = ctx.database.db;
  const head = chainHead(db);
  function* rows(): Iterable<ExportedLogRow> {
    if (!head) return;
    for (const r of iterateStoredLog(db, head.id)) yield { ...r, detail: r.detail === null ? null : JSON.parse(r.detail) };
  }
  return { format: 'changebot-change-log/1', head, rows: rows() };
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
