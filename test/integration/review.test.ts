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
import { clone } from '../../src/app/clone.js';
import { findRfc, listRfcs } from '../../src/db/repos/rfcs.js';
import { messageText } from '../../src/domain/messages.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';

let t: TestApp;
let root: Actor, ana: Actor, ian: Actor, mgr: Actor, cab1: Actor, cab2: Actor, cab3: Actor;

const WINDOW_START = new Date('2026-12-05T22:00:00Z');

const refused = refusal;

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
    review(t.ctx, ana, key, { notes: 'went fine' });
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
    // A backed-out change needs its problem reference before the review can be closed.
    expect(labels(mgr)).toEqual(['Details']);
    review(t.ctx, ana, key, { problem: 'PRB-7' });
    expect(labels(mgr)).toEqual(['Close review', 'Details']);
    expect(labels(ian)).toEqual(['Details']);
    expect(labels(ana)).toEqual(['Details']);
  });
});

describe('the review: outcome, incident and problem reference', () => {
  it('records the outcome, incident and problem given, in the RFC and the change log', () => {
    const key = scheduled();
    progress(t.ctx, ana, key, 'start');
    progress(t.ctx, ana, key, 'fail', 'disk full');
    const reply = command(ana, 'review RFC-1 outcome=failed incident=yes problem=PRB-12 notes="disk filled up"');
    expect(reply.text).toBe('RFC-1 is in review: failed, caused an incident, problem PRB-12. A change manager closes it with `/rfc close RFC-1`.');
    const rfc = findRfc(t.ctx.database.db, key);
    expect(rfc?.review).toEqual({ outcome: 'failed', causedIncident: true });
    expect(rfc?.problem).toBe('PRB-12');
    const row = logOf(key).at(-1);
    expect(row).toMatchObject({ action: 'review', fromState: 'failed', toState: 'in_review', reason: 'disk filled up' });
    expect(row?.detail).toEqual({ outcome: 'failed', causedIncident: true, problem: 'PRB-12' });
    expect(reply.outcome?.notifications).toEqual([
      { event: 'review-requested', subject: { type: 'rfc', key: 'RFC-1' }, recipients: [{ kind: 'role', role: 'change-manager' }], detail: 'disk filled up' },
    ]);
    // The details card shows what the review found.
    const facts = cardOf(t.ctx, 'details', key, actorViewer(mgr), 'UTC').facts.slice(-3);
    expect(facts).toEqual([
      { label: 'Review outcome', value: { kind: 'text', text: 'Failed' } },
      { label: 'Caused an incident', value: { kind: 'text', text: 'Yes' } },
      { label: 'Problem', value: { kind: 'text', text: 'PRB-12' } },
    ]);
    expect(command(mgr, 'close RFC-1').text).toBe('Closed RFC-1.');
  });

  it('takes the outcome from what was reported when none is given, and no incident', () => {
    const key = scheduled();
    progress(t.ctx, ana, key, 'start');
    progress(t.ctx, ana, key, 'complete');
    expect(command(ana, 'review RFC-1 went to plan').text).toBe(
      'RFC-1 is in review: successful, no incident. A change manager closes it with `/rfc close RFC-1`.',
    );
    expect(findRfc(t.ctx.database.db, key)?.review).toEqual({ outcome: 'successful', causedIncident: false });
    expect(logOf(key).at(-1)?.detail).toEqual({ outcome: 'successful', causedIncident: false });
  });

  it('asks the owner for a problem reference when a backed-out change has none, and refuses to close until it has one', () => {
    const key = scheduled();
    progress(t.ctx, ian, key, 'start');
    progress(t.ctx, ian, key, 'backout', 'errors after the patch');
    // A change manager opens the review: the owner is asked for the problem reference too.
    const reply = command(mgr, 'review RFC-1 incident=yes');
    expect(reply.text).toBe(
      'RFC-1 is in review: backed out, caused an incident. RFC-1 was backed out, so its review needs a problem reference before it can be closed. ' +
        'Add one with `/rfc review RFC-1 problem=PRB-123`.',
    );
    expect(reply.outcome?.notifications).toEqual([
      {
        event: 'review-requested',
        subject: { type: 'rfc', key: 'RFC-1' },
        recipients: [
          { kind: 'role', role: 'change-manager' },
          { kind: 'person', id: 'cli:ana' },
        ],
      },
    ]);
    const rfc = findRfc(t.ctx.database.db, key);
    expect(rfc?.review).toEqual({ outcome: 'backed-out', causedIncident: true });
    expect(rfc && messageText('review-requested', rfc, 'UTC')).toBe(
      'RFC-1 “Patch db01” is in its post-implementation review. Review: backed out, caused an incident. ' +
        'RFC-1 was backed out, so its review needs a problem reference before it can be closed: change owner cli:ana, add one with `/rfc review RFC-1 problem=PRB-123`.',
    );

    const rows = logOf(key).length;
    const e = refused(() => close(t.ctx, mgr, key));
    expect(e.code).toBe('incomplete');
    expect(e.message).toBe('RFC-1 was backed out, so its review needs a problem reference before it can be closed.');
    expect(refused(() => command(mgr, 'close RFC-1')).message).toBe(
      'RFC-1 was backed out, so its review needs a problem reference before it can be closed. Add one with `/rfc review RFC-1 problem=PRB-123`.',
    );
    expect(stateOf(key)).toBe('in_review');
    expect(logOf(key)).toHaveLength(rows);

    // The owner amends the review; the change managers hear it is ready to close.
    const amended = command(ana, 'review RFC-1 problem=PRB-12');
    expect(amended.text).toBe(
      'Updated the review of RFC-1: backed out, caused an incident, problem PRB-12. A change manager closes it with `/rfc close RFC-1`.',
    );
    expect(amended.outcome?.notifications).toEqual([
      { event: 'review-requested', subject: { type: 'rfc', key: 'RFC-1' }, recipients: [{ kind: 'role', role: 'change-manager' }] },
    ]);
    expect(logOf(key).at(-1)).toMatchObject({
      action: 'review',
      fromState: 'in_review',
      toState: 'in_review',
      detail: { outcome: 'backed-out', causedIncident: true, problem: 'PRB-12', amended: true },
    });
    expect(command(mgr, 'close RFC-1').text).toBe('Closed RFC-1.');
    expect(stateOf(key)).toBe('closed');
  });

  it('refuses an amendment that changes nothing, storing nothing', () => {
    const key = scheduled();
    progress(t.ctx, ana, key, 'start');
    progress(t.ctx, ana, key, 'complete');
    review(t.ctx, ana, key);
    const rows = logOf(key).length;
    expect(refused(() => command(ana, 'review RFC-1')).message).toBe(
      'RFC-1 is already in review. Give what to change in its review. Example: /rfc review RFC-1 problem=PRB-123 incident=yes',
    );
    expect(logOf(key)).toHaveLength(rows);
    expect(findRfc(t.ctx.database.db, key)?.review).toEqual({ outcome: 'successful', causedIncident: false });
  });

  it('refuses a review from someone who is neither owner nor change manager, storing nothing', () => {
    const key = scheduled();
    progress(t.ctx, ana, key, 'start');
    progress(t.ctx, ana, key, 'fail');
    const rows = logOf(key).length;
    expect(refused(() => command(cab1, 'review RFC-1 outcome=failed problem=PRB-1')).message).toBe(
      'Only its change owner or a change manager can review RFC-1.',
    );
    expect(logOf(key)).toHaveLength(rows);
    expect(findRfc(t.ctx.database.db, key)).toMatchObject({ state: 'failed', review: null, problem: null });
  });
});

