/** Issue 9's rules, one by one, with the exact words a person reads. */
import { describe, expect, it } from 'vitest';
import { rfcCard } from '../../src/domain/cards.js';
import { isPlaceholder, leadTimeShortfall, leadTimeText, missingForApproval, missingText } from '../../src/domain/evaluation.js';
import { can } from '../../src/domain/permissions.js';
import { POLICY_KEYS, policyEntries, policyFrom, policyKey } from '../../src/domain/policy-keys.js';
import { DEFAULT_POLICY, type Policy, approvalPath } from '../../src/domain/policy.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { timersFor } from '../../src/domain/timers.js';
import type { Actor, Category, Rfc, Role, Vote, VoteCapacity, VoteChoice } from '../../src/domain/types.js';
import { deadlineFor, decide, voteCapacity } from '../../src/domain/votes.js';
import { rfcView } from '../../src/domain/views.js';
import { insideWindow } from '../../src/domain/windows.js';
import { refusal } from '../support/commands.js';

const NOW = new Date('2026-12-01T09:00:00Z');
const at = (iso: string) => new Date(iso);
const win = (start: string, end: string) => ({ start: at(start), end: at(end) });
const actor = (id: string, ...roles: Role[]): Actor => ({ id, roles: new Set(roles), timezone: 'UTC' });
const v = (voter: string, choice: VoteChoice, capacity: VoteCapacity = 'cab'): Vote => ({ voter, choice, capacity, comment: null, castAt: NOW });

function rfc(over: Partial<Rfc> = {}): Rfc {
  return draftRfc('cli:req', NOW, {
    key: 'RFC-8',
    title: 'Patch db01',
    category: 'significant',
    services: ['db'],
    justification: 'Security fixes for CVE-2026-1',
    plan: 'Fail over, patch, fail back',
    test: 'Run the smoke suite',
    backout: 'Restore the snapshot',
    impact: 'medium',
    likelihood: 'low',
    cost: '2 engineer-days',
    resources: 'A DBA on call',
    window: win('2026-12-23T22:00:00Z', '2026-12-23T22:30:00Z'),
    ...over,
  });
}

describe('the approved window binds', () => {
  const approved = win('2026-12-23T22:00:00Z', '2026-12-23T23:00:00Z');
  it('accepts the same window, or a shorter one starting no earlier', () => {
    expect(insideWindow(approved, approved)).toBe(true);
    expect(insideWindow(win('2026-12-23T22:15:00Z', '2026-12-23T22:45:00Z'), approved)).toBe(true);
    expect(insideWindow(win('2026-12-23T22:30:00Z', '2026-12-23T23:00:00Z'), approved)).toBe(true);
  });
  it('refuses a window that starts earlier, ends later or moves to another day', () => {
    expect(insideWindow(win('2026-12-23T21:59:00Z', '2026-12-23T22:30:00Z'), approved)).toBe(false);
    expect(insideWindow(win('2026-12-23T22:30:00Z', '2026-12-23T23:01:00Z'), approved)).toBe(false);
    expect(insideWindow(win('2027-03-01T08:00:00Z', '2027-03-01T18:00:00Z'), approved)).toBe(false);
  });
});

