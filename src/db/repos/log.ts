import { and, asc, desc, eq, gt, isNotNull, isNull, max, ne, or, sql } from 'drizzle-orm';
import type { Subject, SubjectType } from '../../domain/subject.js';
import type { ReleasePhase } from '../../domain/release.js';
import type { ChangeLogEntry, RfcState } from '../../domain/types.js';
import type { Db } from '../client.js';
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

export function appendLog(db: Db, e: LogInput): void {
  db.insert(changeLog)
    .values({
      subjectType: e.subject?.type ?? null,
      subjectKey: e.subject?.key ?? null,
      at: e.at,
      actor: e.actor,
      action: e.action,
      fromState: e.fromState ?? null,
      toState: e.toState ?? null,
      reason: e.reason ?? null,
      detail: e.detail ?? null,
    })
    .run();
}

function subjectOfRow(r: { subjectType: string | null; subjectKey: string | null }): Subject | null {
  return r.subjectType && r.subjectKey ? { type: r.subjectType as SubjectType, key: r.subjectKey } : null;
}

export function listLog(db: Db, subject: Subject): ChangeLogEntry[] {
  return db
    .select()
    .from(changeLog)
    .where(and(eq(changeLog.subjectType, subject.type), eq(changeLog.subjectKey, subject.key)))
    .orderBy(asc(changeLog.id))
    .all()
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
