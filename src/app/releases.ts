/**
 * Release use cases (MOF Release Management): actor + input -> permission (release-permissions.ts)
 * -> release rules (release.ts, release-rules.ts) -> one transaction -> a change-log row on the
 * release (and, for phase moves, one on each of its RFCs) + outbox -> outcome. The RFCs follow
 * the release through the RFC state machine (support.ts `move`), so their own logs and cards
 * stay true.
 */
import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import { findRelease, insertRelease, rfcsOfRelease, updateRelease } from '../db/repos/releases.js';
import { insertRfc, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, type Recipient, people } from '../domain/notifications.js';
import {
  READINESS_LABELS,
  RELEASE_PHASE_LABELS,
  type Release,
  type ReleaseMove,
  type ReleasePhase,
  SIGNOFF_LABELS,
  TEAM_LABELS,
  type Wave,
  type WorkPhase,
  plannedWave,
  releaseTransition,
} from '../domain/release.js';
import { authorizeCreateRelease, authorizeRelease, checkReleasePhase, type ReleasePermission, releaseTeamOf } from '../domain/release-permissions.js';
import { checkWaveStart, deployBlockers, goBlockers, goStillNeeds, orderedWaves, planMissing, refuseGo, waveAudience } from '../domain/release-rules.js';
import { draftRfc } from '../domain/rfc.js';
import type { Conflict } from '../domain/schedule.js';
import { releaseSubject, rfcSubject } from '../domain/subject.js';
import type { Actor, Rfc, RfcState, Window } from '../domain/types.js';
import { formatRange } from '../domain/windows.js';
import { authorizeDeployment } from '../domain/permissions.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { checkServices, knownOwner, windowFrom } from './fields.js';
import { waveConflicts } from './wave-schedule.js';
import type {
  NoGoInput,
  PackageInput,
  PilotInput,
  ReleaseFields,
  ReleasePlanInput,
  ReleaseReviewInput,
  ReleaseRfcInput,
  SignoffInput,
  TestResultInput,
  TickInput,
  WaveInput,
  WaveStepInput,
} from './inputs.js';
import { getRfc, move } from './support.js';

type R = Outcome<Release>;
const TEXT_LIMIT = 10_000;

export function getRelease(tx: Db, key: string): Release {
  const r = findRelease(tx, key);
  if (!r) throw new ChangebotError('not_found', `There is no ${key.toUpperCase()}. List the releases to check the key.`, { key });
  return r;
}

/** Refuses unless `actor` may take `action` now (relation first, then the phase). */
function permit(actor: Actor, r: Release, action: ReleasePermission): void {
  authorizeRelease(actor, r, action);
  checkReleasePhase(r, action);
}

function text(v: string | null | undefined, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (v.length > TEXT_LIMIT) throw new ChangebotError('bad_value', `${field} is ${v.length} characters long; keep it under ${TEXT_LIMIT}.`, { field });
  return v.trim() || null;
}

function needReason(reason: string | undefined, what: string, example: string): string {
  const r = reason?.trim();
  if (!r) throw new ChangebotError('bad_value', `Say why ${what}. Example: ${example}`, { field: 'reason', example });
  return r;
}

interface SaveOpts {
  action: string;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
  from?: ReleasePhase | null;
  to?: ReleasePhase | null;
}