describe('lead times per category', () => {
  const cases: [Category, number, string][] = [
    ['minor', 24, "RFC-8 is a minor change, which needs 1 day's notice: its window may start from Wed 2 Dec 09:00 UTC at the earliest."],
    ['significant', 72, "RFC-8 is a significant change, which needs 3 days' notice: its window may start from Fri 4 Dec 09:00 UTC at the earliest."],
    ['major', 120, "RFC-8 is a major change, which needs 5 days' notice: its window may start from Sun 6 Dec 09:00 UTC at the earliest."],
  ];
  it.each(cases)('%s needs %i hours', (category, hours, message) => {
    const tooSoon = rfc({ category, window: win('2026-12-01T20:00:00Z', '2026-12-01T21:00:00Z') });
    const short = leadTimeShortfall(tooSoon, DEFAULT_POLICY, NOW);
    expect(short).toEqual({ earliest: new Date(NOW.getTime() + hours * 3_600_000), hours });
    expect(leadTimeText(tooSoon, short!, 'UTC')).toBe(message);
    const justInTime = rfc({ category, window: { start: new Date(NOW.getTime() + hours * 3_600_000), end: at('2026-12-31T00:00:00Z') } });
    expect(leadTimeShortfall(justInTime, DEFAULT_POLICY, NOW)).toBeNull();
  });
  it('needs none for standard changes and exempts emergencies', () => {
    const soon = win('2026-12-01T09:30:00Z', '2026-12-01T10:00:00Z');
    expect(leadTimeShortfall(rfc({ category: 'standard', window: soon }), DEFAULT_POLICY, NOW)).toBeNull();
    expect(leadTimeShortfall(rfc({ category: 'major', emergency: true, window: soon }), DEFAULT_POLICY, NOW)).toBeNull();
  });
  it('counts from the minute of submission', () => {
    const short = leadTimeShortfall(
      rfc({ category: 'minor', window: win('2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z') }),
      DEFAULT_POLICY,
      at('2026-12-01T09:00:42Z'),
    );
    expect(short?.earliest).toEqual(at('2026-12-02T09:00:00Z'));
  });
});

describe('a real evaluation', () => {
  it('lists every missing item of a major change with an example, placeholders included', () => {
    const bare = rfc({
      category: 'major',
      justification: null,
      plan: null,
      backout: 'x',
      test: 'y',
      impact: null,
      likelihood: null,
      cost: null,
      resources: 'tbd',
    });
    expect(missingText('RFC-8', missingForApproval(bare, DEFAULT_POLICY, NOW))).toBe(
      [
        "RFC-8 can't go to approval yet. Missing:",
        '• a business justification, e.g. justification="Fixes the checkout timeouts customers report"',
        '• an implementation plan, e.g. plan="Drain db01, upgrade, run checks, put it back"',
        '• a test plan (“y” is a placeholder), e.g. test="Run the smoke suite against db01"',
        '• a backout plan (“x” is a placeholder), e.g. backout="Restore the snapshot taken before the change"',
        '• the impact, e.g. impact=medium',
        '• the likelihood of failure, e.g. likelihood=low',
        '• the cost, e.g. cost="2 engineer-days"',
        '• the resources it needs (“tbd” is a placeholder), e.g. resources="A DBA on call, 2 engineers"',
      ].join('\n'),
    );
  });
  it('counts x, tbd, - and n/a (and other fills) as missing, but not a short cost', () => {
    for (const filler of ['x', 'tbd', '-', 'n/a', 'N/A', ' TBD ', '...', 'ok']) expect(isPlaceholder(filler, 'backout'), filler).toBe(true);
    for (const real of ['Restore the snapshot', 'rollback', 'redeploy v1']) expect(isPlaceholder(real, 'backout'), real).toBe(false);
    expect(isPlaceholder('0', 'cost')).toBe(false);
    expect(isPlaceholder('tbd', 'cost')).toBe(true);
  });
  it('refuses a window that has already started', () => {
    const old = rfc({ window: win('2020-06-01T22:00:00Z', '2020-06-01T23:00:00Z') });
    expect(missingForApproval(old, DEFAULT_POLICY, NOW).map((m) => m.what)).toEqual([
      'a window that has not started (the planned one started Mon 1 Jun 22:00 UTC)',
    ]);
  });
  it('asks a minor change only for a backout plan, by default', () => {
    expect(missingForApproval(rfc({ category: 'minor', justification: null, plan: null, test: null, impact: null }), DEFAULT_POLICY, NOW)).toEqual([]);
  });
});

