/**
 * An outage of a service is announced to the audiences of the services that depend on it,
 * transitively, each destination once: through the real dispatcher and Slack notifier against
 * the fake Slack Web API.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { progress, schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { SlackNotifier } from '../../src/chat/slack/notifier.js';
import { createWebClient } from '../../src/chat/slack/web.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import { type TestApp, testApp } from '../support/app.js';
import { FakeSlack } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const log = createLogger('silent');
let fake: FakeSlack;
let t: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: ['U7', 'U8'] } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  t = testApp();
});
afterEach(() => {
  expect(slackProblems(fake)).toEqual([]);
  t.close();
});

function dispatcher(): Dispatcher {
  const slack = { botToken: 'xoxb-test', apiUrl: fake.url, cabChannel: 'CCAB', announceChannel: 'CANN' };
  const notifier = new SlackNotifier(t.ctx, createWebClient(slack, log, { timeoutMs: 300 }), slack, { log, retry: { attempts: 2, baseMs: 5, maxWaitMs: 20 } });
  return new Dispatcher(t.ctx, [notifier], log);
}

/** Where chat.postMessage went (a channel id, or a user id for a DM), in order. */
const posted = () => fake.callsTo('chat.postMessage').map((c) => String(c.args.channel));

describe('outage notices', () => {
  it('reach the audiences of dependent services, transitively, each channel and person once', async () => {
    const root = t.person('root', 'admin');
    addService(t.ctx, root, { name: 'db', audience: ['slack:channel:CDB', 'slack:usergroup:S1'] });
    // web shares the db channel and names U7, who is in S1 too.
    addService(t.ctx, root, { name: 'web', audience: ['slack:channel:CDB', 'slack:channel:CWEB', 'slack:T1/U7'], dependsOn: ['db'] });
    addService(t.ctx, root, { name: 'shop', audience: ['slack:channel:CSHOP'], dependsOn: ['web'] });
    addService(t.ctx, root, { name: 'mail', audience: ['slack:channel:CMAIL'] });
    // A cycle in the catalogue (db depends on shop) must not stop anything.
    addService(t.ctx, root, { name: 'db', dependsOn: ['shop'] });
    const cm = t.person('slack:T1/UCM', 'change-manager');
    const key = raise(t.ctx, cm, {
      title: 'Patch db01',
      category: 'standard',
      services: ['db'],
      backout: 'restore the snapshot',
      start: new Date('2026-12-05T22:00:00Z'),
      durationMinutes: 60,
      outageMinutes: 30,
      audience: 'all EU users',
    }).result.key;
    submit(t.ctx, cm, key);
    schedule(t.ctx, cm, key, {});
    const d = dispatcher();
    await d.drain();
    fake.reset();

    t.clock.current = new Date('2026-12-05T22:00:00Z');
    progress(t.ctx, cm, key, 'start');
    await d.drain();
    expect(posted().sort()).toEqual(['CDB', 'CSHOP', 'CWEB', 'U7', 'U8']);
    const note = t.ctx.database.sqlite.prepare(`select detail from change_log where action = 'notify' order by id desc limit 1`).get() as { detail: string };
    expect(JSON.parse(note.detail)).toEqual({
      event: 'started',
      to: ['slack:channel:CDB', 'slack:user:T1/U7', 'slack:user:T1/U8', 'slack:channel:CWEB', 'slack:channel:CSHOP'],
    });
  });
});
