import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantRole, revokeRole } from '../../src/app/admin.js';
import { addMaintenanceWindow, addService, listMaintenanceWindows, listServices, removeService } from '../../src/app/catalogue.js';
import { close, progress, reschedule, review, schedule } from '../../src/app/implementation.js';
import { changeLog, list, viewRfc } from '../../src/app/queries.js';
import { cancel, edit, raise, submit, withdraw } from '../../src/app/rfcs.js';
import { decideByDeadline, vote } from '../../src/app/voting.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';

const H = 3_600_000;
let t: TestApp;
let root: Actor, req: Actor, cab1: Actor, cab2: Actor, cab3: Actor, mgr: Actor;

const refused = refusal;

function logRows(key: string) {
  return changeLog(t.ctx, root, key).result;
}

function readyFields(start = new Date('2026-12-05T22:00:00Z')) {
  return {
    title: 'Patch db01',
    category: 'significant' as const,
    services: ['db'],
    backout: 'restore snapshot',
    test: 'smoke tests',
    start,
    durationMinutes: 120,
  };
}

beforeEach(() => {
  t = testApp();
  root = t.person('root', 'admin');
  req = t.person('req');
  cab1 = t.person('cab1', 'cab');
  cab2 = t.person('cab2', 'cab');
  cab3 = t.person('cab3', 'cab');
  mgr = t.person('mgr', 'change-manager');
  addService(t.ctx, root, { name: 'db', audience: ['slack:channel:C1'] });
  addService(t.ctx, root, { name: 'web', dependsOn: ['db'] });
});
afterEach(() => t.close());

