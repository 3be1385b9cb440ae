/**
 * Microsoft Teams end to end: Bot Framework activities posted over HTTP to the running bot's
 * /api/messages (no credentials), a fake Bot Connector recording what the bot sends and
 * updates, every Adaptive Card validated against the 1.5 schema.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/app/admin.js';
import { loadActor } from '../../src/app/context.js';
import { progress, schedule } from '../../src/app/implementation.js';
import { RFC_FORM } from '../../src/commands/form.js';
import { findRfc, listVotes } from '../../src/db/repos/rfcs.js';
import { chatMessages, conversations, deliveries, settings } from '../../src/db/schema.js';
import { ACTIONS } from '../../src/domain/actions.js';
import { type Activity, type TeamsClient, type TeamsConversation, type TeamsUser, channel, personal, user } from '../support/teams-activities.js';
import { ADMIN_AAD, type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { assertValidCard, cardText, cardsOf, verbsOf } from '../support/teams-cards.js';
import type { ConnectorCall } from '../support/teams-connector.js';

const TEAM = '19:general@thread.tacv2';
const general: TeamsConversation = { id: TEAM, type: 'channel', teamId: TEAM };
const cabRoom = channel('cab', TEAM);
const ops = channel('ops', TEAM);
const admin: TeamsUser = { id: '29:admin', name: 'Ada Admin', aadObjectId: ADMIN_AAD };
const req = user('req');
const cab1 = user('cab1');
const cab2 = user('cab2');
const cab3 = user('cab3');
const outsider = user('outsider');

let h: TeamsHarness;
let t: TeamsClient;
let cardId = '';

type InvokeBody = { statusCode: number; type: string; value: Record<string, unknown> };

/** Every card the bot sent so far must be a valid Adaptive Card 1.5. */
function checkCards(calls: ConnectorCall[]): void {
  for (const c of calls) for (const card of cardsOf(c.body)) assertValidCard(card);
}

async function say(from: TeamsUser, conv: TeamsConversation, text: string, mentions: { id: string; name: string; aadObjectId?: string }[] = []) {
  const from0 = h.connector.calls.length;
  const res = await t.post(t.message(from, conv, text, mentions));
  expect(res.status).toBe(200);
  const replyCall = await h.connector.waitFor((c) => c.conversationId === conv.id && (c.kind === 'reply' || c.kind === 'send'), { from: from0 });
  return replyCall;
}

async function click(from: TeamsUser, conv: TeamsConversation, verb: string, data: Record<string, unknown>, onCard?: string): Promise<InvokeBody> {
  const res = await t.post(t.action(from, conv, verb, data, onCard));
  expect(res.status).toBe(200);
  const body = res.body as InvokeBody;
  if (body.type === 'application/vnd.microsoft.card.adaptive') assertValidCard(body.value);
  return body;
}

beforeAll(async () => {
  h = await startTeamsHarness();
  t = h.client;
  h.connector.members.set(cab1.id, cab1);
});

afterAll(async () => {
  if (h) {
    checkCards(h.connector.calls);
    await h.close();
  }
});

