/** The approval policy, stored as `policy:<KEY>` settings (see domain/policy-keys.ts). */
import { like } from 'drizzle-orm';
import type { AppDatabase, Db } from '../client.js';
import { preparedPer } from '../prepared.js';
import { dataVersion } from '../schedule-version.js';
import { settings } from '../schema.js';

const PREFIX = 'policy:';

/** Every stored policy setting, by key. */
const policyRows = preparedPer((db) =>
  db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(like(settings.key, `${PREFIX}%`))
    .prepare(),
);

export function readPolicyEntries(db: Db): Record<string, string> {
  const rows = policyRows(db).all();
  return Object.fromEntries(rows.map((r) => [r.key.slice(PREFIX.length), r.value]));
}

/** Policy writes made by this process (any connection): part of settingsVersion. */
let written = 0;

export function writePolicyEntry(db: Db, key: string, value: string, by: string, at: Date): void {
  written++;
  db.insert(settings)
    .values({ key: PREFIX + key, value, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: by, updatedAt: at } })
    .run();
}

/** Stores the entries not stored yet (a value already there is never replaced). Returns those written. */
export function seedPolicyEntries(db: Db, entries: Readonly<Record<string, string>>, by: string, at: Date): string[] {
  written++;
  const stored: string[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const r = db
      .insert(settings)
      .values({ key: PREFIX + key, value, updatedBy: by, updatedAt: at })
      .onConflictDoNothing()
      .run() as { changes: number };
    if (r.changes > 0) stored.push(key);
  }
  return stored;
}

/**
 * A token that changes whenever the policy may have: `PRAGMA data_version` moves when another
 * connection (the CLI, another process) commits, and this process counts its own policy writes
 * (the functions above are the only ones that write `policy:` settings). Null inside a
 * transaction, whose writes may still be rolled back: then nothing may be cached. One prepared
 * pragma, far cheaper than reading and parsing the settings.
 */
export function settingsVersion(database: AppDatabase): string | null {
  if (database.sqlite.inTransaction) return null;
  return `${dataVersion(database.sqlite)}:${written}`;
}
