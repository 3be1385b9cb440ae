import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';

const tables = Object.values(schema).filter((v) => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v);

describe('migrations', () => {
  it('build the whole schema from an empty database, matching src/db/schema.ts', () => {
    const sqlite = new Database(':memory:');
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(sqlite.prepare('select count(*) n from __drizzle_migrations').get()).toEqual({ n: journal.entries.length });
    expect(tables.length).toBeGreaterThan(10);
    for (const table of tables) {
      const config = getTableConfig(table as Parameters<typeof getTableConfig>[0]);
      const columns = (sqlite.prepare(`pragma table_info(${config.name})`).all() as { name: string }[]).map((c) => c.name).sort();
      expect(columns, config.name).toEqual(config.columns.map((c) => c.name).sort());
    }
    sqlite.close();
  });

  it('are applied once: opening a migrated database again changes nothing', () => {
    const path = join(process.env.TMPDIR ?? '/tmp', `changebot-migrate-${process.pid}-${Date.now()}.db`);
    const first = openDatabase(path);
    first.sqlite.exec(`insert into sequences (name, value) values ('probe', 7)`);
    first.close();
    const again = openDatabase(path);
    expect(again.sqlite.prepare(`select value from sequences where name = 'probe'`).get()).toEqual({ value: 7 });
    expect(again.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(again.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    again.close();
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  });

  it('are applied once when several processes open a new database at the same moment', async () => {
    const path = join(process.env.TMPDIR ?? '/tmp', `changebot-migrate-race-${process.pid}-${Date.now()}.db`);
    const client = new URL('../../dist/db/client.js', import.meta.url).href;
    const open = `const { openDatabase } = await import(${JSON.stringify(client)}); openDatabase(process.argv[1]).close();`;
    const run = promisify(execFile);
    try {
      await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ['--input-type=module', '-e', open, path])));
      const db = new Database(path);
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(db.prepare('select count(*) n from __drizzle_migrations').get()).toEqual({ n: journal.entries.length });
      db.close();
    } finally {
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    }
  });
});
