/**
 * The conflicts a read-only view shows (`/rfc show`, cards), kept until they may have changed.
 * Computing them reads the catalogue, the windows and every overlapping change: a quarter of
 * the bot's CPU when people look at RFCs.
 *
 * Never stale:
 * - An entry is for one RFC as stored (its key and updatedAt) in one display zone.
 * - All entries are dropped when the schedule version moves (src/db/schedule-version.ts):
 *   another connection committed (the CLI adding a blackout), or this process wrote an RFC, a
 *   release, a service, a maintenance window or a blackout, or committed a use case.
 * - Nothing is cached inside a transaction (the version is null there): a use case that checks
 *   conflicts before it writes computes them fresh, and reads its own uncommitted writes.
 * - The clock plays no part: findConflicts and scheduleContext never read it. Other changes
 *   are chosen by state (ACTIVE_WINDOW_STATES), not by whether their window has passed, and
 *   the next maintenance occurrence is counted from the RFC's own window start. So a result
 *   cannot change with time alone, and no time bucket is needed. (Should either ever read the
 *   clock, the key must gain a time bucket.)
 */
import type { AppDatabase } from '../db/client.js';
import { scheduleVersion } from '../db/schedule-version.js';
import type { Conflict } from '../domain/schedule.js';
import type { Rfc } from '../domain/types.js';

/** At most this many RFC views are kept per connection; the oldest goes first. */
export const CONFLICTS_CACHED = 1000;

interface Cache {
  version: string;
  entries: Map<string, Conflict[]>;
}
const caches = new WeakMap<AppDatabase['sqlite'], Cache>();

/** The conflicts of `rfc` shown in `zone`: `compute()`'s result, or the one kept since nothing changed. */
export function shownConflicts(database: AppDatabase, rfc: Pick<Rfc, 'key' | 'updatedAt'>, zone: string, compute: () => Conflict[]): Conflict[] {
  const version = scheduleVersion(database);
  if (version === null) return compute();
  let cache = caches.get(database.sqlite);
  if (!cache || cache.version !== version) {
    cache = { version, entries: new Map() };
    caches.set(database.sqlite, cache);
  }
  const key = `${rfc.key}\u0000${rfc.updatedAt.getTime()}\u0000${zone}`;
  let found = cache.entries.get(key);
  if (!found) {
    found = compute();
    if (cache.entries.size >= CONFLICTS_CACHED) cache.entries.delete(cache.entries.keys().next().value as string);
    cache.entries.set(key, found);
  }
  return [...found];
}
