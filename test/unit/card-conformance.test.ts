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
import { type SeenCard, readSlack, readTeams, readText } from '../support/card-readers.js';
import { assertValidCard } from '../support/teams-cards.js';
import { blockProblems } from '../support/slack-schema.js';

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

function model(kind: RfcCardKind, state: RfcState, viewer: Viewer): RfcCard {
  const view = rfcView(rfcIn(state), {
    votes,
    conflicts: [{ kind: 'overlap', needs: 'ack', message: 'RFC-3 also changes db then', otherRfcKey: 'RFC-3' }],
    implementers: IMPLEMENTERS,
    policy: DEFAULT_POLICY,
    zone: 'Europe/London',
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
const READ_LABELS = [...BASE_FACT_LABELS, 'Sign-off', 'Votes expected from', ...DETAIL_LABELS];
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

    // Every button shown passes the permission table for this viewer.
    const actor = viewer.kind === 'person' ? viewer : { id: '', roles: new Set<Role>(['cab']) };
    for (const b of card.buttons) expect(can(actor, { ...rfcIn(state), implementers: IMPLEMENTERS }, BUTTON_PERMISSION[b.action], DEFAULT_POLICY)).toBe(true);
  });

  it('shows the facts in one order with one set of labels', () => {
    const card = model('details', 'awaiting_approval', VIEWERS.outsider as Viewer);
    expect(card.facts.map((f) => f.label)).toEqual([...BASE_FACT_LABELS, 'Impact', 'Likelihood']);
    expect(card.sections.map((s) => s.label)).toEqual(['Business justification', 'Implementation plan', 'Backout plan', 'Test plan']);
    expect(card.facts.find((f) => f.label === 'Risk')?.value).toEqual({ kind: 'text', text: 'Low' });
    const voting = model('vote', 'awaiting_approval', { kind: 'cab-channel' });
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