describe('risk drives the path', () => {
  it('sends a high-risk minor change to the CAB, and makes a high-risk major one wait for sign-off', () => {
    expect(approvalPath({ category: 'minor', emergency: false, impact: 'high', likelihood: 'high' }, DEFAULT_POLICY)).toBe('cab');
    expect(approvalPath({ category: 'minor', emergency: false, impact: 'high', likelihood: 'low' }, DEFAULT_POLICY)).toBe('change-manager');
    expect(approvalPath({ category: 'major', emergency: false, impact: 'high', likelihood: 'medium' }, DEFAULT_POLICY)).toBe('signoff-then-cab');
    const off: Policy = { ...DEFAULT_POLICY, highRiskMinorToCab: false, highRiskMajorSignoffFirst: false };
    expect(approvalPath({ category: 'minor', emergency: false, impact: 'high', likelihood: 'high' }, off)).toBe('change-manager');
    expect(approvalPath({ category: 'major', emergency: false, impact: 'high', likelihood: 'high' }, off)).toBe('cab+signoff');
  });
  it('keeps the CAB from voting on a high-risk major change until a change manager signs it off', () => {
    const risky = rfc({ category: 'major', impact: 'high', likelihood: 'high', state: 'awaiting_approval', cabMembers: ['cli:a', 'cli:b', 'cli:c'] });
    expect(decide(risky, DEFAULT_POLICY, [])).toEqual({ outcome: 'pending', waitingFor: 'the change manager’s sign-off (high risk: before the CAB votes)' });
    expect(refusal(() => voteCapacity(actor('cli:a', 'cab'), risky, DEFAULT_POLICY, [])).message).toBe(
      'RFC-8 is a high-risk major change: a change manager signs it off before the CAB votes. You can vote once they have.',
    );
    expect(voteCapacity(actor('cli:m', 'change-manager'), risky, DEFAULT_POLICY, [])).toBe('change-manager');
    const signed = [v('cli:m', 'approve', 'change-manager')];
    expect(voteCapacity(actor('cli:a', 'cab'), risky, DEFAULT_POLICY, signed)).toBe('cab');
    expect(decide(risky, DEFAULT_POLICY, [...signed, v('cli:a', 'approve'), v('cli:b', 'approve'), v('cli:c', 'reject')])).toEqual({
      outcome: 'approved',
      reason: 'approved by the CAB (2–1) after the change manager’s sign-off',
    });
    // The sign-off is not also the tie-break, nor the decision once the deadline passed.
    const later = (voter: string, choice: VoteChoice, capacity: VoteCapacity, iso: string): Vote => ({
      voter,
      choice,
      capacity,
      comment: null,
      castAt: at(iso),
    });
    const tie = [
      later('cli:m', 'approve', 'change-manager', '2026-12-01T09:00:00Z'),
      later('cli:a', 'approve', 'cab', '2026-12-01T10:00:00Z'),
      later('cli:b', 'reject', 'cab', '2026-12-01T10:00:00Z'),
      later('cli:c', 'abstain', 'cab', '2026-12-01T10:00:00Z'),
    ];
    expect(decide(risky, DEFAULT_POLICY, tie)).toEqual({ outcome: 'pending', waitingFor: 'the change manager to break the tie' });
    const broken = [...tie.slice(1), later('cli:m', 'approve', 'change-manager', '2026-12-01T11:00:00Z')];
    expect(decide(risky, DEFAULT_POLICY, broken)).toEqual({ outcome: 'approved', reason: 'approved by the change manager (the CAB vote was tied)' });
    const late = { ...risky, escalated: true, voteDeadline: at('2026-12-03T09:00:00Z') };
    expect(decide(late, DEFAULT_POLICY, tie.slice(0, 3))).toEqual({ outcome: 'pending', waitingFor: 'the change manager (deadline passed)' });
    expect(decide(late, DEFAULT_POLICY, [...tie.slice(1, 3), later('cli:m', 'approve', 'change-manager', '2026-12-03T09:30:00Z')]).outcome).toBe('approved');
    expect(decide(risky, DEFAULT_POLICY, [v('cli:m', 'reject', 'change-manager')])).toEqual({
      outcome: 'rejected',
      reason: 'rejected by the change manager before the CAB vote',
    });
  });
});

