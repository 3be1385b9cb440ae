/**
 * One command's work is bounded (issue 11): a window is at most a year long and starts at most
 * a day ago, so the conflict check never expands maintenance windows over centuries; it reads
 * only the changes that can conflict; and a refused command is refused by its state before any
 * conflict work.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { reschedule } from '../../src/app/implementation.js';
import { conflictsOf } from '../../src/app/queries.js';
import { insertRfc } from '../../src/db/repos/rfcs.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { addWave, createRelease } from '../../src/app/releases.js';
import { edit, raise, withdraw } from '../../src/app/rfcs.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';

let t: TestApp;
let ana: Actor, rita: Actor;
const H = 3_600_000;
const PAST_MESSAGE = 'A window can start at most a day in the past. Give a start from now on, e.g. start="tomorrow 22:00" duration=2h.';
const YEAR_MESSAGE = 'A window is at most a year long. Give an end or a duration within a year of its start, e.g. duration=4h.';

beforeEach(() => {
  t = testApp();
  const root = t.person('root', 'admin');
  ana = t.person('ana');
  rita = t.person('rita', 'release-manager');
  addService(t.ctx, root, { name: 'db' });
  addMaintenanceWindow(t.ctx, root, { service: 'db', rrule: 'FREQ=DAILY;BYHOUR=22', durationMinutes: 120 });
});
afterEach(() => t.close());

describe('a window is at most a year long', () => {
  const start = () => new Date(t.clock.now().getTime() + H);

  it('when an RFC is raised or edited, naming the field', () => {
    const e = refusal(() => raise(t.ctx, ana, { title: 'x', category: 'minor', services: ['db'], start: start(), end: new Date('9999-12-31T23:59:00Z') }));
    expect([e.code, e.message, e.details.field]).toEqual(['bad_value', YEAR_MESSAGE, 'end']);
    const key = raise(t.ctx, ana, { title: 'x', category: 'minor', services: ['db'], start: start(), durationMinutes: 60 }).result.key;
    expect(refusal(() => edit(t.ctx, ana, key, { end: new Date(start().getTime() + 367 * 24 * H) })).message).toBe(YEAR_MESSAGE);
    // A year exactly is still a window.
    expect(edit(t.ctx, ana, key, { end: new Date(start().getTime() + 366 * 24 * H) }).message).toBe(`Updated window of ${key}.`);
  });

  it('when a wave is planned', () => {
    const rel = createRelease(t.ctx, rita, { name: 'R' }).result.key;
    expect(refusal(() => addWave(t.ctx, rita, rel, { start: start(), end: new Date('3026-01-01T00:00:00Z') })).message).toBe(YEAR_MESSAGE);
  });
});

it('refuses rescheduling a withdrawn RFC by its state', () => {
  const key = raise(t.ctx, ana, { title: 'x', category: 'minor', services: ['db'], start: new Date(t.clock.now().getTime() + H), durationMinutes: 60 }).result
    .key;
  withdraw(t.ctx, ana, key);
  const e = refusal(() => reschedule(t.ctx, ana, key, { start: new Date(t.clock.now().getTime() + 2 * H) }));
  expect(e.code).toBe('invalid_transition');
});

describe('a window starts at most a day ago', () => {
  const ago = (h: number) => new Date(t.clock.now().getTime() - h * H);

  it('when raised, edited, rescheduled or given to a wave, naming the field', () => {
    const e = refusal(() =>
      raise(t.ctx, ana, { title: 'x', category: 'minor', services: ['db'], start: new Date('1970-01-01T00:00:00Z'), durationMinutes: 60 }),
    );
    expect([e.code, e.message, e.details.field]).toEqual(['bad_value', PAST_MESSAGE, 'start']);
    const key = raise(t.ctx, ana, { title: 'x', category: 'minor', services: ['db'], start: ago(-1), durationMinutes: 60 }).result.key;
    expect(refusal(() => edit(t.ctx, ana, key, { start: ago(25) })).message).toBe(PAST_MESSAGE);
    const rel = createRelease(t.ctx, rita, { name: 'R' }).result.key;
    expect(refusal(() => addWave(t.ctx, rita, rel, { start: ago(48), durationMinutes: 60 })).message).toBe(PAST_MESSAGE);
  });

  it('but an emergency change may be recorded after it began, and a running window keeps its start', () => {
    const key = raise(t.ctx, ana, { title: 'x', category: 'minor', emergency: true, services: ['db'], start: ago(12), durationMinutes: 16 * 60 }).result.key;
    expect(edit(t.ctx, ana, key, { durationMinutes: 20 * 60 }).message).toBe(`Updated window of ${key}.`);
    t.clock.advance(2 * 24 * H);
    // The end moves; the start, now two and a half days ago, was checked when it was given.
    expect(edit(t.ctx, ana, key, { end: new Date(t.clock.now().getTime() + H) }).message).toBe(`Updated window of ${key}.`);
  });
});

it('reads only the changes that can conflict, and still finds them through dependencies both ways', () => {
  const root = t.person('root', 'admin');
  addService(t.ctx, root, { name: 'app', dependsOn: ['db'] });
  addService(t.ctx, root, { name: 'web', dependsOn: ['app'] });
  addService(t.ctx, root, { name: 'mail' });
  const at = new Date(t.clock.now().getTime() + 24 * H);
  const scheduled = (title: string, services: string[]) => {
    const {
      id: _id,
      key: _key,
      ...rfc
    } = draftRfc('cli:bob', t.clock.now(), {
      title,
      category: 'minor',
      services,
      window: { start: at, end: new Date(at.getTime() + 2 * H) },
      state: 'scheduled',
    });
    return insertRfc(t.ctx.database.db, rfc).key;
  };
  const onWeb = scheduled('Web', ['web']);
  scheduled('Mail', ['mail']);
  const onDb = scheduled('Db', ['db']);
  const app = raise(t.ctx, ana, { title: 'App', category: 'minor', services: ['app'], start: at, durationMinutes: 60 }).result;
  const found = conflictsOf(t.ctx.database.db, app, 'UTC').filter((c) => c.kind === 'dependency');
  expect(found.map((c) => c.otherRfcKey).sort()).toEqual([onDb, onWeb].sort());
});