/** Saves the release and appends exactly one row to its change log. */
function save(tx: Db, ctx: AppContext, actor: Actor, r: Release, opts: SaveOpts): Release {
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
function logOnRfcs(tx: Db, ctx: AppContext, actor: Actor, rfcs: readonly Rfc[], releaseKey: string, words: string): void {
  const at = ctx.clock.now();
  for (const rfc of rfcs) {
    appendLog(tx, { subject: rfcSubject(rfc.key), at, actor: actor.id, action: 'release', reason: `${releaseKey} ${words}`, detail: { release: releaseKey } });
  }
}

/** Moves the release's phase: one row on the release, one on each RFC. */
function movePhase(
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

function outcome(r: Release, message: string, notifications: Notification[] = []): R {
  return { result: r, release: r, message, notifications };
}

/** The release team's people and the status message's thread hear a decision. */
function decision(r: Release, actor: Actor, detail: string, wave?: number): Notification {
  return {
    event: 'release-decision',
    subject: releaseSubject(r.key),
    recipients: [{ kind: 'status-thread' }, ...people(releaseTeamOf(r), actor.id)],
    detail,
    ...(wave !== undefined ? { wave } : {}),
  };
}

function cardUpdate(rfc: Rfc): Notification {
  return { event: 'card-update', subject: rfcSubject(rfc.key), recipients: [] };
}

function person(tx: Db, ctx: AppContext, actor: Actor, id: string | null | undefined, field: string): string | null {
  return id ? knownOwner(tx, id, actor, ctx.clock.now(), field) : null;
}

function channelsOf(f: ReleaseFields, current: Release['channels']): Release['channels'] {
  return {
    slack: f.slackChannel !== undefined ? f.slackChannel?.trim() || null : current.slack,
    teams: f.teamsChannel !== undefined ? f.teamsChannel?.trim() || null : current.teams,
  };
}

export function createRelease(ctx: AppContext, actor: Actor, fields: ReleaseFields): R {
  return inTransaction(ctx, (tx) => {
    authorizeCreateRelease(actor);
    const name = text(fields.name, 'name');
    if (!name) throw new ChangebotError('bad_value', 'A release needs a name. Example: name="December platform release"', { field: 'name' });
    const now = ctx.clock.now();
    const r = insertRelease(tx, {
      name,
      goal: text(fields.goal, 'goal'),
      manager: person(tx, ctx, actor, fields.manager, 'manager') ?? actor.id,
      targetDate: fields.targetDate ?? null,
      team: {
        testing: person(tx, ctx, actor, fields.testing, 'testing'),
        communications: person(tx, ctx, actor, fields.communications, 'communications'),
        training: person(tx, ctx, actor, fields.training, 'training'),
      },
      channels: channelsOf(fields, { slack: null, teams: null }),
      phase: 'planning',
      suspendedFrom: null,
      plan: { deploymentOrder: null, training: null, communications: null, backout: null },
      package: { artifacts: [], install: null, removal: null, frozenAt: null, amendedAfterReview: false },
      tests: [],
      signoffs: [],
      readiness: {},
      goDecisions: [],
      backoutProven: false,
      backoutProvenBy: null,
      pilotApprovedBy: null,
      review: null,
      reason: null,
      createdAt: now,
      updatedAt: now,
    });
    appendLog(tx, { subject: releaseSubject(r.key), at: now, actor: actor.id, action: 'release-create', fromState: null, toState: 'planning' });
    return outcome(r, `Opened ${r.key} “${r.name}” in planning. Add approved RFCs to it and write its release plan.`);
  });
}

type Change = { field: string; from: unknown; to: unknown };
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Name, goal, manager, target date, team, status channels. */
export function editRelease(ctx: AppContext, actor: Actor, key: string, fields: ReleaseFields): R {
  return inTransaction(ctx, (tx) => {
    const before = getRelease(tx, key);
    permit(actor, before, 'edit');
    const next: Release = { ...before, team: { ...before.team } };
    const changes: Change[] = [];
    const note = (field: string, from: unknown, to: unknown) => {
      if (from !== to) changes.push({ field, from, to });
    };
    if (fields.name !== undefined) {
      const name = text(fields.name, 'name');
      if (!name) throw new ChangebotError('bad_value', 'The name cannot be empty.', { field: 'name' });
      note('name', before.name, (next.name = name));
    }
    if (fields.goal !== undefined) note('goal', before.goal, (next.goal = text(fields.goal, 'goal')));
    if (fields.manager !== undefined) note('manager', before.manager, (next.manager = person(tx, ctx, actor, fields.manager, 'manager') ?? before.manager));
    if (fields.targetDate !== undefined) {
      next.targetDate = fields.targetDate;
      note('target', iso(before.targetDate), iso(next.targetDate));
    }
    for (const role of ['testing', 'communications', 'training'] as const) {
      if (fields[role] !== undefined) note(role, before.team[role], (next.team[role] = person(tx, ctx, actor, fields[role], role)));
    }
    next.channels = channelsOf(fields, before.channels);
    note('slack channel', before.channels.slack, next.channels.slack);
    note('teams channel', before.channels.teams, next.channels.teams);
    if (!changes.length) {
      throw new ChangebotError('bad_command', `Nothing to change on ${before.key}. Give what to change, e.g. goal="..." or testing=@name.`);
    }
    const saved = save(tx, ctx, actor, next, { action: 'release-edit', detail: { changes } });
    const words = changes.map((c) => (c.field in TEAM_LABELS ? TEAM_LABELS[c.field as keyof typeof TEAM_LABELS] : c.field));
    return outcome(saved, `Updated ${words.join(', ')} of ${saved.key}.`);
  });
}

const JOINING: readonly RfcState[] = ['approved', 'scheduled'];

export function addReleaseRfc(ctx: AppContext, actor: Actor, key: string, input: ReleaseRfcInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'add-rfc');
    const rfc = getRfc(tx, input.rfc);
    if (rfc.releaseKey === r.key) throw new ChangebotError('invalid_transition', `${rfc.key} is already in ${r.key}.`);
    if (rfc.releaseKey) {
      throw new ChangebotError(
        'invalid_transition',
        `${rfc.key} already belongs to ${rfc.releaseKey}; an RFC belongs to one release at most. Remove it there first.`,
        {
          release: rfc.releaseKey,
        },
      );
    }
    if (!JOINING.includes(rfc.state)) {
      throw new ChangebotError('invalid_transition', `${rfc.key} is ${rfc.state.replace('_', ' ')}; only approved RFCs join a release.`, { state: rfc.state });
    }
    const now = ctx.clock.now();
    updateRfc(tx, { ...rfc, releaseKey: r.key, updatedAt: now });
    appendLog(tx, { subject: rfcSubject(rfc.key), at: now, actor: actor.id, action: 'release', reason: `added to ${r.key}`, detail: { release: r.key } });
    // A go given to the release without this RFC no longer stands.
    const cleared = r.goDecisions.length > 0;
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, goDecisions: [] },
      { action: 'release-add-rfc', detail: { rfc: rfc.key, ...(cleared ? { goCleared: true } : {}) } },
    );
    const again = cleared ? ' The go given before it joined is withdrawn: go must be given again.' : '';
    return { ...outcome(saved, `Added ${rfc.key} “${rfc.title}” to ${r.key}.${again}`), notifications: [cardUpdate(rfc)] };
  });
}

/**
 * Takes an RFC out of its release, in the caller's transaction: the RFC's and the release's
 * logs say so, and the release manager hears it (`why`: removed, withdrawn, cancelled).
 */
