/**
 * Renderer conformance: every card model, for every RFC state and every viewer, laid out by
 * Slack (Block Kit), Teams (Adaptive Cards) and plain text. All three must show the same
 * heading, the same facts in the same order, the same sections and the same buttons, and
 * every button shown must pass the permission table for that viewer.
 */
import { describe, expect, it } from 'vitest';
import { listBlocks } from '../../src/chat/slack/blocks/home.js';
import { cardBlocks } from '../../src/chat/slack/blocks/rfc.js';
import { teamsCard, teamsList } from '../../src/chat/teams/cards.js';
import { BUTTON_PERMISSION, RFC_CARD_KINDS, listCard, type RfcCard, type RfcCardKind, type Viewer, rfcCard } from '../../src/domain/cards.js';
import { can } from '../../src/domain/permissions.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { cardText, listText } from '../../src/domain/text.js';
import { RFC_STATES, type Rfc, type RfcState, type Role, type Vote } from '../../src/domain/types.js';
import { rfcView } from '../../src/domain/views.js';
import type { Task } from '../../src/domain/tasks.js';
import { type SeenCard, readSlack, readTeams, readText } from '../support/card-readers.js';
import { assertValidCard, releaseActionProblems } from '../support/teams-cards.js';
import { blockProblems } from '../support/slack-schema.js';
import { releaseBlocks } from '../../src/chat/slack/blocks/release.js';
import { releaseAdaptiveCard } from '../../src/chat/teams/release-card.js';
import {
  RELEASE_BUTTON_PERMISSION,
  RELEASE_CARD_KINDS,
  type ReleaseCard,
  type ReleaseCardKind,
  type ReleaseViewer,
  releaseCard,
} from '../../src/domain/release-cards.js';
import { canRelease } from '../../src/domain/release-permissions.js';
import { releaseCardText } from '../../src/domain/release-text.js';
import { releaseView } from '../../src/domain/release-views.js';
import { READINESS_FACTORS, type Release } from '../../src/domain/release.js';
import { type SeenRelease, readReleaseText, readSlackRelease, readTeamsRelease } from '../support/release-readers.js';
import { SHA, release, wave } from '../support/release-fixture.js';
import { rfcCardHtml, releaseCardHtml } from '../../src/web/cards.js';
import { readWeb, readWebRelease } from '../support/web-card-reader.js';

const person = (id: string, ...roles: Role[]): Viewer => ({ kind: 'person', id, roles: new Set(roles) });
const VIEWERS: Record<string, Viewer> = {
  'CAB member': person('cli:cab', 'cab'),
  owner: person('cli:owner'),
  'change manager': person('cli:cm', 'change-manager'),
  'the change manager who implemented it': person('cli:implementer', 'change-manager'),
  outsider: person('cli:someone'),
  'the CAB channel': { kind: 'cab-channel' },
};

const START = new Date('2026-12-12T22:00:00Z');
const END = new Date('2026-12-13T00:00:00Z');
const DEADLINE = new Date('2026-12-10T09:00:00Z');

function rfcIn(state: RfcState): Rfc {
  return draftRfc('cli:requester', new Date('2026-12-01T09:00:00Z'), {
    id: 7,
    key: 'RFC-7',
    title: 'Patch db01 to 15.4',
    category: 'significant',
    services: ['db'],
    owner: 'cli:owner',
    justification: 'Security fixes',
    plan: 'Apply the patch',
    backout: 'Restore the snapshot',
    test: 'Run the smoke tests',
    impact: 'medium',
    likelihood: 'low',
    window: { start: START, end: END },
    outage: { minutes: 30 },
    state,
    voteDeadline: state === 'awaiting_approval' ? DEADLINE : null,
    // A reviewed change: what the review found, and the problem record it opened.
    ...(state === 'in_review' || state === 'closed' ? { review: { outcome: 'backed-out', causedIncident: true }, problem: 'PRB-12' } : {}),
  });
}

/** Who reported its implementation (the change log says so from implementing on). */
const IMPLEMENTERS = ['cli:implementer'];

const votes: Vote[] = [{ voter: 'cli:cab2', choice: 'approve', capacity: 'cab', comment: null, castAt: new Date('2026-12-02T09:00:00Z') }];

/** Change tasks on every card: one done with a note (who did it), one for a person, one open for a team. */
const TASKS: Task[] = [
  {
    rfcKey: 'RFC-7',
    number: 1,
    title: 'Open 443 on the edge firewall',
    team: 'network',
    assignee: null,
    dueAt: null,
    state: 'done',
    note: 'opened',
    doneBy: 'cli:netops',
    doneAt: new Date('2026-12-11T10:00:00Z'),
    createdBy: 'cli:owner',
    createdAt: new Date('2026-12-02T09:00:00Z'),
  },
  {
    rfcKey: 'RFC-7',
    number: 2,
    title: 'Restore the backup to a standby',
    team: null,
    assignee: 'cli:dba',
    dueAt: new Date('2026-12-12T20:00:00Z'),
    state: 'open',
    note: null,
    doneBy: null,
    doneAt: null,
    createdBy: 'cli:owner',
    createdAt: new Date('2026-12-02T09:00:00Z'),
  },
];

