import { rfcsOfRelease } from '../db/repos/releases.js';
import { ChangebotError } from '../domain/errors.js';
import type { Notification, Recipient } from '../domain/notifications.js';
import { READINESS_LABELS, RELEASE_PHASE_LABELS, SIGNOFF_LABELS, releaseTransition } from '../domain/release.js';
import { authorizeRelease } from '../domain/release-permissions.js';
import { deployBlockers, goBlockers, goStillNeeds, refuseGo } from '../domain/release-rules.js';
import { releaseSubject } from '../domain/subject.js';
import type { Actor } from '../domain/types.js';
import { type AppContext, inTransaction } from './context.js';
import { checkText } from '../domain/text-rules.js';
import type { NoGoInput, PackageInput, PilotInput, SignoffInput, TestResultInput, TickInput } from './inputs.js';
import {
  type Change,
  type R,
  cardUpdate,
  decision,
  freeRfcs,
  getRelease,
  leftWords,
  movePhase,
  needReason,
  outcome,
  permit,
  save,
  text,
  withdrawGo,
} from './release-support.js';

const SHA256 = /^[0-9a-f]{64}$/;

export function changePackage(ctx: AppContext, actor: Actor, key: string, input: PackageInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    const frozen = r.package.frozenAt !== null;
    permit(actor, r, frozen ? 'amend-package' : 'package');
    const reason = frozen
      ? needReason(input.reason, `the package of ${r.key} changes after go`, 'reason="hotfix 4.2.1 replaces 4.2.0"')
      : text(input.reason, 'reason');
    const pkg = { ...r.package, artifacts: [...r.package.artifacts] };
    const changes: Change[] = [];
    if (input.artifact) {
      const a = {
        name: checkText('artifact', input.artifact.name),
        version: checkText('version', input.artifact.version),
        link: input.artifact.link === undefined ? undefined : checkText('link', input.artifact.link),
        sha256: checkText('sha256', input.artifact.sha256),
      };
      const name = a.name;
      const sha = a.sha256.toLowerCase();
      if (!name || !a.version) throw new ChangebotError('bad_value', 'An artifact needs a name and a version.', { field: 'artifact' });
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
      const gone = checkText('artifact', input.removeArtifact, 'remove');
      const i = pkg.artifacts.findIndex((x) => x.name.toLowerCase() === gone.toLowerCase());
      if (i < 0) {
        const names = pkg.artifacts.map((x) => x.name).join(', ') || 'none';
        throw new ChangebotError('not_found', `${r.key}'s package has no artifact "${gone}". Its artifacts: ${names}.`, { field: 'remove' });
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
    const again = withdrawGo(r, 'this change');
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, ...again.patch, package: pkg },
      { action: 'release-package', reason, detail: { changes, afterGo: frozen, ...again.detail } },
    );
    const what = changes.map((c) => c.field).join(', ');
    return outcome(
      saved,
      frozen
        ? `Amended ${what} in ${r.key}'s package after go; the package now shows it was amended after review.`
        : `Updated ${what} in ${r.key}'s package.${again.words}`,
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
