/**
 * Platform-neutral release views (issue 10): everything a release card shows, already worded
 * and with times in the viewer's zone. Built by a pure `releaseView`; the card models
 * (release-cards.ts) choose which of it each card shows and which buttons each viewer gets.
 */
import {
  READINESS_FACTORS,
  READINESS_LABELS,
  RELEASE_PHASE_LABELS,
  type ReadinessFactor,
  type Release,
  type ReleasePhase,
  type ReleasePlan,
  type ReleaseTeam,
  SIGNOFF_CLUSTERS,
  SIGNOFF_LABELS,
  type SignoffCluster,
  type Wave,
  type WaveState,
  type WorkPhase,
} from './release.js';
import { deployBlockers, goStillNeeds, orderedWaves, pilotBlockers, planMissing } from './release-rules.js';
import { STATE_LABELS } from './rfc-machine.js';
import type { PersonId, Rfc, RfcState, Window } from './types.js';
import { formatMinutes } from './views.js';
import { formatInstant, formatRange } from './windows.js';
import { DateTime } from 'luxon';

export interface ReleaseRfcView {
  key: string;
  title: string;
  state: RfcState;
  stateLabel: string;
}

export interface ArtifactView {
  name: string;
  version: string;
  link: string | null;
  /** The first 12 hex digits of the SHA-256. */
  checksum: string;
  /** "app 2.1 (sha256 0123456789ab)" */
  line: string;
}

export interface PackageView {
  artifacts: ArtifactView[];
  install: string | null;
  removal: string | null;
  frozen: boolean;
  /** "frozen Sat 5 Dec 22:00 GMT" or null. */
  frozenAt: string | null;
  amendedAfterReview: boolean;
}

export interface TestView {
  name: string;
  passed: boolean;
  by: PersonId;
  note: string | null;
}

export interface SignoffView {
  cluster: SignoffCluster;
  label: string;
  by: PersonId;
  note: string | null;
}

export type ReadinessItemState = 'open' | 'ticked' | 'not-applicable';

export interface ReadinessItemView {
  id: ReadinessFactor;
  label: string;
  state: ReadinessItemState;
  by: PersonId | null;
  note: string | null;
  /** Why it does not apply. */
  reason: string | null;
  /** "open", "ticked by cli:ann: backup restored", "not applicable: no training needed (cli:ann)" */
  status: string;
}

export interface GoDecisionView {
  by: PersonId;
  as: 'release-manager' | 'change-manager';
  /** "release manager", "change manager". */
  asLabel: string;
  at: string;
}

export const WAVE_STATE_LABELS: Record<WaveState, string> = {
  planned: 'planned',
  deploying: 'deploying',
  successful: 'successful',
  failed: 'failed',
  backed_out: 'backed out',
};

export interface WaveView {
  number: number;
  pilot: boolean;
  /** "Wave 1 (pilot)", "Wave 2". */
  label: string;
  window: string;
  windowAt: Window;
  services: string[];
  audience: string | null;
  /** "30 min" or null when none is expected. */
  outage: string | null;
  state: WaveState;
  stateLabel: string;
  startedBy: PersonId | null;
  /** Who signed it off (done, failed, backed out). */
  outcomeBy: PersonId | null;
  override: string | null;
  /** "by cli:ann: all hosts patched" once finished (or started with an override). */
  outcome: string | null;
  /** A press of Start would be allowed by the rules now (order, pilot, window). */
  startable: boolean;
  /** One line: "Wave 1 (pilot) · from … · web, db · successful — by cli:ann: fine". */
  line: string;
}

