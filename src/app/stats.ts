/** What the metrics read from the database when scraped (src/server/metrics.ts). */
import { rfcCountsByState } from '../db/repos/stats.js';
import { RFC_STATES, type RfcState } from '../domain/types.js';
import type { AppContext } from './context.js';

/** RFCs by state, every state named (0 when there is none), so a state that empties reads 0, not absent. */
export function rfcsByState(ctx: AppContext): Record<RfcState, number> {
  const out = Object.fromEntries(RFC_STATES.map((s) => [s, 0])) as Record<RfcState, number>;
  for (const { state, n } of rfcCountsByState(ctx.database.db)) if (state in out) out[state as RfcState] = n;
  return out;
}
