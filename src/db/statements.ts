/**
 * better-sqlite3 compiles SQL on every `prepare()`, and Drizzle prepares every query it runs:
 * about a tenth of the bot's CPU under load went to compiling the same few dozen statements.
 * This keeps the compiled statements by their SQL text (at most `max`, the least recently used
 * dropped). Drizzle switches a statement to raw (array) rows for some queries and not for others,
 * and that mode (like pluck and expand) sticks to the statement, so a statement is handed out
 * with them reset; one still iterating is never handed out again. Statements hold no data between runs, so what they read is always what the database holds then.
 */
import type Database from 'better-sqlite3';

export function cacheStatements(sqlite: Database.Database, max = 500): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = sqlite.prepare.bind(sqlite) as (source: string) => Database.Statement;
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    // One still iterating (`.iterate()` not finished) is in use: this caller gets its own.
    if (stmt?.busy) return prepare(source);
    if (stmt) {
      cache.delete(source);
      if (stmt.reader) stmt.raw(false).pluck(false).expand(false);
    } else {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}
