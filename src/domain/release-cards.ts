/**
 * The release cards (issue 10), designed once like the RFC cards (cards.ts): heading, facts in
 * order, sections, the readiness checklist with its Tick buttons, and which buttons which
 * viewer gets. Slack, Teams and plain text only lay a model out; the conformance suite runs
 * all three over the same models.
 *
 * A button is offered only when `canRelease` says the viewer's press would be allowed and the
 * rules would let the step through (Next phase with a complete plan, Go with nothing open,
 * Start on the next startable wave). The shared status message follows the CAB card: it is
 * designed for the people the channel is for, the release team, so it carries the buttons
 * the release manager (and a change manager) may press; a click by anyone else is refused by
 * the permission check of the click, with the reason.
 */
import { RELEASE_ACTIONS, type ReleaseActionId } from './actions.js';
import type { ButtonModel, Fact, FactValue, PersonViewer, Section } from './cards.js';
import { type ReleasePermission, canRelease } from './release-permissions.js';
import type { ReadinessFactor } from './release.js';
import type { ReadinessItemState, ReleaseView } from './release-views.js';
import type { PersonId, Role } from './types.js';

/**
 * - `status`: the one status message in the release's channel (Slack and Teams), updated in
 *   place at every step; read by the release team;
 * - `details`: the whole release (`release show`, Details);
 * - `reply`: the answer to a command or click, then the whole release;
 * - `notice`: a notification (its words, then the release's main facts).
 */
export const RELEASE_CARD_KINDS = ['status', 'details', 'reply', 'notice'] as const;
export type ReleaseCardKind = (typeof RELEASE_CARD_KINDS)[number];

/** A person, the release's status channel (read by its team), or any other channel (nobody in particular). */
export type ReleaseViewer = PersonViewer | { kind: 'status-channel' } | { kind: 'channel' };

export type ReleaseButton = ButtonModel<ReleaseActionId>;

export interface ReadinessItemModel {
  id: ReadinessFactor;
  label: string;
  state: ReadinessItemState;
  /** "open", "ticked by cli:ann: backup restored", "not applicable: …". */
  status: string;
  /** Tick, when the viewer may tick it now. */
  button: ReleaseButton | null;
}

export interface ReleaseCard {
  kind: ReleaseCardKind;
  key: string;
  name: string;
  /** "REL-3 Spring release". */
  heading: string;
  message: string | null;
  tone: 'default' | 'good' | 'attention';
  facts: Fact[];
  sections: Section[];
  /** The readiness checklist (empty before acceptance testing and on notices). */
  readiness: ReadinessItemModel[];
  /** A closing line: the last step recorded. */
  status: string | null;
  buttons: ReleaseButton[];
  /** Read by many people (a channel). */
  shared: boolean;
  /** One line for notifications' plain text and previews. */
  fallback: string;
  /**
   * The people the release's records name (manager, team, whoever tested, signed off, ticked,
   * decided, started or finished): the only person ids in the card's text a renderer may turn
   * into a mention or a display name. Anything else in the text, whoever typed it, stays text.
   */
  people: PersonId[];
}

/** Everyone the release's own records name. */
export function releasePeople(v: ReleaseView): PersonId[] {
  const ids = [
    v.manager,
    v.team.testing,
    v.team.communications,
    v.team.training,
    v.backoutProvenBy,
    v.pilotApprovedBy,
    ...v.tests.map((t) => t.by),
    ...v.signoffs.map((s) => s.by),
    ...v.goDecisions.map((d) => d.by),
    ...v.readiness.map((i) => i.by),
    ...v.waves.flatMap((w) => [w.startedBy, w.outcomeBy]),
  ];
  return [...new Set(ids.filter((id): id is PersonId => !!id))];
}

export interface ReleaseCardExtras {
  message?: string;
  tone?: ReleaseCard['tone'];
}

/** The heading of the readiness checklist, as every renderer shows it. */
export const READINESS_HEADING = 'Readiness review';

const text = (t: string): FactValue => ({ kind: 'text', text: t });
const person = (id: PersonId): FactValue => ({ kind: 'person', id });

