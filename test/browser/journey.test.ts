/**
 * Issue 13's walk in a real browser (Debian Chromium through playwright-core), on the real bot
 * with real Bolt and a fake Slack Web API: a CAB member signs in through the link `/rfc web`
 * answers with in Slack, opens the calendar seeded (through Slack commands) with changes, a
 * maintenance window, a blackout and a conflict, sees them, switches week and month, filters by
 * service, follows the link to the RFC that awaits the CAB, votes on it there, and the CAB
 * card in Slack is updated in place through the fake Web API. Screenshots in test-results/:
 * journey-week.png, journey-month.png, journey-filtered.png, journey-rfc-voted.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { slashCommand } from '../support/slack-requests.js';
import { linkIn } from '../support/web.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const CAB = [1, 2, 3].map((n) => ({ team: T, user: `UC${n}`, name: `cab${n}` }));
const DAY = 24 * 3_600_000;

let h: SlackHarness;
let browser: Browser;
let cardTs = '';
/** The day the changes are on (YYYY-MM-DD, UTC) and the day after (the blackout). */
let day = '';
let dayAfter = '';

async function run(who: typeof ADMIN, text: string): Promise<string> {
  const name = `journey-${Math.random().toString(36).slice(2)}`;
  const ack = await h.sender.send(slashCommand(who, text, { responseUrl: h.fake.responseUrl(name), channel: 'CGENERAL' }));
  expect(ack.status).toBe(200);
  return String((await h.fake.waitForResponse((x) => x.name === name)).body.text);
}

/** Raises a change on `service` at 22:00 on `day` for an hour and submits it; with `approve`, the CAB approves and it is scheduled. */
async function change(title: string, service: string, approve: boolean): Promise<string> {
  const raised = await run(
    REQ,
    `new "${title}" category=significant services=${service} backout=restore test=smoke justification=needed start="${day} 22:00" duration=1h`,
  );
  const key = /RFC-\d+/.exec(raised)?.[0] as string;
  await run(REQ, `submit ${key}`);
  if (!approve) return key;
  for (const who of CAB) await run(who, `vote ${key} approve`);
  expect(await run(REQ, `schedule ${key}`)).toBe(`Scheduled ${key}.`);
  return key;
}

beforeAll(async () => {
  [h, browser] = await Promise.all([
    slackHarness({ fake: { teamId: T }, env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } }),
    launchBrowser(),
  ]);
  const d = new Date(h.clock.now().getTime() + 3 * DAY);
  day = d.toISOString().slice(0, 10);
  dayAfter = new Date(d.getTime() + DAY).toISOString().slice(0, 10);
  const dayAfterNext = new Date(d.getTime() + 2 * DAY).toISOString().slice(0, 10);
  for (const who of CAB) expect(await run(ADMIN, `admin grant <@${who.user}|${who.name}> cab`)).toContain('Granted cab');
  expect(await run(ADMIN, 'admin service add db')).toContain('Added service db');
  expect(await run(ADMIN, 'admin service add mail')).toContain('Added service mail');
  expect(await run(ADMIN, 'admin window add service=db rrule="FREQ=DAILY;BYHOUR=22" duration=4h')).toContain('window');
  expect(await run(ADMIN, `admin blackout add start=${dayAfter} end=${dayAfterNext} reason="Quarter-end freeze"`)).toContain('lackout');
  expect(await change('Patch db01', 'db', true)).toBe('RFC-1');
  expect(await change('Rotate mail certificates', 'mail', true)).toBe('RFC-2');
  // Awaits the CAB, at the same time on db as RFC-1: a conflict.
  expect(await change('Tune db pool', 'db', false)).toBe('RFC-3');
  const posted = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && JSON.stringify(c.args.blocks ?? '').includes('RFC-3'));
  cardTs = String(posted.response.ts);
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

it('signs in from Slack, reads the calendar, filters it, and votes on an RFC from there; the Slack card follows', async () => {
  const context = await newContext(browser, { timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(linkIn(await h.answer(CAB[0] as typeof ADMIN, 'web')));
  // The page names whom the link signs in; nothing happens until that is pressed.
  expect(await page.locator('main p').first().textContent()).toContain(`slack:${T}/UC1`);
  await page.getByRole('button', { name: /^Sign in as / }).click();
  await page.waitForURL(/\/calendar$/);
  await page.goto(`http://localhost:${h.bot.port}/calendar?date=${day}`);

  // The week: the three changes on their day, the window shading it, the blackout the next day,
  // and the conflict outlined with its reason.
  const onDay = page.locator(`section[data-date="${day}"]`);
  expect(await onDay.locator('li.item b').allTextContents()).toEqual(expect.arrayContaining(['RFC-1', 'RFC-2', 'RFC-3']));
  expect(await onDay.getAttribute('class')).toContain('shaded-maintenance');
  expect(await onDay.locator('.shade-maintenance').first().isVisible()).toBe(true);
  const after = page.locator(`section[data-date="${dayAfter}"]`);
  expect(await after.getAttribute('class')).toContain('shaded-blackout');
  expect(await after.locator('.shades').textContent()).toContain('Quarter-end freeze');
  const rfc3 = onDay.locator('li.item[data-key="RFC-3"]');
  expect(await rfc3.getAttribute('class')).toContain('conflict');
  expect(await rfc3.locator('.reasons').textContent()).toContain('RFC-1');
  await screenshot(page, 'journey-week');

  // Month, then back to the week.
  await page.getByRole('link', { name: 'Month', exact: true }).click();
  await page.waitForURL(/view=month/);
  expect(await page.locator('section.day').count()).toBeGreaterThanOrEqual(28);
  expect(await page.locator(`section[data-date="${day}"] li.item b`).allTextContents()).toEqual(expect.arrayContaining(['RFC-1', 'RFC-2', 'RFC-3']));
  await screenshot(page, 'journey-month');
  await page.getByRole('link', { name: 'Week', exact: true }).click();
  await page.waitForURL(/view=week/);

  // Only db: the mail change goes.
  await page.selectOption('select[name="service"]', 'db');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/service=db/);
  expect((await onDay.locator('li.item b').allTextContents()).sort()).toEqual(['RFC-1', 'RFC-3']);
  await screenshot(page, 'journey-filtered');

  // Follow RFC-3 to its page and approve it there.
  const updatesBefore = h.fake.callsTo('chat.update').filter((c) => c.args.ts === cardTs).length;
  await rfc3.locator('a').first().click();
  await page.waitForURL(/\/rfc\/RFC-3$/);
  expect(await page.locator('h1, h2').first().textContent()).toContain('RFC-3');
  await page
    .getByRole('button', { name: /approve/i })
    .first()
    .click();
  await page.locator('[role="status"]').waitFor();
  expect(page.url()).toMatch(/\/rfc\/RFC-3$/);
  expect(await page.locator('[role="status"]').textContent()).toContain('Recorded your approve vote on RFC-3');
  await screenshot(page, 'journey-rfc-voted');

  // The CAB card in Slack: the same message, updated in place, showing the vote.
  const update = await h.fake.waitFor('chat.update', (c) => c.args.ts === cardTs && JSON.stringify(c.args.blocks ?? '').includes('1 approve'));
  expect(update.args.channel).toBe('CCAB');
  expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === cardTs).length).toBeGreaterThan(updatesBefore);
  expect(await run(REQ, 'show RFC-3')).toContain('1 approve · 0 reject · 0 abstain');
  await context.close();
});
