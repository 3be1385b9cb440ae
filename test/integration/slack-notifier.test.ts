import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setCabChannel } from '../../src/app/admin.js';
import { addService } from '../../src/app/catalogue.js';
import { edit, raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { viewRfc } from '../../src/app/queries.js';
import { SlackNotifier } from '../../src/chat/slack/notifier.js';
import { cardsOf } from '../../src/db/repos/chat.js';
import { createWebClient } from '../../src/chat/slack/web.js';
import { createLogger } from '../../src/log.js';
import { messageText } from '../../src/domain/messages.js';
import { DeliveryError, type OutboundMessage, type Target, parseTargetKey } from '../../src/notify/types.js';
import { buildMessage, notificationFor, sendDelivery } from '../../src/notify/deliver.js';
import { rfcSubject, timedKey } from '../../src/domain/subject.js';
import { type DeliveryRow, deliveriesOf, markDelivery, recordDelivery } from '../../src/db/repos/outbox.js';
import { chatMessages } from '../../src/db/schema.js';
import type { Actor, Rfc } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { FakeSlack } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

let fake: FakeSlack;
let t: TestApp;
let notifier: SlackNotifier;
let root: Actor;
let req: Actor;
const log = createLogger('silent');

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7', 'U8'] } });
});
afterAll(() => fake.close());

function make(config: { cabChannel?: string; announceChannel?: string } = {}) {
  const slack = { botToken: 'xoxb-test', apiUrl: fake.url, ...config };
  notifier = new SlackNotifier(t.ctx, createWebClient(slack, log, { timeoutMs: 300 }), slack, { log, retry: { attempts: 2, baseMs: 5, maxWaitMs: 20 } });
}

beforeEach(() => {
  fake.reset();
  t = testApp();
  root = t.person('slack:T1/UROOT', 'admin');
  req = t.person('slack:T1/UREQ');
  t.person('slack:T1/UC1', 'cab');
  t.person('cli:cab2', 'cab');
  addService(t.ctx, root, { name: 'db', audience: ['slack:channel:CDB', 'slack:usergroup:S1', 'slack:T1/U9', 'teams:conversation:x'] });
  addService(t.ctx, root, { name: 'web' });
  make({ cabChannel: 'CCAB', announceChannel: 'CANN' });
});
afterEach(() => {
  expect(slackProblems(fake)).toEqual([]);
  t.close();
});

function readyRfc(): Rfc {
  const r = raise(t.ctx, req, {
    title: 'Patch db01',
    category: 'significant',
    services: ['db'],
    backout: 'restore',
    test: 'smoke',
    start: new Date('2026-12-05T22:00:00Z'),
    durationMinutes: 60,
  }).result;
  return r;
}

function message(event: string, rfc: Rfc): OutboundMessage {
  const fresh = viewRfc(t.ctx, rfc.key, 'UTC');
  return { event, subject: rfcSubject(rfc.key), text: messageText(event, { ...rfc, state: fresh.state }, 'UTC'), view: fresh };
}