/** The person a viewer stands for when asking the permission table. */
function asActor(viewer: ReleaseViewer, v: ReleaseView): { id: PersonId; roles: ReadonlySet<Role> } {
  if (viewer.kind === 'person') return viewer;
  // The status channel is the release team's: its card is designed for the release manager
  // and a change manager (the click's own permission check refuses anyone else).
  if (viewer.kind === 'status-channel') return { id: v.manager, roles: new Set<Role>(['change-manager']) };
  return { id: '', roles: new Set<Role>() };
}

const READINESS_SHOWN: readonly ReleaseView['phase'][] = ['acceptance_testing', 'readiness_review', 'deployment', 'review', 'closed'];

function showsReadiness(kind: ReleaseCardKind, v: ReleaseView): boolean {
  if (kind === 'notice') return false;
  return READINESS_SHOWN.includes(v.phase) || v.readiness.some((i) => i.state !== 'open');
}

function list<T>(xs: readonly T[], line: (x: T) => string): string {
  return xs.map(line).join('\n');
}

/** The facts, in this order, with these labels (details and replies add the team and channels). */
export function releaseFacts(v: ReleaseView, kind: ReleaseCardKind): Fact[] {
  const full = kind === 'details' || kind === 'reply';
  const phase = v.phase === 'suspended' && v.suspendedFrom ? `suspended (from ${v.suspendedFrom.replace('_', ' ')})` : v.phaseLabel;
  const facts: Fact[] = [
    { label: 'Phase', value: text(phase) },
    { label: 'Release manager', value: person(v.manager) },
    { label: 'Target date', value: text(v.targetDate ?? 'not set') },
    { label: 'RFCs', value: text(v.rfcs.length ? v.rfcs.map((r) => r.key).join(', ') : 'none') },
  ];
  if (full) {
    if (v.team.testing) facts.push({ label: 'Testing coordinator', value: person(v.team.testing) });
    if (v.team.communications) facts.push({ label: 'Communications coordinator', value: person(v.team.communications) });
    if (v.team.training) facts.push({ label: 'Training coordinator', value: person(v.team.training) });
    const channels = [v.channels.slack ? `Slack ${v.channels.slack}` : null, v.channels.teams ? `Teams ${v.channels.teams}` : null].filter(Boolean);
    facts.push({ label: 'Status channels', value: text(channels.length ? channels.join(' · ') : 'none') });
    if (v.phase === 'planning' || v.planMissing.length) {
      facts.push({ label: 'Release plan', value: text(v.planMissing.length ? `lacks ${v.planMissing.join(', ')}` : 'complete') });
    }
  }
  const pkg = v.package;
  if (pkg.artifacts.length || pkg.frozen) {
    const state = pkg.amendedAfterReview ? 'amended after review' : pkg.frozen ? `frozen ${pkg.frozenAt}` : 'open';
    facts.push({ label: 'Package', value: text(`${pkg.artifacts.length} artifact${pkg.artifacts.length === 1 ? '' : 's'}, ${state}`) });
  }
  const testing = ['building', 'acceptance_testing', 'readiness_review'].includes(v.phase);
  if (v.signoffs.length || testing) {
    const given = v.signoffs.map((s) => `${s.label} (${s.by})`).join(', ');
    const missing = v.signoffsMissing.length ? `missing ${v.signoffsMissing.join(', ')}` : '';
    facts.push({ label: 'Sign-offs', value: text([given, missing].filter(Boolean).join('; ') || 'none') });
  }
  if (v.phase === 'readiness_review' || v.goDecisions.length) {
    const given = v.goDecisions.map((d) => `${d.asLabel} ${d.by}`).join(', ');
    const needs = v.goStillNeeds.length ? `still needs ${v.goStillNeeds.join(' and ')}` : 'given';
    facts.push({ label: 'Go', value: text(given ? `${given}; ${needs}` : needs) });
  }
  if (v.pilotBlockers.length || v.pilotApprovedBy || v.backoutProven) {
    const done = [
      v.backoutProven ? `backout proven${v.backoutProvenBy ? ` (${v.backoutProvenBy})` : ''}` : null,
      v.pilotApprovedBy ? `approved by ${v.pilotApprovedBy}` : null,
    ];
    const words = [...done.filter((x): x is string => !!x), ...v.pilotBlockers.map((b) => `waiting: ${b}`)];
    facts.push({ label: 'Pilot', value: text(words.join('; ')) });
  }
  if (v.reason && ['suspended', 'cancelled', 'planning', 'building', 'acceptance_testing'].includes(v.phase)) {
    facts.push({ label: 'Reason', value: text(v.reason) });
  }
  return facts;
}

