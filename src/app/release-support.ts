/**
 * What the release use cases share: loading a release, refusing, saving it with its one
 * change-log row, moving its phase (with a row on each of its RFCs), and the outcome's notices.
 */
import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import { findRelease, rfcsOfRelease, updateRelease } from '../db/repos/releases.js';
import { updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, people } from '../domain/notifications.js';
import { RELEASE_PHASE_LABELS, type Release, type ReleaseMove, type ReleasePhase, type WorkPhase, releaseTransition } from '../domain/release.js';
import { authorizeRelease, checkReleasePhase, type ReleasePermission, releaseTeamOf } from '../domain/release-permissions.js';
import { releaseSubject, rfcSubject } from '../domain/subject.js';
import type { Actor, Rfc, RfcState } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import { knownOwner } from './fields.js';
import type { ReleaseFields } from './inputs.js';
import { type TextField, checkText } from '../domain/text-rules.js';
import { said } from './text-input.js';

export type R = Outcome<Release>;

export function getRelease(tx: Db, key: string): Release {
  const r = findRelease(tx, key);
  if (!r) throw new ChangebotError('not_found', `There is no ${key.toUpperCase()}. List the releases to check the key.`, { key });
  return r;
}

/** Refuses unless `actor` may take `action` now (relation first, then the phase). */
export function permit(actor: Actor, r: Release, action: ReleasePermission): void {
  authorizeRelease(actor, r, action);
  checkReleasePhase(r, action);
}

/** A text value cleaned and capped by its rule (text-rules.ts); null when absent or blank. */
export function text(v: string | null | undefined, field: TextField): string | null {
  if (v === undefined || v === null) return null;
  return checkText(field, v) || null;
}

/** A reason (or note) that must be given: cleaned and capped, refused when blank. */
export function needReason(reason: string | undefined, what: string, example: string, field: 'reason' | 'note' = 'reason'): string {
  const r = said(field, reason);
  if (!r) throw new ChangebotError('bad_value', `Say why ${what}. Example: ${example}`, { field, example });
  return r;
}

export interface SaveOpts {
  action: string;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
  from?: ReleasePhase | null;
  to?: ReleasePhase | null;
}

/** Saves the release and appends exactly one row to its change log. */
export function save(tx: Db, ctx: AppContext, actor: Actor, r: Release, opts: SaveOpts): Release {
  const now = ctx.clock.now();
  const saved = updateRelease(tx, { ...r, updatedAt: now });
  appendLog(tx, {
    subject: releaseSubject(r.key),
    at: now,
    actor: actor.id,
    action: opts.action,
    fromState: opts.from ?? null,
    toState: opts.to ?? null,
    reason: opts.reason ?? null,
    detail: opts.detail ?? null,
  });
  return saved;
}

/** One row on each RFC of the release: "REL-3 moved to acceptance testing". */
export function logOnRfcs(tx: Db, ctx: AppContext, actor: Actor, rfcs: readonly Rfc[], releaseKey: string, words: string): void {
  const at = ctx.clock.now();
  for (const rfc of rfcs) {
    appendLog(tx, { subject: rfcSubject(rfc.key), at, actor: actor.id, action: 'release', reason: `${releaseKey} ${words}`, detail: { release: releaseKey } });
  }
}

/** Moves the release's phase: one row on the release, one on each RFC. */
export function movePhase(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  r: Release,
  m: ReleaseMove,
  opts: { reason?: string | null; patch?: Partial<Release>; detail?: Record<string, unknown> } = {},
): Release {
  const to = releaseTransition(r, m);
  const suspendedFrom = to === 'suspended' ? (r.phase as WorkPhase) : to === r.suspendedFrom ? null : r.suspendedFrom;
  const saved = save(
    tx,
    ctx,
    actor,
    { ...r, ...opts.patch, phase: to, suspendedFrom },
    {
      action: m.move === 'advance' ? 'release-phase' : `release-${m.move}`,
      reason: opts.reason ?? null,
      detail: opts.detail ?? null,
      from: r.phase,
      to,
    },
  );
  logOnRfcs(tx, ctx, actor, rfcsOfRelease(tx, r.key), r.key, `moved to ${RELEASE_PHASE_LABELS[to]}${opts.reason ? `: ${opts.reason}` : ''}`);
  return saved;
}

/**
 * A go given before the release changed (an RFC, an artifact, a wave) was given to something
 * else: it is withdrawn, and go must be given again. The patch, the log detail and the words.
 */
export function withdrawGo(r: Release, what: string): { patch: Partial<Release>; detail: Record<string, unknown>; words: string } {
  if (!r.goDecisions.length || r.package.frozenAt) return { patch: {}, detail: {}, words: '' };
  return { patch: { goDecisions: [] }, detail: { goCleared: true }, words: ` The go given before ${what} is withdrawn: go must be given again.` };
}

export function outcome(r: Release, message: string, notifications: Notification[] = []): R {
  return { result: r, release: r, message, notifications };
}

/** The release team's people and the status message's thread hear a decision. */
export function decision(r: Release, actor: Actor, detail: string, wave?: number): Notification {
  return {
    event: 'release-decision',
    subject: releaseSubject(r.key),
    recipients: [{ kind: 'status-thread' }, ...people(releaseTeamOf(r), actor.id)],
    detail,
    ...(wave !== undefined ? { wave } : {}),
  };
}

export function cardUpdate(rfc: Rfc): Notification {
  return { event: 'card-update', subject: rfcSubject(rfc.key), recipients: [] };
}

export function person(tx: Db, ctx: AppContext, actor: Actor, id: string | null | undefined, field: string): string | null {
  return id ? knownOwner(tx, id, actor, ctx.clock.now(), field) : null;
}

export function channelsOf(f: ReleaseFields, current: Release['channels']): Release['channels'] {
  return {
    slack: f.slackChannel !== undefined ? text(f.slackChannel, 'channel') : current.slack,
    teams: f.teamsChannel !== undefined ? text(f.teamsChannel, 'channel') : current.teams,
  };
}

export type Change = { field: string; from: unknown; to: unknown };
export const iso = (d: Date | null) => d?.toISOString() ?? null;

export const JOINING: readonly RfcState[] = ['approved', 'scheduled'];

/** A cancelled release lets its RFCs go, free to join another release (each RFC's log says so). */
export function freeRfcs(tx: Db, ctx: AppContext, actor: Actor, r: Release): Rfc[] {
  const freed = rfcsOfRelease(tx, r.key);
  const now = ctx.clock.now();
  for (const rfc of freed) updateRfc(tx, { ...rfc, releaseKey: null, updatedAt: now });
  logOnRfcs(tx, ctx, actor, freed, r.key, 'was cancelled; the RFC left it');
  return freed;
}

export function leftWords(freed: readonly Rfc[]): string {
  return freed.length ? ` ${freed.map((x) => x.key).join(', ')} left it and may join another release.` : '';
}