function model(kind: RfcCardKind, state: RfcState, viewer: Viewer): RfcCard {
  const view = rfcView(rfcIn(state), {
    votes,
    conflicts: [{ kind: 'overlap', needs: 'ack', message: 'RFC-3 also changes db then', otherRfcKey: 'RFC-3' }],
    implementers: IMPLEMENTERS,
    policy: DEFAULT_POLICY,
    zone: 'Europe/London',
    tasks: TASKS,
  });
  return rfcCard(kind, view, viewer, DEFAULT_POLICY, { message: 'Something happened to RFC-7.' });
}

/** What a person should read, platform aside: person ids as ids, times as their instants on shared Slack cards. */
function expected(card: RfcCard, slackShared: boolean): SeenCard {
  return {
    heading: card.heading,
    facts: card.facts.map((f) => {
      const v = f.value;
      if (v.kind === 'person') return [f.label, v.id];
      if (v.kind === 'people') return [f.label, v.ids.join(', ')];
      if (v.kind === 'time' && slackShared) return [f.label, v.instants.map((d) => `@${d.getTime() / 1000}`).join(',')];
      return [f.label, v.text];
    }),
    sections: card.sections.map((s) => [s.label, s.text]),
    buttons: card.buttons.map((b) => b.action),
    labels: card.buttons.map((b) => b.label),
  };
}

const BASE_FACT_LABELS = ['State', 'Category', 'Risk', 'Approval', 'Services', 'Window', 'Requester', 'Owner', 'Expected outage', 'Vote deadline'];
/** The assessment and review details and reply cards add (only what is filled in). */
const DETAIL_LABELS = ['Impact', 'Likelihood', 'Urgency', 'Cost', 'Resources', 'Review outcome', 'Caused an incident', 'Problem'];
/** The tasks' facts (TASKS): the count, each task, its assignee, who finished it. */
const TASK_LABELS = ['Tasks', 'Task 1', 'Task 1 done by', 'Task 2', 'Task 2 for'];
const READ_LABELS = [...BASE_FACT_LABELS, 'Sign-off', 'Votes expected from', ...TASK_LABELS, ...DETAIL_LABELS];
const SECTION_LABELS = ['Description', 'Business justification', 'Implementation plan', 'Backout plan', 'Test plan'];

const cases = RFC_CARD_KINDS.flatMap((kind) => RFC_STATES.flatMap((state) => Object.keys(VIEWERS).map((who) => [kind, state, who] as const)));

describe('card renderers conform to one model', () => {
  it.each(cases)('%s card, %s, seen by %s: same heading, facts, sections and buttons everywhere', (kind, state, who) => {
    const viewer = VIEWERS[who] as Viewer;
    const card = model(kind, state, viewer);
    const blocks = cardBlocks(card, { zone: 'Europe/London' });
    const adaptive = teamsCard(card);
    expect(blockProblems(blocks, 50)).toEqual([]);
    assertValidCard(adaptive);

    const slack = readSlack(blocks);
    const teams = readTeams(adaptive);
    const text = readText(cardText(card), READ_LABELS, SECTION_LABELS, card.heading);
    expect(slack).toEqual(expected(card, card.shared));
    expect(teams).toEqual(expected(card, false));
    expect(text).toEqual({ ...expected(card, false), buttons: [] });
    // The web page: every button a form posting that action for this RFC, with the form token.
    const { problems, buttonKeys, ...web } = readWeb(rfcCardHtml(card, { csrf: 'form-token' }).markup);
    expect(problems).toEqual([]);
    expect(web).toEqual(expected(card, false));
    expect(buttonKeys).toEqual(card.buttons.map(() => card.key));

    // Every button shown passes the permission table for this viewer.
    const actor = viewer.kind === 'person' ? viewer : { id: '', roles: new Set<Role>(['cab']) };
    for (const b of card.buttons) expect(can(actor, { ...rfcIn(state), implementers: IMPLEMENTERS }, BUTTON_PERMISSION[b.action], DEFAULT_POLICY)).toBe(true);
  });

  it('shows the facts in one order with one set of labels', () => {
    const card = model('details', 'awaiting_approval', VIEWERS.outsider as Viewer);
    expect(card.facts.map((f) => f.label)).toEqual([...BASE_FACT_LABELS, ...TASK_LABELS, 'Impact', 'Likelihood']);
    expect(card.sections.map((s) => s.label)).toEqual(['Business justification', 'Implementation plan', 'Backout plan', 'Test plan']);
    expect(card.facts.find((f) => f.label === 'Risk')?.value).toEqual({ kind: 'text', text: 'Low' });
    // The tasks, with who did what (people as people, so each platform names them its way).
    expect(card.facts.filter((f) => f.label.startsWith('Task'))).toEqual([
      { label: 'Tasks', value: { kind: 'text', text: '1 of 2 finished' } },
      { label: 'Task 1', value: { kind: 'text', text: 'Open 443 on the edge firewall · team network · due Sat 12 Dec 22:00 GMT · Done: opened' } },
      { label: 'Task 1 done by', value: { kind: 'person', id: 'cli:netops' } },
      { label: 'Task 2', value: { kind: 'text', text: 'Restore the backup to a standby · due Sat 12 Dec 20:00 GMT · Open' } },
      { label: 'Task 2 for', value: { kind: 'person', id: 'cli:dba' } },
    ]);
    const voting = model('vote', 'awaiting_approval', { kind: 'cab-channel' });
    // The CAB's voting card leaves the tasks out.
    expect(voting.facts.some((f) => f.label.startsWith('Task'))).toBe(false);
    expect(voting.sections.map((s) => s.label)).toEqual(['Business justification']);
    expect(voting.heading).toBe('CAB vote: RFC-7 Patch db01 to 15.4');
  });

  it('adds what the review found, once it is recorded', () => {
    const reviewed = model('details', 'closed', VIEWERS.outsider as Viewer);
    expect(reviewed.facts.slice(-3)).toEqual([
      { label: 'Review outcome', value: { kind: 'text', text: 'Backed out' } },
      { label: 'Caused an incident', value: { kind: 'text', text: 'Yes' } },
      { label: 'Problem', value: { kind: 'text', text: 'PRB-12' } },
    ]);
    expect(model('details', 'implemented', VIEWERS.outsider as Viewer).facts.map((f) => f.label)).toEqual([
      ...BASE_FACT_LABELS.filter((l) => l !== 'Vote deadline'),
      ...TASK_LABELS,
      'Impact',
      'Likelihood',
    ]);
  });
});

