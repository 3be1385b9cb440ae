/**
 * A token that moves whenever what a conflict check reads may have changed: the RFCs, the
 * releases and their waves, the services, maintenance windows and blackouts. Two parts:
 * `PRAGMA data_version` moves when ANOTHER connection commits (the CLI beside the bot, another
 * process), and this process counts its own writes of those tables (`noteScheduleWrite`, called
 * by every repo function writing them, and by every use case's commit). Writes that leave them
 * alone (the inbound claims, people, deliveries) do not move the count, so a read-only command
 * such as `/rfc show` keeps what it computed. Null inside a transaction, whose writes may still
 * be rolled back: then nothing may be cached.
 */
import type Database from 'better-sqlite3';
import type { AppDatabase } from './client.js';

let writes = 0;

/** Something conflicts depend on was (or is about to be) written by this process. */
export function noteScheduleWrite(): void {
  writes++;
}

const pragmas = new WeakMap<Database.Database, Database.Statement<[], number>>();

/** `PRAGMA data_version` of the connection: moves when another connection has committed. */
export function dataVersion(sqlite: Database.Database): number {
  let p = pragmas.get(sqlite);
  if (!p) {
    p = sqlite.prepare('PRAGMA data_version').pluck() as Database.Statement<[], number>;
    pragmas.set(sqlite, p);
  }
  return p.get() as number;
}

export function scheduleVersion(database: AppDatabase): string | null {
  if (database.sqlite.inTransaction) return null;
  return `${dataVersion(database.sqlite)}:${writes}`;
}