describe('votes that mean approval', () => {
  const open = rfc({ state: 'awaiting_approval' });
  it('needs the minimum approvals besides the quorum', () => {
    expect(decide(open, DEFAULT_POLICY, [v('a', 'approve'), v('b', 'abstain'), v('c', 'abstain')])).toEqual({
      outcome: 'pending',
      waitingFor: '1 more approval: 1 approved and 2 abstained (at least 2 approvals needed)',
    });
    expect(decide(open, DEFAULT_POLICY, [v('a', 'approve'), v('b', 'approve'), v('c', 'abstain')])).toEqual({
      outcome: 'approved',
      reason: 'approved by the CAB (2–0, 1 abstained)',
    });
  });
  it('decides nothing when everybody abstains', () => {
    expect(decide(open, DEFAULT_POLICY, [v('a', 'abstain'), v('b', 'abstain'), v('c', 'abstain')])).toEqual({
      outcome: 'pending',
      waitingFor: '2 more approvals: the 3 votes so far are abstentions, which decide nothing (at least 2 approvals needed)',
    });
  });
  it('leaves it to the change manager at the deadline', () => {
    const late = { ...open, escalated: true };
    expect(decide(late, DEFAULT_POLICY, [v('a', 'approve'), v('b', 'abstain'), v('c', 'abstain'), v('m', 'approve', 'change-manager')])).toEqual({
      outcome: 'approved',
      reason: 'approved by the change manager (the vote passed its deadline)',
    });
  });
});

describe('the CAB of a vote is its membership at submission', () => {
  const open = rfc({ state: 'awaiting_approval', cabMembers: ['cli:a', 'cli:b', 'cli:c'] });
  it('refuses a member granted later, in words, and shows them no vote buttons', () => {
    expect(refusal(() => voteCapacity(actor('cli:late', 'cab'), open, DEFAULT_POLICY, [])).message).toBe(
      "You joined the CAB after RFC-8 went to a vote, so you don't vote on it: its vote is for the members of that time.",
    );
    expect(can(actor('cli:late', 'cab'), open, 'vote', DEFAULT_POLICY)).toBe(false);
    expect(can(actor('cli:a', 'cab'), open, 'vote', DEFAULT_POLICY)).toBe(true);
  });
  it('lets a change manager outside the snapshot vote as change manager', () => {
    expect(voteCapacity(actor('cli:late', 'cab', 'change-manager'), open, DEFAULT_POLICY, [])).toBe('change-manager');
  });
});

describe('deadlines and reminders', () => {
  it('closes the vote an hour before the window at the latest, and at the window when even that has passed', () => {
    const soon = rfc({ window: win('2026-12-02T12:00:00Z', '2026-12-02T13:00:00Z') });
    expect(deadlineFor(soon, DEFAULT_POLICY, NOW)).toEqual({ at: at('2026-12-02T11:00:00Z'), capped: 'before-window' });
    const now = rfc({ emergency: true, window: win('2026-12-01T09:30:00Z', '2026-12-01T10:00:00Z') });
    expect(deadlineFor(now, DEFAULT_POLICY, NOW)).toEqual({ at: at('2026-12-01T09:30:00Z'), capped: 'at-window' });
    expect(deadlineFor(rfc(), DEFAULT_POLICY, NOW)).toEqual({ at: at('2026-12-03T09:00:00Z'), capped: null });
  });
  it('reminds the CAB halfway to the deadline, and the owner a day after an approval still unscheduled', () => {
    const voting = rfc({ key: 'RFC-8', state: 'awaiting_approval', voteOpenedAt: NOW, voteDeadline: at('2026-12-03T09:00:00Z') });
    const settings = { outageNoticeHours: 24, reviewReminderHours: 24, scheduleReminderHours: 24 };
    expect(timersFor(voting, settings, NOW).map((t) => [t.id, t.dueAt.toISOString()])).toEqual([
      ['RFC-8.vote-deadline.20261203T090000Z', '2026-12-03T09:00:00.000Z'],
      ['RFC-8.vote-reminder.20261201T090000Z', '2026-12-02T09:00:00.000Z'],
    ]);
    const approved = rfc({ key: 'RFC-8', state: 'approved', approvedAt: NOW, owner: 'cli:own' });
    expect(timersFor(approved, settings, NOW).map((t) => [t.id, t.dueAt.toISOString(), t.recipients])).toEqual([
      ['RFC-8.schedule-reminder.20261201T090000Z', '2026-12-02T09:00:00.000Z', [{ kind: 'person', id: 'cli:own' }]],
    ]);
  });
});

