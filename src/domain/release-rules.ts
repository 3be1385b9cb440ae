/**
 * What gates a release's moves (MOF Release Management): a release plan before building, the
 * readiness review before go, a proven backout and a change manager's approval before a pilot,
 * waves in order, and the RFCs following their release. Pure: callers pass the facts.
 */
import { ChangebotError } from './errors.js';
import { READINESS_FACTORS, READINESS_LABELS, type ReleaseFacts, type ReleasePhase, type ReleasePlan, type Wave, type WaveState } from './release.js';
import type { Recipient } from './notifications.js';
import type { PersonId, RfcState } from './types.js';

const PLAN_ITEMS: readonly [keyof ReleasePlan, string][] = [
  ['deploymentOrder', 'the deployment order'],
  ['training', 'the training needs'],
  ['communications', 'the communications plan'],
  ['backout', 'a backout plan for the release as a whole'],
];

/** What the release plan still lacks before the release may leave planning. */
export function planMissing(plan: ReleasePlan): string[] {
  return PLAN_ITEMS.filter(([k]) => !plan[k]?.trim()).map(([, words]) => words);
}

/** RFC states that may ride a release into deployment (approved, possibly scheduled). */
const READY_RFC_STATES: readonly RfcState[] = ['approved', 'scheduled'];

/**
 * Everything standing in the way of go: each readiness item neither ticked nor marked not
 * applicable, and each RFC of the release that is not approved. Empty = go may be given.
 */
export function goBlockers(r: Pick<ReleaseFacts, 'readiness'>, rfcs: readonly { key: string; state: RfcState }[]): string[] {
  const open = READINESS_FACTORS.filter((f) => !r.readiness[f]).map((f) => `open: ${READINESS_LABELS[f]}`);
  const unapproved = rfcs.filter((x) => !READY_RFC_STATES.includes(x.state)).map((x) => `${x.key} is ${x.state.replace('_', ' ')}, not approved`);
  return [...open, ...unapproved];
}

/** Everything go would refuse: goBlockers, and a release with no RFCs or no wave to deploy in. */
export function deployBlockers(r: Pick<ReleaseFacts, 'readiness' | 'waves'>, rfcs: readonly { key: string; state: RfcState }[]): string[] {
  return [...goBlockers(r, rfcs), ...(rfcs.length ? [] : ['the release has no RFCs']), ...(r.waves.length ? [] : ['no deployment wave is planned'])];
}

/**
 * Go needs the release manager and a change manager (two decisions; one person holding both
 * roles may not give both). Returns who is still needed, empty when go is given.
 */
export function goStillNeeds(r: Pick<ReleaseFacts, 'manager'>, decisions: readonly { by: PersonId; as: 'release-manager' | 'change-manager' }[]): string[] {
  const byManager = decisions.some((d) => d.as === 'release-manager' && d.by === r.manager);
  const byChangeManager = decisions.some((d) => d.as === 'change-manager' && d.by !== r.manager);
  return [...(byManager ? [] : ['the release manager']), ...(byChangeManager ? [] : ['a change manager other than the release manager'])];
}

/** The refusal of go while anything is open, naming every item. */
export function refuseGo(key: string, blockers: readonly string[]): void {
  if (!blockers.length) return;
  throw new ChangebotError('incomplete', `${key} can't be given go yet:\n${blockers.map((b) => `• ${b}`).join('\n')}`, { blockers: [...blockers] });
}

/** Why the pilot wave may not start yet (MOF: piloting in production needs change management's approval and a proven recovery). */
export function pilotBlockers(r: Pick<ReleaseFacts, 'backoutProven' | 'pilotApprovedBy'>): string[] {
  return [
    ...(r.backoutProven ? [] : ['the backout procedure is not yet recorded as proven in test']),
    ...(r.pilotApprovedBy ? [] : ['no change manager has approved the pilot']),
  ];
}

/**
 * Who hears of a wave's outage: the audiences of its services, and the audience it names itself
 * (channels, user groups, people, comma-separated, as `release wave add ... audience=` stores them).
 */
