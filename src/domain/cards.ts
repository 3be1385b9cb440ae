/**
 * Every card is designed here, once: its heading, the facts in order with their labels, the
 * long sections, the tally, and which buttons which viewer gets in which state. Slack (Block
 * Kit), Teams (Adaptive Cards) and plain text only lay a model out; a conformance suite runs
 * all three over the same models. A button is offered only when the permission table says the
 * viewer's press would be allowed (the shared CAB card is designed for a CAB member).
 */
import { ACTIONS, type ActionId, RELEASE_ACTIONS, type ReleaseActionId } from './actions.js';
import { type RfcPermission, can } from './permissions.js';
import { heldByRelease } from './release-rules.js';
import type { Policy } from './policy.js';
import type { ReleaseSummaryView } from './release-views.js';
import type { PersonId, Role, VoteChoice } from './types.js';
import type { RfcSummaryView, RfcView } from './views.js';

/** Who a card is for: one person (a DM, a reply, a Teams copy of their own), or a shared channel. */
export interface PersonViewer {
  kind: 'person';
  id: PersonId;
  roles: ReadonlySet<Role>;
}
export type Viewer =
  | PersonViewer
  /** The voting card in the CAB channel: whoever reads it there is a CAB member. */
  | { kind: 'cab-channel' }
  /** Any other channel (announcements): nobody in particular. */
  | { kind: 'channel' };

/**
 * - `vote`: the CAB voting card, updated in place after every vote;
 * - `owner`: the change owner's card, with the buttons that move the change on, updated in place;
 * - `notice`: a notification to a person or channel (its words, then the RFC's facts);
 * - `details`: the whole RFC (`show`, Details);
 * - `reply`: the answer to a command or click, then the whole RFC.
 */
export const RFC_CARD_KINDS = ['vote', 'owner', 'notice', 'details', 'reply'] as const;
export type RfcCardKind = (typeof RFC_CARD_KINDS)[number];

export type FactValue =
  | { kind: 'text'; text: string }
  | { kind: 'person'; id: PersonId }
  | { kind: 'people'; ids: PersonId[] }
  /** Instants a platform may show in each reader's own zone; `text` is in the card's zone. */
  | { kind: 'time'; text: string; instants: Date[] };

export interface Fact {
  label: string;
  value: FactValue;
}

export interface Section {
  label: string;
  text: string;
}

export interface ButtonModel<A extends string = ActionId> {
  action: A;
  label: string;
  style?: 'primary' | 'danger';
  /** The subject's key (RFC or release), carried with the action. */
  key: string;
  /** The action's argument (a readiness item, a wave number); encoding in actions.ts. */
  arg?: string;
}

export interface TallyModel {
  /** "2 approve · 0 reject · 1 abstain (3 of quorum 3)" */
  counts: string;
  /** "Waiting for 1 more CAB vote (quorum 3)" */
  status: string;
  voters: { person: PersonId; choice: VoteChoice; asManager: boolean }[];
}

export interface RfcCard {
  kind: RfcCardKind;
  key: string;
  title: string;
  emergency: boolean;
  /** "CAB vote: RFC-1 Patch db01", "RFC-1 Patch db01". */
  heading: string;
  /** Words above the card: the notification, the command's answer, the owner's status. */
  message: string | null;
  /** How `message` reads: a refusal is shown as a warning. */
  tone: 'default' | 'good' | 'attention';
  facts: Fact[];
  sections: Section[];
  conflicts: string[];
  tally: TallyModel | null;
  /** A closing line: "Voting closed: Approved". */
  status: string | null;
  /** A line for the one viewer: their own vote, or why they may not vote. */
  personal: string | null;
  buttons: ButtonModel[];
  /** A shared card is read by many people: times are best shown in each reader's zone. */
  shared: boolean;
  /** One line for notifications' plain text and previews. */
  fallback: string;
}

interface ButtonSpec {
  action: ActionId;
  label: string;
  style?: 'primary' | 'danger';
  permission: RfcPermission;
}

