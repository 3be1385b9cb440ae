/**
 * An RFC's timers as the scheduler and the firing job both derive them: the pure rules of
 * src/domain/timers.ts plus its change tasks' reminders (src/domain/tasks.ts), read from SQLite.
 */
import type { Db } from '../db/client.js';
import { listTasks, openTasksByRfc } from '../db/repos/tasks.js';
import { taskTimersFor } from '../domain/tasks.js';
import { type Timer, type TimerSettings, timersFor } from '../domain/timers.js';
import type { Rfc } from '../domain/types.js';

export function rfcTimers(db: Db, rfc: Rfc, settings: TimerSettings, now: Date, fired?: ReadonlySet<string>): Timer[] {
  return [...timersFor(rfc, settings, now, fired), ...taskTimersFor(rfc, listTasks(db, rfc.key), now, fired)];
}

/** Every timed RFC's timers, reading their open tasks at once. */
export function allRfcTimers(db: Db, rfcs: readonly Rfc[], settings: TimerSettings, now: Date, fired?: ReadonlySet<string>): Timer[] {
  const tasks = openTasksByRfc(
    db,
    rfcs.map((r) => r.key),
  );
  return rfcs.flatMap((rfc) => [...timersFor(rfc, settings, now, fired), ...taskTimersFor(rfc, tasks.get(rfc.key) ?? [], now, fired)]);
}
