import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, like } from 'drizzle-orm';
import { findRfc, listVotes } from '../../src/db/repos/rfcs.js';
import { findPerson } from '../../src/db/repos/people.js';
import { loadActor } from '../../src/app/context.js';
import { vote } from '../../src/app/voting.js';
import { changeLog, rfcs } from '../../src/db/schema.js';
import { formatInstant } from '../../src/domain/schedule.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { eventCallback } from '../support/slack-requests.js';
import { eventually } from '../support/redis.js';
import { ackProblems, slackProblems } from '../support/slack-schema.js';
import type { RecordedCall } from '../support/slack-server.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const C1 = { team: T, user: 'UC1', name: 'cab1' };
const C2 = { team: T, user: 'UC2', name: 'cab2' };
const C3 = { team: T, user: 'UC3', name: 'cab3' };
const OUTSIDER = { team: T, user: 'UOUT', name: 'olly' };

let h: SlackHarness;

/** Runs a command and waits until its (ephemeral) answer arrived. */
async function run(who: typeof ADMIN, text: string): Promise<string> {
  const { ack, responseUrl } = await h.command(who, text);
  expect(ack.status).toBe(200);
  const name = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
  const r = await h.fake.waitForResponse((x) => x.name === name);
  return String(r.body.text);
}

const json = (c: RecordedCall | undefined) => JSON.stringify(c?.args.blocks ?? c?.args.view ?? '');
const rfcCount = () => h.bot.database.db.select({ n: count() }).from(rfcs).get()?.n ?? 0;

