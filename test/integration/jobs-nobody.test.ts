/**
 * Issue 12 item 7 for timed notifications: a reminder whose recipients resolve to no one (the
 * owner is a CLI person, with no chat identity) is a failed delivery with the reason, and the
 * change managers hear of it, since the owner is the one nobody can reach. Real Redis and
 * SQLite, the real Slack notifier against the fake Slack API.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import type { Actor } from '../../src/domain/types.js';
import { eventually } from '../support/redis.js';
import { type JobsBot, seedCatalogue, startJobsBot } from '../support/redis-bot.js';
import { FakeSlack } from '../support/slack-server.js';

const H = 3_600_000;
const START = new Date('2026-12-05T22:00:00Z');
let fake: FakeSlack;
let b: JobsBot;
let owner: Actor;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T1' });
});
afterAll(() => fake.close());
beforeEach(async () => {
  fake.reset();
  b = await startJobsBot(fake, { name: 'nobody-timed' });
  const root = b.person('cli:root', { roles: ['admin'] });
  owner = b.person('cli:ann', { roles: ['admin'] }); // admin: may mark the change standard
  b.person('slack:T1/UMGR', { roles: ['change-manager'] });
  seedCatalogue(b, root);
});
afterEach(() => b.stop());

interface Row {
  notification_key: string;
  recipient: string;
  status: string;
  last_error: string | null;
}

describe('a timed notification to nobody', () => {
  it('is a failed delivery with the reason, and the change managers are told', async () => {
    const r = raise(b.bot.app, owner, {
      title: 'Patch db01',
      category: 'standard',
      services: ['db'],
      backout: 'restore snapshot',
      start: START,
      durationMinutes: 120,
    }).result;
    submit(b.bot.app, owner, r.key);
    schedule(b.bot.app, owner, r.key, {});
    b.clock.current = new Date(START.getTime() - 24 * H);
    await b.tick();
    const rows = () => b.bot.database.sqlite.prepare('select notification_key, recipient, status, last_error from deliveries order by id').all() as Row[];
    const failed = await eventually(
      () => rows().find((row) => row.recipient === 'nobody' && row.notification_key.includes('reminder-24h')),
      'the failed reminder',
    );
    expect(failed).toMatchObject({ status: 'failed', last_error: 'cli:ann resolved to no one on slack' });
    const dm = await eventually(
      () => fake.okCallsTo('chat.postMessage').find((c) => c.args.channel === 'UMGR' && String(c.args.text).includes('reached no one')),
      "the change manager's report",
    );
    expect(String(dm.args.text)).toContain(r.key);
    expect(String(dm.args.text)).toContain('cli:ann resolved to no one on slack');
  });
});
