/**
 * Post-implementation review and closure on a real SQLite: separation of duties at close, the
 * review's outcome, incident and problem reference, and cloning a finished RFC.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorViewer, cardOf } from '../../src/app/cards.js';
import { addService } from '../../src/app/catalogue.js';
import { close, progress, review, schedule } from '../../src/app/implementation.js';
import { changeLog, viewRfc } from '../../src/app/queries.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { ChangebotError } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';

let t: TestApp;
let root: Actor, ana: Actor, ian: Actor, mgr: Actor, cab1: Actor, cab2: Actor, cab3: Actor;

const WINDOW_START = new Date('2026-12-05T22:00:00Z');

function refused(f: () => unknown): ChangebotError {
  try {
    f();
  } catch (e) {
    if (e instanceof ChangebotError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const command = (actor: Actor, text: string) =>
  execute(t.ctx, actor, parseCommand(text, { platform: 'cli', workspace: '', timezone: actor.timezone, now: t.clock.now() }), { platform: 'cli' });

const logOf = (key: string) => changeLog(t.ctx, root, key).result;
const stateOf = (key: string) => viewRfc(t.ctx, key).state;

/** A significant change owned by ana, approved by the CAB and scheduled, with the clock inside its window. */
function scheduled(): string {
  const r = raise(t.ctx, ana, {
    title: 'Patch db01',
    category: 'significant',
    services: ['db'],
    backout: 'restore snapshot',
    test: 'smoke tests',
    start: WINDOW_START,
    durationMinutes: 120,
  }).result;
  submit(t.ctx, ana, r.key);
  for (const c of [cab1, cab2, cab3]) vote(t.ctx, c, r.key, 'approve');
  schedule(t.ctx, ana, r.key, {});
  // `start` is allowed only inside the approved window.
  t.clock.current = new Date(WINDOW_START);
  return r.key;
}

beforeEach(() => {
  t = testApp();
  root = t.person('root', 'admin');
  ana = t.person('ana');
  ian = t.person('ian', 'change-manager');
  mgr = t.person('mgr', 'change-manager');
  cab1 = t.person('cab1', 'cab');
  cab2 = t.person('cab2', 'cab');
  cab3 = t.person('cab3', 'cab');
  addService(t.ctx, root, { name: 'db' });
});
afterEach(() => t.close());

describe('closing a review: separation of duties', () => {
  it('refuses the change manager who implemented it, and lets another change manager close it', () => {
    const key = scheduled();
    progress(t.ctx, ian, key, 'start');
    progress(t.ctx, ana, key, 'complete');
    review(t.ctx, ana, key, 'went fine');
    const rows = logOf(key).length;

    const e = refused(() => close(t.ctx, ian, key));
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe("You implemented RFC-1, so you can't close its review. Another change manager must close it.");
    expect(refused(() => command(ian, 'close RFC-1')).message).toBe(
      "You implemented RFC-1, so you can't close its review. Another change manager must close it.",
    );
    expect(stateOf(key)).toBe('in_review');
    expect(logOf(key)).toHaveLength(rows);

    expect(command(mgr, 'close RFC-1').text).toBe('Closed RFC-1.');
    expect(stateOf(key)).toBe('closed');
  });

  it('refuses an owner who is a change manager, though someone else ran the change', () => {
    const key = scheduled();
    t.person('ana', 'change-manager');
    const owner = t.person('ana');
    progress(t.ctx, mgr, key, 'start');
    progress(t.ctx, mgr, key, 'complete');
    review(t.ctx, owner, key);
    const rows = logOf(key).length;

    expect(refused(() => close(t.ctx, owner, key)).message).toBe("You own RFC-1, so you can't close its review. Another change manager must close it.");
    expect(refused(() => close(t.ctx, mgr, key)).message).toBe("You implemented RFC-1, so you can't close its review. Another change manager must close it.");
    expect(stateOf(key)).toBe('in_review');
    expect(logOf(key)).toHaveLength(rows);
    expect(close(t.ctx, ian, key).rfc?.state).toBe('closed');
  });

  it('shows the Close review button only to a change manager who may close it', () => {
    const key = scheduled();
    progress(t.ctx, ian, key, 'start');
    progress(t.ctx, ian, key, 'backout', 'errors');
    review(t.ctx, ana, key);
    const labels = (actor: Actor) => cardOf(t.ctx, 'details', key, actorViewer(actor), 'UTC').buttons.map((b) => b.label);
    expect(labels(mgr)).toEqual(['Close review', 'Details']);
    expect(labels(ian)).toEqual(['Details']);
    expect(labels(ana)).toEqual(['Details']);
  });
});