export function leaveRelease(tx: Db, ctx: AppContext, actor: Actor, rfc: Rfc, why: string, reason?: string | null): Notification[] {
  const r = rfc.releaseKey ? findRelease(tx, rfc.releaseKey) : null;
  if (!r) return [];
  const now = ctx.clock.now();
  updateRfc(tx, { ...getRfc(tx, rfc.key), releaseKey: null, updatedAt: now });
  appendLog(tx, { subject: rfcSubject(rfc.key), at: now, actor: actor.id, action: 'release', reason: `left ${r.key} (${why})`, detail: { release: r.key } });
  save(tx, ctx, actor, r, { action: 'release-remove-rfc', reason: reason ?? null, detail: { rfc: rfc.key, why } });
  return [
    {
      event: 'release-rfc-left',
      subject: releaseSubject(r.key),
      recipients: people([r.manager], actor.id),
      detail: `${rfc.key} “${rfc.title}” ${why}${reason ? `: ${reason}` : ''}`,
    },
    { event: 'card-update', subject: releaseSubject(r.key), recipients: [] },
  ];
}

export function removeReleaseRfc(ctx: AppContext, actor: Actor, key: string, input: ReleaseRfcInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    // After go, what was reviewed is what gets deployed: only a change manager takes an RFC out.
    const afterGo = r.package.frozenAt !== null;
    permit(actor, r, afterGo ? 'remove-rfc-after-go' : 'remove-rfc');
    const rfc = getRfc(tx, input.rfc);
    if (rfc.releaseKey !== r.key) throw new ChangebotError('not_found', `${rfc.key} is not in ${r.key}.`);
    if (!JOINING.includes(rfc.state)) {
      throw new ChangebotError(
        'invalid_transition',
        `${rfc.key} is ${rfc.state.replace('_', ' ')} with ${r.key}'s waves, so it can't leave the release now. Back the release out as a whole instead.`,
      );
    }
    const reason = afterGo ? needReason(input.reason, `${rfc.key} leaves ${r.key} after go`, `reason="customer asked to wait"`) : input.reason?.trim();
    const notes = leaveRelease(tx, ctx, actor, rfc, afterGo ? 'removed after go' : 'removed', reason);
    const saved = getRelease(tx, r.key);
    return {
      ...outcome(saved, `Removed ${rfc.key} from ${r.key}.${afterGo ? ' The change log keeps your reason.' : ''}`),
      notifications: [...notes, cardUpdate(rfc)],
    };
  });
}

const PLAN_WORDS = { deploymentOrder: 'deployment order', training: 'training needs', communications: 'communications plan', backout: 'backout plan' } as const;

export function setReleasePlan(ctx: AppContext, actor: Actor, key: string, input: ReleasePlanInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'edit');
    const plan = { ...r.plan };
    const changes: Change[] = [];
    for (const k of Object.keys(PLAN_WORDS) as (keyof typeof PLAN_WORDS)[]) {
      if (input[k] === undefined) continue;
      const v = text(input[k], k);
      if (v !== plan[k]) changes.push({ field: PLAN_WORDS[k], from: plan[k], to: v });
      plan[k] = v;
    }
    if (!changes.length) throw new ChangebotError('bad_command', `Nothing to change in the plan of ${r.key}. Example: backout="redeploy 4.1 from the library"`);
    const saved = save(tx, ctx, actor, { ...r, plan }, { action: 'release-plan', detail: { changes } });
    const missing = planMissing(saved.plan);
    return outcome(
      saved,
      `Updated the ${changes.map((c) => c.field).join(', ')} of ${r.key}.${missing.length ? ` Still missing: ${missing.join(', ')}.` : ''}`,
    );
  });
}

/** To the next work phase (planning -> building -> acceptance testing -> readiness review). */
export function advanceRelease(ctx: AppContext, actor: Actor, key: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'phase');
    const to = releaseTransition(r, { move: 'advance' });
    if (r.phase === 'planning') {
      const missing = planMissing(r.plan);
      if (missing.length) {
        throw new ChangebotError('incomplete', `${r.key} can't leave planning without a release plan. Missing: ${missing.join(', ')}.`, { missing });
      }
    }
    const saved = movePhase(tx, ctx, actor, r, { move: 'advance' });
    return outcome(saved, `${r.key} moved to ${RELEASE_PHASE_LABELS[to]}.`);
  });
}

const SHA256 = /^[0-9a-f]{64}$/;