/** Every button, in the order they are shown, with the permission a press needs. */
export const BUTTONS: readonly ButtonSpec[] = [
  { action: ACTIONS.submit, label: 'Submit', style: 'primary', permission: 'submit' },
  { action: ACTIONS.voteApprove, label: 'Approve', style: 'primary', permission: 'vote' },
  { action: ACTIONS.voteReject, label: 'Reject', style: 'danger', permission: 'vote' },
  { action: ACTIONS.voteAbstain, label: 'Abstain', permission: 'vote' },
  { action: ACTIONS.start, label: 'Start', style: 'primary', permission: 'start' },
  { action: ACTIONS.reschedule, label: 'Reschedule', permission: 'reschedule' },
  { action: ACTIONS.done, label: 'Done', style: 'primary', permission: 'complete' },
  { action: ACTIONS.fail, label: 'Failed', style: 'danger', permission: 'fail' },
  { action: ACTIONS.backout, label: 'Back out', style: 'danger', permission: 'backout' },
  { action: ACTIONS.close, label: 'Close review', style: 'primary', permission: 'close' },
  { action: ACTIONS.details, label: 'Details', permission: 'view' },
];

export const BUTTON_PERMISSION: Record<ActionId, RfcPermission> = Object.fromEntries(BUTTONS.map((b) => [b.action, b.permission])) as Record<
  ActionId,
  RfcPermission
>;

const VOTE_BUTTONS: readonly ActionId[] = [ACTIONS.voteApprove, ACTIONS.voteReject, ACTIONS.voteAbstain, ACTIONS.details];
const OWNER_BUTTONS: readonly ActionId[] = [ACTIONS.start, ACTIONS.reschedule, ACTIONS.done, ACTIONS.fail, ACTIONS.backout, ACTIONS.details];
const ALL_BUTTONS: readonly ActionId[] = BUTTONS.map((b) => b.action);

/** The buttons a card of `kind` may carry, before asking whether the viewer may press them. */
function candidates(kind: RfcCardKind, view: RfcView, viewer: Viewer): readonly ActionId[] {
  switch (kind) {
    case 'vote':
      return VOTE_BUTTONS;
    case 'owner':
      return OWNER_BUTTONS;
    case 'notice':
      // A notification moves the change on only for its owner; everyone else can look, and a
      // change manager told a review is ready may close it (when the table lets them).
      return viewer.kind === 'person' && viewer.id === view.owner ? OWNER_BUTTONS : [ACTIONS.close, ACTIONS.details];
    case 'details':
    case 'reply':
      return ALL_BUTTONS;
  }
}

/** The person a viewer stands for when asking the permission table. */
function asActor(viewer: Viewer): { id: PersonId; roles: ReadonlySet<Role> } {
  if (viewer.kind === 'person') return viewer;
  return { id: '', roles: new Set<Role>(viewer.kind === 'cab-channel' ? ['cab'] : []) };
}

export function buttonsFor(kind: RfcCardKind, view: RfcView, viewer: Viewer, policy: Policy): ButtonModel[] {
  const actor = asActor(viewer);
  const allowed = candidates(kind, view, viewer);
  // The shared CAB card is for the members who vote on it (its readers are those members).
  const rule = viewer.kind === 'cab-channel' ? { ...view, cabMembers: null } : view;
  // Start is offered only while a press would start it (inside the window, or an emergency);
  // a change manager's override is typed, with its reason.
  // Close review likewise waits for the problem reference a failed change needs.
  const ready = (b: ButtonSpec) => (b.action !== ACTIONS.start || view.startable) && (b.action !== ACTIONS.close || !view.needsProblem);
  // Nor is a step the RFC's release takes for it (its waves start, finish and back it out).
  const shown = (b: ButtonSpec) =>
    allowed.includes(b.action) && ready(b) && !heldByRelease(b.permission, view.release) && can(actor, rule, b.permission, policy);
  return BUTTONS.filter(shown).map((b) => ({
    action: b.action,
    label: b.label,
    key: view.key,
    ...(b.style ? { style: b.style } : {}),
  }));
}