describe('SlackNotifier.resolve', () => {
  it('resolves the CAB channel from the admin setting first, then SLACK_CAB_CHANNEL', async () => {
    const rfc = readyRfc();
    expect(await notifier.resolve({ kind: 'cab-channel' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'channel', id: 'CCAB' }]);
    setCabChannel(t.ctx, root, { platform: 'slack', channel: 'slack:channel:CNEW' });
    expect(await notifier.resolve({ kind: 'cab-channel' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'channel', id: 'CNEW' }]);
    make({});
    setCabChannel(t.ctx, root, { platform: 'slack', channel: 'channel:cab' });
    expect(await notifier.resolve({ kind: 'cab-channel' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'channel', id: '#cab' }]);
  });

  it('resolves people, roles and audiences to Slack targets only', async () => {
    const rfc = readyRfc();
    expect(await notifier.resolve({ kind: 'person', id: 'slack:T1/UREQ' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'user', id: 'T1/UREQ' }]);
    expect(await notifier.resolve({ kind: 'person', id: 'cli:bob' }, rfcSubject(rfc.key))).toEqual([]);
    expect(await notifier.resolve({ kind: 'role', role: 'cab' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'user', id: 'T1/UC1' }]);
    const audience = await notifier.resolve({ kind: 'audience', service: 'db' }, rfcSubject(rfc.key));
    expect(audience.map((x) => `${x.kind}:${x.id}`)).toEqual(['channel:CDB', 'user:T1/U7', 'user:T1/U8', 'user:T1/U9']);
    expect(fake.callsTo('usergroups.users.list')[0]?.args.usergroup).toBe('S1');
    expect(await notifier.resolve({ kind: 'audience', service: 'web' }, rfcSubject(rfc.key))).toEqual([{ platform: 'slack', kind: 'channel', id: 'CANN' }]);
    addService(t.ctx, root, { name: 'erp', audience: ['teams:conversation:19:erp'] });
    expect(await notifier.resolve({ kind: 'audience', service: 'erp' }, rfcSubject(rfc.key))).toEqual([]); // told on Teams only
    // A wave's own audience: its Slack references, without the default channel of a service that names none.
    const refs = await notifier.resolve({ kind: 'audience-refs', refs: ['slack:channel:C5', 'slack:T1/U4', 'teams:conversation:19:x'] }, rfcSubject(rfc.key));
    expect(refs.map((x) => `${x.kind}:${x.id}`)).toEqual(['channel:C5', 'user:T1/U4']);
  });
});

describe('SlackNotifier.send and refreshCards', () => {
  it('posts the voting card, stores it, threads the decision and updates the card in place', async () => {
    const rfc = readyRfc();
    submit(t.ctx, req, rfc.key);
    const cab: Target = { platform: 'slack', kind: 'channel', id: 'CCAB' };
    const sent = await notifier.send(cab, message('vote-requested', rfc));
    const post = fake.callsTo('chat.postMessage')[0]!;
    expect(sent.messageRef).toBe(`CCAB/${post.response.ts as string}`);
    const card = cardsOf(t.ctx.database.db, 'slack', rfcSubject(rfc.key), 'vote-card');
    expect(card).toEqual([{ subject: { type: 'rfc', key: rfc.key }, kind: 'vote-card', conversation: 'CCAB', messageId: post.response.ts, thread: null }]);
    const actionIds = JSON.stringify(post.args.blocks);
    for (const id of ['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']) expect(actionIds).toContain(id);

    const cab1 = t.person('slack:T1/UC1', 'cab');
    vote(t.ctx, cab1, rfc.key, 'approve');
    await notifier.refreshCards(rfcSubject(rfc.key));
    await notifier.refreshCards(rfcSubject(rfc.key)); // unchanged: no second update
    const updates = fake.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(post.response.ts);
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain('1 approve · 0 reject · 0 abstain');
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain('<@UC1>');

    await notifier.send(cab, message('decided', rfc));
    const threaded = fake.callsTo('chat.postMessage')[1]!;
    expect(threaded.args.thread_ts).toBe(post.response.ts);
    expect(threaded.args.channel).toBe('CCAB');
  });

  it('DMs a user by user id and gives the owner their buttons', async () => {
    const rfc = readyRfc();
    await notifier.send({ platform: 'slack', kind: 'user', id: 'T1/UREQ' }, message('scheduled', rfc));
    const dm = fake.callsTo('chat.postMessage')[0]!;
    expect(dm.args.channel).toBe('UREQ');
    expect(cardsOf(t.ctx.database.db, 'slack', rfcSubject(rfc.key), 'owner-card')).toHaveLength(1);
  });

  it('maps Web API failures to retryable or final DeliveryErrors', async () => {
    const rfc = readyRfc();
    const to: Target = { platform: 'slack', kind: 'channel', id: 'CX' };
    const err = async () =>
      notifier.send(to, message('started', rfc)).then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );

    fake.force429('chat.postMessage', { retryAfterSec: 7 });
    const limited = await err();
    expect(limited).toBeInstanceOf(DeliveryError);
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 7000 });

    fake.failNext('chat.postMessage', { status: 503 });
    expect(await err()).toMatchObject({ retryable: true });

    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    expect(await err()).toMatchObject({ retryable: false, message: expect.stringContaining('channel_not_found') });

    fake.hangNext('chat.postMessage');
    expect(await err()).toMatchObject({ retryable: true });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(4); // no hidden retries inside the client
  });

  it('retries a card update a bounded number of times', async () => {
    const rfc = readyRfc();
    edit(t.ctx, req, rfc.key, { title: 'Patch db01 now' });
    submit(t.ctx, req, rfc.key);
    await notifier.send({ platform: 'slack', kind: 'channel', id: 'CCAB' }, message('vote-requested', rfc));
    vote(t.ctx, t.person('slack:T1/UC1', 'cab'), rfc.key, 'reject');
    fake.force429('chat.update', { times: 1, retryAfterSec: 0 });
    await notifier.refreshCards(rfcSubject(rfc.key));
    expect(fake.callsTo('chat.update').map((c) => c.status)).toEqual([429, 200]);
    vote(t.ctx, t.person('slack:T1/UC1', 'cab'), rfc.key, 'approve');
    fake.failNext('chat.update', { status: 500, times: 5 });
    await expect(notifier.refreshCards(rfcSubject(rfc.key))).rejects.toBeInstanceOf(DeliveryError);
    expect(fake.callsTo('chat.update')).toHaveLength(4);
  });
});

