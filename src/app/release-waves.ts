/**
 * Deploying a release in waves (MOF deployment): planning each wave's window with the RFCs'
 * conflict checks, starting them in order, signing them off or backing them out, and the
 * RFCs following the release into implementation, review or backout.
 */
import type { Db } from '../db/client.js';
import { rfcsOfRelease } from '../db/repos/releases.js';
import { startBlockersOf } from './checklist.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, type Recipient, people } from '../domain/notifications.js';
import { type Release, type Wave, plannedWave } from '../domain/release.js';
import { authorizeRelease, releaseTeamOf } from '../domain/release-permissions.js';
import { checkWaveStart, orderedWaves, waveAudience } from '../domain/release-rules.js';
import type { Conflict } from '../domain/schedule.js';
import { releaseSubject } from '../domain/subject.js';
import type { Actor, Rfc, RfcState, Window } from '../domain/types.js';
import { formatRange } from '../domain/windows.js';
import { authorizeDeployment } from '../domain/permissions.js';
import { type AppContext, inTransaction } from './context.js';
import { checkServices, windowFrom } from './fields.js';
import { waveConflicts } from './wave-schedule.js';
import type { WaveInput, WaveStepInput } from './inputs.js';
import { move } from './support.js';
import { JOINING, type R, cardUpdate, decision, getRelease, movePhase, needReason, outcome, permit, save, text, withdrawGo } from './release-support.js';
import { cleanInput } from './text-input.js';

export function addWave(ctx: AppContext, actor: Actor, key: string, given: WaveInput): R {
  const input = cleanInput(given, { reason: 'reason', audience: 'audience' });
  return inTransaction(ctx, (tx) => {
    const r = getRelease(tx, key);
    permit(actor, r, 'add-wave');
    const window = windowFrom(input, null, ctx.clock.now());
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
    const again = withdrawGo(r, 'this wave was planned');
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, ...again.patch, waves: [...r.waves, wave] },
      {
        action: 'wave-add',
        reason: text(input.reason, 'reason'),
        detail: {
          wave: number,
          pilot: wave.pilot,
          start: window.start.toISOString(),
          end: window.end.toISOString(),
          services,
          ...(conflicts.length ? { conflicts: conflicts.map((c) => c.message), acknowledged: !!input.ack } : {}),
          ...again.detail,
        },
      },
    );
    return outcome(
      saved,
      `Planned wave ${number}${wave.pilot ? ' (the pilot)' : ''} of ${r.key}: ${formatRange(window, actor.timezone)}, ${services.join(', ') || 'no service'}.${conflicts.length ? ` ${conflicts.length} conflict(s) noted in the change log.` : ''}${again.words}`,
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
    const override = text(input.override, 'override');
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
    // The first wave starts the release's changes: their checklists and tasks hold it as `start`
    // holds a change of its own (emergencies excepted; a change manager's override, logged).
    const open = first ? rfcs.filter((x) => !x.emergency).flatMap((x) => startBlockersOf(tx, ctx.policy, x).map((b) => `${x.key} ${b}`)) : [];
    if (open.length && !override) {
      throw new ChangebotError(
        'incomplete',
        `The first wave of ${r.key} can't start: its changes are not ready. Still open: ${open.join('; ')}. Tick them with /rfc check RFC-n ITEM and finish the tasks; a change manager may start the wave anyway with override="reason".`,
        { missing: open },
      );
    }
    if (open.length) authorizeDeployment(actor, 'accept-window');
    const started: Wave = { ...wave, state: 'deploying', startedBy: actor.id, startedAt: now, override };
    const waves = r.waves.map((w) => (w.number === wave.number ? started : w));
    const saved = save(
      tx,
      ctx,
      actor,
      { ...r, waves },
      {
        action: 'wave-start',
        reason: override ?? text(input.note, 'note'),
        detail: { wave: wave.number, pilot: wave.pilot, override: !!override, ...(open.length ? { open } : {}) },
      },
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
        : needReason(input.note, `wave ${wave.number} was backed out (what was done)`, 'note="restored 4.1 on db02"', 'note');
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
    const why = needReason(reason, `${r.key} is backed out (what was done)`, 'note="restored every group to 4.1"', 'note');
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
