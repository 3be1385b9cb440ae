/**
 * Release use cases (MOF Release Management): actor + input -> permission (release-permissions.ts)
 * -> release rules (release.ts, release-rules.ts) -> one transaction -> a change-log row on the
 * release (and, for phase moves, one on each of its RFCs) + outbox -> outcome. The RFCs follow
 * the release through the RFC state machine (support.ts `move`), so their own logs and cards
 * stay true. Here: opening, the team and RFCs, the plan, phase moves, review and close; getting
 * ready for go in release-readiness.ts, deploying in release-waves.ts (both re-exported here).
 */
import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import { findRelease, insertRelease, rfcsOfRelease } from '../db/repos/releases.js';
import { insertRfc, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, people } from '../domain/notifications.js';
import { RELEASE_PHASE_LABELS, type Release, TEAM_LABELS, releaseTransition } from '../domain/release.js';
import { authorizeCreateRelease, authorizeRelease } from '../domain/release-permissions.js';
import { planMissing } from '../domain/release-rules.js';
import { draftRfc } from '../domain/rfc.js';
import { releaseSubject, rfcSubject } from '../domain/subject.js';
import type { Actor, Rfc, RfcState } from '../domain/types.js';
import { type AppContext, inTransaction } from './context.js';
import type { ReleaseFields, ReleasePlanInput, ReleaseReviewInput, ReleaseRfcInput } from './inputs.js';
import { getRfc } from './support.js';
import { said } from './text-input.js';
import {
  JOINING,
  type Change,
  type R,
  cardUpdate,
  channelsOf,
  decision,
  freeRfcs,
  getRelease,
  leftWords,
  movePhase,
  needReason,
  outcome,
  permit,
  person,
  save,
  text,
  iso,
  withdrawGo,
} from './release-support.js';

export { getRelease } from './release-support.js';
export * from './release-readiness.js';
export * from './release-waves.js';

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
    const again = withdrawGo(r, 'it joined');
    const saved = save(tx, ctx, actor, { ...r, ...again.patch }, { action: 'release-add-rfc', detail: { rfc: rfc.key, ...again.detail } });
    return { ...outcome(saved, `Added ${rfc.key} “${rfc.title}” to ${r.key}.${again.words}`), notifications: [cardUpdate(rfc)] };
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

/** States an RFC can be in before the release's waves move it (re-approval included). */
const BEFORE_WAVES: readonly RfcState[] = ['submitted', 'awaiting_approval', 'approved', 'scheduled', 'rejected'];

export function removeReleaseRfc(ctx: AppContext, actor: Actor, key: string, input: ReleaseRfcInput): R {
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    // After go, what was reviewed is what gets deployed: only a change manager takes an RFC out.
    const afterGo = r.package.frozenAt !== null;
    permit(actor, r, afterGo ? 'remove-rfc-after-go' : 'remove-rfc');
    const rfc = getRfc(tx, input.rfc);
    if (rfc.releaseKey !== r.key) throw new ChangebotError('not_found', `${rfc.key} is not in ${r.key}.`);
    if (!BEFORE_WAVES.includes(rfc.state)) {
      throw new ChangebotError(
        'invalid_transition',
        `${rfc.key} is ${rfc.state.replace('_', ' ')} with ${r.key}'s waves, so it can't leave the release now. Back the release out as a whole instead.`,
      );
    }
    const reason = afterGo ? needReason(input.reason, `${rfc.key} leaves ${r.key} after go`, `reason="customer asked to wait"`) : said('reason', input.reason);
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
      const v = text(input[k], k === 'deploymentOrder' ? 'order' : k);
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
    const saved = movePhase(tx, ctx, actor, r, { move: 'close' }, { reason: said('reason', reason) ?? null });
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
    const saved = movePhase(tx, ctx, actor, r, { move: 'resume' }, { reason: said('reason', reason) ?? null });
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