export function changePackage(ctx: AppContext, actor: Actor, key: string, input: PackageInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    const frozen = r.package.frozenAt !== null;
    permit(actor, r, frozen ? 'amend-package' : 'package');
    const reason = frozen
      ? needReason(input.reason, `the package of ${r.key} changes after go`, 'reason="hotfix 4.2.1 replaces 4.2.0"')
      : input.reason?.trim() || null;
    const pkg = { ...r.package, artifacts: [...r.package.artifacts] };
    const changes: Change[] = [];
    if (input.artifact) {
      const a = input.artifact;
      const name = a.name.trim();
      const sha = a.sha256.trim().toLowerCase();
      if (!name || !a.version.trim()) throw new ChangebotError('bad_value', 'An artifact needs a name and a version.', { field: 'artifact' });
      if (!SHA256.test(sha))
        throw new ChangebotError('bad_value', `sha256 must be 64 hexadecimal digits; got "${a.sha256.slice(0, 80)}".`, { field: 'sha256' });
      if (a.link && !/^https?:\/\/\S+$/.test(a.link))
        throw new ChangebotError('bad_value', `link must be an http(s) address; got "${a.link.slice(0, 80)}".`, { field: 'link' });
      const artifact = { name, version: a.version.trim(), link: a.link?.trim() || null, sha256: sha };
      const i = pkg.artifacts.findIndex((x) => x.name.toLowerCase() === name.toLowerCase());
      changes.push({ field: `artifact ${name}`, from: i >= 0 ? pkg.artifacts[i] : null, to: artifact });
      if (i >= 0) pkg.artifacts[i] = artifact;
      else pkg.artifacts.push(artifact);
    }
    if (input.removeArtifact !== undefined) {
      const i = pkg.artifacts.findIndex((x) => x.name.toLowerCase() === input.removeArtifact!.trim().toLowerCase());
      if (i < 0) {
        const names = pkg.artifacts.map((x) => x.name).join(', ') || 'none';
        throw new ChangebotError('not_found', `${r.key}'s package has no artifact "${input.removeArtifact}". Its artifacts: ${names}.`, { field: 'remove' });
      }
      changes.push({ field: `artifact ${pkg.artifacts[i]!.name}`, from: pkg.artifacts[i], to: null });
      pkg.artifacts.splice(i, 1);
    }
    for (const k of ['install', 'removal'] as const) {
      if (input[k] === undefined) continue;
      const v = text(input[k], k);
      if (v !== pkg[k]) changes.push({ field: `${k} procedure`, from: pkg[k], to: v });
      pkg[k] = v;
    }
    if (!changes.length) {
      throw new ChangebotError('bad_command', `Nothing to change in the package of ${r.key}. Example: artifact=api version=4.2.0 sha256=<64 hex digits>`);
    }
    if (frozen) pkg.amendedAfterReview = true;
    const saved = save(tx, ctx, actor, { ...r, package: pkg }, { action: 'release-package', reason, detail: { changes, afterGo: frozen } });
    const what = changes.map((c) => c.field).join(', ');
    return outcome(
      saved,
      frozen ? `Amended ${what} in ${r.key}'s package after go; the package now shows it was amended after review.` : `Updated ${what} in ${r.key}'s package.`,
    );
  });
}

export function recordTest(ctx: AppContext, actor: Actor, key: string, input: TestResultInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'test');
    const name = text(input.name, 'name');
    if (!name) throw new ChangebotError('bad_value', 'Name the test. Example: "load test" pass', { field: 'name' });
    const result = { name, passed: input.passed, by: actor.id, at: ctx.clock.now(), note: text(input.note, 'note') };
    // One result per test: recording it again replaces it (the change log keeps the earlier one).
    const tests = [...r.tests.filter((t) => t.name.toLowerCase() !== name.toLowerCase()), result];
    const saved = save(tx, ctx, actor, { ...r, tests }, { action: 'release-test', detail: { name, passed: input.passed, note: result.note } });
    return outcome(saved, `Recorded “${name}” as ${input.passed ? 'passed' : 'failed'} for ${r.key}.`);
  });
}

export function signOff(ctx: AppContext, actor: Actor, key: string, input: SignoffInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'signoff');
    const s = { cluster: input.cluster, by: actor.id, at: ctx.clock.now(), note: text(input.note, 'note') };
    const signoffs = [...r.signoffs.filter((x) => x.cluster !== input.cluster), s];
    const saved = save(tx, ctx, actor, { ...r, signoffs }, { action: 'release-signoff', detail: { cluster: input.cluster, note: s.note } });
    return outcome(saved, `Signed off ${SIGNOFF_LABELS[input.cluster]} for ${r.key}.`);
  });
}

export function pilot(ctx: AppContext, actor: Actor, key: string, input: PilotInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    const note = text(input.note, 'note');
    if (input.what === 'proven') {
      permit(actor, r, 'prove-backout');
      if (!r.package.removal && !r.plan.backout) {
        throw new ChangebotError(
          'incomplete',
          `${r.key} has no backout procedure to prove: record the package's removal procedure or the plan's backout first.`,
        );
      }
      const saved = save(
        tx,
        ctx,
        actor,
        { ...r, backoutProven: true, backoutProvenBy: actor.id },
        { action: 'release-pilot', reason: note, detail: { backoutProven: true } },
      );
      return outcome(saved, `Recorded ${r.key}'s backout procedure as proven in test.`);
    }
    permit(actor, r, 'approve-pilot');
    const saved = save(tx, ctx, actor, { ...r, pilotApprovedBy: actor.id }, { action: 'release-pilot', reason: note, detail: { pilotApproved: true } });
    return outcome(
      saved,
      `Approved piloting ${r.key} in production.${r.backoutProven ? '' : ' The pilot also needs its backout proven in test before it starts.'}`,
    );
  });
}

/** Ticks a readiness item (or marks it not applicable with a reason), by the actor. */
export function tickReadiness(ctx: AppContext, actor: Actor, key: string, input: TickInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'tick');
    const at = ctx.clock.now();
    const note = text(input.note, 'note');
    const na = input.notApplicable !== undefined ? text(input.notApplicable, 'na') : undefined;
    if (input.notApplicable !== undefined && !na)
      throw new ChangebotError('bad_value', 'Say why the item does not apply. Example: na="no new users"', { field: 'na' });
    const mark = na ? ({ kind: 'not-applicable', reason: na, by: actor.id, at, note } as const) : ({ kind: 'ticked', by: actor.id, at, note } as const);
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, readiness: { ...r.readiness, [input.item]: mark } },
      {
        action: 'release-tick',
        reason: na ?? note,
        detail: { item: input.item, kind: mark.kind },
      },
    );
    const open = goBlockers(saved, []).length;
    const label = READINESS_LABELS[input.item];
    return outcome(
      saved,
      `${na ? 'Marked not applicable' : 'Ticked'}: ${label} (${r.key}). ${open ? `${open} item(s) still open.` : 'Every readiness item is done.'}`,
    );
  });
}

