/**
 * Issue 14 item 1, the standard-change catalogue, through Slack (real bot, real Bolt over
 * signed HTTP, real SQLite): a change manager adds a template; a requester with no role raises
 * from it and it is approved at once on submit (the owner is told it is approved); a title
 * off the pattern, a window too long or outside the maintenance window are refused; editing
 * the plan makes a normal change that then needs approval; a retired template is refused; a
 * person without the role cannot add one; the change log keeps every template change with its
 * old and new values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const CM = { team: T, user: 'UCM', name: 'carla' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const OWNER = { team: T, user: 'UOWN', name: 'otto' };
let h: SlackHarness;

const ADD =
  'template add add-user title="Add * users to *" services=ad plan="Create the accounts from the HR list" backout="Disable the new accounts" test="Sign in as one" max=2h windows=maintenance tasks="team=network:Open 443 on the edge;Update the wiki" checklist="HR request attached;Manager approved"';

beforeAll(async () => {
  h = await slackHarness({ fake: { teamId: T }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } });
  expect(await h.answer(ADMIN, 'admin service add ad')).toContain('Added service ad');
  // Open every day from 22:00 to 02:00 UTC (the harness's people are in UTC).
  expect(await h.answer(ADMIN, 'admin window add service=ad rrule="FREQ=DAILY;BYHOUR=22;BYMINUTE=0" duration=4h')).toContain('Added');
  expect(await h.answer(ADMIN, `admin grant <@${CM.user}> change-manager`)).toContain('Granted change-manager');
  await h.answer(OWNER, 'list');
});
afterAll(() => h.stop());

describe('the standard-change catalogue in Slack', () => {
  it('refuses a template from someone who is not a change manager', async () => {
    expect(await h.answer(REQ, ADD)).toContain('Only a change manager or an admin can add, edit or retire standard-change templates.');
    expect(await h.answer(REQ, 'template list')).toContain('No standard-change templates yet');
  });

  it('lets a change manager add one, and shows it with its tasks and checklist', async () => {
    expect(await h.answer(CM, ADD)).toContain('Added template add-user v1: anyone can now raise a pre-approved standard change from it');
    const shown = await h.answer(REQ, 'template show add-user');
    expect(shown).toContain('Template add-user v1 — a pre-approved standard change');
    expect(shown).toContain('Title: Add * users to *');
    expect(shown).toContain('Plan: Create the accounts from the HR list');
    expect(shown).toContain('Window: at most 2h, inside a maintenance window of its services');
    expect(shown).toContain('1. team network: Open 443 on the edge');
    expect(shown).toContain('2. Update the wiki');
    expect(shown).toContain('2. Manager approved');
    expect(shown).toContain('v1');
  });

  it('approves a change raised from it by a requester with no role at once, and tells the owner', async () => {
    const raised = await h.answer(REQ, `new template=add-user "Add 3 users to Sales" owner=<@${OWNER.user}> start="tomorrow 22:30" duration=1h`);
    expect(raised).toContain('Raised RFC-1 “Add 3 users to Sales” from template add-user v1');
    // The template's tasks come with it.
    expect(raised).toContain("It has the template's 2 tasks (/rfc tasks RFC-1).");
    const tasks = await h.answer(REQ, 'tasks RFC-1');
    expect(tasks).toContain('Open 443 on the edge');
    expect(tasks).toContain('Update the wiki');
    const shown = await h.answer(REQ, 'show RFC-1');
    expect(shown).toContain('Create the accounts from the HR list');
    expect(await h.answer(REQ, 'submit RFC-1')).toContain('RFC-1 is a standard change (template add-user v1) and is approved.');
    // The owner hears it is approved (a DM from the notification worker).
    const toOwner = (c: { args: Record<string, unknown> }) => c.args.channel === OWNER.user || c.args.channel === h.fake.dmOf(OWNER.user);
    const dm = await h.fake.waitFor(
      'chat.postMessage',
      (c) => toOwner(c) && JSON.stringify(c.args).includes('RFC-1') && /approved/i.test(JSON.stringify(c.args)),
    );
    expect(toOwner(dm)).toBe(true);
    expect(await h.answer(OWNER, 'schedule RFC-1')).toContain('Scheduled RFC-1');
    // Still the template's windows when it moves: outside the maintenance window is refused.
    expect(await h.answer(OWNER, 'reschedule RFC-1 start="tomorrow 12:00" duration=1h')).toContain(
      'template add-user v1 runs only inside a maintenance window of ad',
    );
  });

  it('refuses a title off the pattern, a window too long, and one outside the maintenance window', async () => {
    expect(await h.answer(REQ, 'new template=add-user "Remove everyone" start="tomorrow 22:30" duration=1h')).toContain(
      '“Remove everyone” does not follow template add-user\'s title “Add * users to *” (each * is one or more words). Example: /rfc new template=add-user "Add * users to *"',
    );
    expect(await h.answer(REQ, 'new template=add-user "Add 2 users to HR" start="tomorrow 22:30" duration=3h')).toContain(
      'The window is 3h long, and template add-user v1 allows at most 2h.',
    );
    expect(await h.answer(REQ, 'new template=add-user "Add 2 users to HR" start="tomorrow 12:00" duration=1h')).toContain(
      'template add-user v1 runs only inside a maintenance window of ad, and this window is outside it.',
    );
    expect(await h.answer(REQ, 'new template=add-user "Add 2 users to HR" plan="by hand"')).toContain(
      "A change from template add-user keeps the template's plan, backout, test and services, so leave out plan=",
    );
  });

  it('makes a change whose plan is edited a normal change that needs approval', async () => {
    expect(await h.answer(REQ, 'new "Add 4 users to Legal" template=add-user start="tomorrow 22:30" duration=1h')).toContain('Raised RFC-2');
    expect(await h.answer(REQ, 'edit RFC-2 plan="Create them by hand"')).toContain(
      'RFC-2 is now a normal (minor) change: its plan no longer follows template add-user v1, so it needs approval.',
    );
    const submitted = await h.answer(REQ, 'submit RFC-2');
    expect(submitted).toContain('RFC-2 passed evaluation');
    expect(submitted).not.toContain('is approved');
    expect(await h.answer(CM, 'approve RFC-2')).toContain('RFC-2');
  });

  it('edits a template into a new version and refuses a retired one', async () => {
    expect(await h.answer(REQ, 'template edit add-user max=3h')).toContain('Only a change manager or an admin');
    expect(await h.answer(CM, 'template edit add-user max=3h')).toContain('Template add-user is now v2 (changed max). Changes raised from v1 keep it.');
    const shown = await h.answer(CM, 'template show add-user');
    expect(shown).toContain('Template add-user v2');
    expect(shown).toMatch(/v1 .* by slack:T1\/UCM: added/);
    expect(shown).toMatch(/v2 .* by slack:T1\/UCM: changed max/);
    expect(await h.answer(CM, 'template retire add-user reason="self-service now"')).toContain('Retired template add-user');
    expect(await h.answer(REQ, 'new template=add-user "Add 2 users to HR" start="tomorrow 22:30" duration=1h')).toContain(
      'Template add-user is retired, so no change can be raised from it. Raise a normal change instead',
    );
    expect(await h.answer(REQ, 'template list')).toContain('add-user v2 (retired)');
  });

  it('keeps every template change in the change log with its old and new values', async () => {
    const log = await h.answer(CM, 'admin log');
    expect(log).toContain('template-add add-user v1 title: “Add * users to *”; services: ad; plan: “Create the accounts from the HR list”');
    expect(log).toContain('template-edit add-user v2 max: 120 → 180');
    expect(log).toContain('template-retire add-user v2 — self-service now');
  });
});
