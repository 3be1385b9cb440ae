import { rfcSubject } from '../domain/subject.js';
import type { Db } from '../db/client.js';
import { appendLog, listLog } from '../db/repos/log.js';
import { implementersOf } from '../domain/permissions.js';
import { findRfc, updateRfc } from '../db/repos/rfcs.js';
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
