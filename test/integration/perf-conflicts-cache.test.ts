/**
 * `/rfc show` keeps the conflicts it computed until they may have changed (src/app/conflicts-cache.ts):
 * a conflict shown appears and disappears at once when another RFC is scheduled in this
 * process, when the CLI (another connection on the same file) adds a blackout or another
 * process writes a maintenance window, and when the RFC's own window moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addBlackout, addService, removeBlackout } from '../../src/app/catalogue.js';
import { cardOf, actorViewer } from '../../src/app/cards.js';
import { type AppContext, createContext, loadActor } from '../../src/app/context.js';
import { schedule } from '../../src/app/implementation.js';
import { show } from '../../src/app/queries.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { addBlackout as storeBlackout } from '../../src/db/repos/catalogue.js';
import type { Actor, Window } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { LENIENT_POLICY } from '../support/policy.js';

const win = (start: string, end: string): Window => ({ start: new Date(start), end: new Date(end) });
const SAT = win('2026-12-05T22:00:00Z', '2026-12-06T02:00:00Z');
const SUN = win('2026-12-06T22:00:00Z', '2026-12-07T02:00:00Z');

let dir: string;
let t: TestApp;
let cli: AppDatabase;
let cliCtx: AppContext;
let root: Actor, owner: Actor, manager: Actor;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'changebot-perf-conflicts-'));
  t = testApp({ path: join(dir, 'bot.db') });
  root = t.person('root', 'admin');
  owner = t.person('owner', 'admin');
  manager = t.person('cm', 'change-manager');
  addService(t.ctx, root, { name: 'db' });
  cli = openDatabase(join(dir, 'bot.db'));
  cliCtx = createContext(cli, { clock: t.clock, policy: LENIENT_POLICY, timezone: 'UTC' });
});
afterEach(() => {
  cli.close();
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A standard change on db in `window`: approved at once (pre-approved), so it holds its window; a draft when `draft`. */
function rfcOn(window: Window, title: string, draft = false): string {
  const r = raise(t.ctx, owner, { title, category: 'standard', services: ['db'], backout: 'restore', start: window.start, durationMinutes: 240 }).result;
  if (!draft) submit(t.ctx, owner, r.key);
  return r.key;
}

/** What `/rfc show` lists as conflicts, shown twice so the second answer may come from the cache. */
function shown(key: string): string[] {
  const first = show(t.ctx, owner, key).result.conflicts;
  const again = show(t.ctx, owner, key).result.conflicts;
  expect(again).toEqual(first);
  return first;
}

describe('the conflicts /rfc show keeps', () => {
  it('gains a clash when another RFC is scheduled through a use case in this process', () => {
    const a = rfcOn(SAT, 'Patch db01');
    expect(shown(a)).toEqual([]);
    const b = rfcOn(SAT, 'Patch db02', true);
    expect(shown(a)).toEqual([]); // a draft holds no window
    submit(t.ctx, owner, b);
    schedule(t.ctx, manager, b, { ack: true, reason: 'agreed' });
    expect(shown(a)).toEqual([`${b} (Patch db02) also changes db from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC`]);
    // A card rendered after it says the same.
    expect(cardOf(t.ctx, 'details', a, actorViewer(owner), 'UTC').conflicts).toEqual([
      `${b} (Patch db02) also changes db from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC`,
    ]);
  });

  it('follows a blackout the CLI adds and removes on its own connection', () => {
    const a = rfcOn(SAT, 'Patch db01');
    expect(shown(a)).toEqual([]);
    const cliRoot = loadActor(cliCtx, root.id);
    const b = addBlackout(cliCtx, cliRoot, { start: new Date('2026-12-05T23:00:00Z'), end: new Date('2026-12-06T01:00:00Z'), reason: 'year end' }).result;
    expect(shown(a)).toEqual(['The window overlaps the blackout from Sat 5 Dec 23:00 to Sun 6 Dec 01:00 UTC (year end); only emergency changes may run then']);
    removeBlackout(cliCtx, cliRoot, { id: b.id });
    expect(shown(a)).toEqual([]);
  });

  it('follows a maintenance window another process writes (no use case of this process runs)', () => {
    const a = rfcOn(SAT, 'Patch db01');
    expect(shown(a)).toEqual([]);
    // As another process would: straight into the file, this process counts no write of its own.
    cli.sqlite.prepare("insert into maintenance_windows (service, rrule, duration_minutes, timezone) values ('db', 'FREQ=DAILY;BYHOUR=3', 60, 'UTC')").run();
    expect(shown(a)).toEqual(['The window is outside the maintenance windows for db; the next one starts Sun 6 Dec 03:00 UTC']);
  });

  it('drops a clash when the RFC’s own window moves away', () => {
    const a = rfcOn(SAT, 'Patch db01');
    const b = rfcOn(SAT, 'Patch db02');
    schedule(t.ctx, manager, b, { ack: true, reason: 'agreed' });
    expect(shown(a)).toHaveLength(1);
    schedule(t.ctx, owner, a, { start: SUN.start, end: SUN.end });
    expect(shown(a)).toEqual([]);
  });

  it('keeps nothing computed inside a transaction that is then rolled back', () => {
    const a = rfcOn(SAT, 'Patch db01');
    expect(shown(a)).toEqual([]);
    const blackout = 'The window overlaps the blackout from Sat 5 Dec 23:00 to Sun 6 Dec 01:00 UTC; only emergency changes may run then';
    expect(() =>
      t.ctx.database.db.transaction((tx) => {
        storeBlackout(tx, { start: new Date('2026-12-05T23:00:00Z'), end: new Date('2026-12-06T01:00:00Z'), reason: null });
        expect(shown(a)).toEqual([blackout]);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(shown(a)).toEqual([]);
  });
});
