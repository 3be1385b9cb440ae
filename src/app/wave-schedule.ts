/**
 * Scheduling a release's deployment wave: the same conflict checks as an RFC's window (other
 * RFCs and other releases' waves on the same or dependent services, blackouts, maintenance
 * windows). The release's own RFCs and waves are its own work and never conflict with it.
 */
import type { Db } from '../db/client.js';
import type { Release } from '../domain/release.js';
import { type Conflict, findConflicts } from '../domain/schedule.js';
import type { Window } from '../domain/types.js';
import { scheduleContext } from './implementation.js';

/**
 * Every conflict of a wave of `release` on `services` placed in `window`, worded in `zone`.
 * Like an RFC's: `needs: 'ack'` ones (overlap, dependency, blackout) need a change manager's
 * acknowledgement, `needs: 'reason'` ones (outside maintenance) a reason.
 */
export function waveConflicts(tx: Db, release: Pick<Release, 'key'>, window: Window, services: string[], zone: string): Conflict[] {
  const candidate = { key: release.key, services, emergency: false, releaseKey: release.key, wave: 0 };
  return findConflicts(candidate, window, scheduleContext(tx, null, zone, window, candidate.services));
}
