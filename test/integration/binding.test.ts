/**
 * Issue 9 end to end: the RFC-8 story (an approval for one window does not cover another, and
 * a change does not start before its window), and one stored policy for Slack and the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeData, personalLine } from '../../src/app/cards.js';
import { viewRfc } from '../../src/app/queries.js';
import { addService } from '../../src/app/catalogue.js';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { listLog } from '../../src/db/repos/log.js';
import { submit } from '../../src/app/rfcs.js';
import { vote, votersToRemind } from '../../src/app/voting.js';
import { findRfc, listVotes } from '../../src/db/repos/rfcs.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { rfcSubject } from '../../src/domain/subject.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { changebot } from '../support/cli.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';

describe('the RFC-8 story, under the default policy', () => {
  let t: TestApp;
  let bob: Actor;
  let mgr: Actor;
  const say = (who: Actor, text: string): string => {
    try {
      return execute(t.ctx, who, parseCommand(text, { platform: 'cli', workspace: '', timezone: 'UTC', now: t.clock.now() }), { platform: 'cli' }).text;
    } catch (e) {
      return `refused: ${(e as Error).message}`;
    }
  };
  /** Raises an RFC and returns its key (failing the test with the refusal otherwise). */
  const raised = (text: string): string => {
    const out = say(bob, `new ${text}`);
    const key = /^Raised (RFC-\d+)/.exec(out)?.[1];
    expect(key, out).toBeDefined();
    return key!;
  };
  const approveByCab = () => {
    for (const m of ['carol', 'dave', 'erin']) say(t.person(m, 'cab'), 'vote RFC-8 approve');
  };

  beforeAll(() => {
    t = testApp({ policy: DEFAULT_POLICY });
    addService(t.ctx, t.person('root', 'admin'), { name: 'db' });
    for (const m of ['carol', 'dave', 'erin']) t.person(m, 'cab');
    mgr = t.person('mgr', 'change-manager');
    bob = t.person('bob');
    for (let i = 1; i <= 7; i++) say(bob, `new "Draft ${i}"`);
    say(
      bob,
      'new "Patch db01" category=significant services=db justification="CVE fixes" plan="Fail over, patch, fail back" ' +
        'backout="Restore the snapshot" test="Smoke tests" impact=medium likelihood=low start="2026-12-23 22:00" duration=30m',
    );
    expect(say(bob, 'submit RFC-8')).toBe('RFC-8 passed evaluation and went to the CAB for a vote.');
    approveByCab();
    expect(findRfc(t.ctx.database.db, 'RFC-8')?.state).toBe('approved');
  });
  afterAll(() => t.close());

  it('sends a schedule outside the approved window back to the CAB, keeping the old votes in the log', () => {
    const out = say(bob, 'schedule RFC-8 start="2027-03-01 08:00" duration=10h');
    expect(out).toBe(
      "RFC-8's new window (from Mon 1 Mar 08:00 to Mon 1 Mar 18:00 UTC) is outside the one it was approved for (from Wed 23 Dec 22:00 to Wed 23 Dec 22:30 UTC), " +
        'so it needs a new approval: it went to the CAB for a vote. Once approved, schedule it again. A window inside from Wed 23 Dec 22:00 to Wed 23 Dec 22:30 UTC needs no new approval. ' +
        'A change manager can accept the new window instead with `/rfc schedule RFC-8 ... override="reason"`.',
    );
    const rfc = findRfc(t.ctx.database.db, 'RFC-8')!;
    expect(rfc.state).toBe('awaiting_approval');
    expect(rfc.window).toEqual({ start: new Date('2027-03-01T08:00:00Z'), end: new Date('2027-03-01T18:00:00Z') });
    expect(listVotes(t.ctx.database.db, rfc.id)).toEqual([]);
    const back = listLog(t.ctx.database.db, rfcSubject('RFC-8')).find((e) => e.action === 'reapprove');
    expect(back?.detail?.previousVotes).toEqual([
      { voter: 'cli:carol', choice: 'approve', capacity: 'cab' },
      { voter: 'cli:dave', choice: 'approve', capacity: 'cab' },
      { voter: 'cli:erin', choice: 'approve', capacity: 'cab' },
    ]);
    expect(back?.detail?.approved).toEqual({ start: '2026-12-23T22:00:00.000Z', end: '2026-12-23T22:30:00.000Z' });
    expect(say(bob, 'start RFC-8')).toBe(
      "refused: RFC-8 is awaiting approval, so it can't be started; it is waiting for approval; you can vote on it, withdraw or cancel it.",
    );
  });

  it('refuses to start before the window opens, except by a change manager with a reason', () => {
    approveByCab();
    expect(say(bob, 'schedule RFC-8')).toBe('Scheduled RFC-8.');
    // A reschedule inside the approved window needs nobody.
    expect(say(bob, 'reschedule RFC-8 start="2027-03-01 09:00" duration=2h')).toBe('Rescheduled RFC-8.');
    expect(say(bob, 'start RFC-8')).toBe(
      'refused: RFC-8 may start from Mon 1 Mar 09:00 UTC. A change manager can start it anyway with `/rfc start RFC-8 override="reason"`.',
    );
    expect(say(bob, 'start RFC-8 override="the vendor is here today"')).toBe(
      'refused: Only a change manager can accept a window outside the approved one, or start a change outside its window (override="...").',
    );
    expect(findRfc(t.ctx.database.db, 'RFC-8')?.state).toBe('scheduled');
    expect(say(mgr, 'start RFC-8 override="the vendor is here today"')).toBe('RFC-8 is now implementing. Run `/rfc done RFC-8` when finished.');
    const started = listLog(t.ctx.database.db, rfcSubject('RFC-8')).find((e) => e.action === 'start');
    expect(started).toMatchObject({ actor: 'cli:mgr', reason: 'the vendor is here today', detail: { override: true } });
  });

  it('keeps the earlier approval when the CAB rejects a new window', () => {
    const key = raised(
      '"Patch db02" category=significant services=db justification="CVE fixes" plan="Fail over, patch, fail back" backout="Restore the snapshot" test="Smoke tests" impact=medium likelihood=low start="2026-12-20 22:00" duration=1h',
    );
    say(bob, `submit ${key}`);
    for (const m of ['carol', 'dave', 'erin']) say(t.person(m, 'cab'), `vote ${key} approve`);
    say(bob, `schedule ${key} start="2026-12-27 22:00" duration=1h`);
    for (const m of ['carol', 'dave']) say(t.person(m, 'cab'), `vote ${key} reject`);
    const last = vote(t.ctx, t.person('erin', 'cab'), key, 'reject');
    expect(last.message).toBe(
      `Recorded your reject vote on ${key}. The new window of ${key} was rejected by the CAB (0–3); its approval for from Sun 20 Dec 22:00 to Sun 20 Dec 23:00 UTC stands, so schedule it inside that window.`,
    );
    const rfc = findRfc(t.ctx.database.db, key)!;
    expect([rfc.state, rfc.window]).toEqual(['approved', { start: new Date('2026-12-20T22:00:00Z'), end: new Date('2026-12-20T23:00:00Z') }]);
    expect(say(bob, `schedule ${key}`)).toBe(`Scheduled ${key}.`);
  });

  it('lets a change manager accept a window outside the approval, with a reason', () => {
    const key = raised('"Rotate keys" category=minor services=db backout="Old keys stay valid" start="2026-12-10 22:00" duration=1h');
    expect(say(bob, `submit ${key}`)).toBe(`${key} passed evaluation and waits for a change manager's approval.`);
    say(mgr, `vote ${key} approve`);
    expect(say(mgr, `schedule ${key} start="2026-12-12 22:00" duration=1h override="agreed with the CAB chair"`)).toBe(
      `Scheduled ${key}. You accepted a window outside the approved one; the change log keeps your reason.`,
    );
    const rfc = findRfc(t.ctx.database.db, key)!;
    expect(rfc.state).toBe('scheduled');
    expect(rfc.approvedWindow).toEqual({ start: new Date('2026-12-12T22:00:00Z'), end: new Date('2026-12-12T23:00:00Z') });
    expect(listLog(t.ctx.database.db, rfcSubject(key)).at(-1)).toMatchObject({ action: 'schedule', reason: 'agreed with the CAB chair' });

    // Not on their own change, though.
    const max = t.person('max', 'change-manager');
    const own = raised('"Rotate more keys" category=minor services=db backout="Old keys stay valid" owner=max start="2026-12-10 22:00" duration=1h');
    say(bob, `submit ${own}`);
    say(mgr, `vote ${own} approve`);
    expect(say(max, `schedule ${own} start="2026-12-14 22:00" duration=1h override="I say so"`)).toBe(
      `refused: You raised or own ${own}, so you can't override its approved window. Another change manager must.`,
    );
    expect(findRfc(t.ctx.database.db, own)?.state).toBe('approved');
  });

  it('refuses an RFC whose window is past, and a major one with placeholder plans, listing everything', () => {
    // A draft whose window passed while it waited: time moved on, the draft kept it.
    const old = raised('"Old" category=minor services=db backout="Restore it" start="2026-12-01 10:00" duration=1h');
    t.clock.advance(3 * 3_600_000);
    expect(say(bob, `submit ${old}`)).toBe(
      `refused: ${old} can't go to approval yet. Missing:\n` +
        '• a window that has not started (the planned one started Tue 1 Dec 10:00 UTC), e.g. start="tomorrow 22:00" duration=1h\n' +
        `Add them with \`/rfc edit ${old} ...\` and submit again.`,
    );
    t.clock.advance(-3 * 3_600_000);
    const big = raised('"Big" category=major services=db backout=x test=y start="2027-01-20 22:00" duration=1h');
    expect(say(bob, `submit ${big}`)).toBe(
      `refused: ${big} can't go to approval yet. Missing:\n` +
        '• a business justification, e.g. justification="Fixes the checkout timeouts customers report"\n' +
        '• an implementation plan, e.g. plan="Drain db01, upgrade, run checks, put it back"\n' +
        '• a test plan (“y” is a placeholder), e.g. test="Run the smoke suite against db01"\n' +
        '• a backout plan (“x” is a placeholder), e.g. backout="Restore the snapshot taken before the change"\n' +
        '• the impact, e.g. impact=medium\n' +
        '• the likelihood of failure, e.g. likelihood=low\n' +
        '• the cost, e.g. cost="2 engineer-days"\n' +
        '• the resources it needs, e.g. resources="A DBA on call, 2 engineers"\n' +
        `Add them with \`/rfc edit ${big} ...\` and submit again.`,
    );
    expect(findRfc(t.ctx.database.db, big)?.state).toBe('draft');
  });

  it('routes a high-risk minor change to the CAB, and closes a vote on a window two hours away an hour before it', () => {
    const urgent = raised(
      '"Risky" category=minor services=db backout="Restore it" test="Smoke tests" impact=high likelihood=high emergency=yes start=+2h duration=1h',
    );
    expect(say(bob, `submit ${urgent}`)).toBe(
      `${urgent} passed evaluation and went to the emergency CAB for a vote. The vote closes Tue 1 Dec 10:00 UTC, an hour before the window opens.`,
    );
    const risky = raised('"Risky minor" category=minor services=db backout="Restore it" impact=high likelihood=high start="2026-12-05 22:00" duration=1h');
    expect(say(bob, `submit ${risky}`)).toBe(`${risky} passed evaluation and went to the CAB for a vote.`);
  });

  it('keeps an open approval on the path it started with when an admin changes the policy', () => {
    const root = t.person('root', 'admin');
    expect(say(root, 'admin policy set HIGH_RISK_MINOR_TO_CAB no')).toBe(
      'HIGH_RISK_MINOR_TO_CAB is now no (was yes): a minor change with high risk goes to the CAB instead of one change manager. It applies from now on; approvals already open keep what they started with.',
    );
    const key = raised('"Risky again" category=minor services=db backout="Restore it" impact=high likelihood=high start="2026-12-05 22:00" duration=1h');
    expect(say(bob, `submit ${key}`)).toBe(`${key} passed evaluation and waits for a change manager's approval.`);
    say(root, 'admin policy set HIGH_RISK_MINOR_TO_CAB yes');
    expect(say(mgr, `vote ${key} approve`)).toBe(`Recorded your approve vote on ${key} as change manager. ${key} is approved: approved by the change manager.`);
  });

  it('expects votes only from members who may vote: not from a member who raised the change', () => {
    const carol = t.person('carol', 'cab');
    const out = say(
      carol,
      'new "Carol\'s change" category=significant services=db justification="CVE" plan="Patch it" backout="Restore it" test="Smoke" impact=low likelihood=low start="2027-02-02 22:00" duration=1h',
    );
    const key = /^Raised (RFC-\d+)/.exec(out)![1]!;
    say(carol, `submit ${key}`);
    expect(findRfc(t.ctx.database.db, key)?.cabMembers).toEqual(['cli:dave', 'cli:erin']);
    expect(viewRfc(t.ctx, key).expectedVoters).toEqual(['cli:dave', 'cli:erin']);
  });

  it('counts a member granted after submission out of the vote', () => {
    const key = raised(
      '"Later" category=significant services=db justification="CVE" plan="Patch it" backout="Restore it" test="Smoke" impact=low likelihood=low start="2027-02-01 22:00" duration=1h',
    );
    say(bob, `submit ${key}`);
    const late = t.person('fred', 'cab');
    expect(say(late, `vote ${key} approve`)).toBe(
      `refused: You joined the CAB after ${key} went to a vote, so you don't vote on it: its vote is for the members of that time.`,
    );
    expect(findRfc(t.ctx.database.db, key)?.cabMembers).toEqual(['cli:carol', 'cli:dave', 'cli:erin']);
  });
  it('asks a change manager to sign off a high-risk major change before the CAB is asked to vote', () => {
    const key = raised(
      '"Move the datacentre" category=major services=db justification="Lease ends" plan="Lift and shift" backout="Stay put" test="DR drill" ' +
        'impact=high likelihood=high cost="40k" resources="Two teams for a weekend" start="2027-02-20 22:00" duration=4h',
    );
    const submitted = submit(t.ctx, bob, key);
    expect(submitted.message).toBe(`${key} passed evaluation and waits for a change manager’s sign-off (high risk); the CAB votes after it.`);
    expect(submitted.notifications.map((n) => [n.event, n.recipients])).toEqual([['approval-requested', [{ kind: 'role', role: 'change-manager' }]]]);
    expect(votersToRemind(t.ctx, key)).toEqual([{ kind: 'role', role: 'change-manager' }]);
    expect(say(t.person('carol', 'cab'), `vote ${key} approve`)).toBe(
      `refused: ${key} is a high-risk major change: a change manager signs it off before the CAB votes. You can vote once they have.`,
    );
    const carol = t.person('carol', 'cab');
    const awaiting = () => homeData(t.ctx, carol).awaitingMyVote.map((r) => r.key);
    expect(awaiting()).not.toContain(key);
    expect(personalLine(t.ctx, { kind: 'person', id: carol.id, roles: carol.roles }, key)).toBe(
      `You can't vote on this: ${key} is a high-risk major change: a change manager signs it off before the CAB votes. You can vote once they have.`,
    );
    const signed = vote(t.ctx, mgr, key, 'approve');
    expect(awaiting()).toContain(key);
    expect(signed.message).toBe(
      `Recorded your approve vote on ${key} as change manager. That is the sign-off: the CAB votes now. Waiting for 3 more CAB votes (quorum 3).`,
    );
    expect(signed.notifications.map((n) => [n.event, n.recipients])).toEqual([['vote-requested', [{ kind: 'cab-channel' }]]]);
    say(t.person('carol', 'cab'), `vote ${key} approve`);
    // The reminder goes to the members who have not voted yet (fred was granted before this submission).
    expect(votersToRemind(t.ctx, key)).toEqual([
      { kind: 'person', id: 'cli:dave' },
      { kind: 'person', id: 'cli:erin' },
      { kind: 'person', id: 'cli:fred' },
    ]);
    // A tie is not broken by the sign-off given before it: the change manager votes again.
    say(t.person('dave', 'cab'), `vote ${key} reject`);
    say(t.person('erin', 'cab'), `vote ${key} abstain`);
    expect(findRfc(t.ctx.database.db, key)?.state).toBe('awaiting_approval');
    t.clock.advance(60_000);
    expect(vote(t.ctx, mgr, key, 'approve').message).toBe(
      `Recorded your approve vote on ${key} as change manager. ${key} is approved: approved by the change manager (the CAB vote was tied).`,
    );
  });
});

