/**
 * Drizzle builds a query's SQL anew every time it runs (a fifth of the bot's CPU under load).
 * The hot single-record reads are built once per database connection with placeholders
 * (`sql.placeholder`) and run with `.get()`/`.all()`. A prepared query is a compiled statement
 * on the connection: it reads what the database holds when it runs, inside a transaction too
 * (a transaction is the same connection), so nothing it returns can be stale.
 */
import type Database from 'better-sqlite3';
import type { Db } from './client.js';

/**
 * The better-sqlite3 connection under a database or a transaction on it: Drizzle keeps it on
 * the session, which a database and its transactions share (not a public API, hence the check).
 */
export function connectionOf(db: Db): Database.Database {
  const client = (db as unknown as { session?: { client?: Database.Database } }).session?.client;
  if (!client || typeof client.prepare !== 'function') throw new Error('no better-sqlite3 connection under this Drizzle database');
  return client;
}

/** `build(db)` once per connection, reused by every call on it (and on its transactions). */
export function preparedPer<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<object, T>();
  return (db) => {
    const key = connectionOf(db);
    let p = cache.get(key);
    if (!p) {
      p = build(db);
      cache.set(key, p);
    }
    return p;
  };
}
