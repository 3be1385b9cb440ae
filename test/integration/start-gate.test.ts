/**
 * Issue 14's "Done when": a significant change is refused at `start` with its open checklist
 * items and its open task named, then starts once they are done. Through Slack (real bot,
 * real Bolt over signed HTTP, fake Slack Web API), under the default checklist.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const OWNER = { team: T, user: 'UOWN', name: 'olga' };
const NET = { team: T, user: 'UNET', name: 'nina' };
const CAB = [1, 2, 3].map((n) => ({ team: T, user: `UC${n}`, name: `cab${n}` }));
const H = 3_600_000;

let h: SlackHarness;
beforeAll(async () => {
  h = await slackHarness({
    fake: { teamId: T },
    env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, CHECKLIST_SIGNIFICANT: 'release-notes,lab-test,users-informed,backup-verified' },
  });
});
afterAll(() => h.stop());

it('refuses start naming every open checklist item and task, then starts once they are done', async () => {
  for (const c of CAB) expect(await h.answer(ADMIN, `admin grant <@${c.user}|${c.name}> cab`)).toContain('Granted cab');
  expect(await h.answer(ADMIN, 'admin service add db')).toContain('Added service db');
  expect(await h.answer(ADMIN, 'admin team add network members=<@UNET|nina>')).toContain('Added team network');
  const start = new Date(Math.ceil((h.clock.now().getTime() + H) / 60_000) * 60_000).toISOString();
  expect(
    await h.answer(OWNER, `new "Patch db01" category=significant services=db backout=restore test=smoke justification=cve start=${start} duration=2h`),
  ).toContain('RFC-1');
  expect(await h.answer(OWNER, 'submit RFC-1')).toContain('went to the CAB');
  for (const c of CAB) await h.answer(c, 'vote RFC-1 approve');
  expect(await h.answer(OWNER, 'schedule RFC-1')).toBe('Scheduled RFC-1.');
  expect(await h.answer(OWNER, 'task add RFC-1 team=network "Open 443 on the edge firewall"')).toContain('task 1');
  h.clock.advance(H + 2 * 60_000); // inside the window

  const refused = await h.answer(OWNER, 'start RFC-1');
  expect(refused).toContain("RFC-1 can't start yet. Still open:");
  for (const open of [
    'Release notes reviewed (`release-notes`)',
    'Lab test passed (`lab-test`)',
    'Backup verified and restored to a standby (`backup-verified`)',
    'task 1: Open 443 on the edge firewall',
  ]) {
    expect(refused).toContain(open);
  }
  // No outage is announced, so "affected users informed" is not asked for.
  expect(refused).not.toContain('users-informed');

  expect(await h.answer(OWNER, 'check RFC-1 release-notes')).toContain('Still open: lab-test, backup-verified.');
  expect(await h.answer(OWNER, 'check RFC-1 lab-test note="passed in the lab"')).toContain('Still open: backup-verified.');
  expect(await h.answer(OWNER, 'check RFC-1 backup-verified note="restored to db02"')).toContain('Its checklist is complete.');
  const stillTask = await h.answer(OWNER, 'start RFC-1');
  expect(stillTask).toContain('Still open: task 1: Open 443 on the edge firewall.');
  expect(await h.answer(NET, 'task done RFC-1 1 note="opened on both edges"')).toContain('RFC-1');
  expect(await h.answer(OWNER, 'start RFC-1')).toContain('RFC-1 is now implementing.');
  const log = await h.answer(OWNER, 'log RFC-1');
  expect(log).toContain('checklist-tick backup-verified: restored to db02');
  expect(log).toContain('start scheduled → implementing');
});
