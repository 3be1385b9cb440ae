/**
 * Issue 13 item 4 on Teams: `web` in the personal chat answers with a link that signs in as the
 * Teams identity; in a channel no link is posted (everyone there would see it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { channel, personal, user } from '../support/teams-activities.js';
import { WebClient, linkIn } from '../support/web.js';

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(() => h.close());

async function say(conv: ReturnType<typeof personal>, text: string): Promise<string> {
  const from = h.connector.calls.length;
  const res = await h.client.post(h.client.message(user('Bea'), conv, text));
  expect(res.status).toBe(200);
  const call = await h.connector.waitFor((c) => c.conversationId === conv.id && (c.kind === 'reply' || c.kind === 'send'), { from });
  return String((call.body as { text?: string }).text ?? '');
}

describe('web from Teams', () => {
  it('in the personal chat: a link that signs in as the Teams person', async () => {
    const text = await say(personal(user('Bea')), 'web');
    const web = new WebClient(`http://127.0.0.1:${h.bot.port}`);
    expect((await web.signIn(linkIn(text))).status).toBe(303);
    const page = await web.get('/signin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are signed in');
  });

  it('in a channel: no link, and where to ask instead', async () => {
    const text = await say(channel('ops'), 'web');
    expect(text).not.toMatch(/signin\?token=/);
    expect(text).toContain('personal chat');
  });
});
