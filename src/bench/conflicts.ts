/**
 * Conflicts: the worst conflict check one person can cause, against 100,000 scheduled changes
 * and the densest maintenance rules a window may have, beside an ordinary check in the same
 * database (the baseline). Each check is the one every view of an RFC runs (its card, `show`,
 * `conflicts`), through SQLite. Prints each check's median and worst time, peak RSS, and the
 * ratio of the worst case to the baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conflictsOf } from '../app/queries.js';
import { openDatabase } from '../db/client.js';
import { addMaintenance, upsertService } from '../db/repos/catalogue.js';
import { insertRfc } from '../db/repos/rfcs.js';
import { draftRfc } from '../domain/rfc.js';
import type { Rfc } from '../domain/types.js';
import { arg, ms, percentile } from './util.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const EVERY_MINUTE = Array.from({ length: 60 }, (_, i) => i).join(',');
const EVERY_HOUR = Array.from({ length: 24 }, (_, i) => i).join(',');

/** The densest rules validateRrule lets through, and one ordinary rule beside them. */
export const NASTY_RULES: { rrule: string; durationMinutes: number }[] = [
  { rrule: `FREQ=HOURLY;BYMINUTE=${EVERY_MINUTE}`, durationMinutes: 1 },
  { rrule: `FREQ=YEARLY;BYHOUR=${EVERY_HOUR};BYMINUTE=${EVERY_MINUTE}`, durationMinutes: 1 },
  { rrule: `FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${EVERY_HOUR};BYMINUTE=${EVERY_MINUTE};BYSETPOS=-1`, durationMinutes: 1 },
  { rrule: 'FREQ=DAILY;BYHOUR=22', durationMinutes: 120 },
];

export async function conflictsBench(): Promise<boolean> {
  const n = arg('changes', 100_000);
  const runs = arg('runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'changebot-bench-conflicts-'));
  const database = openDatabase(join(dir, 'bench.db'));
  try {
    const db = database.db;
    const now = Date.now();
    const setup0 = Date.now();
    db.transaction((tx) => {
      for (let i = 0; i < 200; i++) upsertService(tx, { name: `svc-${i}`, owner: null, audience: [], dependsOn: i % 10 ? [`svc-${i - (i % 10)}`] : [] });
      upsertService(tx, { name: 'db', owner: null, audience: [], dependsOn: [] });
      for (const r of NASTY_RULES) addMaintenance(tx, { service: 'db', timezone: 'Europe/London', ...r });
      for (let i = 0; i < n; i++) {
        const start = new Date(now + H + Math.floor((i * 365 * DAY) / n));
        insertRfc(tx, seed(i, start, new Date(now), i % 10 === 0 ? ['db'] : [`svc-${i % 200}`]));
      }
    });
    const setupMs = Date.now() - setup0;

    // The worst: the longest window allowed (a year), on the service with the nasty rules and
    // one that others depend on, so every change in the year is read and related.
    const worst = insertRfc(db, seed(n, new Date(now + H), new Date(now), ['db', 'svc-0'], 365 * DAY, 'draft'));
    // The baseline: an ordinary 2-hour change on a service without maintenance rules.
    const baseline = insertRfc(db, seed(n + 1, new Date(now + 3 * DAY), new Date(now), ['svc-7'], 2 * H, 'draft'));

    const time = (rfc: Rfc) => {
      const took: number[] = [];
      let found = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        found = conflictsOf(db, rfc, 'Europe/London').length;
        took.push(performance.now() - t0);
      }
      took.sort((a, b) => a - b);
      return { p50: percentile(took, 50), max: took.at(-1) ?? NaN, found };
    };
    const base = time(baseline);
    const bad = time(worst);
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.log(
      'conflicts: %d scheduled changes over a year, %d maintenance rules on db (set up in %s), %d runs each',
      n,
      NASTY_RULES.length,
      ms(setupMs),
      runs,
    );
    console.log(`  baseline  (2 h on svc-7)            p50 ${ms(base.p50)}  max ${ms(base.max)}  ${base.found} conflicts`);
    console.log(`  worst     (a year on db and svc-0)   p50 ${ms(bad.p50)}  max ${ms(bad.max)}  ${bad.found} conflicts`);
    console.log(`  ratio worst/baseline ${(bad.p50 / Math.max(base.p50, 0.001)).toFixed(1)}  peak RSS ${Math.round(rss)} MB`);
    return Number.isFinite(bad.max);
  } finally {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function seed(i: number, start: Date, at: Date, services: string[], length = 30 * MIN, state: Rfc['state'] = 'scheduled'): Omit<Rfc, 'id' | 'key'> {
  const {
    id: _id,
    key: _key,
    ...rfc
  } = draftRfc(`slack:T1/U${i}`, at, {
    title: `Patch host ${i}`,
    category: 'minor',
    services,
    backout: 'restore',
    window: { start, end: new Date(start.getTime() + length) },
    state,
  });
  return rfc;
}