export interface ReleaseView {
  key: string;
  name: string;
  goal: string | null;
  phase: ReleasePhase;
  phaseLabel: string;
  suspendedFrom: WorkPhase | null;
  manager: PersonId;
  team: ReleaseTeam;
  /** "Mon 14 Dec 2026" in the viewer's zone. */
  targetDate: string | null;
  targetDateAt: Date | null;
  channels: { slack: string | null; teams: string | null };
  rfcs: ReleaseRfcView[];
  plan: ReleasePlan;
  /** What the release plan still lacks (words). */
  planMissing: string[];
  package: PackageView;
  tests: TestView[];
  signoffs: SignoffView[];
  /** Cluster labels nobody has signed off yet. */
  signoffsMissing: string[];
  readiness: ReadinessItemView[];
  goDecisions: GoDecisionView[];
  /** Who go still needs (empty: both decisions given). */
  goStillNeeds: string[];
  /** What stands in the way of go (open items, unapproved RFCs). */
  goBlockers: string[];
  backoutProvenBy: PersonId | null;
  backoutProven: boolean;
  pilotApprovedBy: PersonId | null;
  /** Why a pilot could not start (only when the release has a pilot wave). */
  pilotBlockers: string[];
  /** In deployment order (pilot first). */
  waves: WaveView[];
  /** The wave a press of Start would start now, if any. */
  nextWave: number | null;
  /** The wave being deployed, if any. */
  deployingWave: number | null;
  review: { outcome: string | null; workarounds: string | null; lessons: string | null; followUps: string[] } | null;
  /** Why it was last suspended, cancelled or given no-go. */
  reason: string | null;
  /** The last step recorded in its change log, in words ("cli:ann release-tick …"). */
  lastStep: string | null;
}

export interface ReleaseSummaryView {
  key: string;
  name: string;
  phase: ReleasePhase;
  phaseLabel: string;
  manager: PersonId;
  targetDate: string | null;
  rfcCount: number;
  waveCount: number;
}

export function shortChecksum(sha256: string): string {
  return sha256.slice(0, 12);
}

/** "Mon 14 Dec 2026". */
export function formatDate(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).setLocale('en-GB').toFormat('ccc d LLL yyyy');
}

function readinessItem(r: Release, id: ReadinessFactor): ReadinessItemView {
  const label = READINESS_LABELS[id];
  const m = r.readiness[id];
  if (!m) return { id, label, state: 'open', by: null, note: null, reason: null, status: 'open' };
  const note = m.note?.trim() || null;
  if (m.kind === 'ticked') return { id, label, state: 'ticked', by: m.by, note, reason: null, status: `ticked by ${m.by}${note ? `: ${note}` : ''}` };
  return { id, label, state: 'not-applicable', by: m.by, note, reason: m.reason, status: `not applicable: ${m.reason} (${m.by})${note ? `; ${note}` : ''}` };
}

function waveLabel(w: Pick<Wave, 'number' | 'pilot'>): string {
  return `Wave ${w.number}${w.pilot ? ' (pilot)' : ''}`;
}

function waveOutcome(w: Wave): string | null {
  if (w.outcomeBy) return `by ${w.outcomeBy}${w.outcomeNote ? `: ${w.outcomeNote}` : ''}`;
  if (w.state === 'deploying' && w.startedBy) return `started by ${w.startedBy}${w.override ? ` outside its window: ${w.override}` : ''}`;
  return null;
}

/** The first wave in order that is planned, when every wave before it succeeded and (for a pilot) its conditions hold. */
function startableWave(r: Release, order: Wave[], now: Date | undefined): Wave | null {
  if (r.phase !== 'deployment') return null;
  for (const w of order) {
    if (w.state === 'successful') continue;
    if (w.state !== 'planned') return null;
    if (w.pilot && pilotBlockers(r).length) return null;
    const inWindow = !now || (now.getTime() >= w.window.start.getTime() && now.getTime() < w.window.end.getTime());
    return inWindow ? w : null;
  }
  return null;
}

export interface ReleaseViewOptions {
  zone: string;
  /** The clock, for which wave may start now (no clock: any in order). */
  now?: Date;
  /** The release's change-log rows, oldest first (for the last step). */
  log?: readonly { at: Date; actor: PersonId; action: string; reason: string | null }[];
}

