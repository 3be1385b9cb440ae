/**
 * Answer first, learn later: a person whose time zone is not stored yet gets their answers while
 * Slack's users.info is still hanging (its answer held by the fake Slack), with the default zone;
 * their zone is stored once Slack answers, and used from then on without asking again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson } from '../../src/db/repos/people.js';
import { eventually } from '../support/redis.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';

const T = 'T1';
const NEW = { team: T, user: 'UNEW', name: 'nora' };
const TITLE = 'Answered while Slack hangs';
let h: SlackHarness;

beforeAll(async () => {
  h = await slackHarness({ fake: { teamId: T, users: { UNEW: { tz: 'Asia/Tokyo' } } }, env: { CHANGEBOT_TIMEZONE: 'UTC' } });
});

afterAll(async () => {
  h?.fake.setReplyDelay('users.info', 0);
  await h?.stop();
});

const lookUps = () => h.fake.callsTo('users.info').filter((c) => c.args.user === 'UNEW');
const zone = () => findPerson(h.bot.database.db, `slack:${T}/UNEW`)?.timezone ?? null;
const raised = () => (h.bot.database.sqlite.prepare('select count(*) as n from rfcs where title = ?').get(TITLE) as { n: number }).n;

describe('a command while users.info hangs', () => {
  it('is answered at once, and the zone is learned in the background', async () => {
    // users.info reaches Slack, and its answer is held until released below.
    h.fake.setReplyDelay('users.info', 60_000);
    expect(await h.answer(NEW, 'help')).toContain('/rfc');
    await eventually(() => h.fake.heldReplies === 1, 'the look-up in flight, held by Slack');
    expect(lookUps()).toHaveLength(1);
    // Answered while the look-up still hangs; the one RFC raised, no second look-up started.
    expect(await h.answer(NEW, `new "${TITLE}" category=minor`)).toMatch(/RFC-\d+/);
    expect(raised()).toBe(1);
    expect(h.fake.heldReplies).toBe(1);
    expect(lookUps()).toHaveLength(1);
    expect(zone()).toBeNull();

    h.fake.setReplyDelay('users.info', 0);
    await eventually(() => zone() === 'Asia/Tokyo', 'the zone stored once Slack answered');
    // From then on the stored zone is used, without asking Slack again.
    expect(await h.answer(NEW, 'list mine')).toContain(TITLE);
    expect(lookUps()).toHaveLength(1);
  });
});
