import { rfcSubject } from '../domain/subject.js';
import type { Db } from '../db/client.js';
import { appendLog, listLog } from '../db/repos/log.js';
import { implementersOf } from '../domain/permissions.js';
import { findRelease } from '../db/repos/releases.js';
import { findRfc, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type HoldingRelease, heldByRelease } from '../domain/release-rules.js';
import { type RfcAction, transition } from '../domain/rfc-machine.js';
import type { Actor, PersonId, Rfc } from '../domain/types.js';
import type { AppContext } from './context.js';
import { refusal } from './next.js';

export function getRfc(tx: Db, key: string): Rfc {
  const rfc = findRfc(tx, key);
  if (!rfc) {
    throw refusal('not_found', `There is no ${key}.`, [{ step: 'list-all' }], { key });
  }
  return rfc;
}

/** Who implemented RFC `key`, read from its change log (separation of duties at close). */
export function implementersOfRfc(tx: Db, key: string): PersonId[] {
  return implementersOf(listLog(tx, rfcSubject(key)));
}

/** Moves the RFC through `action`, saves it with `patch`, and appends exactly one log row. */
export function move(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  action: RfcAction,
  opts: { reason?: string | null; patch?: Partial<Rfc>; detail?: Record<string, unknown> } = {},
): Rfc {
  const to = transition(rfc.key, rfc.state, action);
  const now = ctx.clock.now();
  const saved = updateRfc(tx, { ...rfc, ...opts.patch, state: to, updatedAt: now });
  appendLog(tx, {
    subject: rfcSubject(rfc.key),
    at: now,
    actor: actor.id,
    action,
    fromState: rfc.state,
    toState: to,
    reason: opts.reason ?? null,
    detail: opts.detail ?? null,
  });
  return saved;
}

const DOING_WORDS: Record<string, string> = {
  schedule: 'scheduled',
  reschedule: 'rescheduled',
  start: 'started',
  complete: 'marked done',
  fail: 'marked failed',
  backout: 'backed out',
};

/**
 * Refuses `doing` (an RFC permission name) on an RFC its release holds (release-rules.ts
 * `heldByRelease`): started, finished and backed out by the waves; after go kept in the release.
 */
export function checkReleaseRfc(tx: Db, rfc: Rfc, doing: string): void {
  const release = holdingRelease(tx, rfc);
  if (!release || !heldByRelease(doing, release)) return;
  if (doing === 'withdraw' || doing === 'cancel') {
    throw new ChangebotError(
      'invalid_transition',
      `${rfc.key} is in ${release.key}, which has been given go: a change manager takes it out of the release first (release remove ${release.key} ${rfc.key} reason="...").`,
      { release: release.key },
    );
  }
  throw new ChangebotError(
    'invalid_transition',
    `${rfc.key} is deployed by ${release.key}'s waves, so it can't be ${DOING_WORDS[doing] ?? doing} on its own. Run the release's waves${release.goGiven ? '' : ', or take it out of the release first'}.`,
    { release: release.key },
  );
}

/** The release an RFC belongs to, as heldByRelease reads it; null when it belongs to none. */
export function holdingRelease(tx: Db, rfc: Pick<Rfc, 'releaseKey'>): HoldingRelease | null {
  const r = rfc.releaseKey ? findRelease(tx, rfc.releaseKey) : null;
  return r ? { key: r.key, phase: r.phase, goGiven: r.package.frozenAt !== null } : null;
}