describe('RFC lifecycle on SQLite', () => {
  it('runs a significant change from draft to closed, one log row per state change', () => {
    const r = raise(t.ctx, req, { title: 'Patch db01' }).result;
    expect(r.key).toBe('RFC-1');
    const incomplete = refused(() => submit(t.ctx, req, r.key));
    expect(incomplete.code).toBe('incomplete');
    expect(incomplete.details.missing).toEqual(['services', 'backout', 'window']);
    expect(incomplete.message).toBe(
      [
        "RFC-1 can't go to approval yet. Missing:",
        '• the affected services, e.g. services=db,web',
        '• a backout plan, e.g. backout="Restore the snapshot taken before the change"',
        '• a planned window, e.g. start="tomorrow 22:00" duration=1h',
      ].join('\n'),
    );
    edit(t.ctx, req, r.key, { ...readyFields(), outageMinutes: 30 });
    const submitted = submit(t.ctx, req, r.key);
    expect(submitted.rfc?.state).toBe('awaiting_approval');
    expect(submitted.notifications).toEqual([{ event: 'vote-requested', subject: { type: 'rfc', key: 'RFC-1' }, recipients: [{ kind: 'cab-channel' }] }]);
    expect(vote(t.ctx, cab1, r.key, 'approve').result.decision.outcome).toBe('pending');
    expect(vote(t.ctx, cab2, r.key, 'reject', 'not this week').result.decision.outcome).toBe('pending');
    const decided = vote(t.ctx, cab3, r.key, 'approve');
    expect(decided.rfc?.state).toBe('approved');
    const told = decided.notifications.find((n) => n.event === 'decided');
    expect(told?.recipients).toEqual([{ kind: 'person', id: 'cli:req' }, { kind: 'cab-channel' }]);
    expect(schedule(t.ctx, req, r.key, {}).rfc?.state).toBe('scheduled');
    t.clock.current = new Date('2026-12-05T22:00:00Z');
    const started = progress(t.ctx, req, r.key, 'start');
    expect(started.notifications[0]?.recipients).toContainEqual({ kind: 'audience', service: 'db' });
    expect(started.notifications[0]?.recipients).not.toContainEqual({ kind: 'person', id: req.id }); // the actor sees the reply
    expect(progress(t.ctx, req, r.key, 'complete').rfc?.state).toBe('implemented');
    expect(review(t.ctx, req, r.key, { notes: 'went fine' }).rfc?.state).toBe('in_review');
    expect(refused(() => close(t.ctx, req, r.key)).code).toBe('forbidden');
    expect(close(t.ctx, mgr, r.key).rfc?.state).toBe('closed');

    const moves = logRows(r.key)
      .filter((e) => e.toState)
      .map((e) => `${e.fromState ?? '-'}>${e.toState}`);
    expect(moves).toEqual([
      '->draft',
      'draft>submitted',
      'submitted>awaiting_approval',
      'awaiting_approval>approved',
      'approved>scheduled',
      'scheduled>implementing',
      'implementing>implemented',
      'implemented>in_review',
      'in_review>closed',
    ]);
    const actions = logRows(r.key).map((e) => e.action);
    expect(actions.filter((a) => a === 'vote')).toHaveLength(3);
    expect(actions.filter((a) => a === 'edit')).toHaveLength(1);
  });

  it('pre-approves standard changes and sends minor ones to a change manager', () => {
    // Choosing "standard" is itself an approval: only a change manager may.
    expect(refused(() => raise(t.ctx, req, { ...readyFields(), category: 'standard' })).code).toBe('forbidden');
    const draft = raise(t.ctx, req, readyFields()).result;
    expect(refused(() => edit(t.ctx, req, draft.key, { category: 'standard' })).code).toBe('forbidden');
    const std = raise(t.ctx, mgr, { ...readyFields(), category: 'standard', owner: req.id }).result;
    expect(submit(t.ctx, req, std.key).rfc?.state).toBe('approved');
    const minor = raise(t.ctx, req, { ...readyFields(), category: 'minor' }).result;
    const s = submit(t.ctx, req, minor.key);
    expect(s.notifications[0]).toEqual({
      event: 'approval-requested',
      subject: { type: 'rfc', key: minor.key },
      recipients: [{ kind: 'role', role: 'change-manager' }],
    });
    expect(refused(() => vote(t.ctx, cab1, minor.key, 'approve')).code).toBe('forbidden');
    expect(vote(t.ctx, mgr, minor.key, 'approve').rfc?.state).toBe('approved');
  });

  it('routes a rejection to the requester and the release managers', () => {
    const r = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, r.key);
    vote(t.ctx, cab1, r.key, 'reject');
    vote(t.ctx, cab2, r.key, 'reject');
    const out = vote(t.ctx, cab3, r.key, 'approve');
    expect(out.rfc?.state).toBe('rejected');
    expect(out.notifications.find((n) => n.event === 'decided')?.recipients).toContainEqual({ kind: 'role', role: 'release-manager' });
  });

  it('refuses self-approval and votes by non-members, recording nothing', () => {
    const r = raise(t.ctx, cab1, readyFields()).result;
    submit(t.ctx, cab1, r.key);
    expect(refused(() => vote(t.ctx, cab1, r.key, 'approve')).code).toBe('self_approval');
    expect(refused(() => vote(t.ctx, req, r.key, 'approve')).code).toBe('forbidden');
    expect(logRows(r.key).filter((e) => e.action.startsWith('vote'))).toEqual([]);
  });

  it('lets a member change their vote until the decision, and ignores a repeated click', () => {
    const r = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, r.key);
    vote(t.ctx, cab1, r.key, 'reject');
    expect(vote(t.ctx, cab1, r.key, 'reject').result.changed).toBe(false);
    vote(t.ctx, cab1, r.key, 'approve');
    expect(viewRfc(t.ctx, r.key).tally).toMatchObject({ approve: 1, reject: 0, cast: 1 });
    expect(logRows(r.key).map((e) => e.action)).toEqual(['raise', 'submit', 'evaluate', 'vote', 'vote-changed']);
  });

  it('escalates an undecided vote at the deadline; the change manager then decides', () => {
    const r = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, r.key);
    vote(t.ctx, cab1, r.key, 'approve');
    expect(decideByDeadline(t.ctx, root, r.key).result.escalated).toBe(false); // not yet due
    t.clock.advance(49 * H);
    const esc = decideByDeadline(t.ctx, root, r.key);
    expect(esc.result.escalated).toBe(true);
    expect(esc.notifications[0]?.recipients).toContainEqual({ kind: 'role', role: 'change-manager' });
    expect(decideByDeadline(t.ctx, root, r.key).result.escalated).toBe(false); // idempotent
    expect(refused(() => vote(t.ctx, cab2, r.key, 'approve')).code).toBe('invalid_transition');
    expect(vote(t.ctx, mgr, r.key, 'approve').rfc?.state).toBe('approved');
  });

  it('at the deadline, an early sign-off does not decide; the change manager voting again does, and repeating a vote applies it', () => {
    const a = raise(t.ctx, req, { ...readyFields(), category: 'major' }).result;
    submit(t.ctx, req, a.key);
    vote(t.ctx, mgr, a.key, 'approve'); // an early sign-off
    vote(t.ctx, cab1, a.key, 'approve');
    t.clock.advance(49 * H);
    const out = decideByDeadline(t.ctx, root, a.key);
    expect(out.result.escalated).toBe(true);
    expect(out.rfc?.state).toBe('awaiting_approval');
    const decided = vote(t.ctx, mgr, a.key, 'approve');
    expect(decided.rfc?.state).toBe('approved');
    expect(decided.notifications.find((n) => n.event === 'decided')?.detail).toBe('approved by the change manager (the vote passed its deadline)');

    // Escalated with the manager's vote already in (as data written before this rule could
    // be): the manager repeating the vote applies the decision instead of ignoring it.
    const b = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, b.key);
    vote(t.ctx, cab1, b.key, 'approve');
    vote(t.ctx, mgr, b.key, 'approve');
    t.ctx.database.sqlite.prepare('update rfcs set escalated = 1 where key = ?').run(b.key);
    const repeated = vote(t.ctx, mgr, b.key, 'approve');
    expect(repeated.rfc?.state).toBe('approved');
    expect(repeated.result.changed).toBe(false);
  });

  it('blocks conflicting windows unless a change manager acknowledges with a reason', () => {
    const a = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, a.key);
    for (const m of [cab1, cab2, cab3]) vote(t.ctx, m, a.key, 'approve');
    schedule(t.ctx, req, a.key, {});
    const b = raise(t.ctx, req, { ...readyFields(new Date('2026-12-05T23:00:00Z')), services: ['web'] }).result;
    submit(t.ctx, req, b.key);
    for (const m of [cab1, cab2, cab3]) vote(t.ctx, m, b.key, 'approve');
    const blocked = refused(() => schedule(t.ctx, req, b.key, {}));
    expect(blocked.code).toBe('conflict');
    expect(blocked.message).toContain('RFC-1');
    expect(refused(() => schedule(t.ctx, req, b.key, { ack: true, reason: 'x' })).code).toBe('forbidden');
    expect(refused(() => schedule(t.ctx, mgr, b.key, { ack: true })).code).toBe('conflict');
    expect(schedule(t.ctx, mgr, b.key, { ack: true, reason: 'both small' }).rfc?.state).toBe('scheduled');
    expect(reschedule(t.ctx, req, a.key, { start: new Date('2026-12-12T22:00:00Z') }).rfc?.window?.end).toEqual(new Date('2026-12-13T00:00:00Z'));
  });

  it('withdraws before approval, cancels before implementing, and refuses after', () => {
    const a = raise(t.ctx, req, readyFields()).result;
    expect(withdraw(t.ctx, req, a.key).rfc?.state).toBe('withdrawn');
    const b = raise(t.ctx, req, readyFields()).result;
    submit(t.ctx, req, b.key);
    for (const m of [cab1, cab2, cab3]) vote(t.ctx, m, b.key, 'approve');
    expect(refused(() => withdraw(t.ctx, req, b.key)).code).toBe('invalid_transition');
    schedule(t.ctx, req, b.key, {});
    t.clock.current = new Date('2026-12-05T22:00:00Z');
    // No outage expected: the service's users are not told about the maintenance.
    expect(progress(t.ctx, req, b.key, 'start').notifications[0]?.recipients).toEqual([]);
    const late = refused(() => cancel(t.ctx, req, b.key));
    expect(late.message).toBe("RFC-2 is implementing, so it can't be cancelled; you can mark it done, failed or backed out.");
  });

  it('lists mine, pending and scheduled', () => {
    const a = raise(t.ctx, req, readyFields()).result;
    raise(t.ctx, cab1, { title: 'Other' });
    submit(t.ctx, req, a.key);
    expect(list(t.ctx, req, 'mine').result.map((s) => s.key)).toEqual(['RFC-1']);
    expect(list(t.ctx, req, 'pending').result.map((s) => s.key)).toEqual(['RFC-1']);
    expect(list(t.ctx, req, 'scheduled').result).toEqual([]);
    expect(list(t.ctx, req, 'all').result).toHaveLength(2);
  });
});

