/**
 * Migration 0004 adds what binds an approval. An RFC approved before it keeps the window it
 * holds as its approved window (so the upgrade sends nothing back for approval), with no
 * approval time (so no "still unscheduled" reminder fires for it at once); a draft gets none.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/client.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const T = 1_796_115_600_000; // 2026-12-01T09:00:00Z
const START = 1_796_508_000_000; // 2026-12-05T22:00:00Z

it('gives RFCs approved before it their current window as the approved one, and nothing to drafts', () => {
  dir = mkdtempSync(join(tmpdir(), 'changebot-before-approval-'));
  const before = join(dir, 'migrations');
  cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
  const journalPath = join(before, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  expect(journal.entries.map((e) => e.tag)[4]).toBe('0004_review_policy');
  journal.entries = journal.entries.slice(0, 4);
  writeFileSync(journalPath, JSON.stringify(journal));

  const sqlite = new Database(join(dir, 'db.sqlite'));
  migrate(drizzle(sqlite), { migrationsFolder: before });
  sqlite.exec(`
    insert into rfcs (id, number, key, title, category, requester, owner, state, window_start, window_end, created_at, updated_at) values
      (1, 1, 'RFC-1', 'Patch db01', 'significant', 'cli:bob', 'cli:bob', 'scheduled', ${START}, ${START + 3_600_000}, ${T}, ${T}),
      (2, 2, 'RFC-2', 'Rotate keys', 'minor', 'cli:bob', 'cli:bob', 'draft', ${START}, ${START + 3_600_000}, ${T}, ${T});
  `);
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
  const rows = sqlite.prepare('select key, approved_start, approved_end, approved_at, approval_path, cab_members from rfcs order by id').all();
  expect(rows).toEqual([
    { key: 'RFC-1', approved_start: START, approved_end: START + 3_600_000, approved_at: null, approval_path: null, cab_members: null },
    { key: 'RFC-2', approved_start: null, approved_end: null, approved_at: null, approval_path: null, cab_members: null },
  ]);
  sqlite.close();
});