/** Everything a release card shows, worded, in `zone`. */
export function releaseView(r: Release, rfcs: readonly Pick<Rfc, 'key' | 'title' | 'state'>[], opts: ReleaseViewOptions): ReleaseView {
  const zone = opts.zone;
  const order = orderedWaves(r.waves);
  const next = startableWave(r, order, opts.now);
  const deploying = order.find((w) => w.state === 'deploying') ?? null;
  const waves: WaveView[] = order.map((w) => {
    const outage = w.outageMinutes > 0 ? formatMinutes(w.outageMinutes) : null;
    const outcome = waveOutcome(w);
    const window = formatRange(w.window, zone);
    const line = [
      waveLabel(w),
      window,
      w.services.length ? w.services.join(', ') : 'no service',
      ...(outage ? [`outage ${outage}${w.audience ? ` for ${w.audience}` : ''}`] : []),
      `${WAVE_STATE_LABELS[w.state]}${outcome ? ` — ${outcome}` : ''}`,
    ].join(' · ');
    return {
      number: w.number,
      pilot: w.pilot,
      label: waveLabel(w),
      window,
      windowAt: w.window,
      services: w.services,
      audience: w.audience,
      outage,
      state: w.state,
      stateLabel: WAVE_STATE_LABELS[w.state],
      startedBy: w.startedBy,
      outcomeBy: w.outcomeBy ?? null,
      override: w.override,
      outcome,
      startable: next?.number === w.number,
      line,
    };
  });
  // The last step someone took: not the bot's own notes of what it sent.
  const last = opts.log?.filter((e) => e.action !== 'notify' && e.action !== 'notified').at(-1);
  return {
    key: r.key,
    name: r.name,
    goal: r.goal?.trim() || null,
    phase: r.phase,
    phaseLabel: RELEASE_PHASE_LABELS[r.phase],
    suspendedFrom: r.suspendedFrom,
    manager: r.manager,
    team: r.team,
    targetDate: r.targetDate ? formatDate(r.targetDate, zone) : null,
    targetDateAt: r.targetDate,
    channels: r.channels,
    rfcs: rfcs.map((x) => ({ key: x.key, title: x.title, state: x.state, stateLabel: STATE_LABELS[x.state] })),
    plan: r.plan,
    planMissing: planMissing(r.plan),
    package: {
      artifacts: r.package.artifacts.map((a) => ({
        name: a.name,
        version: a.version,
        link: a.link,
        checksum: shortChecksum(a.sha256),
        line: `${a.name} ${a.version} (sha256 ${shortChecksum(a.sha256)})`,
      })),
      install: r.package.install?.trim() || null,
      removal: r.package.removal?.trim() || null,
      frozen: !!r.package.frozenAt,
      frozenAt: r.package.frozenAt ? formatInstant(r.package.frozenAt, zone) : null,
      amendedAfterReview: r.package.amendedAfterReview,
    },
    tests: r.tests.map((t) => ({ name: t.name, passed: t.passed, by: t.by, note: t.note })),
    signoffs: r.signoffs.map((s) => ({ cluster: s.cluster, label: SIGNOFF_LABELS[s.cluster], by: s.by, note: s.note })),
    signoffsMissing: SIGNOFF_CLUSTERS.filter((c) => !r.signoffs.some((s) => s.cluster === c)).map((c) => SIGNOFF_LABELS[c]),
    readiness: READINESS_FACTORS.map((f) => readinessItem(r, f)),
    goDecisions: r.goDecisions.map((d) => ({
      by: d.by,
      as: d.as,
      asLabel: d.as === 'release-manager' ? 'release manager' : 'change manager',
      at: formatInstant(d.at, zone),
    })),
    goStillNeeds: goStillNeeds(r, r.goDecisions),
    goBlockers: deployBlockers(r, rfcs),
    backoutProven: r.backoutProven,
    backoutProvenBy: r.backoutProvenBy,
    pilotApprovedBy: r.pilotApprovedBy,
    pilotBlockers: r.waves.some((w) => w.pilot) ? pilotBlockers(r) : [],
    waves,
    nextWave: next?.number ?? null,
    deployingWave: deploying?.number ?? null,
    review: r.review,
    reason: r.reason,
    lastStep: last ? `${formatInstant(last.at, zone)} ${last.actor} ${last.action}${last.reason ? ` — ${last.reason}` : ''}` : null,
  };
}

/** One line of a release list. */
export function releaseSummaryView(r: Release, rfcCount: number, zone: string): ReleaseSummaryView {
  return {
    key: r.key,
    name: r.name,
    phase: r.phase,
    phaseLabel: RELEASE_PHASE_LABELS[r.phase],
    manager: r.manager,
    targetDate: r.targetDate ? formatDate(r.targetDate, zone) : null,
    rfcCount,
    waveCount: r.waves.length,
  };
}