describe('the policy as settings', () => {
  it('names every setting once and reads back what it writes', () => {
    const keys = POLICY_KEYS.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(policyFrom(DEFAULT_POLICY, policyEntries(DEFAULT_POLICY))).toEqual(DEFAULT_POLICY);
    const changed = policyKey('lead-time-minor').write(DEFAULT_POLICY, '36h');
    expect(changed.leadHours.minor).toBe(36);
    expect(policyEntries(changed).LEAD_TIME_MINOR).toBe('36h');
    expect(policyKey('REQUIRED_MINOR').write(DEFAULT_POLICY, 'none').required.minor).toEqual([]);
  });
  it('refuses an unknown setting and a bad value, saying what it expects', () => {
    expect(refusal(() => policyKey('QUORUM')).message).toBe(`There is no policy setting “QUORUM”. Settings: ${POLICY_KEYS.map((k) => k.key).join(', ')}.`);
    expect(refusal(() => policyKey('CAB_MIN_APPROVALS').write(DEFAULT_POLICY, 'two')).message).toBe(
      'CAB_MIN_APPROVALS expects a number of votes (a whole number from 1 to 100), not “two”. Example: CAB_MIN_APPROVALS 2',
    );
    expect(refusal(() => policyKey('LEAD_TIME_MAJOR').write(DEFAULT_POLICY, 'a week')).message).toBe(
      'LEAD_TIME_MAJOR expects a lead time such as 3d, 36h or 0, not “a week”. Example: LEAD_TIME_MAJOR 3d',
    );
  });
  it('keeps the default for a stored value that no longer reads', () => {
    expect(policyFrom(DEFAULT_POLICY, { CAB_QUORUM: 'lots', CAB_MIN_APPROVALS: '1' }).cab).toEqual({ ...DEFAULT_POLICY.cab, minApprovals: 1 });
  });
});

describe('the Start button follows the window', () => {
  const owner = { kind: 'person' as const, id: 'cli:own', roles: new Set<Role>() };
  const scheduled = rfc({ state: 'scheduled', owner: 'cli:own', window: win('2026-12-23T22:00:00Z', '2026-12-23T23:00:00Z') });
  const labels = (r: Rfc, now: string) =>
    rfcCard(
      'owner',
      rfcView(r, { votes: [], conflicts: [], implementers: [], policy: DEFAULT_POLICY, zone: 'UTC', now: at(now) }),
      owner,
      DEFAULT_POLICY,
    ).buttons.map((b) => b.label);
  it('is offered only while the window is open, or at once for an emergency', () => {
    expect(labels(scheduled, '2026-12-23T21:59:00Z')).toEqual(['Reschedule', 'Details']);
    expect(labels(scheduled, '2026-12-23T22:00:00Z')).toEqual(['Start', 'Reschedule', 'Details']);
    expect(labels(scheduled, '2026-12-23T23:00:00Z')).toEqual(['Reschedule', 'Details']);
    expect(labels({ ...scheduled, emergency: true }, '2026-12-01T09:00:00Z')).toEqual(['Start', 'Reschedule', 'Details']);
  });
});
