/**
 * The disk is full: the inbound claim, the one write before the acknowledgement, fails with
 * SQLITE_FULL. Simulated for real with SQLite's `max_page_count` on the bot's own database,
 * filled to its last page. The request is still acknowledged, the person is told nothing was
 * saved, the error is logged; once there is room again, commands work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANNOT_SAVE } from '../../src/chat/slack/dedupe.js';
import { type SlackHarness, responsesTo, slackHarness } from '../support/slack-harness.js';

const T = 'T1';
const WHO = { team: T, user: 'UFULL', name: 'fay' };
let h: SlackHarness;

beforeAll(async () => {
  h = await slackHarness({ fake: { teamId: T, users: { UFULL: { tz: 'Europe/Paris' } } } });
});

afterAll(async () => {
  await h?.stop();
});

/** Caps the database at its current size, then fills the claims table until nothing more fits. */
function fillTheDisk(): void {
  const sqlite = h.bot.database.sqlite;
  sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
  const insert = sqlite.prepare("insert into inbound_requests (id, received_at, state) values (?, ?, 'done')");
  let i = 0;
  for (const size of [4000, 400, 40, 1]) {
    for (;;) {
      try {
        insert.run(`junk:${++i}:${'x'.repeat(size)}`, Date.now());
      } catch (err) {
        expect((err as { code?: string }).code).toBe('SQLITE_FULL');
        break;
      }
    }
  }
}

describe('a full disk', () => {
  it('still acknowledges, and tells the person changebot cannot save', async () => {
    const before = h.bot.database.sqlite.prepare('select count(*) as n from rfcs').get() as { n: number };
    fillTheDisk();
    const { ack, responseUrl } = await h.command(WHO, 'new "Patch on a full disk" category=minor');
    expect(ack.status).toBe(200);
    const told = await h.fake.waitForResponse((r) => responseUrl.endsWith(encodeURIComponent(r.name)));
    expect(told.body.text).toBe(CANNOT_SAVE);
    expect(told.body.response_type).toBe('ephemeral');
    const click = await h.click(WHO, { actionId: 'rfc_vote_approve', value: 'RFC-1', message: { channel: 'CCAB', ts: '1.1' } });
    expect(click.ack.status).toBe(200);
    await h.fake.waitForResponse((r) => click.responseUrl.endsWith(encodeURIComponent(r.name)));
    expect(responsesTo(h.fake, click.responseUrl).map((r) => r.body.text)).toEqual([CANNOT_SAVE]);
    const logged = h.logs.filter((l) => l.includes("can't save the request"));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('SQLITE_FULL');
    expect(h.bot.database.sqlite.prepare('select count(*) as n from rfcs').get()).toEqual(before);
  });

  it('works again once there is room', async () => {
    const sqlite = h.bot.database.sqlite;
    sqlite.prepare("delete from inbound_requests where id like 'junk:%'").run();
    sqlite.pragma('max_page_count = 1073741823');
    expect(await h.answer(WHO, 'new "Patch after the clean-up" category=minor')).toMatch(/RFC-\d+/);
  });
});