function riskWord(v: RfcView): string {
  return v.risk ? `${v.risk[0]?.toUpperCase()}${v.risk.slice(1)}` : 'Not assessed';
}

const text = (t: string): FactValue => ({ kind: 'text', text: t });

const LEVEL_WORD = { low: 'Low', medium: 'Medium', high: 'High' } as const;

/** The facts every RFC card shows, in this order, with these labels (details add the assessment). */
export function factsOf(v: RfcView, kind: RfcCardKind = 'details'): Fact[] {
  const facts: Fact[] = [
    { label: 'State', value: text(v.stateLabel) },
    { label: 'Category', value: text(`${v.category}${v.emergency ? ' (emergency)' : ''}`) },
    { label: 'Risk', value: text(riskWord(v)) },
    { label: 'Approval', value: text(v.approval) },
    { label: 'Services', value: text(v.services.length ? v.services.join(', ') : 'none') },
    {
      label: 'Window',
      value: v.window && v.windowAt ? { kind: 'time', text: v.window, instants: [v.windowAt.start, v.windowAt.end] } : text('not planned'),
    },
    { label: 'Requester', value: { kind: 'person', id: v.requester } },
    { label: 'Owner', value: { kind: 'person', id: v.owner } },
  ];
  if (v.release) facts.push({ label: 'Release', value: text(v.release.key) });
  if (v.outage) facts.push({ label: 'Expected outage', value: text(v.outage) });
  if (v.deadline && v.deadlineAt) facts.push({ label: 'Vote deadline', value: { kind: 'time', text: v.deadline, instants: [v.deadlineAt] } });
  if (v.awaitingSignoff) facts.push({ label: 'Sign-off', value: text('a change manager signs off before the CAB votes (high risk)') });
  if (v.expectedVoters.length && (kind === 'vote' || kind === 'details' || kind === 'reply')) {
    facts.push({ label: 'Votes expected from', value: { kind: 'people', ids: v.expectedVoters } });
  }
  if (kind !== 'vote') facts.push(...taskFacts(v));
  if (kind === 'details' || kind === 'reply') {
    if (v.impact) facts.push({ label: 'Impact', value: text(LEVEL_WORD[v.impact]) });
    if (v.likelihood) facts.push({ label: 'Likelihood', value: text(LEVEL_WORD[v.likelihood]) });
    if (v.urgency) facts.push({ label: 'Urgency', value: text(LEVEL_WORD[v.urgency]) });
    if (v.cost) facts.push({ label: 'Cost', value: text(v.cost) });
    if (v.resources) facts.push({ label: 'Resources', value: text(v.resources) });
    if (v.reviewOutcome) facts.push({ label: 'Review outcome', value: text(v.reviewOutcome) });
    if (v.causedIncident) facts.push({ label: 'Caused an incident', value: text(v.causedIncident) });
    if (v.problem) facts.push({ label: 'Problem', value: text(v.problem) });
  }
  return facts;
}

/** How many tasks a card lists one by one (a chat message has a size limit); the rest are counted. */
export const TASKS_SHOWN = 10;

/**
 * The change tasks, with who did what: `Task 2` "Open 443 on the edge firewall · team network ·
 * due Sat 5 Dec 20:00 UTC · Done: opened", then `Task 2 for` its assignee and `Task 2 done by`
 * (or `skipped by`) whoever finished it, as people so each platform names them its way.
 */