describe('rfc clone', () => {
  /** A significant change raised by ana and rejected by the CAB. */
  function rejected(start = WINDOW_START): string {
    const r = raise(t.ctx, ana, {
      title: 'Patch db01',
      description: 'Apply 15.4',
      justification: 'Security fixes',
      category: 'significant',
      services: ['db'],
      impact: 'medium',
      likelihood: 'low',
      urgency: 'high',
      plan: 'apply the patch',
      backout: 'restore snapshot',
      test: 'smoke tests',
      cost: '2 hours',
      resources: 'DBA on call',
      outageMinutes: 30,
      audience: 'EU users',
      problem: 'PRB-9',
      start,
      durationMinutes: 120,
    }).result;
    submit(t.ctx, ana, r.key);
    for (const c of [cab1, cab2, cab3]) vote(t.ctx, c, r.key, 'reject');
    return r.key;
  }

  it('starts a new draft from a rejected RFC: same content, the actor as requester and owner, a future window kept', () => {
    const key = rejected();
    expect(stateOf(key)).toBe('rejected');
    const bob = t.person('bob');
    const reply = command(bob, `clone ${key}`);
    expect(reply.text).toBe('Cloned RFC-1 as RFC-2 “Patch db01” (a draft). Submit it with `/rfc submit RFC-2`.');
    const copy = findRfc(t.ctx.database.db, 'RFC-2');
    expect(copy).toMatchObject({
      title: 'Patch db01',
      description: 'Apply 15.4',
      justification: 'Security fixes',
      category: 'significant',
      emergency: false,
      services: ['db'],
      impact: 'medium',
      likelihood: 'low',
      urgency: 'high',
      plan: 'apply the patch',
      backout: 'restore snapshot',
      test: 'smoke tests',
      cost: '2 hours',
      resources: 'DBA on call',
      outage: { minutes: 30, audience: 'EU users' },
      window: { start: new Date('2026-12-05T22:00:00Z'), end: new Date('2026-12-06T00:00:00Z') },
      requester: 'cli:bob',
      owner: 'cli:bob',
      state: 'draft',
      problem: null,
      review: null,
      voteDeadline: null,
      clonedFrom: 'RFC-1',
    });
    expect(logOf('RFC-2').map((e) => [e.actor, e.action, e.fromState, e.toState, e.detail])).toEqual([
      ['cli:bob', 'raise', null, 'draft', { clonedFrom: 'RFC-1' }],
    ]);
    expect(logOf('RFC-1').at(-1)).toMatchObject({ actor: 'cli:bob', action: 'clone', fromState: null, toState: null, detail: { clone: 'RFC-2' } });
    expect(stateOf('RFC-1')).toBe('rejected');
  });

  it('clones a closed RFC, leaving out a window that has already started', () => {
    const key = scheduled();
    progress(t.ctx, ana, key, 'start');
    progress(t.ctx, ana, key, 'complete');
    review(t.ctx, ana, key);
    close(t.ctx, mgr, key);
    const out = clone(t.ctx, ana, key);
    expect(out.message).toBe('Cloned RFC-1 as RFC-2 “Patch db01” (a draft). Before you submit it, add a planned window.');
    expect(out.next).toBeUndefined();
    expect(out.result).toMatchObject({ key: 'RFC-2', state: 'draft', window: null, requester: 'cli:ana', owner: 'cli:ana', clonedFrom: 'RFC-1' });
  });

  it('refuses to clone an RFC that is still active, storing nothing', () => {
    const key = scheduled();
    const rows = logOf(key).length;
    const e = refused(() => command(ana, `clone ${key}`));
    expect(e.code).toBe('invalid_transition');
    expect(e.message).toBe("RFC-1 is scheduled, so it can't be cloned; only a rejected, closed, withdrawn or cancelled RFC can. Change it as it is instead.");
    expect(listRfcs(t.ctx.database.db).map((r) => r.key)).toEqual(['RFC-1']);
    expect(logOf(key)).toHaveLength(rows);
  });

  it('refuses a non-manager cloning a standard change, as when raising one, storing nothing', () => {
    const std = raise(t.ctx, mgr, { title: 'Add a user', category: 'standard', services: ['db'], backout: 'remove the user' }).result;
    command(mgr, `withdraw ${std.key}`);
    const rows = logOf(std.key).length;
    const e = refused(() => command(ana, `clone ${std.key}`));
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe(
      'Standard changes are pre-approved, so only a change manager can mark a change standard. Use category=minor, or ask a change manager.',
    );
    expect(listRfcs(t.ctx.database.db).map((r) => r.key)).toEqual([std.key]);
    expect(logOf(std.key)).toHaveLength(rows);
    expect(clone(t.ctx, ian, std.key).result).toMatchObject({ key: 'RFC-2', category: 'standard', owner: 'cli:ian', clonedFrom: 'RFC-1' });
  });
});