describe('SlackNotifier.findSent: a delivery interrupted by a crash', () => {
  const db = () => t.ctx.database.db;

  /** A delivery left `sending` (a worker died mid-send), and the message it was sending. */
  function interrupted(rfc: Rfc, event: string, recipient: string): { row: DeliveryRow; message: OutboundMessage; target: Target } {
    const key = timedKey(event, rfcSubject(rfc.key), 'crash');
    // Recorded on the real clock: Slack (the fake) stamps messages with it.
    recordDelivery(db(), { notificationKey: key, recipient, subject: rfcSubject(rfc.key), at: new Date(Date.now() - 2000) });
    const row = deliveriesOf(db(), key).find((d) => d.recipient === recipient)!;
    markDelivery(db(), row.id, 'sending', new Date());
    const message = buildMessage(t.ctx, notificationFor(t.ctx, key)!, 'UTC', `d${row.id}`)!;
    return { row: deliveriesOf(db(), key).find((d) => d.id === row.id)!, message, target: parseTargetKey(recipient)! };
  }

  const resend = (row: DeliveryRow) => sendDelivery(t.ctx, [notifier], row, { maxAttempts: 3 });
  const statusOf = (row: DeliveryRow) => deliveriesOf(db(), row.notificationKey).find((d) => d.id === row.id);
  const postsTo = (channel: string) => fake.okCallsTo('chat.postMessage').filter((c) => c.response.channel === channel);

  it('marks one whose message reached Slack sent without posting again, and posts one that did not once', async () => {
    const rfc = readyRfc();
    const reachedDm = interrupted(rfc, 'outage-notice', 'slack:user:T1/UREQ');
    const reachedChannel = interrupted(rfc, 'outage-notice', 'slack:channel:CDB');
    const lostDm = interrupted(rfc, 'outage-notice', 'slack:user:T1/U9');
    const lostChannel = interrupted(rfc, 'outage-notice', 'slack:channel:CANN');
    // The crashed worker had posted these two, then died before recording it.
    const before = [await notifier.send(reachedDm.target, reachedDm.message), await notifier.send(reachedChannel.target, reachedChannel.message)];
    expect(fake.callsTo('chat.postMessage').map((c) => c.args.metadata)).toEqual([
      { event_type: 'changebot_delivery', event_payload: { key: `d${reachedDm.row.id}` } },
      { event_type: 'changebot_delivery', event_payload: { key: `d${reachedChannel.row.id}` } },
    ]);
    // Another message in the DM since then does not hide it.
    await notifier.send(reachedDm.target, { ...message('started', rfc), deliveryKey: 'd999' });
    make({ cabChannel: 'CCAB', announceChannel: 'CANN' }); // the restarted worker: nothing in memory

    for (const d of [reachedDm, reachedChannel, lostDm, lostChannel]) expect(await resend(d.row)).toBe('sent');

    expect(postsTo('DREQ')).toHaveLength(2); // the interrupted one and the later one: nothing new
    expect(postsTo('CDB')).toHaveLength(1);
    expect(postsTo('D9')).toHaveLength(1);
    expect(postsTo('CANN')).toHaveLength(1);
    expect(statusOf(reachedDm.row)).toMatchObject({ status: 'sent', messageRef: before[0]?.messageRef });
    expect(statusOf(reachedChannel.row)).toMatchObject({ status: 'sent', messageRef: before[1]?.messageRef });
    for (const d of [lostDm, lostChannel]) expect(statusOf(d.row)?.status).toBe('sent');
    // Each was looked up (the DMs by their channel id) before anything was sent again.
    expect(
      fake
        .callsTo('conversations.open')
        .map((c) => c.args.users)
        .sort(),
    ).toEqual(['U9', 'UREQ']);
    expect(
      fake
        .callsTo('conversations.history')
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['CANN', 'CDB', 'D9', 'DREQ']);
    expect(fake.callsTo('conversations.history').every((c) => c.args.include_all_metadata === 'true' && Number(c.args.oldest) > 0)).toBe(true);
    expect(fake.callsTo('chat.postMessage').at(-1)?.args.metadata).toEqual({
      event_type: 'changebot_delivery',
      event_payload: { key: `d${lostChannel.row.id}` },
    });
  });

  it('stores a voting card found after a crash, and finds a decision in its thread', async () => {
    const rfc = readyRfc();
    submit(t.ctx, req, rfc.key);
    const card = interrupted(rfc, 'vote-requested', 'slack:channel:CCAB');
    const posted = await notifier.send(card.target, card.message);
    // The crash came before the card was recorded.
    db().delete(chatMessages).run();
    make({ cabChannel: 'CCAB', announceChannel: 'CANN' });
    expect(await resend(card.row)).toBe('sent');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    const [stored] = cardsOf(db(), 'slack', rfcSubject(rfc.key), 'vote-card');
    expect(`${stored?.conversation}/${stored?.messageId}`).toBe(posted.messageRef);

    const decided = interrupted(rfc, 'decided', 'slack:channel:CCAB');
    await notifier.send(decided.target, decided.message);
    expect(fake.callsTo('chat.postMessage')[1]?.args.thread_ts).toBe(stored?.messageId);
    make({ cabChannel: 'CCAB', announceChannel: 'CANN' });
    expect(await resend(decided.row)).toBe('sent');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(fake.callsTo('conversations.replies').map((c) => c.args.ts)).toEqual([stored?.messageId]);
  });

  it('checks again later while Slack cannot answer, and sends once when it refuses the check for good', async () => {
    const rfc = readyRfc();
    const d = interrupted(rfc, 'outage-notice', 'slack:channel:CDB');
    fake.failNext('conversations.history', { status: 503 });
    expect(await resend(d.row)).toMatchObject({ retryInMs: expect.any(Number) });
    fake.force429('conversations.history', { retryAfterSec: 3 });
    expect(await resend(d.row)).toMatchObject({ retryInMs: 3000, rateLimited: true });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(statusOf(d.row)?.status).toBe('sending');

    // An app not reinstalled since the history scopes were added: the check can never work.
    fake.failNext('conversations.history', { error: 'missing_scope' });
    expect(await resend(d.row)).toBe('sent');
    expect(postsTo('CDB')).toHaveLength(1);
  });
});
