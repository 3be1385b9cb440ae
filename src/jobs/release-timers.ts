/**
 * A release's wave timers as the scheduler and the firing job both derive them: the pure rules
 * (src/domain/timers.ts) plus when each wave was added, read from the release's change log
 * (a wave added after go counts its reminders from then).
 */
import type { Db } from '../db/client.js';
import { listLog } from '../db/repos/log.js';
import type { Release } from '../domain/release.js';
import { releaseSubject } from '../domain/subject.js';
import { type Timer, type TimerSettings, releaseTimersFor } from '../domain/timers.js';

/** The change-log action of adding a wave (src/app/releases.ts). */
export const WAVE_ADD = 'wave-add';

/** When each wave was added: `detail.wave` when the row names it, else the n-th row is wave n (waves are numbered as added). */
export function wavesAddedAt(db: Db, key: string): Map<number, Date> {
  const out = new Map<number, Date>();
  let n = 0;
  for (const e of listLog(db, releaseSubject(key))) {
    if (e.action !== WAVE_ADD) continue;
    n++;
    const named = e.detail?.wave;
    out.set(typeof named === 'number' ? named : n, e.at);
  }
  return out;
}

export function releaseTimers(db: Db, release: Release, settings: TimerSettings, now: Date, fired?: ReadonlySet<string>): Timer[] {
  return releaseTimersFor(release, settings, now, fired, wavesAddedAt(db, release.key));
}