describe('which buttons which viewer gets', () => {
  const buttons = (kind: RfcCardKind, state: RfcState, who: keyof typeof VIEWERS) => model(kind, state, VIEWERS[who] as Viewer).buttons.map((b) => b.label);

  it('offers the CAB voting card only to people who may vote, and never Start or Reschedule', () => {
    expect(buttons('vote', 'awaiting_approval', 'the CAB channel')).toEqual(['Approve', 'Reject', 'Abstain', 'Details']);
    expect(buttons('vote', 'awaiting_approval', 'CAB member')).toEqual(['Approve', 'Reject', 'Abstain', 'Details']);
    expect(buttons('vote', 'awaiting_approval', 'owner')).toEqual(['Details']);
    expect(buttons('vote', 'awaiting_approval', 'outsider')).toEqual(['Details']);
    // Today's Teams bug: the scheduled voting card showed Start and Reschedule to the whole CAB.
    for (const who of Object.keys(VIEWERS)) expect(buttons('vote', 'scheduled', who)).toEqual(['Details']);
  });

  it('gives the owner the buttons that move the change on, and others only Details', () => {
    expect(buttons('owner', 'scheduled', 'owner')).toEqual(['Start', 'Reschedule', 'Details']);
    expect(buttons('owner', 'implementing', 'owner')).toEqual(['Done', 'Failed', 'Back out', 'Details']);
    expect(buttons('owner', 'failed', 'owner')).toEqual(['Back out', 'Details']);
    expect(buttons('notice', 'scheduled', 'owner')).toEqual(['Start', 'Reschedule', 'Details']);
    expect(buttons('notice', 'scheduled', 'change manager')).toEqual(['Details']);
    expect(buttons('notice', 'scheduled', 'the CAB channel')).toEqual(['Details']);
  });

  it('shows on the full card what the viewer may do in that state', () => {
    expect(buttons('details', 'draft', 'owner')).toEqual(['Submit', 'Details']);
    expect(buttons('details', 'draft', 'outsider')).toEqual(['Details']);
    expect(buttons('details', 'awaiting_approval', 'change manager')).toEqual(['Approve', 'Reject', 'Abstain', 'Details']);
    expect(buttons('details', 'awaiting_approval', 'owner')).toEqual(['Details']);
    expect(buttons('details', 'scheduled', 'change manager')).toEqual(['Start', 'Reschedule', 'Details']);
    expect(buttons('details', 'scheduled', 'CAB member')).toEqual(['Details']);
    expect(buttons('reply', 'implementing', 'owner')).toEqual(['Done', 'Failed', 'Back out', 'Details']);
  });

  it('offers Close review only to a change manager who neither owns nor implemented the change', () => {
    expect(buttons('details', 'in_review', 'change manager')).toEqual(['Close review', 'Details']);
    expect(buttons('notice', 'in_review', 'change manager')).toEqual(['Close review', 'Details']);
    expect(buttons('details', 'in_review', 'the change manager who implemented it')).toEqual(['Details']);
    expect(buttons('notice', 'in_review', 'the change manager who implemented it')).toEqual(['Details']);
    expect(buttons('details', 'in_review', 'owner')).toEqual(['Details']);
    expect(buttons('details', 'in_review', 'CAB member')).toEqual(['Details']);
    const ownerManager = model('details', 'in_review', person('cli:owner', 'change-manager'));
    expect(ownerManager.buttons.map((b) => b.label)).toEqual(['Details']);
    expect(buttons('details', 'implemented', 'change manager')).toEqual(['Back out', 'Details']);
  });
});

