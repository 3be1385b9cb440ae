/**
 * The claim's life in the database, through the real use cases: a command applied under
 * `applying` marks its claim done (a refused one too), a claim with nothing to keep is done at
 * once, and pruning never forgets an unfinished claim however old.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applying } from '../../src/app/context.js';
import { raise } from '../../src/app/rfcs.js';
import { claimInbound, pruneInbound, unfinishedInbound } from '../../src/db/repos/chat.js';
import { inboundRequests } from '../../src/db/schema.js';
import { type TestApp, testApp } from '../support/app.js';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const stateOf = (id: string) =>
  t.ctx.database.db
    .select()
    .from(inboundRequests)
    .all()
    .find((r) => r.id === id)?.state;
const keep = { platform: 'slack', request: { command: '/rfc', text: 'new "x"' } };

describe('inbound claims', () => {
  it('are pending until the command is applied, then done', () => {
    const actor = t.person('ann');
    const now = t.clock.now();
    expect(claimInbound(t.ctx.database.db, 'a', now, keep)).toBe(true);
    expect(stateOf('a')).toBe('pending');
    applying(t.ctx, 'a', () => raise(t.ctx, actor, { title: 'Applied' }));
    expect(stateOf('a')).toBe('done');
  });

  it('a refused command is marked done; a claim with nothing to keep is done at once', () => {
    const now = t.clock.now();
    claimInbound(t.ctx.database.db, 'refused', now, keep);
    expect(() => applying(t.ctx, 'refused', () => raise(t.ctx, t.person('bob'), { title: '' }))).toThrow();
    expect(stateOf('refused')).toBe('done');
    claimInbound(t.ctx.database.db, 'event', now);
    expect(stateOf('event')).toBe('done');
    expect(claimInbound(t.ctx.database.db, 'event', now)).toBe(false);
  });

  it('pruning keeps unfinished claims, however old', () => {
    const old = new Date(t.clock.now().getTime() - 48 * 3_600_000);
    claimInbound(t.ctx.database.db, 'old-pending', old, keep);
    claimInbound(t.ctx.database.db, 'old-done', old);
    pruneInbound(t.ctx.database.db, t.clock.now());
    expect(stateOf('old-done')).toBeUndefined();
    expect(unfinishedInbound(t.ctx.database.db, 'slack', t.clock.now()).map((c) => c.id)).toEqual(['old-pending']);
  });

  it("a claim this process made after it started is its own, not the last run's (Socket Mode takes requests before start-up ends)", () => {
    const started = t.clock.now();
    claimInbound(t.ctx.database.db, 'before-start', new Date(started.getTime() - 1), keep);
    claimInbound(t.ctx.database.db, 'live', started, keep);
    expect(unfinishedInbound(t.ctx.database.db, 'slack', started).map((c) => c.id)).toEqual(['before-start']);
  });
});
