import type { AppDatabase, Db } from '../db/client.js';
import { addToOutbox } from '../db/repos/outbox.js';
import { ensurePerson, rolesOf } from '../db/repos/people.js';
import type { Notification } from '../domain/notifications.js';
import { releaseSubject, rfcSubject } from '../domain/subject.js';
import type { Release } from '../domain/release.js';
import { DEFAULT_POLICY, type Policy } from '../domain/policy.js';
import { policyEntries, policyFrom } from '../domain/policy-keys.js';
import { appendLog } from '../db/repos/log.js';
import { markInboundDone } from '../db/repos/chat.js';
import { noteScheduleWrite } from '../db/schedule-version.js';
import { readPolicyEntries, seedPolicyEntries, settingsVersion } from '../db/repos/policy.js';
import type { Actor, PersonId, Rfc } from '../domain/types.js';
import type { NextStep } from './next.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `start` now and runs on from there (CHANGEBOT_CLOCK). */
export function clockFrom(start: Date | undefined): Clock {
  if (!start) return systemClock;
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** What every use case returns: the result, the RFC it touched, and who must be told what. */
export interface Outcome<T = undefined> {
  result: T;
  rfc?: Rfc;
  /** The release it touched: its status message and cards are refreshed in place. */
  release?: Release;
  /** One line for the person who acted, free of command syntax. */
  message: string;
  /** What they may do next; each surface phrases it (the command layer as `/rfc ...`). */
  next?: NextStep[];
  notifications: Notification[];
}

/** Called after a use case committed (jobs re-derive the RFC's timers, adapters update cards). */
export type AfterCommit = (outcome: Outcome<unknown>) => void;

export interface AppContext {
  database: AppDatabase;
  clock: Clock;
  /**
   * The policy in force, as the database holds it, so the bot, the CLI and any other process
   * always apply the same one (an admin changes it with `admin policy set`). Read again after
   * a commit by another connection or a policy write by this process; reused otherwise.
   */
  readonly policy: Policy;
  /** Default display zone (CHANGEBOT_TIMEZONE). */
  timezone: string;
  /**
   * Where the web pages are (PUBLIC_URL, no trailing slash): sign-in and feed links. Unset, the
   * bot sets it to http://localhost:<port> once it listens.
   */
  publicUrl: string;
  afterCommit: AfterCommit[];
  /** The inbound request being applied right now (see `applying`): marked done in the use case's transaction. */
  inbound?: { id: string; done: boolean } | undefined;
}

/** Runs `listener` after every commit in this context; returns what removes it. */
export function onCommit(ctx: AppContext, listener: AfterCommit): () => void {
  ctx.afterCommit.push(listener);
  return () => {
    const i = ctx.afterCommit.indexOf(listener);
    if (i >= 0) ctx.afterCommit.splice(i, 1);
  };
}

/**
 * A context on `database`. `opts.policy` (from the environment) only seeds the settings the
 * database does not hold yet: once stored, the database's policy wins.
 */
export function createContext(database: AppDatabase, opts: { clock?: Clock; policy: Policy; timezone: string; publicUrl?: string }): AppContext {
  const clock = opts.clock ?? systemClock;
  database.db.transaction(
    (tx) => {
      const at = clock.now();
      const entries = policyEntries(opts.policy);
      const written = seedPolicyEntries(tx, entries, 'config', at);
      if (written.length) {
        const detail = Object.fromEntries(written.map((k) => [k, entries[k]]));
        appendLog(tx, { subject: null, at, actor: 'config', action: 'policy-seed', detail });
      }
    },
    { behavior: 'immediate' },
  );
  // The policy read last and the settings version it was read at (see settingsVersion): a
  // commit by another connection, or a policy write by this process, reads it again.
  let cached: { version: string; policy: Policy } | undefined;
  return {
    database,
    clock,
    get policy() {
      const version = settingsVersion(database);
      if (version !== null && cached?.version === version) return cached.policy;
      const policy = policyFrom(DEFAULT_POLICY, readPolicyEntries(database.db));
      if (version !== null) cached = { version, policy };
      return policy;
    },
    timezone: opts.timezone,
    publicUrl: opts.publicUrl ?? 'http://localhost:3000',
    afterCommit: [],
  };
}

/**
 * Runs `fn` in one IMMEDIATE transaction (so two processes serialise their writes), writes the
 * notifications it implies to the outbox in the same transaction, then runs the after-commit
 * listeners. A thrown error rolls everything back: nothing half-written.
 */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Db) => Outcome<T>): Outcome<T> {
  const outcome = ctx.database.db.transaction(
    (tx) => {
      const out = fn(tx);
      const at = ctx.clock.now();
      const notes = [...out.notifications];
      // Any change to an RFC refreshes its cards wherever they were posted.
      if (out.rfc && !notes.some((n) => n.event === 'vote-requested')) {
        notes.push({ event: 'card-update', subject: rfcSubject(out.rfc.key), recipients: [] });
      }
      if (out.release && !notes.some((n) => n.event === 'card-update' && n.subject.type === 'release')) {
        notes.push({ event: 'card-update', subject: releaseSubject(out.release.key), recipients: [] });
      }
      for (const n of notes) addToOutbox(tx, n, at);
      if (ctx.inbound && !ctx.inbound.done) markInboundDone(tx, ctx.inbound.id, at);
      return out;
    },
    { behavior: 'immediate' },
  );
  // Whatever the use case wrote may change a conflict shown (see src/db/schedule-version.ts).
  noteScheduleWrite();
  if (ctx.inbound) ctx.inbound.done = true;
  for (const listener of [...ctx.afterCommit]) {
    try {
      listener(outcome as Outcome<unknown>);
    } catch {
      // A listener's failure (e.g. Redis down) must not undo or hide a committed change;
      // the reconciler re-derives whatever the listener did not manage.
    }
  }
  return outcome;
}

/**
 * Runs the synchronous `fn` (a command's `execute`) as the handling of the inbound request
 * claimed as `claim`: the first use case that commits marks the claim done in its own
 * transaction, so a crash leaves it pending exactly when nothing was applied. A command that
 * changed nothing (read-only, or refused) is marked done afterwards. No other work can run
 * meanwhile: `fn` is synchronous.
 */
export function applying<T>(ctx: AppContext, claim: string | undefined, fn: () => T): T {
  if (!claim) return fn();
  const outer = ctx.inbound;
  const current = { id: claim, done: false };
  ctx.inbound = current;
  try {
    return fn();
  } finally {
    ctx.inbound = outer;
    try {
      if (!current.done) markInboundDone(ctx.database.db, claim, ctx.clock.now());
    } catch {
      // Left pending: replayed at the next start, where a read-only or refused command is harmless.
    }
  }
}

/** Loads (and records) the person acting, with their roles from the database. */
export function loadActor(ctx: AppContext, id: PersonId, info: { displayName?: string; timezone?: string } = {}): Actor {
  const db = ctx.database.db;
  ensurePerson(db, id, ctx.clock.now(), info);
  return { id, roles: rolesOf(db, id), timezone: info.timezone ?? ctx.timezone, displayName: info.displayName };
}