describe('nothing half-written', () => {
  it('a refused raise consumes no key and leaves no rows', () => {
    expect(refused(() => raise(t.ctx, req, { title: 'x', services: ['nope'] })).message).toBe('Unknown service "nope". Known services: db, web.');
    const { sqlite } = t.ctx.database;
    expect(sqlite.prepare('select count(*) n from rfcs').get()).toEqual({ n: 0 });
    expect(sqlite.prepare('select count(*) n from change_log where subject_key is not null').get()).toEqual({ n: 0 });
    expect(raise(t.ctx, req, { title: 'ok' }).result.key).toBe('RFC-1');
  });

  it('a failure in the middle of a use case rolls back its earlier writes', () => {
    const r = raise(t.ctx, req, readyFields()).result;
    // Make the second write of `submit` (the evaluate transition's log row) fail.
    t.ctx.database.sqlite.exec(`CREATE TRIGGER boom BEFORE INSERT ON change_log WHEN NEW.action = 'evaluate' BEGIN SELECT RAISE(ABORT, 'boom'); END;`);
    expect(() => submit(t.ctx, req, r.key)).toThrow(/boom/);
    expect(viewRfc(t.ctx, r.key).state).toBe('draft');
    expect(logRows(r.key).map((e) => e.action)).toEqual(['raise']);
  });

  it('keeps the change log append-only', () => {
    raise(t.ctx, req, { title: 'x' });
    expect(() => t.ctx.database.sqlite.exec('UPDATE change_log SET actor = 1')).toThrow(/append-only/);
    expect(() => t.ctx.database.sqlite.exec('DELETE FROM change_log')).toThrow(/append-only/);
  });
});

