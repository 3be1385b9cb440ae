import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { ChangebotError } from '../domain/errors.js';
import { chainExisting } from './chain.js';
import * as schema from './schema.js';
import { cacheStatements } from './statements.js';

/** A database or a transaction on it: repositories accept either. */
export type Db = BaseSQLiteDatabase<'sync', unknown, typeof schema>;

export interface AppDatabase {
  db: Db & { transaction: <T>(fn: (tx: Db) => T, config?: { behavior?: 'deferred' | 'immediate' | 'exclusive' }) => T };
  sqlite: Database.Database;
  close(): void;
}

/** The migrations folder shipped with the package (same depth from src/db and dist/db). */
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Drizzle's migrator reads which migrations ran before it takes the write lock, so two
 * processes opening a new database at once (the bot and the CLI) may both start the same
 * migration; the second then fails on a table the first just made. Its transaction is rolled
 * back, so trying again (which now sees the migrations applied) is safe.
 */
function migrateOnce(run: () => void, attempts = 10): void {
  for (let i = 1; ; i++) {
    try {
      run();
      return;
    } catch (err) {
      const raced = /already exists|duplicate column|SQLITE_BUSY|database is locked/i.test(String((err as { cause?: unknown }).cause ?? err));
      if (!raced || i >= attempts) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * i); // a short pause, synchronously
    }
  }
}

/**
 * Opens (creating if needed) and migrates the database. `:memory:` works for tests.
 * WAL so readers never block the writer, foreign keys on, and a busy timeout so two
 * processes (bot and CLI) wait for each other instead of failing. Any failure is a
 * ChangebotError naming the file, the variable it came from (`variable`, DATABASE_PATH by
 * default) and what to check, so start-up fails with one line instead of a stack trace.
 */
export function openDatabase(path: string, options: { busyTimeoutMs?: number; variable?: string; proveWritable?: boolean } = {}): AppDatabase {
  let sqlite: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    sqlite.pragma('synchronous = NORMAL');
    cacheStatements(sqlite);
    const db = drizzle(sqlite, { schema });
    migrateOnce(() => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }));
    chainExisting(sqlite); // rows from before the hash chain (src/db/chain.ts)
    // A current database on a read-only file opens and migrates without writing anything: one
    // real write now makes start-up (and the CLI) fail here, naming the file, instead of at the
    // first use case with a stack trace.
    if (options.proveWritable !== false) sqlite.prepare(HEARTBEAT).run(new Date().toISOString(), Date.now());
    const opened = sqlite;
    return {
      db: db as unknown as AppDatabase['db'],
      sqlite: opened,
      close: () => opened.close(),
    };
  } catch (err) {
    sqlite?.close();
    throw cannotOpen(path, options.variable ?? 'DATABASE_PATH', err);
  }
}

/** "can't open the database /x/cb.db (DATABASE_PATH): attempt to write a readonly database — check …". */
function cannotOpen(path: string, variable: string, err: unknown): ChangebotError {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
  const code = String((cause as { code?: unknown }).code ?? (err as { code?: unknown }).code ?? '');
  const file = path === ':memory:' ? path : resolve(path);
  const hint =
    /READONLY|CANTOPEN|PERM|EACCES|EROFS/.test(code) || /readonly|unable to open|permission/i.test(message)
      ? "check the file's permissions and its folder's (the bot writes the file, its -wal and -shm beside it)"
      : /FULL|ENOSPC/.test(code) || /disk is full/i.test(message)
        ? 'free some disk space'
        : /NOTADB|CORRUPT/.test(code)
          ? 'the file is not a changebot database (or is damaged): point the variable at another file or restore a backup'
          : `check ${variable}`;
  return new ChangebotError('config', `can't open the database ${file} (${variable}): ${message} — ${hint}`, { path: file, variable, sqlite: code });
}

/** The heartbeat row: a small real commit, at open and on every /readyz. */
const HEARTBEAT =
  "insert into settings (key, value, updated_by, updated_at) values ('health:heartbeat', ?, 'changebot', ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at";

/**
 * Whether the database takes writes, for /readyz. A read (`select 1`) passes on a full disk, and
 * a write that is rolled back never reaches the disk, so this does both things a real write
 * does: it allocates new pages (a blob two pages long, in a transaction rolled back: this fails
 * when the file may not grow, SQLITE_FULL, as max_page_count or a full disk refuse) and it
 * commits (the heartbeat row `health:heartbeat` in settings, updated in place: the commit
 * appends to the WAL, which is what fails with ENOSPC on a really full disk). Cost: one small
 * commit per probe.
 */
export function probeWritable(database: AppDatabase, at: Date): { ok: boolean; detail?: string } {
  const { sqlite } = database;
  const undo = new Error('probe: roll back');
  // A writer holding the lock (the CLI, a long use case) makes the probe wait, and it waits on
  // the event loop: a short wait, then "not writable" for now, rather than 5 s of stalled acks.
  const busy = sqlite.pragma('busy_timeout', { simple: true });
  sqlite.pragma('busy_timeout = 250');
  try {
    try {
      sqlite
        .transaction(() => {
          const size = Number(sqlite.pragma('page_size', { simple: true })) * 2;
          sqlite
            .prepare("insert into settings (key, value, updated_by, updated_at) values ('health:probe', zeroblob(?), 'changebot', ?)")
            .run(size, at.getTime());
          throw undo;
        })
        .immediate();
    } catch (err) {
      if (err !== undo) throw err;
    }
    sqlite.prepare(HEARTBEAT).run(at.toISOString(), at.getTime());
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: `the database does not take writes: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    sqlite.pragma(`busy_timeout = ${Number(busy)}`);
  }
}