/** The release manager's or a change manager's go; the second one moves the release to deployment and freezes the package. */
export function giveGo(ctx: AppContext, actor: Actor, key: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'go');
    releaseTransition(r, { move: 'go' });
    const rfcs = rfcsOfRelease(tx, r.key);
    refuseGo(r.key, deployBlockers(r, rfcs));
    const givenAs = (as: string) => r.goDecisions.some((d) => d.as === as && d.by === actor.id);
    // The release manager decides as such; a change manager who is not the release manager as a change manager.
    const as = actor.id === r.manager ? 'release-manager' : 'change-manager';
    if (givenAs(as))
      throw new ChangebotError('already_voted', `You have given go to ${r.key} already; ${goStillNeeds(r, r.goDecisions).join(' and ')} must give it too.`);
    const now = ctx.clock.now();
    const goDecisions = [...r.goDecisions, { by: actor.id, as, at: now } as const];
    const still = goStillNeeds(r, goDecisions);
    if (still.length) {
      const saved = save(tx, ctx, actor, { ...r, goDecisions }, { action: 'release-go', detail: { as, stillNeeded: still } });
      return outcome(saved, `Recorded your go for ${r.key} as ${as.replace('-', ' ')}. Still needed: ${still.join(' and ')}.`);
    }
    const saved = movePhase(
      tx,
      ctx,
      actor,
      r,
      { move: 'go' },
      {
        patch: { goDecisions, package: { ...r.package, frozenAt: now } },
        detail: { as, deciders: goDecisions.map((d) => d.by) },
      },
    );
    const services = [...new Set([...rfcs.flatMap((x) => x.services), ...saved.waves.flatMap((w) => w.services)])];
    return outcome(saved, `${r.key} is go: it moves to deployment and its package is frozen.`, [
      decision(saved, actor, 'go: the readiness review passed'),
      // Advance communication of the release to the users of its services (MOF).
      ...(services.length
        ? [
            {
              event: 'release-announcement',
              subject: releaseSubject(r.key),
              recipients: services.map((service) => ({ kind: 'audience', service }) as Recipient),
            } as Notification,
          ]
        : []),
    ]);
  });
}

export function giveNoGo(ctx: AppContext, actor: Actor, key: string, input: NoGoInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'nogo');
    const reason = needReason(input.reason, `${r.key} is no-go`, 'reason="backup not verified" to=building');
    const saved = movePhase(tx, ctx, actor, r, { move: 'nogo', to: input.to }, { reason, patch: { goDecisions: [], reason }, detail: { to: input.to } });
    const freed = input.to === 'cancelled' ? freeRfcs(tx, ctx, actor, saved) : [];
    return outcome(saved, `${r.key} is no-go; it moved to ${RELEASE_PHASE_LABELS[saved.phase]}.${leftWords(freed)}`, [
      decision(saved, actor, `no-go: ${reason}`),
      ...freed.map(cardUpdate),
    ]);
  });
}

export function addWave(ctx: AppContext, actor: Actor, key: string, input: WaveInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'add-wave');
    const window = windowFrom(input, null);
    if (!window) throw new ChangebotError('bad_value', 'Give the wave a window. Example: start="2026-12-12 22:00" duration=2h', { field: 'start' });
    if (window.end.getTime() <= ctx.clock.now().getTime()) {
      throw new ChangebotError('bad_value', 'That window has already ended. Give a window in the future.', { field: 'start' });
    }
    const services = input.services?.length ? checkServices(tx, input.services) : [...new Set(rfcsOfRelease(tx, r.key).flatMap((x) => x.services))];
    if (input.pilot && r.waves.some((w) => w.pilot))
      throw new ChangebotError('invalid_transition', `${r.key} has a pilot wave already; a release has one pilot.`);
    if (input.pilot && r.waves.some((w) => w.state !== 'planned')) {
      throw new ChangebotError('invalid_transition', `${r.key} is deploying already; the pilot comes first, before any wave starts.`);
    }
    const conflicts = waveConflicts(tx, r, window, services, actor.timezone);
    checkWaveConflicts(r, actor, conflicts, input);
    const number = Math.max(0, ...r.waves.map((w) => w.number)) + 1;
    const wave = plannedWave({
      number,
      pilot: !!input.pilot,
      window,
      services,
      audience: text(input.audience, 'audience'),
      outageMinutes: input.outageMinutes ?? 0,
    });
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, waves: [...r.waves, wave] },
      {
        action: 'wave-add',
        reason: input.reason?.trim() || null,
        detail: {
          wave: number,
          pilot: wave.pilot,
          start: window.start.toISOString(),
          end: window.end.toISOString(),
          services,
          ...(conflicts.length ? { conflicts: conflicts.map((c) => c.message), acknowledged: !!input.ack } : {}),
        },
      },
    );
    return outcome(
      saved,
      `Planned wave ${number}${wave.pilot ? ' (the pilot)' : ''} of ${r.key}: ${formatRange(window, actor.timezone)}, ${services.join(', ') || 'no service'}.${conflicts.length ? ` ${conflicts.length} conflict(s) noted in the change log.` : ''}`,
    );
  });
}