export function taskFacts(v: Pick<RfcView, 'key' | 'tasks'>): Fact[] {
  if (!v.tasks.length) return [];
  const finished = v.tasks.filter((t) => t.state !== 'open').length;
  const facts: Fact[] = [{ label: 'Tasks', value: text(`${finished} of ${v.tasks.length} finished`) }];
  for (const t of v.tasks.slice(0, TASKS_SHOWN)) {
    const parts = [
      t.title,
      t.team ? `team ${t.team}` : null,
      t.due ? `due ${t.due}` : 'due before the window',
      `${t.stateLabel}${t.note ? `: ${t.note}` : ''}`,
    ];
    facts.push({ label: `Task ${t.number}`, value: text(parts.filter((p): p is string => !!p).join(' · ')) });
    if (t.assignee) facts.push({ label: `Task ${t.number} for`, value: { kind: 'person', id: t.assignee } });
    if (t.doneBy) facts.push({ label: `Task ${t.number} ${t.state === 'done' ? 'done' : 'skipped'} by`, value: { kind: 'person', id: t.doneBy } });
  }
  const more = v.tasks.length - TASKS_SHOWN;
  if (more > 0) facts.push({ label: 'More tasks', value: text(`${more} more: /rfc task list ${v.key}`) });
  return facts;
}

const LONG_TEXTS: readonly [string, keyof RfcView][] = [
  ['Description', 'description'],
  ['Business justification', 'justification'],
  ['Implementation plan', 'plan'],
  ['Backout plan', 'backout'],
  ['Test plan', 'test'],
];

function sectionsOf(kind: RfcCardKind, v: RfcView): Section[] {
  const shown = kind === 'details' || kind === 'reply' ? LONG_TEXTS : kind === 'vote' ? LONG_TEXTS.filter(([, k]) => k === 'justification') : [];
  return shown.flatMap(([label, k]) => {
    const t = v[k];
    return typeof t === 'string' && t ? [{ label, text: t }] : [];
  });
}

function tallyOf(v: RfcView): TallyModel | null {
  const t = v.tally;
  if (!t) return null;
  return {
    counts: `${t.approve} approve · ${t.reject} reject · ${t.abstain} abstain (${t.cast} of quorum ${t.quorum})`,
    status: t.status,
    voters: t.voters,
  };
}

/** What the change owner's card says, kept current as the change moves. */
export function ownerStatus(v: Pick<RfcView, 'key' | 'title' | 'stateLabel' | 'window'>): string {
  return `Your change ${v.key} “${v.title}” is now ${v.stateLabel.toLowerCase()}${v.window ? ` (window ${v.window})` : ''}.`;
}

export interface CardExtras {
  /** Words above the card (notification text, command answer). */
  message?: string;
  tone?: RfcCard['tone'];
  /** The viewer's own line on a voting card. */
  personal?: string;
}

/** The card of `kind` about one RFC, as `viewer` sees it. */
export function rfcCard(kind: RfcCardKind, view: RfcView, viewer: Viewer, policy: Policy, extras: CardExtras = {}): RfcCard {
  const titleLine = `${view.key} ${view.emergency ? '🚨 ' : ''}${view.title}`;
  const open = view.state === 'awaiting_approval';
  // The owner's card says where the change stands, unless it answers something just done.
  const message = extras.message ?? (kind === 'owner' ? ownerStatus(view) : null);
  return {
    kind,
    key: view.key,
    title: view.title,
    emergency: view.emergency,
    heading: kind === 'vote' ? `CAB vote: ${titleLine}` : titleLine,
    message,
    tone: extras.tone ?? 'default',
    facts: factsOf(view, kind),
    sections: sectionsOf(kind, view),
    conflicts: view.conflicts,
    tally: tallyOf(view),
    status: kind === 'vote' && !open ? `Voting closed: ${view.stateLabel}` : null,
    personal: kind === 'vote' && viewer.kind === 'person' ? (extras.personal ?? null) : null,
    buttons: buttonsFor(kind, view, viewer, policy),
    shared: viewer.kind !== 'person',
    fallback:
      kind === 'vote'
        ? `CAB vote on ${view.key} “${view.title}” (${view.category}, risk ${riskWord(view).toLowerCase()}): ${view.stateLabel}.${view.tally ? ` ${view.tally.approve}–${view.tally.reject}–${view.tally.abstain}.` : ''}`
        : (message ?? `${view.key} ${view.title}: ${view.stateLabel}`),
  };
}