describe('one policy, stored: set by an admin in Slack, applied by the CLI', () => {
  const T = 'T1';
  const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
  const REQ = { team: T, user: 'UREQ', name: 'rita' };
  const CAB = ['UC1', 'UC2', 'UC3'].map((user) => ({ team: T, user, name: user.toLowerCase() }));
  const dir = mkdtempSync(join(tmpdir(), 'changebot-binding-'));
  const DATABASE_PATH = join(dir, 'bot.db');
  let h: SlackHarness;
  const run = async (who: typeof ADMIN, text: string): Promise<string> => {
    const { responseUrl } = await h.command(who, text);
    const name = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
    return String((await h.fake.waitForResponse((x) => x.name === name)).body.text);
  };
  const cli = async (...args: string[]) => {
    // The CLI's own environment tries to loosen the policy: it must not matter.
    const r = await changebot(args, { DATABASE_PATH, CHANGEBOT_ADMINS: 'cli:alice', CAB_MIN_APPROVALS: '1', CAB_QUORUM: '1' });
    return (r.stdout + r.stderr).trim();
  };

  beforeAll(async () => {
    h = await slackHarness({ fake: { teamId: T }, env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, DATABASE_PATH } });
    for (const c of CAB) await run(ADMIN, `admin grant <@${c.user}|x> cab`);
    await run(ADMIN, 'admin service add db');
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI reads and applies what the admin set in Slack, whatever its own environment says', async () => {
    expect(await run(ADMIN, 'admin policy set CAB_MIN_APPROVALS 3')).toBe(
      'CAB_MIN_APPROVALS is now 3 (was 1): approve votes a CAB vote needs to approve. It applies from now on, to open votes too.',
    );
    expect(await run(REQ, 'admin policy set CAB_QUORUM 1')).toBe('Only an admin can change roles, services or windows.');
    expect(await cli('--as', 'bob', 'rfc', 'admin', 'policy', 'show')).toMatch(/^CAB_QUORUM 3 +votes cast .*\nCAB_MIN_APPROVALS 3 +approve votes/m);
    for (const m of ['carol', 'dave', 'erin']) await cli('--as', 'alice', 'rfc', 'admin', 'grant', m, 'cab');
    await cli(
      '--as',
      'bob',
      'rfc',
      'new',
      'Patch',
      'category=significant',
      'services=db',
      'backout=Restore it',
      'test=Smoke tests',
      'start=2031-12-06 22:00',
      'duration=1h',
    );
    expect(await cli('--as', 'bob', 'rfc', 'submit', 'RFC-1')).toBe('RFC-1 passed evaluation and went to the CAB for a vote.');
    await cli('--as', 'carol', 'rfc', 'vote', 'RFC-1', 'approve');
    expect(await cli('--as', 'dave', 'rfc', 'vote', 'RFC-1', 'approve')).toBe('Recorded your approve vote on RFC-1. Waiting for 1 more CAB vote (quorum 3).');
    expect(await cli('--as', 'erin', 'rfc', 'vote', 'RFC-1', 'abstain')).toBe(
      'Recorded your abstain vote on RFC-1. Waiting for 1 more approval: 2 approved and 1 abstained (at least 3 approvals needed).',
    );
    expect(await run(ADMIN, 'admin log')).toContain(`slack:${T}/UADMIN  policy-set CAB_MIN_APPROVALS: `);
  });

  it('posts the CAB card again when a change goes back for approval', async () => {
    await run(REQ, 'new "Patch db02" category=significant services=db backout="Restore it" test="Smoke tests" start="2031-12-23 22:00" duration=30m');
    const key = 'RFC-2';
    await run(REQ, `submit ${key}`);
    const cardsFor = () =>
      h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CCAB' && JSON.stringify(c.args.blocks).includes(`"vote:${key}"`));
    await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && JSON.stringify(c.args.blocks).includes(`"vote:${key}"`));
    for (const c of CAB) await run(c, `vote ${key} approve`);
    expect(findRfc(h.bot.database.db, key)?.state).toBe('approved');
    expect(await run(REQ, `schedule ${key} start="2032-03-01 08:00" duration=10h`)).toContain('so it needs a new approval: it went to the CAB for a vote.');
    await h.fake.waitForCount('chat.postMessage', 2, (c) => c.args.channel === 'CCAB' && JSON.stringify(c.args.blocks).includes(`"vote:${key}"`));
    const [first, again] = cardsFor();
    expect(again?.response.ts).not.toBe(first?.response.ts);
    for (const action of ['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain']) expect(JSON.stringify(again?.args.blocks)).toContain(action);
    expect(JSON.stringify(again?.args.blocks)).toContain('Mon 1 Mar 08:00');
  });
});
