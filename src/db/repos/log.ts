import { asc, eq } from 'drizzle-orm';
import type { ChangeLogEntry, RfcState } from '../../domain/types.js';
import type { Db } from '../client.js';
import { changeLog, rfcs } from '../schema.js';

export interface LogInput {
  rfcId: number | null;
  at: Date;
  actor: string;
  action: string;
  fromState?: RfcState | null;
  toState?: RfcState | null;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

export function appendLog(db: Db, e: LogInput): void {
  db.insert(changeLog)
    .values({
      rfcId: e.rfcId,
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

export function listLog(db: Db, rfcId: number): ChangeLogEntry[] {
  return db
    .select({ log: changeLog, key: rfcs.key })
    .from(changeLog)
    .innerJoin(rfcs, eq(rfcs.id, changeLog.rfcId))
    .where(eq(changeLog.rfcId, rfcId))
    .orderBy(asc(changeLog.id))
    .all()
    .map(({ log, key }) => ({
      id: log.id,
      rfcKey: key,
      at: log.at,
      actor: log.actor,
      action: log.action,
      fromState: log.fromState as RfcState | null,
      toState: log.toState as RfcState | null,
      reason: log.reason,
      detail: log.detail ?? null,
    }));
}