describe('the list card', () => {
  it('shows the same RFCs, in order, each with a Details button, on every platform', () => {
    const summaries = ['RFC-3', 'RFC-1', 'RFC-2'].map((key, i) => ({
      key,
      title: `Change ${i}`,
      stateLabel: 'Scheduled',
      window: 'from Sat 12 Dec 22:00 to Sun 13 Dec 00:00 GMT',
      services: ['db'],
      risk: null,
    }));
    const card = listCard('3 RFCs', summaries);
    const slack = listBlocks(card).flatMap((b) => (b.type === 'section' && b.accessory?.type === 'button' ? [[b.accessory.value, b.accessory.action_id]] : []));
    const teams = teamsList(card).body.flatMap((e) =>
      e.type === 'ActionSet' ? e.actions.flatMap((a) => (a.type === 'Action.Execute' ? [[(a.data as { key: string }).key, a.verb]] : [])) : [],
    );
    const expected = [
      ['RFC-3', 'rfc_details'],
      ['RFC-1', 'rfc_details'],
      ['RFC-2', 'rfc_details'],
    ];
    expect(slack).toEqual(expected);
    expect(teams).toEqual(expected);
    assertValidCard(teamsList(card));
    expect(listText(card).split('\n')).toEqual([
      'RFC-3  Scheduled         Change 0 [db] from Sat 12 Dec 22:00 to Sun 13 Dec 00:00 GMT',
      'RFC-1  Scheduled         Change 1 [db] from Sat 12 Dec 22:00 to Sun 13 Dec 00:00 GMT',
      'RFC-2  Scheduled         Change 2 [db] from Sat 12 Dec 22:00 to Sun 13 Dec 00:00 GMT',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Release cards (issue 10): the same conformance over every release card kind, phase and viewer.

const at = new Date('2026-12-05T10:00:00Z');
const ALL_TICKED = Object.fromEntries(READINESS_FACTORS.map((f) => [f, { kind: 'ticked' as const, by: 'cli:rm', at, note: null }]));
const SOME_TICKED = {
  'deployment-order': { kind: 'ticked' as const, by: 'cli:rm', at, note: 'pilot first' },
  training: { kind: 'not-applicable' as const, by: 'cli:tester', at, note: null, reason: 'no new features' },
};
const REL_RFCS = [
  { key: 'RFC-1', title: 'Patch web01', state: 'approved' as const },
  { key: 'RFC-2', title: 'Patch web02 <b> & co', state: 'scheduled' as const },
];
const TEAM = { testing: 'cli:tester', communications: 'cli:comms', training: null };

/** A release in each situation a card must show, written out by hand. */
const RELEASES: Record<string, Release> = {
  planning: release({ team: TEAM }),
  'planning, plan incomplete': release({ plan: { deploymentOrder: null, training: null, communications: null, backout: null } }),
  building: release({ phase: 'building', tests: [{ name: 'smoke', passed: true, by: 'cli:tester', at, note: 'green' }] }),
  'acceptance testing': release({
    phase: 'acceptance_testing',
    readiness: SOME_TICKED,
    signoffs: [{ cluster: 'security', by: 'cli:sec', at, note: 'scan clean' }],
    team: TEAM,
  }),
  'readiness review, items open': release({ phase: 'readiness_review', readiness: SOME_TICKED, team: TEAM, waves: [wave(1)] }),
  'readiness review, all ticked': release({ phase: 'readiness_review', readiness: ALL_TICKED, team: TEAM, waves: [wave(1)] }),
  'readiness review, manager gave go': release({
    phase: 'readiness_review',
    readiness: ALL_TICKED,
    waves: [wave(1)],
    goDecisions: [{ by: 'cli:rm', as: 'release-manager', at }],
  }),
  'deployment, pilot ready': release({
    phase: 'deployment',
    readiness: ALL_TICKED,
    waves: [wave(1), wave(2, { pilot: true, outageMinutes: 15, audience: '#web' })],
    backoutProven: true,
    backoutProvenBy: 'cli:tester',
    pilotApprovedBy: 'cli:cm',
    package: {
      artifacts: [{ name: 'web', version: '2.1', link: 'https://example.test/web-2.1', sha256: SHA }],
      install: 'apt install web',
      removal: 'apt remove web',
      frozenAt: at,
      amendedAfterReview: true,
    },
    goDecisions: [
      { by: 'cli:rm', as: 'release-manager', at },
      { by: 'cli:cm', as: 'change-manager', at },
    ],
  }),
  'deployment, wave deploying': release({
    phase: 'deployment',
    readiness: ALL_TICKED,
    waves: [wave(1, { state: 'deploying', startedBy: 'cli:rm', startedAt: at }), wave(2)],
  }),
  'deployment, pilot waiting': release({ phase: 'deployment', readiness: ALL_TICKED, waves: [wave(1, { pilot: true })] }),
  review: release({
    phase: 'review',
    readiness: ALL_TICKED,
    waves: [wave(1, { state: 'successful', outcomeBy: 'cli:rm', outcomeNote: 'all green' })],
    review: { outcome: 'Deployed everywhere', workarounds: null, lessons: 'Pilot earlier', followUps: ['RFC-9'] },
  }),
  closed: release({ phase: 'closed', readiness: ALL_TICKED }),
  suspended: release({ phase: 'suspended', suspendedFrom: 'building', reason: 'vendor recall' }),
  cancelled: release({ phase: 'cancelled', reason: 'superseded by REL-4' }),
};

const REL_VIEWERS: Record<string, ReleaseViewer> = {
  'release manager': { kind: 'person', id: 'cli:rm', roles: new Set<Role>(['release-manager']) },
  'change manager': { kind: 'person', id: 'cli:cm', roles: new Set<Role>(['change-manager']) },
  'testing coordinator': { kind: 'person', id: 'cli:tester', roles: new Set<Role>() },
  outsider: { kind: 'person', id: 'cli:someone', roles: new Set<Role>() },
  'the status channel': { kind: 'status-channel' },
  'another channel': { kind: 'channel' },
};

function relModel(kind: ReleaseCardKind, situation: string, who: string, message = 'REL-3 moved on.'): ReleaseCard {
  const view = releaseView(RELEASES[situation] as Release, REL_RFCS, {
    zone: 'Europe/London',
    log: [{ at, actor: 'cli:rm', action: 'release-create', reason: null }],
  });
  return releaseCard(kind, view, REL_VIEWERS[who] as ReleaseViewer, { message });
}

const REL_FACT_LABELS = [
  'Phase',
  'Release manager',
  'Target date',
  'RFCs',
  'Testing coordinator',
  'Communications coordinator',
  'Training coordinator',
  'Status channels',
  'Release plan',
  'Package',
  'Sign-offs',
  'Go',
  'Pilot',
  'Reason',
];
const REL_SECTION_LABELS = [
  'Goal',
  'Changes',
  'Deployment order',
  'Training plan',
  'Communications plan',
  'Release backout plan',
  'Release package',
  'Tests',
  'Sign-off notes',
  'Before go',
  'Waves',
  'Review outcome',
  'Workarounds',
  'Lessons',
  'Follow-up RFCs',
];

function relExpected(card: ReleaseCard, platform: 'chat' | 'text'): SeenRelease {
  return {
    heading: card.heading,
    facts: card.facts.map((f) => [f.label, f.value.kind === 'person' ? f.value.id : f.value.kind === 'text' ? f.value.text : '?']),
    sections: card.sections.map((s) => [s.label, s.text]),
    readiness: card.readiness.map((i) => [`${i.label}: ${i.status}`, i.button ? (platform === 'text' ? 'tick' : (i.button.arg ?? '')) : null]),
    buttons: card.buttons.map((b) => (platform === 'text' ? ['', b.label, '', ''] : [b.action, b.label, b.key, b.arg ?? ''])),
  };
}

/** Whom a viewer stands for when the permission table is asked (the status card is the release team's). */
function relActor(viewer: ReleaseViewer, r: Release): { id: string; roles: ReadonlySet<Role> } {
  if (viewer.kind === 'person') return viewer;
  return viewer.kind === 'status-channel' ? { id: r.manager, roles: new Set<Role>(['change-manager']) } : { id: '', roles: new Set<Role>() };
}

const relCases = RELEASE_CARD_KINDS.flatMap((kind) => Object.keys(RELEASES).flatMap((s) => Object.keys(REL_VIEWERS).map((who) => [kind, s, who] as const)));

describe('release card renderers conform to one model', () => {
  it.each(relCases)('%s card, %s, seen by %s: same heading, facts, sections, checklist and buttons everywhere', (kind, situation, who) => {
    const card = relModel(kind, situation, who);
    const blocks = releaseBlocks(card);
    const adaptive = releaseAdaptiveCard(card);
    expect(blockProblems(blocks, 50)).toEqual([]);
    assertValidCard(adaptive);
    expect(JSON.stringify(adaptive).length).toBeLessThan(28_000);

    // Every label a card may carry is one the readers know.
    for (const f of card.facts) expect(REL_FACT_LABELS).toContain(f.label);
    for (const s of card.sections) expect(REL_SECTION_LABELS).toContain(s.label);
    expect(readSlackRelease(blocks)).toEqual(relExpected(card, 'chat'));
    expect(readTeamsRelease(adaptive)).toEqual(relExpected(card, 'chat'));
    expect(readReleaseText(releaseCardText(card), card.heading, REL_FACT_LABELS, REL_SECTION_LABELS)).toEqual(relExpected(card, 'text'));
    const { problems, ...web } = readWebRelease(releaseCardHtml(card, { csrf: 'form-token' }).markup);
    expect(problems).toEqual([]);
    expect(web).toEqual(relExpected(card, 'chat'));

    // Every button shown passes the permission table for this viewer.
    const r = RELEASES[situation] as Release;
    const actor = relActor(REL_VIEWERS[who] as ReleaseViewer, r);
    for (const b of [...card.buttons, ...card.readiness.flatMap((i) => (i.button ? [i.button] : []))]) {
      expect(canRelease(actor, r, RELEASE_BUTTON_PERMISSION[b.action])).toBe(true);
    }
  });

  it('shows the facts in one order with one set of labels', () => {
    const card = relModel('details', 'acceptance testing', 'outsider');
    expect(card.heading).toBe('REL-3 Winter release');
    expect(card.facts.map((f) => f.label)).toEqual([
      'Phase',
      'Release manager',
      'Target date',
      'RFCs',
      'Testing coordinator',
      'Communications coordinator',
      'Status channels',
      'Package',
      'Sign-offs',
    ]);
    expect(card.facts.find((f) => f.label === 'Sign-offs')?.value).toEqual({
      kind: 'text',
      text: 'security (cli:sec); missing operations, support, service level',
    });
    expect(card.facts.find((f) => f.label === 'Package')?.value).toEqual({ kind: 'text', text: '1 artifact, open' });
    expect(card.sections.map((s) => s.label)).toEqual([
      'Goal',
      'Changes',
      'Deployment order',
      'Training plan',
      'Communications plan',
      'Release backout plan',
      'Release package',
      'Sign-off notes',
    ]);
    expect(card.sections[1]).toEqual({ label: 'Changes', text: 'RFC-1 Patch web01 (Approved)\nRFC-2 Patch web02 <b> & co (Scheduled)' });
    expect(card.readiness.map((i) => i.status).slice(0, 2)).toEqual(['ticked by cli:rm: pilot first', 'open']);
    expect(card.readiness[8]?.status).toBe('not applicable: no new features (cli:tester)');
  });

  it('keeps the status message to the working parts, and the notice to its words and main facts', () => {
    const status = relModel('status', 'deployment, pilot ready', 'the status channel');
    expect(status.sections.map((s) => s.label)).toEqual(['Goal', 'Changes', 'Waves']);
    expect(status.sections[2]?.text).toBe(
      'Wave 2 (pilot) · from Sat 12 Dec 22:00 to Sat 12 Dec 23:30 GMT · web · outage 15 min for #web · planned\nWave 1 · from Fri 11 Dec 22:00 to Fri 11 Dec 23:30 GMT · web · planned',
    );
    expect(status.facts.find((f) => f.label === 'Package')?.value).toEqual({ kind: 'text', text: '1 artifact, amended after review' });
    expect(status.facts.find((f) => f.label === 'Go')?.value).toEqual({ kind: 'text', text: 'release manager cli:rm, change manager cli:cm; given' });
    expect(status.facts.find((f) => f.label === 'Pilot')?.value).toEqual({ kind: 'text', text: 'backout proven (cli:tester); approved by cli:cm' });
    expect(status.status).toBe('Last step: Sat 5 Dec 10:00 GMT cli:rm release-create');
    expect(status.shared).toBe(true);
    const notice = relModel('notice', 'readiness review, items open', 'release manager', 'Go was given.');
    expect([notice.message, notice.sections, notice.readiness]).toEqual(['Go was given.', [], []]);
    expect(notice.facts.find((f) => f.label === 'Go')?.value).toEqual({
      kind: 'text',
      text: 'still needs the release manager and a change manager other than the release manager',
    });
  });

  it('lays the checklist out the same way on every platform', () => {
    const card = relModel('status', 'readiness review, items open', 'the status channel');
    const text = releaseCardText(card).split('\n');
    const from = text.indexOf('Readiness review:');
    expect(text.slice(from, from + 3)).toEqual([
      'Readiness review:',
      '  [x] deployment order to the target group: ticked by cli:rm: pilot first',
      '  [ ] business alignment and priorities: open [Tick]',
    ]);
    expect(text.at(-1)).toBe('Actions: No-go · Details');
    const blocks = releaseBlocks(card);
    const tick = blocks.find((b) => b.type === 'section' && b.accessory?.type === 'button');
    expect(tick).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':white_square: business alignment and priorities: open', verbatim: true },
      accessory: { type: 'button', text: { type: 'plain_text', text: 'Tick', emoji: true }, action_id: 'release_tick', value: 'REL-3:business-alignment' },
    });
    const rows = releaseAdaptiveCard(card).body.filter((e) => e.type === 'ColumnSet');
    expect(rows).toHaveLength(11);
    expect(rows[1]?.columns?.[1]?.items).toEqual([
      {
        type: 'ActionSet',
        actions: [{ type: 'Action.Execute', title: 'Tick', verb: 'release_tick', data: { key: 'REL-3', card: 'status', arg: 'business-alignment' } }],
      },
    ]);
    expect(rows[0]?.columns).toHaveLength(1);
  });
});

describe('which release buttons which viewer gets', () => {
  const labels = (kind: ReleaseCardKind, situation: string, who: string) => relModel(kind, situation, who).buttons.map((b) => b.label);
  const ticks = (situation: string, who: string) =>
    relModel('details', situation, who)
      .readiness.filter((i) => i.button)
      .map((i) => i.id);

  it('moves a planned release on only with a complete plan, and only for its managers', () => {
    expect(labels('details', 'planning', 'release manager')).toEqual(['Next phase', 'Details']);
    expect(labels('details', 'planning', 'change manager')).toEqual(['Next phase', 'Details']);
    expect(labels('details', 'planning', 'testing coordinator')).toEqual(['Details']);
    expect(labels('details', 'planning', 'outsider')).toEqual(['Details']);
    expect(labels('details', 'planning, plan incomplete', 'release manager')).toEqual(['Details']);
    expect(labels('details', 'building', 'release manager')).toEqual(['Next phase', 'Details']);
  });

  it('offers Tick on the open items to the release team and change managers, in acceptance testing and the review', () => {
    const open = READINESS_FACTORS.filter((f) => f !== 'deployment-order' && f !== 'training');
    expect(ticks('acceptance testing', 'release manager')).toEqual(open);
    expect(ticks('acceptance testing', 'testing coordinator')).toEqual(open);
    expect(ticks('readiness review, items open', 'change manager')).toEqual(open);
    expect(ticks('readiness review, items open', 'outsider')).toEqual([]);
    expect(ticks('deployment, wave deploying', 'release manager')).toEqual([]);
    expect(relModel('details', 'building', 'release manager').readiness).toEqual([]);
  });

  it('offers Go only when nothing is open, to each of the two who still have to give it', () => {
    expect(labels('details', 'readiness review, items open', 'release manager')).toEqual(['No-go', 'Details']);
    expect(labels('details', 'readiness review, all ticked', 'release manager')).toEqual(['Go', 'No-go', 'Details']);
    expect(labels('details', 'readiness review, all ticked', 'change manager')).toEqual(['Go', 'No-go', 'Details']);
    expect(labels('details', 'readiness review, all ticked', 'testing coordinator')).toEqual(['Details']);
    expect(labels('details', 'readiness review, manager gave go', 'release manager')).toEqual(['No-go', 'Details']);
    expect(labels('details', 'readiness review, manager gave go', 'change manager')).toEqual(['Go', 'No-go', 'Details']);
    // The release manager holding the change-manager role can't give the second go.
    const both = releaseCard('details', releaseView(RELEASES['readiness review, manager gave go'] as Release, REL_RFCS, { zone: 'UTC' }), {
      kind: 'person',
      id: 'cli:rm',
      roles: new Set<Role>(['change-manager']),
    });
    expect(both.buttons.map((b) => b.label)).toEqual(['No-go', 'Details']);
  });

  it('offers the next startable wave, then Done and Failed for the deploying one, each carrying its number', () => {
    const pilot = relModel('details', 'deployment, pilot ready', 'release manager').buttons;
    expect(pilot.map((b) => [b.action, b.label, b.arg])).toEqual([
      ['release_wave_start', 'Start wave 2', '2'],
      ['release_details', 'Details', undefined],
    ]);
    expect(labels('details', 'deployment, wave deploying', 'change manager')).toEqual(['Wave 1 done', 'Wave 1 failed', 'Details']);
    expect(relModel('details', 'deployment, wave deploying', 'change manager').buttons[1]?.arg).toBe('1');
    expect(labels('details', 'deployment, wave deploying', 'testing coordinator')).toEqual(['Details']);
    expect(labels('details', 'deployment, pilot waiting', 'release manager')).toEqual(['Details']);
  });

  it('gives the status message the release team’s buttons, and any other channel only Details', () => {
    expect(labels('status', 'readiness review, all ticked', 'the status channel')).toEqual(['Go', 'No-go', 'Details']);
    expect(ticks('readiness review, items open', 'the status channel')).toHaveLength(9);
    expect(labels('status', 'deployment, wave deploying', 'the status channel')).toEqual(['Wave 1 done', 'Wave 1 failed', 'Details']);
    expect(labels('status', 'deployment, wave deploying', 'another channel')).toEqual(['Details']);
    expect(labels('notice', 'deployment, wave deploying', 'the status channel')).toEqual(['Details']);
    expect(labels('notice', 'deployment, wave deploying', 'release manager')).toEqual(['Wave 1 done', 'Wave 1 failed', 'Details']);
    for (const s of ['review', 'closed', 'suspended', 'cancelled']) expect(labels('status', s, 'the status channel')).toEqual(['Details']);
  });
});

describe('people named in a release card’s lines', () => {
  it('are Slack mentions in Slack and display names in Teams', () => {
    const r = release({
      phase: 'acceptance_testing',
      tests: [{ name: 'load test', passed: true, by: 'slack:T1/UTESS', at, note: null }],
      signoffs: [{ cluster: 'security', by: 'teams:aad-bob', at, note: null }],
    });
    const card = releaseCard('details', releaseView(r, REL_RFCS, { zone: 'UTC' }), { kind: 'channel' });
    const slack = JSON.stringify(releaseBlocks(card));
    expect(slack).toContain('<@UTESS>');
    expect(slack).not.toContain('slack:T1/UTESS');
    const teams = JSON.stringify(releaseAdaptiveCard(card, { name: (id) => (id === 'teams:aad-bob' ? 'Bob Brown' : id) }));
    expect(teams).toContain('Bob Brown');
    expect(teams).not.toContain('teams:aad-bob');
  });
});

describe('a release at its largest', () => {
  it('stays inside Slack’s and Teams’ limits', () => {
    const long = 'x'.repeat(5000);
    const big = release({
      name: 'N'.repeat(300),
      goal: long,
      phase: 'readiness_review',
      plan: { deploymentOrder: long, training: long, communications: long, backout: long },
      package: {
        artifacts: Array.from({ length: 30 }, (_, i) => ({
          name: `artifact-${i}`,
          version: '1.0',
          link: `https://example.test/${'p'.repeat(200)}`,
          sha256: SHA,
        })),
        install: long,
        removal: long,
        frozenAt: null,
        amendedAfterReview: false,
      },
      tests: Array.from({ length: 40 }, (_, i) => ({ name: `test ${i}`, passed: i % 2 === 0, by: 'cli:tester', at, note: long.slice(0, 300) })),
      waves: Array.from({ length: 20 }, (_, i) => wave(i + 1, { services: ['web', 'api', 'db'] })),
      review: { outcome: long, workarounds: long, lessons: long, followUps: ['RFC-9'] },
    });
    const rfcs = Array.from({ length: 60 }, (_, i) => ({ key: `RFC-${i + 1}`, title: 'T'.repeat(200), state: 'approved' as const }));
    for (const kind of RELEASE_CARD_KINDS) {
      const card = releaseCard(kind, releaseView(big, rfcs, { zone: 'UTC' }), REL_VIEWERS['release manager'] as ReleaseViewer, { message: long });
      const blocks = releaseBlocks(card);
      expect(blockProblems(blocks, 50)).toEqual([]);
      expect(blocks.at(-1)?.type).toBe('actions');
      const adaptive = releaseAdaptiveCard(card);
      assertValidCard(adaptive);
      expect(JSON.stringify(adaptive).length).toBeLessThan(28_000);
    }
  });
});

describe('the schema checks know what a release button carries', () => {
  it('refuses a Tick or wave button without its argument, and an argument where none belongs', () => {
    const bar = (actionId: string, value: string) => [
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'X' }, action_id: actionId, value }] },
    ];
    expect(blockProblems(bar('release_tick', 'REL-3:production-ready'), 50)).toEqual([]);
    expect(blockProblems(bar('release_wave_start', 'REL-3:2'), 50)).toEqual([]);
    expect(blockProblems(bar('release_tick', 'REL-3'), 50)).toHaveLength(1);
    expect(blockProblems(bar('release_wave_done', 'REL-3:two'), 50)).toHaveLength(1);
    expect(blockProblems(bar('release_go', 'REL-3:1'), 50)).toHaveLength(1);
    expect(blockProblems(bar('release_go', 'RFC-3'), 50)).toHaveLength(1);
    const execute = (verb: string, data: Record<string, unknown>) => ({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [],
      actions: [{ type: 'Action.Execute', title: 'X', verb, data }],
    });
    expect(releaseActionProblems(execute('release_wave_fail', { key: 'REL-3', card: 'status', arg: '1' }))).toEqual([]);
    expect(releaseActionProblems(execute('release_wave_fail', { key: 'REL-3', card: 'status' }))).toHaveLength(1);
    expect(releaseActionProblems(execute('release_details', { key: 'REL-3', card: 'vote' }))).toHaveLength(1);
  });
});

