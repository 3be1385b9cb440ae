/**
 * One command's work is bounded (issue 11, first part): a window is at most a year long, so the
 * conflict check never expands maintenance windows over centuries, and a refused command is
 * refused by its state before any conflict work.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { reschedule } from '../../src/app/implementation.js';
import { addWave, createRelease } from '../../src/app/releases.js';
import { edit, raise, withdraw } from '../../src/app/rfcs.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';

let t: TestApp;
let ana: Actor, rita: Actor;
const H = 3_600_000;
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