function checkWaveConflicts(r: Release, actor: Actor, conflicts: Conflict[], input: WaveInput): void {
  if (input.ack) authorizeDeployment(actor, 'acknowledge-conflicts');
  const list = (cs: Conflict[]) => cs.map((c) => `• ${c.message}`).join('\n');
  const needAck = conflicts.filter((c) => c.needs === 'ack');
  if (needAck.length && !input.ack) {
    throw new ChangebotError(
      'conflict',
      `That wave of ${r.key} conflicts with:\n${list(needAck)}\nPick another window, or a change manager adds ack=yes reason="...".`,
      {
        conflicts: needAck.map((c) => c.message),
      },
    );
  }
  if (conflicts.length && !input.reason?.trim()) {
    throw new ChangebotError('conflict', `That wave of ${r.key} needs a reason to be planned here:\n${list(conflicts)}\nAdd reason="..." to the command.`, {
      conflicts: conflicts.map((c) => c.message),
      field: 'reason',
    });
  }
}

/** The span of the release's waves: the window its RFCs are scheduled into when it deploys. */
function span(waves: readonly Wave[]): Window {
  return {
    start: new Date(Math.min(...waves.map((w) => w.window.start.getTime()))),
    end: new Date(Math.max(...waves.map((w) => w.window.end.getTime()))),
  };
}

/** Moves each RFC of the release through `actions` (those its state allows), with `reason` in its log. */
function follow(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfcs: Rfc[],
  steps: readonly { action: Parameters<typeof move>[4]; from: readonly RfcState[]; patch?: (rfc: Rfc) => Partial<Rfc> }[],
  reason: string,
): Rfc[] {
  return rfcs.map((rfc) => {
    let cur = rfc;
    for (const s of steps) if (s.from.includes(cur.state)) cur = move(tx, ctx, actor, cur, s.action, { reason, patch: s.patch?.(cur) ?? {} });
    return cur;
  });
}

function wavesAudience(r: Release, w: Wave): Recipient[] {
  return [...waveAudience(w), ...people(releaseTeamOf(r))];
}

export function startWave(ctx: AppContext, actor: Actor, key: string, input: WaveStepInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'run-wave');
    const wave = checkWaveStart(r, input.wave);
    const first = orderedWaves(r.waves)[0]?.number === wave.number;
    const rfcs = rfcsOfRelease(tx, r.key);
    const unready = first ? rfcs.filter((x) => !JOINING.includes(x.state)) : [];
    if (unready.length) {
      throw new ChangebotError(
        'incomplete',
        `The first wave of ${r.key} can't start: ${unready.map((x) => `${x.key} is ${x.state.replace('_', ' ')}, not approved`).join('; ')}. Take it out of the release, or have it approved again.`,
        { blockers: unready.map((x) => x.key) },
      );
    }
    const now = ctx.clock.now();
    const override = input.override?.trim() || null;
    const inside = now.getTime() >= wave.window.start.getTime() && now.getTime() < wave.window.end.getTime();
    if (!inside && !override) {
      const when = formatRange(wave.window, actor.timezone);
      const early = now.getTime() < wave.window.start.getTime();
      throw new ChangebotError(
        'invalid_transition',
        `Wave ${wave.number} of ${r.key} is planned for ${when}; it ${early ? "hasn't started yet" : 'has ended'}. A change manager can start it anyway with override="reason".`,
        { field: 'override' },
      );
    }
    if (!inside) authorizeDeployment(actor, 'accept-window');
    const started: Wave = { ...wave, state: 'deploying', startedBy: actor.id, startedAt: now, override };
    const waves = r.waves.map((w) => (w.number === wave.number ? started : w));
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, waves },
      { action: 'wave-start', reason: override ?? text(input.note, 'note'), detail: { wave: wave.number, pilot: wave.pilot, override: !!override } },
    );
    // The RFCs follow the first wave into implementation, their windows those of the release's waves.
    const waveSpan = { window: span(r.waves), scheduleReason: `deployed by ${r.key}` };
    const moved = first
      ? follow(
          tx,
          ctx,
          actor,
          rfcs,
          [
            { action: 'schedule', from: ['approved'], patch: () => waveSpan },
            { action: 'start', from: ['scheduled'], patch: () => waveSpan },
          ],
          `${r.key} wave ${wave.number} started`,
        )
      : [];
    return outcome(
      saved,
      `Wave ${wave.number}${wave.pilot ? ' (the pilot)' : ''} of ${r.key} started.${moved.length ? ` ${moved.map((x) => x.key).join(', ')} now implementing.` : ''}`,
      [{ event: 'wave-started', subject: releaseSubject(r.key), recipients: wavesAudience(r, started), wave: wave.number }, ...moved.map(cardUpdate)],
    );
  });
}

const FINISHED = ['successful', 'backed_out'] as const;

