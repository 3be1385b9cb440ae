/** The approval policy, stored as `policy:<KEY>` settings (see domain/policy-keys.ts). */
import { like } from 'drizzle-orm';
import type { Db } from '../client.js';
import { settings } from '../schema.js';

const PREFIX = 'policy:';

/** Every stored policy setting, by key. */
export function readPolicyEntries(db: Db): Record<string, string> {
  const rows = db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(like(settings.key, `${PREFIX}%`))
    .all();
  return Object.fromEntries(rows.map((r) => [r.key.slice(PREFIX.length), r.value]));
}

export function writePolicyEntry(db: Db, key: string, value: string, by: string, at: Date): void {
  db.insert(settings)
    .values({ key: PREFIX + key, value, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: by, updatedAt: at } })
    .run();
}

/** Stores the entries not stored yet (a value already there is never replaced). Returns those written. */
export function seedPolicyEntries(db: Db, entries: Readonly<Record<string, string>>, by: string, at: Date): string[] {
  const written: string[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const r = db
      .insert(settings)
      .values({ key: PREFIX + key, value, updatedBy: by, updatedAt: at })
      .onConflictDoNothing()
      .run() as { changes: number };
    if (r.changes > 0) written.push(key);
  }
  return written;
}