/** The long parts, in this order: notices carry none, the status message the working parts. */
export function releaseSections(v: ReleaseView, kind: ReleaseCardKind): Section[] {
  if (kind === 'notice') return [];
  const full = kind === 'details' || kind === 'reply';
  const out: Section[] = [];
  const add = (label: string, t: string | null | undefined) => {
    if (t?.trim()) out.push({ label, text: t });
  };
  add('Goal', v.goal);
  add(
    'Changes',
    list(v.rfcs, (r) => `${r.key} ${r.title} (${r.stateLabel})`),
  );
  if (full) {
    add('Deployment order', v.plan.deploymentOrder);
    add('Training plan', v.plan.training);
    add('Communications plan', v.plan.communications);
    add('Release backout plan', v.plan.backout);
    const p = v.package;
    add(
      'Release package',
      [
        ...p.artifacts.map((a) => `${a.line}${a.link ? ` ${a.link}` : ''}`),
        ...(p.install ? [`Install: ${p.install}`] : []),
        ...(p.removal ? [`Removal: ${p.removal}`] : []),
      ].join('\n'),
    );
    add(
      'Tests',
      list(v.tests, (t) => `${t.passed ? 'passed' : 'failed'} ${t.name} (${t.by})${t.note ? `: ${t.note}` : ''}`),
    );
    add(
      'Sign-off notes',
      list(
        v.signoffs.filter((s) => s.note),
        (s) => `${s.label} (${s.by}): ${s.note}`,
      ),
    );
  }
  if (v.phase === 'readiness_review') {
    // The open items are on the checklist; the RFCs not yet approved are said here.
    add(
      'Before go',
      list(
        v.goBlockers.filter((b) => !b.startsWith('open: ')),
        (b) => b,
      ),
    );
  }
  add(
    'Waves',
    list(v.waves, (w) => w.line),
  );
  if (v.review) {
    add('Review outcome', v.review.outcome);
    add('Workarounds', v.review.workarounds);
    add('Lessons', v.review.lessons);
    add('Follow-up RFCs', v.review.followUps.join(', '));
  }
  return out;
}

interface ButtonSpec {
  action: ReleaseActionId;
  label: (v: ReleaseView) => string;
  style?: 'primary' | 'danger';
  permission: ReleasePermission;
  /** The argument, or null when the rules would refuse the press now. */
  arg: (v: ReleaseView, actor: { id: PersonId; roles: ReadonlySet<Role> }) => string | null | undefined;
}

/** Go from this viewer would count: a decision go still needs that this person may give. */
function goFrom(v: ReleaseView, actor: { id: PersonId; roles: ReadonlySet<Role> }, shared: boolean): boolean {
  if (v.goBlockers.length || !v.goStillNeeds.length) return false;
  if (shared) return true;
  const managerGave = v.goDecisions.some((d) => d.as === 'release-manager' && d.by === v.manager);
  const changeManagerGave = v.goDecisions.some((d) => d.as === 'change-manager' && d.by !== v.manager);
  return (actor.id === v.manager && !managerGave) || (actor.roles.has('change-manager') && actor.id !== v.manager && !changeManagerGave);
}

const NONE = undefined;

