/** The compiled-statement cache under Drizzle: one statement per SQL text, its row mode reset. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { settings } from '../../src/db/schema.js';
import { cacheStatements } from '../../src/db/statements.js';
import Database from 'better-sqlite3';

describe('cached statements', () => {
  let database: AppDatabase;
  beforeEach(() => {
    database = openDatabase(':memory:');
  });
  afterEach(() => database.close());

  it('hands out one compiled statement for one SQL text', () => {
    expect(database.sqlite.prepare('SELECT 1 AS one')).toBe(database.sqlite.prepare('SELECT 1 AS one'));
  });

  it('gives rows as objects after Drizzle used the same statement for array rows', () => {
    const at = new Date('2026-12-01T09:00:00Z');
    database.db.insert(settings).values({ key: 'k', value: 'v', updatedBy: 'test', updatedAt: at }).run();
    // A partial select reads array rows (raw mode); a full one reads objects from the same SQL text.
    const sql = 'select "key" from "settings" where "key" = ?';
    expect(database.sqlite.prepare(sql).raw().all('k')).toEqual([['k']]);
    expect(database.sqlite.prepare(sql).all('k')).toEqual([{ key: 'k' }]);
    expect(database.db.select({ key: settings.key }).from(settings).where(eq(settings.key, 'k')).all()).toEqual([{ key: 'k' }]);
    expect(database.db.select().from(settings).where(eq(settings.key, 'k')).get()?.value).toBe('v');
    expect(database.db.select({ key: settings.key }).from(settings).where(eq(settings.key, 'k')).all()).toEqual([{ key: 'k' }]);
  });

  it('hands a statement still iterating to nobody else: a second reader of the same SQL gets its own', () => {
    const sql = 'select value from (select 1 as value union all select 2 union all select 3)';
    const outer = database.sqlite.prepare(sql).pluck();
    const seen: number[][] = [];
    for (const v of outer.iterate() as Iterable<number>) seen.push([v, ...(database.sqlite.prepare(sql).pluck().all() as number[])]);
    expect(seen).toEqual([
      [1, 1, 2, 3],
      [2, 1, 2, 3],
      [3, 1, 2, 3],
    ]);
  });

  it('keeps at most the number it was given, dropping the least recently used', () => {
    const sqlite = new Database(':memory:');
    cacheStatements(sqlite, 2);
    const one = sqlite.prepare('SELECT 1');
    const two = sqlite.prepare('SELECT 2');
    expect(sqlite.prepare('SELECT 1')).toBe(one); // used again: now the most recent
    sqlite.prepare('SELECT 3'); // drops SELECT 2
    expect(sqlite.prepare('SELECT 1')).toBe(one);
    expect(sqlite.prepare('SELECT 2')).not.toBe(two);
    sqlite.close();
  });
});