/** A wave signed off successful, failed, or backed out. */
export function finishWave(ctx: AppContext, actor: Actor, key: string, result: 'successful' | 'failed' | 'backed_out', input: WaveStepInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'run-wave');
    const wave = r.waves.find((w) => w.number === input.wave);
    if (!wave) throw new ChangebotError('not_found', `${r.key} has no wave ${input.wave}. Its waves: ${r.waves.map((w) => w.number).join(', ') || 'none'}.`);
    const allowed = result === 'backed_out' ? ['deploying', 'failed', 'successful'] : ['deploying'];
    if (!allowed.includes(wave.state)) {
      throw new ChangebotError(
        'invalid_transition',
        `Wave ${wave.number} of ${r.key} is ${wave.state.replace('_', ' ')}, so it can't be marked ${result.replace('_', ' ')}.`,
      );
    }
    // A backout says what was done; a failure may be reported at once (the backout then says what was done).
    const note =
      result !== 'backed_out'
        ? text(input.note, 'note')
        : needReason(input.note, `wave ${wave.number} was backed out (what was done)`, 'note="restored 4.1 on db02"');
    const now = ctx.clock.now();
    const done: Wave = { ...wave, state: result, outcomeBy: actor.id, outcomeNote: note, finishedAt: now };
    const waves = r.waves.map((w) => (w.number === wave.number ? done : w));
    let saved = save(tx, ctx, actor, { ...r, waves }, { action: `wave-${result}`, reason: note, detail: { wave: wave.number } });
    const notes: Notification[] = [
      { event: 'wave-finished', subject: releaseSubject(r.key), recipients: wavesAudience(r, done), wave: wave.number, detail: result },
    ];
    if (result !== 'successful')
      notes.push(decision(saved, actor, `wave ${wave.number} ${result === 'failed' ? 'failed' : 'backed out'}${note ? `: ${note}` : ''}`, wave.number));
    let message = `Wave ${wave.number} of ${r.key} ${result === 'failed' ? 'failed' : `is ${result.replace('_', ' ')}`}.`;
    // Every wave finished (signed off successful or backed out): deployment is over.
    if (saved.waves.every((w) => (FINISHED as readonly string[]).includes(w.state))) {
      const finished = finishDeployment(tx, ctx, actor, saved);
      saved = finished.release;
      notes.push(...finished.moved.map(cardUpdate));
      message += ` Every wave is finished: ${r.key} moved to review and its RFCs to their post-implementation reviews.`;
    } else if (result === 'failed') {
      message += ' Back it out, or back the release out as a whole.';
    }
    return outcome(saved, message, notes);
  });
}

/**
 * Deployment over: the RFCs are implemented (backed out when no wave stayed in), go to their
 * post-implementation reviews, and the release to its review.
 */
function finishDeployment(tx: Db, ctx: AppContext, actor: Actor, r: Release): { release: Release; moved: Rfc[] } {
  const succeeded = r.waves.some((w) => w.state === 'successful');
  const partly = succeeded && r.waves.some((w) => w.state === 'backed_out');
  const reason = `${r.key} deployment ${succeeded ? (partly ? 'finished with a wave backed out' : 'succeeded') : 'backed out'}`;
  const moved = follow(
    tx,
    ctx,
    actor,
    rfcsOfRelease(tx, r.key),
    [
      ...(succeeded
        ? [{ action: 'complete' as const, from: ['implementing'] as RfcState[] }]
        : [{ action: 'backout' as const, from: ['implementing', 'failed', 'implemented'] as RfcState[] }]),
      {
        action: 'review',
        from: ['implemented', 'backed_out', 'failed'],
        patch: (rfc) => ({
          review: {
            outcome: rfc.state === 'backed_out' ? 'backed-out' : rfc.state === 'failed' ? 'failed' : partly ? 'successful-with-issues' : 'successful',
            causedIncident: false,
          },
        }),
      },
    ],
    reason,
  );
  const release = movePhase(tx, ctx, actor, r, { move: 'complete' }, { reason });
  return { release, moved };
}

/** The release backed out as a whole (every started wave, and its RFCs). */
export function backOutRelease(ctx: AppContext, actor: Actor, key: string, reason?: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'run-wave');
    const why = needReason(reason, `${r.key} is backed out (what was done)`, 'note="restored every group to 4.1"');
    const started = r.waves.filter((w) => w.state !== 'planned');
    if (!started.length)
      throw new ChangebotError('invalid_transition', `No wave of ${r.key} has started, so there is nothing to back out. Suspend or cancel it instead.`);
    const now = ctx.clock.now();
    const waves = r.waves.map((w) =>
      w.state === 'planned' ? w : { ...w, state: 'backed_out' as const, outcomeBy: actor.id, outcomeNote: why, finishedAt: w.finishedAt ?? now },
    );
    const saved = save(tx, ctx, actor, { ...r, waves }, { action: 'release-backout', reason: why, detail: { waves: started.map((w) => w.number) } });
    const finished = finishDeployment(tx, ctx, actor, { ...saved, waves: saved.waves.filter((w) => w.state !== 'planned') });
    const release = getRelease(tx, r.key);
    return outcome(release, `${r.key} is backed out as a whole; it moved to review and its RFCs to their post-implementation reviews.`, [
      decision(release, actor, `release backed out: ${why}`),
      ...finished.moved.map(cardUpdate),
    ]);
  });
}

