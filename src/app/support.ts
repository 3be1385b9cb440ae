import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import { findRfc, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type RfcAction, transition } from '../domain/rfc-machine.js';
import type { Actor, Rfc, Role } from '../domain/types.js';
import type { AppContext } from './context.js';

export function getRfc(tx: Db, key: string): Rfc {
  const rfc = findRfc(tx, key);
  if (!rfc) {
    throw new ChangebotError('not_found', `There is no ${key}. Check the key with \`/rfc list all\`.`, { key });
  }
  return rfc;
}

export type Relation = 'requester' | 'owner' | Role;

function holds(actor: Actor, rfc: Rfc | null, r: Relation): boolean {
  if (r === 'requester') return rfc?.requester === actor.id;
  if (r === 'owner') return rfc?.owner === actor.id;
  return actor.roles.has(r);
}

const RELATION_WORDS: Record<Relation, string> = {
  requester: 'its requester',
  owner: 'its change owner',
  cab: 'a CAB member',
  'change-manager': 'a change manager',
  'release-manager': 'a release manager',
  admin: 'an admin',
};

/** Refuses unless the actor holds one of `allowed` (for `rfc`). */
export function requireOneOf(actor: Actor, rfc: Rfc | null, allowed: Relation[], doing: string): void {
  if (allowed.some((r) => holds(actor, rfc, r))) return;
  const who = allowed.map((r) => RELATION_WORDS[r]);
  const list = who.length > 1 ? `${who.slice(0, -1).join(', ')} or ${who.at(-1)}` : who[0];
  throw new ChangebotError('forbidden', `Only ${list} can ${doing}${rfc ? ` ${rfc.key}` : ''}.`, { allowed });
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
    rfcId: rfc.id,
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