describe('administration', () => {
  it('matches service names without regard to case, and keeps depends= pointing at real services', () => {
    expect(addService(t.ctx, root, { name: 'DB', owner: 'cli:dba' }).message).toBe('Updated service db.');
    expect(listServices(t.ctx, root).result).toEqual([
      { name: 'db', owner: 'cli:dba', audience: ['slack:channel:C1'], dependsOn: [] },
      { name: 'web', owner: null, audience: [], dependsOn: ['db'] },
    ]);
    expect(addMaintenanceWindow(t.ctx, root, { service: 'WEB', rrule: 'FREQ=DAILY;BYHOUR=2', durationMinutes: 60 }).result).toMatchObject({ service: 'web' });
    expect(refused(() => removeService(t.ctx, root, { name: 'db' })).message).toBe('web depends on db; change their depends= first.');
  });

  it('requires an admin, refuses bad rules, and keeps the last admin', () => {
    expect(refused(() => grantRole(t.ctx, req, { person: 'cli:x', role: 'cab' })).code).toBe('forbidden');
    expect(grantRole(t.ctx, root, { person: 'cli:x', role: 'cab' }).message).toBe('Granted cab to cli:x.');
    const bad = refused(() => addMaintenanceWindow(t.ctx, root, { rrule: 'FREQ=SOMETIMES', durationMinutes: 60 }));
    expect(bad.code).toBe('bad_value');
    expect(listMaintenanceWindows(t.ctx, root).result).toEqual([]);
    expect(refused(() => revokeRole(t.ctx, root, { person: 'cli:root', role: 'admin' })).message).toContain('last admin');
    expect(refused(() => addService(t.ctx, root, { name: 'api', dependsOn: ['ghost'] })).code).toBe('bad_value');
  });
});
