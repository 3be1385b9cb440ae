import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
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
 * processes (bot and CLI) wait for each other instead of failing.
 */
export function openDatabase(path: string, options: { busyTimeoutMs?: number } = {}): AppDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('synchronous = NORMAL');
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrateOnce(() => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }));
  return {
    db: db as unknown as AppDatabase['db'],
    sqlite,
    close: () => sqlite.close(),
  };
}
