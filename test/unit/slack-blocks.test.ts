import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { homeView, listBlocks, textBlocks } from '../../src/chat/slack/blocks/home.js';
import { LIMITS, truncate } from '../../src/chat/slack/blocks/limits.js';
import { detailsModal, newRfcModal, readValues, rescheduleModal } from '../../src/chat/slack/blocks/modal.js';
import { cardBlocks, who } from '../../src/chat/slack/blocks/rfc.js';
import { RFC_CARD_KINDS, homeCard, listCard, rfcCard } from '../../src/domain/cards.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { modalErrors } from '../../src/chat/slack/errors.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { RFC_STATES } from '../../src/domain/types.js';
import type { RfcView } from '../../src/domain/views.js';
import { blockProblems, callProblems, viewProblems } from '../support/slack-schema.js';

const nasty = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ minLength: 2900, maxLength: 9000 }),
  fc.constantFrom('&<>'.repeat(2000), '😀'.repeat(3000), '<@U1> <#C1|x> '.repeat(400), ''),
);

const viewArb = fc.record({
  title: nasty,
  description: fc.option(nasty, { nil: null }),
  plan: fc.option(nasty, { nil: null }),
  conflicts: fc.array(nasty, { maxLength: 30 }),
  voters: fc.nat({ max: 200 }),
  services: fc.array(fc.string({ minLength: 1, maxLength: 300 }), { maxLength: 120 }),
  state: fc.constantFrom(...RFC_STATES),
});

type ViewInput = typeof viewArb extends fc.Arbitrary<infer T> ? T : never;

function makeView(x: ViewInput): RfcView {
  return {
    key: 'RFC-12345',
    title: x.title,
    state: x.state,
    stateLabel: x.state,
    category: 'significant',
    emergency: true,
    escalated: false,
    risk: 'high',
    impact: 'high',
    likelihood: 'high',
    urgency: 'high',
    cost: x.plan,
    resources: x.plan,
    cabMembers: Array.from({ length: Math.min(x.voters, 60) }, (_, i) => `slack:T1/U${i}`),
    expectedVoters: Array.from({ length: Math.min(x.voters, 60) }, (_, i) => `slack:T1/U${i}`),
    awaitingSignoff: false,
    startable: true,
    needsProblem: false,
    services: x.services,
    window: 'from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 UTC',
    windowAt: { start: new Date(0), end: new Date(3_600_000) },
    requester: 'slack:T1/U1',
    owner: 'teams:00000000-0000-0000-0000-000000000000',
    implementers: [],
    description: x.description,
    justification: x.description,
    plan: x.plan,
    backout: x.plan,
    test: x.plan,
    outage: '30 min',
    reviewOutcome: 'Successful with issues',
    causedIncident: 'Yes',
    problem: x.title,
    approval: 'CAB vote',
    release: null,
    conflicts: x.conflicts,
    tally: {
      approve: x.voters,
      reject: 0,
      abstain: 0,
      cast: x.voters,
      quorum: 3,
      status: 'Waiting',
      voters: Array.from({ length: x.voters }, (_, i) => ({ person: `slack:T1/U${i}`, choice: 'approve' as const, asManager: false })),
    },
    deadline: 'Mon 7 Dec 09:00 UTC',
    deadlineAt: new Date(7_200_000),
    tasks: [],
  };
}

