/**
 * The RFC side of the role x command x state walk (test/integration/roles-rfc.test.ts): one
 * person per role, an RFC brought into each lifecycle state through the real use cases, and a
 * runner that types a command through the real parser and execute() and says what came of it.
 *
 * Each RFC gets a service of its own, so the many approved and scheduled RFCs in one database
 * never conflict with each other (a conflict would hide the permission answer behind an ack).
 */
import { addService } from '../../src/app/catalogue.js';
import { close, progress, review, schedule } from '../../src/app/implementation.js';
import { cancel, raise, submit, withdraw } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { loadConfig } from '../../src/config.js';
import { findRfc } from '../../src/db/repos/rfcs.js';
import { ChangebotError } from '../../src/domain/errors.js';
import type { Actor, RfcState } from '../../src/domain/types.js';
import { type TestApp, testApp } from './app.js';
import { cliCommand } from './commands.js';
import { LENIENT_ENV } from './policy.js';
import type { World } from './roles-matrix.js';

/** The columns of the matrices, in order. A pipeline token is not a role yet (see the test). */
export const RFC_ROLES = ['none', 'requester', 'owner', 'cab', 'changeManager', 'releaseManager', 'admin'] as const;
export type RfcRoleName = (typeof RFC_ROLES)[number];

/** What a refused command came to, in short: the ChangebotError code. */
export const F = 'forbidden';
export const X = 'invalid_transition';
export const S = 'self_approval';

/** The states a fixture can bring an RFC into. `submitted` is passed through inside submit's transaction, never left in. */
export const FIXTURE_STATES = [
  'draft',
  'awaiting_approval',
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'implemented',
  'failed',
  'backed_out',
  'in_review',
  'closed',
  'withdrawn',
  'cancelled',
] as const satisfies readonly RfcState[];
export type FixtureState = (typeof FIXTURE_STATES)[number];

/**
 * Planning happens at T0; the window opens a day later, and T1 is inside it. A command runs at
 * the time its fixture was left at (T0 before the change started, T1 from then on), a `start`
 * at T1, inside the window.
 */
export const T0 = new Date('2026-12-01T09:00:00Z');
const WINDOW_START = new Date('2026-12-02T10:00:00Z');
export const T1 = new Date('2026-12-02T10:10:00Z');

export interface RfcWorld extends World<FixtureState, RfcRoleName> {
  t: TestApp;
  as: Record<RfcRoleName, Actor>;
  /** A fresh RFC in `state`: a significant change (the CAB path), or a minor one (the change-manager path). */
  fresh(state: FixtureState): string;
  /** Runs `line` (RFC-n in it stands for `key`) as `role`: the state after, or the refusal's code. */
  run(role: RfcRoleName, line: string, key: string): { answer: string; allowed: boolean };
  close(): void;
}

export function rfcWorld(category: 'significant' | 'minor' = 'significant'): RfcWorld {
  // One CAB vote decides (quorum 1), so a CAB member's approve or reject is the decision.
  const t = testApp({ policy: loadConfig({ ...LENIENT_ENV, CAB_QUORUM: '1' }).policy });
  t.clock.current = T0;
  const as: Record<RfcRoleName, Actor> = {
    none: t.person('nobody'),
    requester: t.person('req'),
    owner: t.person('own'),
    cab: t.person('cab1', 'cab'),
    changeManager: t.person('cm', 'change-manager'),
    releaseManager: t.person('rm', 'release-manager'),
    admin: t.person('root', 'admin'),
  };
  let services = 0;
  const leftAt = new Map<string, Date>();
  const { requester: req, owner: own, cab, changeManager: cm } = as;

  function draft(category: 'significant' | 'minor'): string {
    const service = `svc${++services}`;
    addService(t.ctx, as.admin, { name: service });
    const fields = { title: 'Patch db01', category, services: [service], backout: 'restore', test: 'smoke', start: WINDOW_START, durationMinutes: 120 };
    return raise(t.ctx, req, { ...fields, owner: own.id }).result.key;
  }

  /** The steps from a draft to each state, each through the use case a person would run. */
  function bring(key: string, state: FixtureState): void {
    const step = (s: FixtureState) => bring(key, s);
    switch (state) {
      case 'draft':
        return;
      case 'awaiting_approval':
        submit(t.ctx, req, key);
        return;
      case 'approved':
      case 'rejected': {
        step('awaiting_approval');
        const category = findRfc(t.ctx.database.db, key)!.category;
        vote(t.ctx, category === 'minor' ? cm : cab, key, state === 'approved' ? 'approve' : 'reject');
        return;
      }
      case 'scheduled':
        step('approved');
        schedule(t.ctx, own, key, {});
        return;
      case 'implementing':
        step('scheduled');
        t.clock.current = T1;
        progress(t.ctx, own, key, 'start');
        return;
      case 'implemented':
      case 'failed':
        step('implementing');
        progress(t.ctx, own, key, state === 'implemented' ? 'complete' : 'fail');
        return;
      case 'backed_out':
        step('implementing');
        progress(t.ctx, own, key, 'backout');
        return;
      case 'in_review':
        step('implemented');
        review(t.ctx, own, key, { notes: 'went fine' });
        return;
      case 'closed':
        step('in_review');
        close(t.ctx, cm, key);
        return;
      case 'withdrawn':
        withdraw(t.ctx, req, key, 'not needed');
        return;
      case 'cancelled':
        cancel(t.ctx, req, key, 'not needed');
        return;
    }
  }

  return {
    t,
    as,
    fresh(state) {
      t.clock.current = T0;
      const key = draft(category);
      bring(key, state);
      const got = findRfc(t.ctx.database.db, key)!.state;
      if (got !== state) throw new Error(`the fixture for ${state} left ${key} ${got}`);
      leftAt.set(key, t.clock.now());
      return key;
    },
    run(role, line, key) {
      t.clock.current = line.startsWith('start ') ? T1 : leftAt.get(key)!;
      try {
        cliCommand(t, as[role], line.replaceAll('RFC-n', key));
      } catch (e) {
        if (e instanceof ChangebotError) return { answer: e.code, allowed: false };
        throw e;
      }
      return { answer: findRfc(t.ctx.database.db, key)!.state, allowed: true };
    },
    close: () => t.close(),
  };
}