export function waveAudience(w: Pick<Wave, 'services' | 'audience'>): Recipient[] {
  const refs = (w.audience ?? '')
    .split(',')
    .map((s) => s.trim())
    // References only (`slack:channel:C5`, `teams:...`); words like "all staff" are for people to read.
    .filter((s) => /^[a-z]+:\S+$/.test(s));
  return [...w.services.map((service): Recipient => ({ kind: 'audience', service })), ...(refs.length ? [{ kind: 'audience-refs', refs } as const] : [])];
}

/** The steps on an RFC that its release may take from it. */
export const RELEASE_HELD_STEPS = ['schedule', 'reschedule', 'start', 'complete', 'fail', 'backout', 'withdraw', 'cancel'] as const;

/** The release an RFC belongs to, as the rule below reads it. */
export interface HoldingRelease {
  key: string;
  phase: ReleasePhase;
  /** Go was given (the package is frozen). */
  goGiven: boolean;
}

/**
 * Whether the RFC's release holds `step` (an RFC permission name): the release's waves start,
 * finish and back out its RFCs; after go an RFC neither leaves it nor moves its own window.
 * One rule for the use cases' refusal and the RFC cards' buttons.
 */
export function heldByRelease(step: string, release: HoldingRelease | null): boolean {
  if (!release || release.phase === 'cancelled' || release.phase === 'closed') return false;
  if (!(RELEASE_HELD_STEPS as readonly string[]).includes(step)) return false;
  return release.goGiven || !['schedule', 'reschedule', 'withdraw', 'cancel'].includes(step);
}

/** Waves in deployment order: the pilot first, then by number. */
export function orderedWaves(waves: readonly Wave[]): Wave[] {
  return [...waves].sort((a, b) => (a.pilot === b.pilot ? a.number - b.number : a.pilot ? -1 : 1));
}

/**
 * Refuses to start wave `n` unless the release is deploying, the wave is planned, every wave
 * before it was signed off successful, and, for a pilot, its conditions hold.
 */
export function checkWaveStart(r: Pick<ReleaseFacts, 'key' | 'phase' | 'waves' | 'backoutProven' | 'pilotApprovedBy'>, n: number): Wave {
  const order = orderedWaves(r.waves);
  const wave = order.find((w) => w.number === n);
  if (!wave) throw new ChangebotError('not_found', `${r.key} has no wave ${n}.`, { wave: n });
  if (r.phase !== 'deployment') throw new ChangebotError('invalid_transition', `${r.key} is not in deployment, so wave ${n} can't start.`);
  if (wave.state !== 'planned') throw new ChangebotError('invalid_transition', `Wave ${n} of ${r.key} is ${waveWord(wave.state)} already.`);
  const before = order.slice(0, order.indexOf(wave)).find((w) => w.state !== 'successful');
  if (before) {
    throw new ChangebotError(
      'invalid_transition',
      `Wave ${n} of ${r.key} can start only after wave ${before.number}${before.pilot ? ' (the pilot)' : ''} is signed off successful; it is ${waveWord(before.state)}.`,
    );
  }
  if (wave.pilot) {
    const missing = pilotBlockers(r);
    if (missing.length) throw new ChangebotError('incomplete', `The pilot of ${r.key} can't start: ${missing.join('; ')}.`, { blockers: missing });
  }
  return wave;
}

function waveWord(s: WaveState): string {
  return s === 'backed_out' ? 'backed out' : s;
}

/**
 * Where the release's RFCs go when a wave moves: implementing when the first wave starts,
 * implemented when the last wave succeeds, backed out with the release. Null: they stay.
 */
export function rfcsFollow(
  event: { kind: 'wave-started' | 'wave-successful'; wave: number } | { kind: 'release-backed-out' },
  waves: readonly Wave[],
): RfcState | null {
  const order = orderedWaves(waves);
  if (event.kind === 'release-backed-out') return 'backed_out';
  if (event.kind === 'wave-started') return order[0]?.number === event.wave ? 'implementing' : null;
  return order.at(-1)?.number === event.wave ? 'implemented' : null;
}