describe('the web renderer', () => {
  it('escapes whatever people typed, in text and in the values forms carry', () => {
    const hostile = draftRfc('cli:requester', new Date('2026-12-01T09:00:00Z'), {
      ...rfcIn('awaiting_approval'),
      title: '<script>alert(1)</script> & "quotes"',
      justification: '<img src=x onerror=alert(1)>\nsecond line',
    });
    const view = rfcView(hostile, { votes: [], conflicts: [], implementers: [], policy: DEFAULT_POLICY, zone: 'UTC' });
    const card = rfcCard('details', view, VIEWERS['CAB member'] as Viewer, DEFAULT_POLICY);
    const markup = rfcCardHtml(card, { csrf: '"><script>x</script>' }).markup;
    expect(markup).not.toContain('<script>');
    expect(markup).not.toContain('<img');
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    const seen = readWeb(markup);
    expect(seen.problems).toEqual([]);
    expect(seen.heading).toBe('RFC-7 <script>alert(1)</script> & "quotes"');
    expect(seen.sections[0]).toEqual(['Business justification', '<img src=x onerror=alert(1)>\nsecond line']);
  });

  it('draws each button as a form posting its action, Details as a link, and asks for what a chat form would', () => {
    const vote = readWeb(rfcCardHtml(model('vote', 'awaiting_approval', VIEWERS['CAB member'] as Viewer), { csrf: 't' }).markup);
    expect(vote.buttons).toEqual(['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']);
    const scheduled = rfcCardHtml(model('details', 'scheduled', VIEWERS['change manager'] as Viewer), { csrf: 't' }).markup;
    expect(scheduled).toContain('<form class="action with-fields" method="post" action="/rfc/RFC-7/actions/rfc_reschedule">');
    expect(scheduled).toContain('<input type="datetime-local" name="start" required>');
    expect(scheduled).toContain('<input name="duration" placeholder="2h" required size="6">');
    expect(scheduled).toContain('<a class="button secondary" data-action="rfc_details" href="/rfc/RFC-7">Details</a>');
    const review = releaseCardHtml(relModel('details', 'readiness review, all ticked', 'release manager'), { csrf: 't' }).markup;
    expect(review).toContain('action="/release/REL-3/actions/release_nogo"');
    expect(review).toContain('<select name="to">');
    expect(review).toContain('<input name="reason" required maxlength="1000">');
    const ticks = readWebRelease(releaseCardHtml(relModel('details', 'acceptance testing', 'testing coordinator'), { csrf: 't' }).markup);
    expect(ticks.readiness.filter(([, arg]) => arg !== null).map(([, arg]) => arg)).toEqual(
      READINESS_FACTORS.filter((f) => f !== 'deployment-order' && f !== 'training'),
    );
  });

  it('shows people by name where it knows them, keeping the id for the reader', () => {
    const card = model('details', 'awaiting_approval', VIEWERS.outsider as Viewer);
    const markup = rfcCardHtml(card, { csrf: 't', name: (id) => (id === 'cli:owner' ? 'Olive Owner' : id) }).markup;
    expect(markup).toContain('<span class="person" data-person="cli:owner">Olive Owner</span>');
    expect(readWeb(markup).facts.find(([l]) => l === 'Owner')).toEqual(['Owner', 'cli:owner']);
  });
});
