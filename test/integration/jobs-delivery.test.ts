/**
 * Delivery jobs against the fake Slack API through the real SlackNotifier: 429 + Retry-After,
 * retries with backoff, and a final failure reported to the change owner. Each recipient gets
 * exactly one message, and the deliveries table agrees.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { deliveries } from '../../src/db/schema.js';
import type { Actor } from '../../src/domain/types.js';
import { eventually } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack } from '../support/slack-server.js';
import { slackProblems } from '../support/slack-schema.js';

const H = 3_600_000;
const MEMBERS = Array.from({ length: 25 }, (_, i) => `UM${i}`);
let fake: FakeSlack;
let b: JobsBot;
let owner: Actor;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1', usergroups: { S1: MEMBERS } });
});
afterAll(() => fake.close());
beforeEach(async () => {
  fake.reset();
  b = await startJobsBot(fake, { name: 'delivery' });
  const root = b.person('cli:root', { roles: ['admin'] });
  owner = b.person('slack:T1/UOWN', { roles: ['admin'] }); // admin: may mark changes standard
  seedCatalogue(b, root);
});
afterEach(async () => {
  await b.stop();
  expect(slackProblems(fake)).toEqual([]);
});

/** Scheduled 3 h ahead with an outage: the advance notice is late and goes out at once. */
function announce(): string {
  const start = new Date(b.clock.now().getTime() + 3 * H);
  const r = raise(b.bot.app, owner, {
    title: 'Patch db01',
    category: 'standard',
    services: ['db'],
    backout: 'restore',
    start,
    durationMinutes: 60,
    outageMinutes: 20,
  }).result;
  submit(b.bot.app, owner, r.key);
  schedule(b.bot.app, owner, r.key, {});
  return r.key;
}

const noticeCalls = () => fake.callsTo('chat.postMessage').filter((c) => /^Planned maintenance/.test(String(c.args.text)));
const rows = () => b.bot.database.db.select().from(deliveries).all();

describe('deliveries', () => {
  it('honours 429 Retry-After and ends with every recipient told exactly once', async () => {
    fake.force429('chat.postMessage', { times: 3, retryAfterSec: 1 });
    const key = announce();
    const ok = await eventually(
      () => {
        const sent = noticeCalls().filter((c) => c.status === 200);
        return sent.length === 26 ? sent : undefined;
      },
      'all 26 notices',
      10_000,
    );
    const limited = noticeCalls().filter((c) => c.status === 429);
    expect(limited).toHaveLength(3);
    // Each recipient that was answered 429 was tried again only after its Retry-After second.
    for (const l of limited) {
      const retried = ok.find((c) => c.args.channel === l.args.channel);
      expect(retried!.at - l.at).toBeGreaterThanOrEqual(900);
    }
    const channels = ok.map((c) => String(c.args.channel));
    expect(new Set(channels).size).toBe(26);
    expect(channels.sort()).toEqual(['CDB', ...MEMBERS].sort());
    await new Promise((r) => setTimeout(r, 200));
    expect(noticeCalls().filter((c) => c.status === 200)).toHaveLength(26);
    const notice = rows().filter((d) => d.notificationKey.startsWith(`timed:outage-notice:${key}:`));
    expect(notice).toHaveLength(26);
    expect(notice.every((d) => d.status === 'sent' && d.messageRef)).toBe(true);
    // Rate limits do not count as failed attempts.
    expect(notice.every((d) => d.attempts === 1)).toBe(true);
  });

  it('retries a transient failure with backoff and sends once', async () => {
    fake.failNext('chat.postMessage', { times: 2, status: 503 });
    announce();
    await eventually(() => noticeCalls().filter((c) => c.status === 200).length === 26, 'all notices after the 503s', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const ok = noticeCalls()
      .filter((c) => c.status === 200)
      .map((c) => String(c.args.channel));
    expect(new Set(ok).size).toBe(ok.length);
    // Two failed attempts in all, each retried until sent.
    expect(rows().every((d) => d.status === 'sent')).toBe(true);
    expect(rows().reduce((n, d) => n + d.attempts - 1, 0)).toBe(2);
  });

  it('marks a delivery that cannot succeed as failed and tells the change owner', async () => {
    fake.failNext('chat.postMessage', { times: 1, error: 'channel_not_found' });
    const key = announce();
    const report = await eventually(
      () => fake.okCallsTo('chat.postMessage').find((c) => c.args.channel === 'UOWN' && /could not be delivered/.test(String(c.args.text))),
      'the failure report to the owner',
      10_000,
    );
    const failed = rows().filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toBe('Slack refused the call: channel_not_found');
    expect(report.args.text).toBe(
      `Some messages about ${key} “Patch db01” could not be delivered (to 1 of 26 recipients: ${failed[0]?.recipient} (Slack refused the call: channel_not_found)). Please tell the people concerned another way.`,
    );
    expect(noticeCalls().filter((c) => c.response.ok === true)).toHaveLength(25);
    // Told once, even when the reconciler looks again.
    await b.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.okCallsTo('chat.postMessage').filter((c) => /could not be delivered/.test(String(c.args.text)))).toHaveLength(1);
  });
});
