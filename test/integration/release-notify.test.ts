/**
 * The release's status message and its thread, on both platforms, through the real delivery
 * path (outbox -> dispatcher -> notifier): posted once in the release's status channel, then
 * only updated in place; decisions as replies in its thread.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../src/chat/slack/notifier.js';
import { createWebClient } from '../../src/chat/slack/web.js';
import { cardsOf } from '../../src/db/repos/chat.js';
import { addToOutbox } from '../../src/db/repos/outbox.js';
import { findRelease, insertRelease, updateRelease } from '../../src/db/repos/releases.js';
import type { Notification } from '../../src/domain/notifications.js';
import type { Release } from '../../src/domain/release.js';
import { releaseSubject, timedKey } from '../../src/domain/subject.js';
import { createLogger } from '../../src/log.js';
import { buildMessage, notificationFor, subjectExists } from '../../src/notify/deliver.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import { type TestApp, testApp } from '../support/app.js';
import { type TeamsConversation, type TeamsUser, channel, user } from '../support/teams-activities.js';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { assertValidCard, cardText, cardsOf as teamsCards } from '../support/teams-cards.js';
import { FakeSlack } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const log = createLogger('silent');
const START = new Date('2026-12-05T22:00:00Z');
const HOUR = 3_600_000;

function newRelease(t: { ctx: TestApp['ctx'] }, channels: Release['channels']): Release {
  const now = new Date('2026-12-01T09:00:00Z');
  return insertRelease(t.ctx.database.db, {
    name: 'Winter ERP',
    goal: null,
    manager: 'slack:T1/UREL',
    targetDate: null,
    team: { testing: null, communications: null, training: null },
    channels,
    phase: 'planning',
    suspendedFrom: null,
    plan: { deploymentOrder: null, training: null, communications: null, backout: null },
    package: { artifacts: [], install: null, removal: null, frozenAt: null, amendedAfterReview: false },
    tests: [],
    signoffs: [],
    readiness: {},
    goDecisions: [],
    backoutProven: false,
    backoutProvenBy: null,
    pilotApprovedBy: null,
    review: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
  });
}

function withPilot(r: Release, state: Release['waves'][number]['state'] = 'planned'): Release {
  return {
    ...r,
    phase: 'deployment',
    waves: [
      {
        number: 1,
        pilot: true,
        window: { start: START, end: new Date(START.getTime() + 2 * HOUR) },
        services: ['erp'],
        audience: null,
        outageMinutes: 30,
        state,
        startedBy: null,
        startedAt: null,
        override: null,
        outcomeBy: null,
        outcomeNote: null,
        finishedAt: null,
      },
    ],
  };
}

/** Writes a notification to the outbox, as a use case's transaction does. */
function emit(t: { ctx: TestApp['ctx'] }, n: Notification): void {
  t.ctx.database.db.transaction((tx) => addToOutbox(tx, n, t.ctx.clock.now()));
}