/** One line of a list: an RFC with a Details button. */
export interface ListItem {
  key: string;
  title: string;
  stateLabel: string;
  services: string[];
  window: string | null;
  /** "Scheduled · db, web · from Sat 5 Dec 22:00 to …" */
  line: string;
  button: ButtonModel<ActionId | ReleaseActionId>;
}

export interface ListSection {
  heading: string;
  items: ListItem[];
  /** Shown instead of the items when there are none. */
  empty: string;
}

export interface ListCard {
  kind: 'list';
  /** The command's answer (kept as the plain-text fallback). */
  message: string;
  items: ListItem[];
}

export interface HomeCard {
  kind: 'home';
  heading: string;
  intro: string;
  sections: ListSection[];
}

export function listItem(s: RfcSummaryView): ListItem {
  const risk = s.risk ? `${s.risk} risk` : null;
  const line = [s.stateLabel, risk, s.services.length ? s.services.join(', ') : null, s.window].filter((x): x is string => !!x).join(' · ');
  return { ...s, line, button: { action: ACTIONS.details, label: 'Details', key: s.key } };
}

/** The line a cut list ends with ("Showing 40 of 1,952, soonest first: 1,912 more. See ..."), for adapters that show items, not the text. */
export function cutNoteOf(message: string): string | undefined {
  const last = message.slice(message.lastIndexOf('\n') + 1);
  return /^Showing [\d,]+ of [\d,]+/.test(last) ? last : undefined;
}

export function listCard(message: string, items: RfcSummaryView[]): ListCard {
  return { kind: 'list', message, items: items.map(listItem) };
}

export interface UpcomingChange {
  key: string;
  title: string;
  when: string;
  services: string[];
  state: string;
}

export interface HomeData {
  mine: RfcSummaryView[];
  awaitingMyVote: RfcSummaryView[];
  upcoming: UpcomingChange[];
  /** Open releases the viewer manages or is on the team of. */
  releases?: ReleaseSummaryView[];
  zone: string;
}

/** A release as a line of a list: phase, target date, RFCs and waves, with a Details button. */
export function releaseListItem(s: ReleaseSummaryView): ListItem {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const line = [s.phaseLabel, s.targetDate ? `target ${s.targetDate}` : null, count(s.rfcCount, 'RFC'), count(s.waveCount, 'wave')]
    .filter((x): x is string => !!x)
    .join(' · ');
  return {
    key: s.key,
    title: s.name,
    stateLabel: s.phaseLabel,
    services: [],
    window: null,
    line,
    button: { action: RELEASE_ACTIONS.details, label: 'Details', key: s.key },
  };
}

export function homeCard(h: HomeData): HomeCard {
  const upcoming = h.upcoming.map((e) => ({
    key: e.key,
    title: e.title,
    stateLabel: e.state,
    services: e.services,
    window: e.when,
    line: `${e.when} · ${e.services.join(', ') || 'no service'} · ${e.state}`,
    button: { action: ACTIONS.details, label: 'Details', key: e.key },
  }));
  return {
    kind: 'home',
    heading: 'Changebot',
    intro: `Times in ${h.zone}. Raise a change with \`/rfc new\`; \`/rfc help\` lists every command.`,
    sections: [
      { heading: 'My RFCs', items: h.mine.map(listItem), empty: 'You have no open RFCs.' },
      { heading: 'Awaiting my vote', items: h.awaitingMyVote.map(listItem), empty: 'Nothing is waiting for your vote.' },
      { heading: 'Next 7 days', items: upcoming, empty: 'No changes planned in the next 7 days.' },
      { heading: 'My releases', items: (h.releases ?? []).map(releaseListItem), empty: 'You manage no open release and are on no release team.' },
    ],
  };
}