beforeAll(async () => {
  h = await slackHarness({
    fake: { teamId: T, users: { UREQ: { tz: 'Europe/London' }, UC1: { tz: 'America/New_York' }, UNEW: { tz: 'Asia/Tokyo' } } },
    env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN` },
  });
  for (const u of ['UC1', 'UC2', 'UC3']) expect(await run(ADMIN, `admin grant <@${u}|x> cab`)).toContain('Granted cab');
  expect(await run(ADMIN, 'admin service add db audience=<#CDB|db-users>')).toContain('Added service db');
});
afterAll(() => h.stop());
afterEach(() => {
  expect(slackProblems(h.fake)).toEqual([]);
});

describe('Slack: the whole change workflow', () => {
  it('raises through the modal, votes on the CAB card and announces the decision', async () => {
    const { ack: opened } = await h.command(REQ, 'new');
    expect(opened.status).toBe(200);
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as Record<string, unknown>;
    expect(view.callback_id).toBe('rfc_new');
    expect(json(open)).toContain('"value":"db"');

    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 86_400_000);
    const end = new Date(start.getTime() + 2 * 3_600_000);
    // Invalid: the window ends before it starts; errors come back inline, nothing is raised.
    const bad = await h.submit(REQ, view, { title: 'Patch db01', category: 'significant', start, end: new Date(start.getTime() - 3_600_000) });
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { end: expect.stringContaining('end after it starts') } });
    expect(ackProblems(bad.json)).toEqual([]);
    expect(rfcCount()).toBe(0);

    const good = await h.submit(REQ, view, {
      title: 'Patch db01 to 15.4',
      description: 'Minor version upgrade',
      justification: 'Security fixes',
      category: 'significant',
      services: ['db'],
      impact: 'high',
      likelihood: 'medium',
      start,
      end,
      plan: 'apt upgrade',
      backout: 'restore snapshot',
      test: 'smoke tests',
      outage: '30m',
      audience: 'EU users',
    });
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    const confirmation = await h.fake.waitForResponse((r) => String(r.body.text).includes('RFC-1'));
    expect(JSON.stringify(confirmation.body.blocks)).toContain('rfc_submit');
    const rfc = findRfc(h.bot.database.db, 'RFC-1');
    expect(rfc).toMatchObject({ state: 'draft', requester: `slack:${T}/UREQ`, services: ['db'], window: { start, end } });

    await h.click(REQ, { actionId: 'rfc_submit', value: 'RFC-1', ephemeral: { channel: 'CGENERAL' } });
    const post = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB');
    const card = { channel: 'CCAB', ts: String(post.response.ts) };
    const cardJson = json(post);
    for (const s of [
      'RFC-1',
      'Patch db01 to 15.4',
      'significant',
      'High',
      'db',
      `<!date^${start.getTime() / 1000}^`,
      `<!date^${end.getTime() / 1000}^`,
      formatInstant(start, 'UTC'),
      'Vote deadline',
      'rfc_vote_approve',
      'rfc_vote_reject',
      'rfc_vote_abstain',
      'rfc_details',
    ]) {
      expect(cardJson).toContain(s);
    }
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('awaiting_approval');

    const updates = (n: number) => h.fake.waitForCount('chat.update', n, (c) => c.args.ts === card.ts);

    await h.click(C1, { actionId: 'rfc_vote_approve', value: 'RFC-1', message: card });
    expect(json((await updates(1))[0])).toContain('1 approve · 0 reject · 0 abstain');
    expect(json((await updates(1))[0])).toContain('<@UC1>');

    // Someone who may not vote: told why, nothing recorded.
    const refused = await h.click(OUTSIDER, { actionId: 'rfc_vote_approve', value: 'RFC-1', message: card });
    const why = await h.fake.waitForResponse((r) => refused.responseUrl.endsWith(r.name));
    expect(String(why.body.text)).toMatch(/Only .*CAB/i);
    expect(why.body.response_type).toBe('ephemeral');
    expect(listVotes(h.bot.database.db, rfc!.id)).toHaveLength(1);

    await h.click(C2, { actionId: 'rfc_vote_reject', value: 'RFC-1', message: card });
    const second = (await updates(2))[1];
    expect(json(second)).toContain('1 approve · 1 reject · 0 abstain');
    expect(json(second)).toContain('<@UC2>');

    await h.click(C3, { actionId: 'rfc_vote_approve', value: 'RFC-1', message: card });
    const third = (await updates(3))[2];
    expect(json(third)).toContain('2 approve · 1 reject · 0 abstain');
    expect(json(third)).not.toContain('rfc_vote_approve');
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('approved');

    const thread = await h.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === card.ts);
    expect(String(thread.args.text)).toContain('approved');
    const dm = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'UREQ' && String(c.args.text).includes('approved'));
    expect(dm.response.channel).toBe('DREQ');
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === card.ts)).toHaveLength(3);
  });

  it('gives the owner buttons that move the change on, and keeps that message current', async () => {
    // The decision DM to the owner is their live card: scheduling (here by the owner, from a
    // command) updates it in place with the buttons the new state allows.
    const decided = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'UREQ' && String(c.args.text).includes('approved'));
    const msg = { channel: String(decided.response.channel), ts: String(decided.response.ts) };
    expect(await run(REQ, 'schedule RFC-1')).toContain('RFC-1');
    const scheduled = await h.fake.waitFor('chat.update', (c) => c.args.ts === msg.ts && json(c).includes('rfc_reschedule'));
    expect(json(scheduled)).toContain('rfc_details');
    expect(json(scheduled)).not.toContain('rfc_start'); // not before the window opens
    // Before its window opens, the approved change can't start.
    expect(await run(REQ, 'start RFC-1')).toMatch(
      /^RFC-1 may start from .+\. A change manager can start it anyway with `\/rfc start RFC-1 override="reason"`\.$/,
    );
    h.clock.current = new Date(findRfc(h.bot.database.db, 'RFC-1')!.window!.start); // the window opens
    await h.click(REQ, { actionId: 'rfc_start', value: 'RFC-1', message: msg });
    const update = await h.fake.waitFor('chat.update', (c) => c.args.ts === msg.ts && json(c).includes('rfc_done'));
    for (const s of ['rfc_fail', 'rfc_backout']) expect(json(update)).toContain(s);
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('implementing');
  });

  it('records a retried request once', async () => {
    const before = rfcCount();
    const { body, responseUrl } = await h.command(REQ, 'new "Retry me" category=minor');
    await h.fake.waitForResponse((r) => responseUrl.endsWith(r.name));
    const retried = await h.sender.send(body, { retryNum: 1 });
    expect(retried.status).toBe(200);
    expect(h.logs.some((l) => l.includes('duplicate request ignored'))).toBe(true);
    expect(rfcCount()).toBe(before + 1);
    const raised = h.bot.database.db.select({ n: count() }).from(changeLog).where(eq(changeLog.action, 'raise')).get()?.n;
    expect(raised).toBe(before + 1);
  });

  it('answers 401 to a bad signature or a stale timestamp, recording nothing', async () => {
    const calls = h.fake.calls.length;
    const before = rfcCount();
    const { body } = {
      body: new URLSearchParams({
        team_id: T,
        user_id: 'UREQ',
        command: '/rfc',
        text: 'new "Forged" category=minor',
        response_url: h.fake.responseUrl('forged'),
        trigger_id: '1.2',
      }).toString(),
    };
    expect((await h.sender.send(body, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await h.sender.send(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect(rfcCount()).toBe(before);
    // Deliveries of earlier steps may still be landing: only a call about the forged request counts.
    expect(h.fake.calls.slice(calls).filter((c) => c.method === 'users.info' || JSON.stringify(c.args).includes('Forged'))).toEqual([]);
    expect(h.fake.responses.filter((r) => r.name === 'forged')).toHaveLength(0);
  });

  it('acknowledges and answers before a slow Web API answers, then stores the user time zone', async () => {
    const NEW = { team: T, user: 'UNEW', name: 'nora' };
    h.fake.setLatency('users.info', 800);
    try {
      const { ack, responseUrl } = await h.command(NEW, 'list mine');
      expect(ack.status).toBe(200);
      await h.fake.waitForResponse((r) => responseUrl.endsWith(r.name));
      expect(h.fake.callsTo('users.info').filter((c) => c.args.user === 'UNEW')).toHaveLength(0); // answered, still waiting on Slack
      await h.fake.waitFor('users.info', (c) => c.args.user === 'UNEW');
    } finally {
      h.fake.setLatency('users.info', 0);
    }
    await eventually(() => findPerson(h.bot.database.db, `slack:${T}/UNEW`)?.timezone === 'Asia/Tokyo', 'the zone stored');
    await run(NEW, 'list mine');
    expect(h.fake.callsTo('users.info').filter((c) => c.args.user === 'UNEW')).toHaveLength(1);
  });

  it('tells the user when Slack keeps failing', async () => {
    h.fake.failNext('views.open', { status: 503, times: 2 });
    const { responseUrl } = await h.command(REQ, 'new');
    const told = await h.fake.waitForResponse((r) => responseUrl.endsWith(r.name));
    expect(String(told.body.text)).toContain('could not be completed');
    expect(h.fake.callsTo('views.open').filter((c) => c.status === 503).length).toBe(2);
  });

  it('publishes the Home tab with my RFCs, my votes and the next 7 days', async () => {
    await run(REQ, 'new "Vote on me" category=significant services=db backout="Restore the snapshot" test="Smoke tests" start=+1d duration=1h');
    const key = `RFC-${rfcCount()}`;
    await run(REQ, `submit ${key}`);
    const res = await h.sender.send(eventCallback(T, { type: 'app_home_opened', user: 'UC1', channel: 'DC1', tab: 'home', event_ts: '1.1' }));
    expect(res.status).toBe(200);
    const publish = await h.fake.waitFor('views.publish', (c) => c.args.user_id === 'UC1');
    const home = json(publish);
    for (const s of ['My RFCs', 'Awaiting my vote', 'Next 7 days', key, 'Vote on me', 'America/New_York']) expect(home).toContain(s);
  });

  it('updates the card after a change made elsewhere (CLI, another process, the deadline)', async () => {
    const key = `RFC-${rfcCount()}`; // raised and submitted by the Home tab test
    const card = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && json(c).includes(key));
    vote(h.bot.app, loadActor(h.bot.app, `slack:${T}/UC2`), key, 'reject', 'not this week');
    const update = await h.fake.waitFor('chat.update', (c) => c.args.ts === card.response.ts);
    expect(json(update)).toContain('0 approve · 1 reject · 0 abstain');
  });

  it('records a double click once', async () => {
    const key = `RFC-${rfcCount()}`;
    const card = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && json(c).includes(key));
    const message = { channel: 'CCAB', ts: String(card.response.ts) };
    await Promise.all([1, 2].map(() => h.click(C3, { actionId: 'rfc_vote_approve', value: key, message })));
    await h.fake.waitFor('chat.update', (c) => c.args.ts === message.ts && json(c).includes('1 approve · 1 reject'));
    const rfc = findRfc(h.bot.database.db, key)!;
    expect(listVotes(h.bot.database.db, rfc.id).filter((v) => v.voter === `slack:${T}/UC3`)).toHaveLength(1);
    const votesLogged = h.bot.database.db
      .select({ n: count() })
      .from(changeLog)
      .where(and(eq(changeLog.subjectKey, rfc.key), eq(changeLog.actor, `slack:${T}/UC3`), like(changeLog.action, 'vote%')))
      .get()?.n;
    expect(votesLogged).toBe(1);
  });

  it('reschedules through a modal with inline errors, and shows Details', async () => {
    expect(await run(REQ, 'new "Standard tweak" category=standard services=db backout=undo')).toBe(
      'Standard changes are pre-approved, so only a change manager can mark a change standard. Use category=minor, or ask a change manager.',
    );
    expect(await run(ADMIN, `admin grant <@${REQ.user}|rita> change-manager`)).toContain('Granted change-manager');
    const text = await run(REQ, 'new "Standard tweak" category=standard services=db backout=undo start=+2d duration=1h');
    const key = /RFC-\d+/.exec(text)![0];
    await run(REQ, `submit ${key}`);
    await run(REQ, `schedule ${key}`);
    const eph = { ephemeral: { channel: 'CGENERAL' } };
    await h.click(REQ, { actionId: 'rfc_details', value: key, ...eph });
    const details = await h.fake.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === 'rfc_details_view' && json(c).includes(key),
    );
    expect(json(details)).toContain('Standard tweak');
    await h.click(REQ, { actionId: 'rfc_reschedule', value: key, ...eph });
    const form = await h.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === 'rfc_reschedule_form');
    const view = form.args.view as Record<string, unknown>;
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 4 * 86_400_000);
    const bad = await h.submit(REQ, view, { start, end: start });
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { end: expect.any(String) } });
    const end = new Date(start.getTime() + 3_600_000);
    const good = await h.submit(REQ, view, { start, end, reason: 'moved for the release' });
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    expect(findRfc(h.bot.database.db, key)?.window).toEqual({ start, end });
  });

  it('keeps long user text inside Block Kit limits', async () => {
    const long = 'x'.repeat(5000);
    const text = await run(REQ, `new "${'T'.repeat(140)}" description="${long}" plan="${long}" category=minor`);
    expect(text).toContain('RFC-');
    const key = /RFC-\d+/.exec(text)![0];
    await run(REQ, `show ${key}`);
    const shown = h.fake.responses.at(-1)!;
    expect(JSON.stringify(shown.body.blocks)).toContain('…');
    expect(slackProblems(h.fake)).toEqual([]);
  });
});