describe('Slack: a release status message', () => {
  let fake: FakeSlack;
  let t: TestApp;
  let notifier: SlackNotifier;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    fake = await FakeSlack.start({ teamId: 'T1' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    t = testApp();
    const slack = { botToken: 'xoxb-test', apiUrl: fake.url };
    notifier = new SlackNotifier(t.ctx, createWebClient(slack, log, { timeoutMs: 300 }), slack, { log, retry: { attempts: 2, baseMs: 5, maxWaitMs: 20 } });
    dispatcher = new Dispatcher(t.ctx, [notifier], log);
  });
  afterEach(async () => {
    await dispatcher.stop();
    expect(slackProblems(fake)).toEqual([]);
    t.close();
  });

  it('is posted once in the status channel, then only updated; decisions go in its thread', async () => {
    const r = newRelease(t, { slack: 'slack:channel:CREL', teams: null });
    const subject = releaseSubject(r.key);
    expect(subjectExists(t.ctx.database.db, subject)).toBe(true);
    emit(t, { event: 'card-update', subject, recipients: [] });
    await dispatcher.drain();
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.channel).toBe('CREL');
    expect(JSON.stringify(posts[0]?.args.blocks)).toContain('Winter ERP');
    const ts = String(posts[0]?.response.ts);
    expect(cardsOf(t.ctx.database.db, 'slack', subject, 'release-status')).toEqual([
      { subject, kind: 'release-status', conversation: 'CREL', messageId: ts, thread: null },
    ]);

    // Nothing changed: no update. A step: one update of the same message, never a second post.
    emit(t, { event: 'card-update', subject, recipients: [] });
    await dispatcher.drain();
    expect(fake.callsTo('chat.update')).toHaveLength(0);
    updateRelease(t.ctx.database.db, withPilot(findRelease(t.ctx.database.db, r.key)!));
    emit(t, { event: 'card-update', subject, recipients: [] });
    await dispatcher.drain();
    const updates = fake.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ channel: 'CREL', ts });
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain('deployment');
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain('Wave 1 (pilot)');

    // A decision to the status thread (and the manager): a reply under the status message.
    updateRelease(t.ctx.database.db, withPilot(findRelease(t.ctx.database.db, r.key)!, 'failed'));
    emit(t, {
      event: 'release-decision',
      subject,
      recipients: [{ kind: 'status-thread' }, { kind: 'person', id: 'slack:T1/UREL' }],
      wave: 1,
      detail: 'db timeout',
    });
    await dispatcher.drain();
    await fake.waitForCount('chat.postMessage', 3);
    const replies = fake.callsTo('chat.postMessage').slice(1);
    const inThread = replies.find((c) => c.args.channel === 'CREL');
    expect(inThread?.args.thread_ts).toBe(ts);
    expect(String(inThread?.args.text)).toBe(
      'Release decision: wave 1 (pilot) of REL-1 “Winter ERP” on erp failed (db timeout). REL-1 “Winter ERP” is in deployment.',
    );
    expect(replies.find((c) => c.args.channel === 'UREL')?.args.thread_ts).toBeUndefined();
    expect(fake.callsTo('chat.update')).toHaveLength(2); // the wave's state, in place
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CREL' && !c.args.thread_ts)).toHaveLength(1);
  });

  it('has no status thread without a status channel; builds the wave of a timed event', async () => {
    const r = newRelease(t, { slack: null, teams: null });
    const subject = releaseSubject(r.key);
    expect(await notifier.resolve({ kind: 'status-thread' }, subject)).toEqual([]);
    await notifier.refreshCards(subject);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    updateRelease(t.ctx.database.db, withPilot(findRelease(t.ctx.database.db, r.key)!));
    const n = notificationFor(t.ctx, timedKey('reminder-1h', subject, '20261205T210000Z-w1'));
    expect(n?.wave).toBe(1);
    const m = buildMessage(t.ctx, n!, 'Europe/Berlin');
    expect(m?.release?.key).toBe(r.key);
    expect(m?.text).toBe(
      'Reminder: wave 1 (pilot) of REL-1 “Winter ERP” on erp starts in about an hour, from Sat 5 Dec 23:00 to Sun 6 Dec 01:00 CET. Expected impact: up to 30 min of outage.',
    );
  });
});

describe('Teams: a release status message', () => {
  let h: TeamsHarness;
  const TEAM = '19:general@thread.tacv2';
  const rel: TeamsConversation = channel('releases', TEAM);
  const admin: TeamsUser = user('admin');

  beforeAll(async () => {
    h = await startTeamsHarness();
  });
  afterAll(() => h?.close());

  it('is posted once in the status conversation, then only updated; decisions reply to it', async () => {
    expect((await h.client.post(h.client.installed(admin, rel))).status).toBe(200);
    const t = { ctx: h.bot.app };
    const r = newRelease(t, { slack: null, teams: `teams:conversation:${rel.id}` });
    const subject = releaseSubject(r.key);
    const from = h.connector.calls.length;
    emit(t, { event: 'card-update', subject, recipients: [] });
    const post = await h.connector.waitFor((c) => c.conversationId === rel.id && c.kind === 'send' && cardText(teamsCards(c.body)[0]).includes('Winter ERP'), {
      from,
    });
    assertValidCard(teamsCards(post.body)[0]);
    updateRelease(h.bot.database.db, withPilot(findRelease(h.bot.database.db, r.key)!));
    emit(t, { event: 'card-update', subject, recipients: [] });
    const update = await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === post.id, { from });
    expect(cardText(teamsCards(update.body)[0])).toContain('Wave 1 (pilot)');
    updateRelease(h.bot.database.db, withPilot(findRelease(h.bot.database.db, r.key)!, 'backed_out'));
    emit(t, { event: 'release-decision', subject, recipients: [{ kind: 'status-thread' }], wave: 1 });
    const reply = await h.connector.waitFor((c) => c.kind === 'reply' && c.conversationId === rel.id, { from });
    expect(reply.activityId).toBe(post.id);
    expect(String(reply.body.text)).toContain('wave 1 (pilot) of REL-1 “Winter ERP” on erp was backed out');
    await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === post.id && cardText(teamsCards(c.body)[0]).includes('backed out'), { from });
    const created = h.connector.calls.slice(from).filter((c) => c.conversationId === rel.id && c.kind === 'send');
    expect(created).toHaveLength(1);
    for (const c of h.connector.calls.slice(from)) for (const card of teamsCards(c.body)) assertValidCard(card);
  });
});
