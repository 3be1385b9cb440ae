/** Counts for the operators' metrics (src/app/stats.ts), one grouped query each. */
import { count } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rfcs } from '../schema.js';

/** How many RFCs are in each state (states with none are absent). */
export function rfcCountsByState(db: Db): { state: string; n: number }[] {
  return db.select({ state: rfcs.state, n: count() }).from(rfcs).groupBy(rfcs.state).all();
}