describe('Teams adapter over HTTP', () => {
  it('stores a conversation reference for every team, channel and personal chat it is in', async () => {
    const welcome = h.connector.calls.length;
    expect((await t.post(t.installed(admin, general))).status).toBe(200);
    await h.connector.waitFor((c) => c.conversationId === TEAM && String(c.body.text).includes('rfc help'), { from: welcome });
    for (const u of [admin, req, cab1, cab2, cab3, outsider]) {
      expect((await t.post(t.installationUpdate(u, personal(u)))).status).toBe(200);
    }
    const rows = h.bot.database.db.select().from(conversations).all();
    expect(rows.find((r) => r.id === TEAM)).toMatchObject({ kind: 'channel', team: TEAM, tenant: 'tenant-0001' });
    expect(rows.find((r) => r.id === personal(req).id)).toMatchObject({ kind: 'personal', personId: 'teams:aad-req' });
    expect((rows.find((r) => r.id === personal(req).id)?.reference as { serviceUrl: string } | undefined)?.serviceUrl).toBe(h.connector.url);
  });

  it('runs admin commands typed in channels, with or without the @mention and slash', async () => {
    const bot = { id: '28:changebot', name: 'changebot' };
    const set = await say(admin, cabRoom, '<at>changebot</at> /rfc admin cab-channel', [bot]);
    expect(set.kind).toBe('reply');
    expect(set.body.text).toBe(`CAB voting cards will be posted to teams:conversation:${cabRoom.id}.`);
    expect(h.bot.database.db.select().from(settings).where(eq(settings.key, 'cab-channel:teams')).get()?.value).toBe(`teams:conversation:${cabRoom.id}`);
    // Mentions become person ids: cab1's entity has no AAD id, so it is looked up in the team.
    const grant = await say(admin, general, 'rfc admin grant <at>cab1</at> cab', [{ id: cab1.id, name: 'cab1' }]);
    expect(grant.body.text).toBe('Granted cab to teams:aad-cab1.');
    for (const u of [cab2, cab3]) {
      const r = await say(admin, general, `rfc admin grant <at>${u.name}</at> cab`, [{ id: u.id, name: u.name, aadObjectId: u.aadObjectId }]);
      expect(r.body.text).toBe(`Granted cab to ${`teams:${u.aadObjectId}`}.`);
    }
    // A channel mention names the audience channel for outage announcements.
    const svc = await say(admin, ops, 'rfc admin service add db audience=<at>Ops</at>', [{ id: ops.id, name: 'Ops' }]);
    expect(svc.body.text).toBe('Added service db.');
    const denied = await say(outsider, general, 'rfc admin grant teams:aad-outsider admin');
    expect(denied.body.text).toMatch(/^Only an admin can/);
    const unknown = await say(outsider, personal(outsider), 'rfc frobnicate');
    expect(unknown.body.text).toMatch(/^Unknown command "frobnicate"/);
  });

  it('raises an RFC through the Adaptive Card form, with invalid input returned on the form', async () => {
    const formCall = await say(req, personal(req), 'rfc new');
    const [form] = cardsOf(formCall.body);
    assertValidCard(form);
    const ids = JSON.stringify(form);
    for (const f of RFC_FORM) expect(ids).toContain(`"id":"${f.name}"`);
    expect(JSON.stringify(form)).toContain('"title":"db","value":"db"'); // services from the catalogue

    const bad = await click(req, personal(req), 'rfc_form_submit', { title: '  ', category: 'significant', outage: 'soon', services: 'db' });
    const badText = cardText(bad.value);
    expect(badText).toContain('Please fix: Title, Expected outage.');
    expect(badText).toMatch(/Title: Give the change a title/);
    expect(JSON.stringify(bad.value)).toMatch(/"id":"outage","label":"Expected outage","errorMessage":"[^"]+"/);
    expect(findRfc(h.bot.database.db, 'RFC-1')).toBeNull();

    const unknownService = await click(req, personal(req), 'rfc_form_submit', { title: 'Patch db01', category: 'minor', services: 'nosuch' });
    expect(cardText(unknownService.value)).toMatch(/Affected services: .*nosuch/);

    const ok = await click(req, personal(req), 'rfc_form_submit', {
      title: 'Rotate certificates',
      category: 'minor',
      services: 'db',
      start: '2026-12-04',
      start_time: '21:00',
      end: '2026-12-04',
      end_time: '22:00',
      backout: 'restore old certs',
      emergency: 'false',
    });
    expect(cardText(ok.value)).toContain('RFC-1 Rotate certificates');
    expect(verbsOf(ok.value)).toEqual([ACTIONS.submit, ACTIONS.details]);
    const rfc = findRfc(h.bot.database.db, 'RFC-1');
    expect(rfc?.window?.start.toISOString()).toBe('2026-12-04T21:00:00.000Z'); // Europe/London = UTC in December
    expect(rfc).toMatchObject({ requester: 'teams:aad-req', category: 'minor', services: ['db'] });
  });

  it('raises with one line of text, submits from the card, and posts the voting card to the CAB conversation', async () => {
    const line =
      'rfc new "Patch db01 to 15.4" category=significant services=db backout="restore snapshot" test="smoke tests" start="2026-12-05 22:00" duration=2h outage=30m';
    const reply = await say(req, personal(req), line);
    expect(reply.body.text).toMatch(/RFC-2/);
    const [card] = cardsOf(reply.body);
    expect(cardText(card)).toContain('RFC-2 Patch db01 to 15.4');
    expect(verbsOf(card as Record<string, unknown>)).toEqual([ACTIONS.submit, ACTIONS.details]);
    const shown = await say(req, personal(req), 'show rfc-2');
    expect(shown.body.text).toBeUndefined();
    expect(cardText(cardsOf(shown.body)[0])).toContain('**Backout plan:** restore snapshot');

    const from = h.connector.calls.length;
    const submitted = await click(req, personal(req), ACTIONS.submit, { key: 'RFC-2', card: 'rfc' });
    expect(cardText(submitted.value)).toContain('State: Awaiting approval');
    const post = await h.connector.waitFor((c) => c.kind === 'send' && c.conversationId === cabRoom.id, { from });
    const [vote] = cardsOf(post.body);
    assertValidCard(vote);
    expect(cardText(vote)).toContain('CAB vote: RFC-2 Patch db01 to 15.4');
    expect(verbsOf(vote as Record<string, unknown>)).toEqual([ACTIONS.voteApprove, ACTIONS.voteReject, ACTIONS.voteAbstain, ACTIONS.details]);
    const refresh = (vote as { refresh: { action: { verb: string }; userIds: string[] } }).refresh;
    expect(refresh.action.verb).toBe('rfc_card_refresh');
    expect(refresh.userIds.sort()).toEqual([cab1.id, cab2.id, cab3.id].sort());
    cardId = post.id as string;
    const stored = h.bot.database.db.select().from(chatMessages).where(eq(chatMessages.kind, 'vote-card')).all();
    expect(stored).toMatchObject([{ platform: 'teams', conversation: cabRoom.id, messageId: cardId }]);
  });

  it('refuses a vote from someone who may not vote, answering with the card and the reason', async () => {
    const from = h.connector.calls.length;
    const refused = await click(outsider, cabRoom, ACTIONS.voteApprove, { key: 'RFC-2', card: 'vote' }, cardId);
    const text = cardText(refused.value);
    expect(text).toMatch(/Only CAB members can vote on RFC-2/);
    expect(text).toMatch(/You can't vote on this/);
    const self = await click(req, cabRoom, ACTIONS.voteApprove, { key: 'RFC-2', card: 'vote' }, cardId);
    expect(cardText(self.value)).toMatch(/You raised or own RFC-2/);
    expect(listVotes(h.bot.database.db, findRfc(h.bot.database.db, 'RFC-2')!.id)).toEqual([]);
    expect(h.connector.calls.slice(from).filter((c) => c.kind === 'update')).toEqual([]);
  });

  it('records three votes through adaptiveCard/action, updating the card after each, then announces the decision', async () => {
    const steps: [TeamsUser, string, string][] = [
      [cab1, ACTIONS.voteApprove, '1 approve · 0 reject · 0 abstain'],
      [cab2, ACTIONS.voteReject, '1 approve · 1 reject · 0 abstain'],
      [cab3, ACTIONS.voteApprove, '2 approve · 1 reject · 0 abstain'],
    ];
    for (const [who, verb, tally] of steps) {
      const from = h.connector.calls.length;
      const answer = await click(who, cabRoom, verb, { key: 'RFC-2', card: 'vote' }, cardId);
      expect(cardText(answer.value)).toContain(tally);
      expect(cardText(answer.value)).toMatch(/Your vote: (approve|reject)/);
      const update = await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === cardId && cardText(cardsOf(c.body)[0]).includes(tally), { from });
      expect(update.conversationId).toBe(cabRoom.id);
      expect(cardText(cardsOf(update.body)[0])).not.toContain('Your vote'); // the shared copy is nobody's
    }
    expect(findRfc(h.bot.database.db, 'RFC-2')?.state).toBe('approved');
    const thread = await h.connector.waitFor((c) => c.kind === 'reply' && c.conversationId === cabRoom.id && c.activityId === cardId);
    expect(thread.body.text).toMatch(/RFC-2 “Patch db01 to 15.4” was approved/);
    const dm = await h.connector.waitFor((c) => c.conversationId === personal(req).id && /was approved/.test(String(c.body.text)));
    expect(cardText(cardsOf(dm.body)[0])).toContain('State: Approved');
    const mine = await click(cab2, cabRoom, 'rfc_card_refresh', { key: 'RFC-2', card: 'vote' }, cardId);
    expect(cardText(mine.value)).toContain('Your vote: reject');
    expect(cardText(mine.value)).toContain('State: Approved');
  });

  it('announces proactively to a stored conversation after the bot restarts', async () => {
    await h.restart();
    t = h.client;
    const app = h.bot.app;
    const owner = loadActor(app, 'teams:aad-req');
    schedule(app, owner, 'RFC-2', {});
    const from = h.connector.calls.length;
    h.clock.current = new Date('2026-12-05T22:00:00Z'); // its window opens
    progress(app, owner, 'RFC-2', 'start');
    const announced = await h.connector.waitFor((c) => c.kind === 'send' && c.conversationId === ops.id, { from });
    expect(announced.body.text).toMatch(/^Maintenance started on db \(RFC-2 “Patch db01 to 15\.4”\)/);
    expect(announced.authorization).toBeUndefined(); // no credentials, no token
    const key = `teams:channel:${ops.id}`;
    await expect
      .poll(
        () =>
          h.bot.database.db
            .select()
            .from(deliveries)
            .where(and(eq(deliveries.recipient, key)))
            .get()?.status,
      )
      .toBe('sent');
    // The owner, who started it, is not told; the requester is the owner here, so nobody else is DMed.
    expect(h.connector.calls.slice(from).filter((c: ConnectorCall) => c.conversationId === personal(req).id && c.kind === 'send')).toEqual([]);
  });

  it('does not retry a delivery Teams refuses, and retries one it throttles', async () => {
    const app = h.bot.app;
    grantRole(app, loadActor(app, `teams:${ADMIN_AAD}`), { person: 'teams:aad-cab1', role: 'change-manager' });
    const owner = loadActor(app, 'teams:aad-req');
    const toCab1 = (c: ConnectorCall) => c.kind === 'send' && c.conversationId === personal(cab1).id;
    const rows = () => h.bot.database.db.select().from(deliveries).where(eq(deliveries.recipient, 'teams:user:aad-cab1')).orderBy(deliveries.id).all();

    h.connector.failNext(403, { when: toCab1 });
    progress(app, owner, 'RFC-2', 'fail', 'disk full');
    await expect.poll(() => rows()[0]?.status).toBe('failed');
    expect(rows()[0]).toMatchObject({ attempts: 1 });
    expect(rows()[0]?.lastError).toMatch(/HTTP 403/);
    expect(h.connector.calls.filter(toCab1)).toHaveLength(1);

    h.connector.failNext(429, { headers: { 'retry-after': '0' }, when: toCab1 });
    progress(app, owner, 'RFC-2', 'backout', 'disk full');
    await expect.poll(() => rows()[1]?.status).toBe('sent');
    const tries = h.connector.calls.filter(toCab1).slice(1);
    expect(tries.map((c) => c.failedWith ?? 200)).toEqual([429, 200]);
    expect(tries[1]?.body.text).toMatch(/^Service restored: the change to db was backed out/);
  });

  it('keeps an owner card in the owner’s chat, reschedules from its form, and updates the card in place', async () => {
    // cab1 is a change manager since the test above: they approve and schedule req's minor change.
    const raised = await say(req, personal(req), 'rfc new "Rotate keys" category=minor services=db backout="old keys" start="2031-12-06 22:00" duration=4h');
    expect(raised.body.text).toMatch(/^Raised RFC-3/);
    await say(req, personal(req), 'rfc submit RFC-3');
    await say(cab1, personal(cab1), 'rfc vote RFC-3 approve');
    const from = h.connector.calls.length;
    await say(cab1, personal(cab1), 'rfc schedule RFC-3');
    const dm = await h.connector.waitFor((c) => c.kind === 'send' && c.conversationId === personal(req).id && /scheduled/.test(String(c.body.text)), { from });
    const [ownerCard] = cardsOf(dm.body);
    // Start appears when the window opens.
    expect(verbsOf(ownerCard as Record<string, unknown>)).toEqual([ACTIONS.reschedule, ACTIONS.details]);
    const kept = h.bot.database.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.messageId, dm.id as string))
      .all();
    expect(kept).toMatchObject([{ platform: 'teams', kind: 'owner-card', conversation: personal(req).id }]);

    const form = await click(req, personal(req), ACTIONS.reschedule, { key: 'RFC-3', card: 'notice' }, dm.id as string);
    expect(cardText(form.value)).toContain('Reschedule RFC-3');
    expect(JSON.stringify(form.value)).toContain('"verb":"rfc_reschedule_submit"');
    const early = await click(req, personal(req), 'rfc_reschedule_submit', {
      key: 'RFC-3',
      card: 'notice',
      start: '2031-12-07',
      start_time: '22:00',
      end: '2031-12-07',
      end_time: '21:00',
    });
    expect(cardText(early.value)).toMatch(/end after it starts/);
    expect(findRfc(h.bot.database.db, 'RFC-3')?.window?.start.toISOString()).toBe('2031-12-06T22:00:00.000Z');

    const moved = h.connector.calls.length;
    const done = await click(req, personal(req), 'rfc_reschedule_submit', {
      key: 'RFC-3',
      card: 'notice',
      // Inside the approved window, so no new approval is needed.
      start: '2031-12-07',
      start_time: '00:00',
      end: '2031-12-07',
      end_time: '01:00',
      reason: 'vendor delay',
    });
    expect(cardText(done.value)).toContain('Rescheduled RFC-3.');
    expect(findRfc(h.bot.database.db, 'RFC-3')?.window?.start.toISOString()).toBe('2031-12-07T00:00:00.000Z');
    const update = await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === dm.id, { from: moved });
    expect(update.body.text).toMatch(/^Your change RFC-3 “Rotate keys” is now scheduled \(window from Sun 7 Dec 00:00/);
    expect(verbsOf(cardsOf(update.body)[0] as Record<string, unknown>)).toEqual([ACTIONS.reschedule, ACTIONS.details]);
  });

  it('answers every invoke with a valid card and every message card validates', () => {
    const sent: Activity[] = h.connector.calls.map((c) => c.body);
    expect(sent.flatMap((a) => cardsOf(a)).length).toBeGreaterThan(5);
    checkCards(h.connector.calls);
  });
});
