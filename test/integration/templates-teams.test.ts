/**
 * Issue 14 on Teams: a requester with no role raises a change from a standard-change template
 * in the personal chat and it is approved at once when submitted; start names its open checklist
 * item until it is ticked; a title off the pattern is refused. Real bot, real botbuilder CloudAdapter over HTTP, fake connector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AAD, type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { personal, user } from '../support/teams-activities.js';

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(() => h.close());

async function say(who: ReturnType<typeof user>, text: string): Promise<string> {
  const conv = personal(who);
  const from = h.connector.calls.length;
  const res = await h.client.post(h.client.message(who, conv, text));
  expect(res.status).toBe(200);
  const call = await h.connector.waitFor((c) => c.conversationId === conv.id && (c.kind === 'reply' || c.kind === 'send'), { from });
  const body = call.body as { text?: string; attachments?: unknown[] };
  return `${body.text ?? ''} ${JSON.stringify(body.attachments ?? [])}`;
}

describe('standard-change templates on Teams', () => {
  it('a requester with no role raises from a template and it is approved at once', async () => {
    const admin = { ...user('Admin'), aadObjectId: ADMIN_AAD };
    const rita = user('Rita');
    expect(await say(admin, 'admin service add ad')).toContain('Added service ad');
    expect(await say(admin, 'admin window add service=ad rrule="FREQ=DAILY;BYHOUR=22" duration=4h')).toContain('window');
    expect(
      await say(
        admin,
        'template add add-user title="Add * users to *" services=ad plan="Create the accounts" backout="Disable them" test="Sign in as one" max=2h',
      ),
    ).toContain('Added template add-user v1');
    expect(await say(rita, 'new template=add-user "Add 3 users to Sales" start="tomorrow 22:30" duration=1h')).toContain(
      'Raised RFC-1 “Add 3 users to Sales” from template add-user v1',
    );
    expect(await say(rita, 'submit RFC-1')).toContain('RFC-1 is a standard change (template add-user v1) and is approved.');
    // The start gate on Teams: with a checklist for standard changes, start names the open item.
    expect(await say(rita, 'schedule RFC-1')).toContain('Scheduled RFC-1');
    expect(await say(admin, 'admin policy set CHECKLIST_STANDARD lab-test')).toContain('is now lab-test');
    h.clock.current = new Date(h.clock.now().getTime() + 24 * 3_600_000 + 14 * 3_600_000);
    const refused = await say(rita, 'start RFC-1');
    expect(refused).toContain("RFC-1 can't start yet. Still open: checklist: Lab test passed");
    expect(await say(rita, 'check RFC-1 lab-test note="ran in the lab"')).toContain('Its checklist is complete.');
    expect(await say(rita, 'start RFC-1')).toContain('RFC-1 is now implementing.');
    // Off the pattern: refused, naming the template (Teams shows the pattern's * escaped for markdown).
    expect(await say(rita, 'new template=add-user "Delete everyone" start="tomorrow 22:30" duration=1h')).toContain(
      '“Delete everyone” does not follow template add-user',
    );
  });
});