export function reviewRelease(ctx: AppContext, actor: Actor, key: string, input: ReleaseReviewInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'review');
    const review = { outcome: null, workarounds: null, lessons: null, followUps: [] as string[], ...r.review };
    const changes: Change[] = [];
    for (const k of ['outcome', 'workarounds', 'lessons'] as const) {
      if (input[k] === undefined) continue;
      const v = text(input[k], k);
      if (v !== review[k]) changes.push({ field: k, from: review[k], to: v });
      review[k] = v;
    }
    let raised: Rfc | null = null;
    const notifications: Notification[] = [];
    if (input.followUp !== undefined) {
      const title = text(input.followUp, 'followup');
      if (!title) throw new ChangebotError('bad_value', 'Give the follow-up RFC a title. Example: followup="Tune the db02 pool"', { field: 'followup' });
      const now = ctx.clock.now();
      const { id: _id, key: _key, ...draft } = draftRfc(actor.id, now);
      raised = insertRfc(tx, { ...draft, title, description: `Follow-up from the review of ${r.key} “${r.name}”.` });
      appendLog(tx, {
        subject: rfcSubject(raised.key),
        at: now,
        actor: actor.id,
        action: 'raise',
        fromState: null,
        toState: 'draft',
        reason: `follow-up of ${r.key}`,
        detail: { release: r.key },
      });
      review.followUps = [...review.followUps, raised.key];
      changes.push({ field: 'follow-up', from: null, to: raised.key });
      notifications.push(cardUpdate(raised));
    }
    if (!changes.length)
      throw new ChangebotError('bad_command', `Nothing to record in the review of ${r.key}. Example: outcome="deployed to all sites" lessons="pilot longer"`);
    const saved = save(tx, ctx, actor, { ...r, review }, { action: 'release-review', detail: { changes } });
    const words = changes.map((c) => c.field).join(', ');
    return outcome(
      saved,
      `Recorded ${words} in the review of ${r.key}.${raised ? ` Raised ${raised.key} “${raised.title}” as a draft, linked to ${r.key}.` : ''}`,
      notifications,
    );
  });
}

const REVIEW_DONE: readonly RfcState[] = ['closed', 'withdrawn', 'cancelled'];

export function closeRelease(ctx: AppContext, actor: Actor, key: string, reason?: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'close');
    releaseTransition(r, { move: 'close' });
    if (!r.review?.outcome)
      throw new ChangebotError('incomplete', `Record the outcome of ${r.key}'s review before closing it. Example: outcome="deployed to both groups"`, {
        field: 'outcome',
      });
    const open = rfcsOfRelease(tx, r.key).filter((x) => !REVIEW_DONE.includes(x.state));
    if (open.length) {
      throw new ChangebotError(
        'incomplete',
        `${r.key} closes once its RFCs' reviews are done. Still open: ${open.map((x) => `${x.key} (${x.state.replace('_', ' ')})`).join(', ')}.`,
        { open: open.map((x) => x.key) },
      );
    }
    const saved = movePhase(tx, ctx, actor, r, { move: 'close' }, { reason: reason?.trim() || null });
    return outcome(saved, `Closed ${r.key}.`);
  });
}

export function suspendRelease(ctx: AppContext, actor: Actor, key: string, reason?: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'suspend');
    releaseTransition(r, { move: 'suspend' });
    if (r.waves.some((w) => w.state === 'deploying')) {
      throw new ChangebotError('invalid_transition', `A wave of ${r.key} is deploying; mark it done, failed or backed out before suspending the release.`);
    }
    const why = needReason(reason, `${r.key} is suspended`, 'reason="waiting for the vendor fix"');
    const saved = movePhase(tx, ctx, actor, r, { move: 'suspend' }, { reason: why, patch: { reason: why } });
    return outcome(saved, `Suspended ${r.key} (it was in ${RELEASE_PHASE_LABELS[r.phase]}); resume it to go back there.`, [
      decision(saved, actor, `suspended: ${why}`),
    ]);
  });
}

export function resumeRelease(ctx: AppContext, actor: Actor, key: string, reason?: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'resume');
    releaseTransition(r, { move: 'resume' });
    const saved = movePhase(tx, ctx, actor, r, { move: 'resume' }, { reason: reason?.trim() || null });
    return outcome(saved, `Resumed ${r.key}: it is back in ${RELEASE_PHASE_LABELS[saved.phase]}.`);
  });
}

export function cancelRelease(ctx: AppContext, actor: Actor, key: string, reason?: string): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    authorizeRelease(actor, r, 'cancel');
    releaseTransition(r, { move: 'cancel' });
    if (r.waves.some((w) => w.state !== 'planned')) {
      throw new ChangebotError(
        'invalid_transition',
        `${r.key} has started deploying, so its RFCs are in production work; back it out as a whole (wave backout ${r.key} all) instead of cancelling it.`,
      );
    }
    const why = needReason(reason, `${r.key} is cancelled`, 'reason="superseded by REL-4"');
    const saved = movePhase(tx, ctx, actor, r, { move: 'cancel' }, { reason: why, patch: { reason: why } });
    const freed = freeRfcs(tx, ctx, actor, saved);
    return outcome(saved, `Cancelled ${r.key}.${leftWords(freed)}`, [decision(saved, actor, `cancelled: ${why}`), ...freed.map(cardUpdate)]);
  });
}

/** A cancelled release lets its RFCs go, free to join another release (each RFC's log says so). */
function freeRfcs(tx: Db, ctx: AppContext, actor: Actor, r: Release): Rfc[] {
  const freed = rfcsOfRelease(tx, r.key);
  const now = ctx.clock.now();
  for (const rfc of freed) updateRfc(tx, { ...rfc, releaseKey: null, updatedAt: now });
  logOnRfcs(tx, ctx, actor, freed, r.key, 'was cancelled; the RFC left it');
  return freed;
}

function leftWords(freed: readonly Rfc[]): string {
  return freed.length ? ` ${freed.map((x) => x.key).join(', ')} left it and may join another release.` : '';
}