/** Every button, in the order they are shown, with the permission a press needs (Tick is on the checklist). */
export const RELEASE_BUTTONS: readonly ButtonSpec[] = [
  {
    action: RELEASE_ACTIONS.phase,
    label: () => 'Next phase',
    style: 'primary',
    permission: 'phase',
    arg: (v) => (v.phase === 'planning' && v.planMissing.length ? null : NONE),
  },
  { action: RELEASE_ACTIONS.go, label: () => 'Go', style: 'primary', permission: 'go', arg: () => NONE },
  { action: RELEASE_ACTIONS.nogo, label: () => 'No-go', style: 'danger', permission: 'nogo', arg: () => NONE },
  {
    action: RELEASE_ACTIONS.waveStart,
    label: (v) => `Start wave ${v.nextWave}`,
    style: 'primary',
    permission: 'run-wave',
    arg: (v) => (v.nextWave === null ? null : String(v.nextWave)),
  },
  {
    action: RELEASE_ACTIONS.waveDone,
    label: (v) => `Wave ${v.deployingWave} done`,
    style: 'primary',
    permission: 'run-wave',
    arg: (v) => (v.deployingWave === null ? null : String(v.deployingWave)),
  },
  {
    action: RELEASE_ACTIONS.waveFail,
    label: (v) => `Wave ${v.deployingWave} failed`,
    style: 'danger',
    permission: 'run-wave',
    arg: (v) => (v.deployingWave === null ? null : String(v.deployingWave)),
  },
  { action: RELEASE_ACTIONS.details, label: () => 'Details', permission: 'view', arg: () => NONE },
];

/** The permission each release action needs (Tick included), for the click handlers and tests. */
export const RELEASE_BUTTON_PERMISSION: Record<ReleaseActionId, ReleasePermission> = {
  ...(Object.fromEntries(RELEASE_BUTTONS.map((b) => [b.action, b.permission])) as Record<ReleaseActionId, ReleasePermission>),
  [RELEASE_ACTIONS.tick]: 'tick',
};

/** The buttons of a card of `kind`, as `viewer` may press them now. */
export function releaseButtons(kind: ReleaseCardKind, v: ReleaseView, viewer: ReleaseViewer): ReleaseButton[] {
  const actor = asActor(viewer, v);
  const shared = viewer.kind === 'status-channel';
  const out: ReleaseButton[] = [];
  for (const b of RELEASE_BUTTONS) {
    if (!canRelease(actor, v, b.permission)) continue;
    if (b.action === RELEASE_ACTIONS.go && !goFrom(v, actor, shared)) continue;
    const arg = b.arg(v, actor);
    if (arg === null) continue;
    out.push({ action: b.action, label: b.label(v), key: v.key, ...(b.style ? { style: b.style } : {}), ...(arg !== undefined ? { arg } : {}) });
  }
  // A notice to someone other than the release's people is for reading: Details only.
  if (kind === 'notice' && viewer.kind !== 'person') return out.filter((b) => b.action === RELEASE_ACTIONS.details);
  return out;
}

function readinessOf(kind: ReleaseCardKind, v: ReleaseView, viewer: ReleaseViewer): ReadinessItemModel[] {
  if (!showsReadiness(kind, v)) return [];
  const mayTick = canRelease(asActor(viewer, v), v, 'tick');
  return v.readiness.map((i) => ({
    id: i.id,
    label: i.label,
    state: i.state,
    status: i.status,
    button: mayTick && i.state === 'open' ? { action: RELEASE_ACTIONS.tick, label: 'Tick', key: v.key, arg: i.id } : null,
  }));
}

/** The card of `kind` about one release, as `viewer` sees it. */
export function releaseCard(kind: ReleaseCardKind, v: ReleaseView, viewer: ReleaseViewer, extras: ReleaseCardExtras = {}): ReleaseCard {
  const heading = `${v.key} ${v.name}`;
  const message = extras.message ?? null;
  return {
    kind,
    key: v.key,
    name: v.name,
    heading,
    message,
    tone: extras.tone ?? 'default',
    facts: releaseFacts(v, kind),
    sections: releaseSections(v, kind),
    readiness: readinessOf(kind, v, viewer),
    status: kind === 'status' && v.lastStep ? `Last step: ${v.lastStep}` : null,
    buttons: releaseButtons(kind, v, viewer),
    shared: viewer.kind !== 'person',
    fallback: message ?? `${v.key} “${v.name}”: ${v.phaseLabel}`,
    people: releasePeople(v),
  };
}
