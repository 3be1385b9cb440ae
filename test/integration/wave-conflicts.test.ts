/**
 * Deployment waves in the schedule, on real SQLite: scheduling an RFC sees other releases'
 * waves; a new wave sees RFCs, other waves, blackouts and maintenance windows; `/rfc calendar`
 * and `/rfc conflicts` list waves. Releases and waves are stored through the repo directly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addBlackout, addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { schedule } from '../../src/app/implementation.js';
import { calendar, conflicts, slot } from '../../src/app/queries.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { waveConflicts } from '../../src/app/wave-schedule.js';
import { updateRfc, findRfc } from '../../src/db/repos/rfcs.js';
import type { Release, ReleasePhase, Wave } from '../../src/domain/release.js';
import type { Actor, Window } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';
import { fixtureWave, storeRelease as store } from '../support/release-fixture.js';

const d = (iso: string) => new Date(iso);
const win = (start: string, end: string): Window => ({ start: d(start), end: d(end) });
const SAT = win('2026-12-05T22:00:00Z', '2026-12-06T02:00:00Z');

let t: TestApp;
let root: Actor, owner: Actor, manager: Actor;

beforeEach(() => {
  t = testApp();
  root = t.person('root', 'admin');
  owner = t.person('owner', 'admin');
  manager = t.person('cm', 'change-manager');
  addService(t.ctx, root, { name: 'db' });
  addService(t.ctx, root, { name: 'app', dependsOn: ['db'] });
  addService(t.ctx, root, { name: 'mail' });
});
afterEach(() => t.close());

const wave = fixtureWave;
const storeRelease = (name: string, waves: Wave[], phase: ReleasePhase = 'deployment'): Release => store(t.ctx.database.db, name, waves, { phase });

function rfcOn(services: string[], window: Window, title = 'Patch db01'): string {
  const r = raise(t.ctx, owner, {
    title,
    category: 'standard',
    services,
    backout: 'restore',
    start: window.start,
    durationMinutes: (window.end.getTime() - window.start.getTime()) / 60_000,
  }).result;
  submit(t.ctx, owner, r.key);
  return r.key;
}

describe('scheduling an RFC sees the waves of releases', () => {
  it('refuses an overlap with a wave on the same service unless a change manager acknowledges it', () => {
    storeRelease('Spring rollout', [wave(1, win('2026-12-05T23:00:00Z', '2026-12-06T01:00:00Z'), ['db'], { pilot: true })]);
    const key = rfcOn(['db'], SAT);
    const refused = refusal(() => schedule(t.ctx, owner, key, {}));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toBe(`${key} conflicts with:\n• REL-1 pilot wave 1 (Spring rollout) also changes db from Sat 5 Dec 23:00 to Sun 6 Dec 01:00 UTC`);
    expect(schedule(t.ctx, manager, key, { ack: true, reason: 'agreed with the release manager' }).message).toBe(
      `Scheduled ${key}. 1 conflict(s) noted in the change log.`,
    );
  });

  it('reports a wave on a service the RFC depends on, in /rfc conflicts', () => {
    storeRelease('Db upgrade', [wave(1, win('2026-12-06T00:00:00Z', '2026-12-06T03:00:00Z'), ['db'])]);
    const key = rfcOn(['app'], SAT, 'Deploy app');
    const found = conflicts(t.ctx, owner, key);
    expect(found.result).toEqual([
      {
        kind: 'dependency',
        needs: 'ack',
        message: 'REL-1 wave 1 (Db upgrade) changes db, which app depends on (app → db), from Sun 6 Dec 00:00 to Sun 6 Dec 03:00 UTC',
        otherReleaseKey: 'REL-1',
        otherWave: 1,
        service: 'db',
      },
    ]);
    expect(found.message).toBe(
      '• REL-1 wave 1 (Db upgrade) changes db, which app depends on (app → db), from Sun 6 Dec 00:00 to Sun 6 Dec 03:00 UTC (needs a change manager’s ack)',
    );
  });

  it('ignores waves that hold no window (finished ones, those of closed or cancelled releases) and its own release’s', () => {
    storeRelease('Done', [wave(1, SAT, ['db'], { state: 'successful' })]);
    storeRelease('Called off', [wave(1, SAT, ['db'])], 'cancelled');
    storeRelease('Over', [wave(1, SAT, ['db'])], 'closed');
    const key = rfcOn(['db'], SAT);
    expect(conflicts(t.ctx, owner, key).result).toEqual([]);
    // A wave of a release the RFC is not part of conflicts; once the RFC is part of it, not.
    const own = storeRelease('Own', [wave(1, SAT, ['db'], { state: 'deploying' })]);
    expect(conflicts(t.ctx, owner, key).result.map((c) => c.message)).toEqual([
      'REL-4 wave 1 (Own) also changes db from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC',
    ]);
    updateRfc(t.ctx.database.db, { ...findRfc(t.ctx.database.db, key)!, releaseKey: own.key });
    expect(conflicts(t.ctx, owner, key).result).toEqual([]);
    expect(schedule(t.ctx, owner, key, {}).message).toBe(`Scheduled ${key}.`);
  });

  it('the next free slot avoids a wave on a related service', () => {
    t.clock.current = d('2026-12-05T21:50:00Z');
    storeRelease('Db upgrade', [wave(1, win('2026-12-05T22:00:00Z', '2026-12-06T01:00:00Z'), ['db'])]);
    expect(slot(t.ctx, owner, 'app', 60).message).toBe('Next free slot for app: from Sun 6 Dec 01:00 to Sun 6 Dec 02:00 UTC.');
    expect(slot(t.ctx, owner, 'mail', 60).message).toBe('Next free slot for mail: from Sat 5 Dec 22:00 to Sat 5 Dec 23:00 UTC.');
  });
});

describe('waveConflicts: a new wave checked like an RFC window', () => {
  it('sees an RFC on the same service', () => {
    const key = rfcOn(['db'], SAT);
    schedule(t.ctx, owner, key, {});
    const rel = storeRelease('Spring rollout', [], 'readiness_review');
    expect(waveConflicts(t.ctx.database.db, rel, win('2026-12-06T01:00:00Z', '2026-12-06T03:00:00Z'), ['db'], 'Europe/Paris')).toEqual([
      {
        kind: 'overlap',
        needs: 'ack',
        message: `${key} (Patch db01) also changes db from Sat 5 Dec 23:00 to Sun 6 Dec 03:00 CET`,
        otherRfcKey: key,
        service: 'db',
      },
    ]);
  });

  it('sees a wave of another release on a dependent service, but not its own release’s waves or RFCs', () => {
    storeRelease('App rollout', [wave(2, SAT, ['app'], { state: 'deploying' })]);
    const rel = storeRelease('Db upgrade', [wave(1, SAT, ['db'])]);
    const mine = rfcOn(['db'], SAT, 'Db part of the release');
    updateRfc(t.ctx.database.db, { ...findRfc(t.ctx.database.db, mine)!, releaseKey: rel.key });
    schedule(t.ctx, manager, mine, { ack: true, reason: 'the app rollout knows' });
    expect(waveConflicts(t.ctx.database.db, rel, SAT, ['db'], 'UTC')).toEqual([
      {
        kind: 'dependency',
        needs: 'ack',
        message: 'REL-1 wave 2 (App rollout) changes app, which depends on db (app → db), from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC',
        otherReleaseKey: 'REL-1',
        otherWave: 2,
        service: 'app',
      },
    ]);
  });

  it('sees a blackout (needs an ack) and a window outside maintenance (needs a reason)', () => {
    addBlackout(t.ctx, root, { start: d('2026-12-05T00:00:00Z'), end: d('2026-12-07T00:00:00Z'), reason: 'Year-end freeze' });
    addMaintenanceWindow(t.ctx, root, { rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=3', durationMinutes: 120, service: 'mail' });
    const rel = storeRelease('Mail', [], 'planning');
    expect(waveConflicts(t.ctx.database.db, rel, SAT, ['mail'], 'UTC')).toEqual([
      {
        kind: 'blackout',
        needs: 'ack',
        message: 'The window overlaps the blackout from Sat 5 Dec 00:00 to Mon 7 Dec 00:00 UTC (Year-end freeze); only emergency changes may run then',
        blackoutId: 1,
      },
      {
        kind: 'outside-maintenance',
        needs: 'reason',
        message: 'The window is outside the maintenance windows for mail; the next one starts Sun 6 Dec 03:00 UTC',
        service: 'mail',
      },
    ]);
  });

  it('is clean in a free slot', () => {
    const rel = storeRelease('Quiet', [], 'planning');
    expect(waveConflicts(t.ctx.database.db, rel, SAT, ['mail'], 'UTC')).toEqual([]);
  });
});

describe('the calendar lists waves', () => {
  it('shows planned and deploying waves beside RFCs, in time order, filtered by service', () => {
    const key = rfcOn(['mail'], win('2026-12-03T22:00:00Z', '2026-12-03T23:00:00Z'), 'Mail certs');
    schedule(t.ctx, owner, key, {});
    storeRelease('Spring rollout', [
      wave(1, win('2026-12-02T20:00:00Z', '2026-12-02T21:00:00Z'), ['db', 'app'], { pilot: true, state: 'deploying' }),
      wave(2, SAT, ['db']),
      wave(3, win('2026-12-20T20:00:00Z', '2026-12-20T21:00:00Z'), ['db']),
    ]);
    const cal = calendar(t.ctx, owner, 7);
    expect(cal.result.map((e) => [e.key, e.title, e.state, e.wave])).toEqual([
      ['REL-1', 'wave 1 (pilot) · Spring rollout', 'deploying', 1],
      [key, 'Mail certs', 'scheduled', undefined],
      ['REL-1', 'wave 2 · Spring rollout', 'planned', 2],
    ]);
    expect(cal.message).toBe(
      [
        'Wednesday 2 December',
        '  REL-1 wave 1 (pilot) · Spring rollout [db, app] from Wed 2 Dec 20:00 to Wed 2 Dec 21:00 UTC (deploying)',
        'Thursday 3 December',
        `  ${key} Mail certs [mail] from Thu 3 Dec 22:00 to Thu 3 Dec 23:00 UTC (scheduled)`,
        'Saturday 5 December',
        '  REL-1 wave 2 · Spring rollout [db] from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC (planned)',
      ].join('\n'),
    );
    expect(calendar(t.ctx, owner, 7, 'app').result.map((e) => `${e.key} ${e.title}`)).toEqual(['REL-1 wave 1 (pilot) · Spring rollout']);
  });
});