describe('Block Kit limits', () => {
  it('truncate cuts with an ellipsis and never splits a surrogate pair or an entity', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('a &amp; b', 5)).toBe('a …');
    expect(truncate('hi <@U123> there', 8)).toBe('hi …');
    fc.assert(fc.property(fc.string({ maxLength: 500 }), fc.integer({ min: 1, max: 400 }), (s, max) => truncate(s, max).length <= max));
  });

  it('every message and view stays inside the limits, whatever the user typed', () => {
    fc.assert(
      fc.property(viewArb, (x) => {
        const v = makeView(x);
        const owner = { kind: 'person', id: v.owner, roles: new Set(['change-manager', 'cab'] as const) } as const;
        for (const kind of RFC_CARD_KINDS) {
          for (const viewer of [owner, { kind: 'cab-channel' } as const]) {
            const card = rfcCard(kind, v, viewer, DEFAULT_POLICY, { message: x.title, personal: x.title });
            expect(blockProblems(cardBlocks(card, { zone: 'Europe/Paris' }), LIMITS.messageBlocks)).toEqual([]);
          }
        }
        expect(viewProblems(detailsModal(rfcCard('details', v, owner, DEFAULT_POLICY), 'UTC'))).toEqual([]);
        expect(viewProblems(rescheduleModal(v, { responseUrl: `https://hooks.slack.com/${'x'.repeat(4000)}` }))).toEqual([]);
        expect(
          viewProblems(
            newRfcModal(
              x.services.filter((s) => s.trim()),
              { channel: 'C1' },
            ),
          ),
        ).toEqual([]);
        const summaries = x.services.map((s, i) => ({
          key: `RFC-${i}`,
          title: x.title,
          stateLabel: 'Draft',
          window: null,
          services: [s],
          risk: 'high' as const,
        }));
        expect(viewProblems(homeView(homeCard({ mine: summaries, awaitingMyVote: summaries, upcoming: [], zone: 'UTC' })))).toEqual([]);
        expect(blockProblems(listBlocks(listCard('x', summaries)), LIMITS.messageBlocks)).toEqual([]);
        expect(blockProblems(textBlocks(x.conflicts.join('\n')), LIMITS.messageBlocks)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('renders Slack people as mentions and others as text', () => {
    expect(who('slack:T1/U42')).toBe('<@U42>');
    expect(who('cli:<bob>')).toBe('cli:&lt;bob&gt;');
  });
});

describe('modal values and errors', () => {
  it('reads every element type Slack sends back', () => {
    expect(
      readValues({
        title: { title: { type: 'plain_text_input', value: 'x' } },
        category: { category: { type: 'static_select', selected_option: { value: 'minor' } } },
        services: { services: { type: 'multi_static_select', selected_options: [{ value: 'db' }, { value: 'web' }] } },
        emergency: { emergency: { type: 'checkboxes', selected_options: [] } },
        start: { start: { type: 'datetimepicker', selected_date_time: 1_800_000_000 } },
        end: { end: { type: 'datetimepicker', selected_date_time: null } },
        plan: { plan: { type: 'plain_text_input', value: null } },
      }),
    ).toEqual({ title: 'x', category: 'minor', services: ['db', 'web'], emergency: false, start: '2027-01-15T08:00:00.000Z', end: undefined, plan: undefined });
  });

  it('puts each field error on its block, and others on the fallback block', () => {
    const many = new ChangebotError('bad_value', 'two', { errors: { title: 'no title', end: 'too early', durationMinutes: 'bad' } });
    expect(modalErrors(many, ['title', 'end'], 'title')).toEqual({ title: 'no title', end: 'too early bad' });
    expect(modalErrors(new ChangebotError('bad_value', 'unknown service x', { field: 'services' }), ['title', 'services'], 'title')).toEqual({
      services: 'unknown service x',
    });
    expect(modalErrors(new Error('boom'), ['title'], 'title').title).toContain('Something went wrong');
  });
});

describe('Web API schema check', () => {
  it('knows real methods and arguments, and refuses invented ones', () => {
    expect(callProblems('chat.postMessage', { channel: 'C1', text: 'x', blocks: '[]', token: 't' })).toEqual([]);
    expect(callProblems('chat.postMessage', { text: 'x' })).toEqual(['chat.postMessage: missing required argument channel']);
    expect(callProblems('chat.postMessage', { channel: 'C1', colour: 'red' })).toEqual(['chat.postMessage: unknown argument colour']);
    expect(callProblems('chat.sendCarrierPigeon', {})).toEqual(['chat.sendCarrierPigeon: not a Slack Web API method in the spec']);
  });
});
