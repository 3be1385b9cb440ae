/**
 * The calendar in a real browser (Debian Chromium): signed in through a `/rfc web` link, the
 * week shows the changes and the wave, the month view switches, the service filter narrows it,
 * on a 390 px phone the days stack in one column without sideways scrolling, and a visitor of
 * the public calendar gets it in the browser’s own zone (the page adds tz=). Screenshots:
 * test-results/calendar-week.png, calendar-month.png, calendar-phone.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addBlackout, addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { grantRole } from '../../src/app/admin.js';
import { loadActor } from '../../src/app/context.js';
import { schedule } from '../../src/app/implementation.js';
import { createRelease } from '../../src/app/releases.js';
import { addWave } from '../../src/app/release-waves.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { linkIn } from '../support/web.js';

// In the page (the functions given to evaluate run there; the project's types have no DOM).
declare const document: { documentElement: { scrollWidth: number } };
declare function getComputedStyle(e: unknown): { borderLeftColor: string };

const T = 'T1';
const ANA = { team: T, user: 'UANA', name: 'ana' };
const d = (iso: string) => new Date(iso);
let h: SlackHarness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([slackHarness({ fake: { teamId: T }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } }), launchBrowser()]);
  h.clock.current = d('2027-03-22T09:00:00Z');
  const app = h.bot.app;
  const admin = loadActor(app, `slack:${T}/UADMIN`, { timezone: 'Europe/London' });
  grantRole(app, admin, { person: `slack:${T}/UCM`, role: 'change-manager' });
  grantRole(app, admin, { person: `slack:${T}/URM`, role: 'release-manager' });
  const cm = loadActor(app, `slack:${T}/UCM`, { displayName: 'cleo', timezone: 'Europe/London' });
  const ana = loadActor(app, `slack:${T}/UANA`, { displayName: 'ana', timezone: 'Europe/London' });
  addService(app, admin, { name: 'db' });
  addService(app, admin, { name: 'mail' });
  addMaintenanceWindow(app, admin, { service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22', durationMinutes: 240 });
  addBlackout(app, admin, { start: d('2027-03-25T00:00:00Z'), end: d('2027-03-26T00:00:00Z'), reason: 'Quarter-end freeze' });
  const scheduled = (title: string, services: string[], start: string, more: Record<string, unknown> = {}) => {
    const key = raise(app, ana, { title, category: 'minor', services, backout: 'restore', start: d(start), durationMinutes: 90, ...more }).result.key;
    submit(app, ana, key);
    vote(app, cm, key, 'approve');
    schedule(app, ana, key, { reason: 'outside the window on purpose' });
    return key;
  };
  scheduled('Patch db01', ['db'], '2027-03-27T22:00:00Z', { impact: 'medium', likelihood: 'medium' });
  scheduled('Upgrade mail', ['mail'], '2027-03-23T10:00:00Z');
  scheduled('Month-end mail', ['mail'], '2027-03-30T10:00:00Z');
  const rm = loadActor(app, `slack:${T}/URM`, { timezone: 'Europe/London' });
  const rel = createRelease(app, rm, { name: 'Spring platform' }).result.key;
  addWave(app, rm, rel, { start: d('2027-03-26T14:00:00Z'), durationMinutes: 120, services: ['mail'] });
});
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function signIn(page: Page): Promise<void> {
  const link = linkIn(await h.answer(ANA, 'web'));
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in as ana' }).click();
  await page.waitForURL(/\/calendar$/);
}

const visibleTitles = (page: Page) => page.locator('li.item:visible b').allTextContents();

it('signs in through the link, shows the week and the month, filters by service, and reads on a phone', async () => {
  const desk = await newContext(browser);
  const page = await desk.newPage();
  await signIn(page);
  await expect(page.locator('h1').textContent()).resolves.toBe('Forward Schedule of Change');
  await expect(page.locator('.cal-bar h2').textContent()).resolves.toBe('22 – 28 March 2027');
  expect(await visibleTitles(page)).toEqual(['RFC-2', 'REL-1', 'RFC-1']);
  // Seven columns side by side on a wide screen.
  const tops = await page.locator('section.day').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  await expect(page.locator('section.day.shaded-blackout .shade-blackout').first().isVisible()).resolves.toBe(true);
  await expect(
    page
      .locator('section[data-date="2027-03-27"] li.item')
      .first()
      .evaluate((e) => getComputedStyle(e).borderLeftColor),
  ).resolves.toBe(
    'rgb(239, 143, 0)', // medium risk
  );
  await screenshot(page, 'calendar-week');

  await page.getByRole('link', { name: 'Month', exact: true }).click();
  await page.waitForURL(/view=month/);
  await expect(page.locator('.cal-bar h2').textContent()).resolves.toBe('March 2027');
  await expect(page.locator('section.day').count()).resolves.toBe(35);
  expect(await page.locator('section[data-date="2027-03-30"] li.item b').allTextContents()).toEqual(['RFC-3']);
  await screenshot(page, 'calendar-month');

  await page.selectOption('select[name="service"]', 'db');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/service=db/);
  expect(await visibleTitles(page)).toEqual(['RFC-1']);
  await expect(page.locator('.notice').first().textContent()).resolves.toBe('Showing only service db.');
  await desk.close();

  const phone = await newContext(browser, { phone: true });
  const small = await phone.newPage();
  await signIn(small);
  const boxes = await small.locator('section.day').evaluateAll((els) =>
    els.slice(0, 3).map((e) => {
      const r = e.getBoundingClientRect();
      return { left: Math.round(r.left), top: r.top, bottom: r.bottom, width: r.width };
    }),
  );
  // One column: the days stack, each nearly the screen's width.
  expect(boxes.every((b) => b.left === boxes[0]?.left && b.width > 330)).toBe(true);
  expect(boxes[1]!.top).toBeGreaterThanOrEqual(boxes[0]!.bottom);
  expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expect(small.locator('section[data-date="2027-03-23"] h3 .full').textContent()).resolves.toBe('Tue 23 Mar');
  expect(await visibleTitles(small)).toEqual(['RFC-2', 'REL-1', 'RFC-1']);
  await screenshot(small, 'calendar-phone');
  await phone.close();
});

it('a visitor of the public calendar sees it in the browser’s own zone (the page adds tz=)', async () => {
  const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
  expect(await h.answer(ADMIN, 'admin policy set web.public-calendar on')).toContain('WEB_PUBLIC_CALENDAR is now yes');
  const ctx = await newContext(browser, { timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${h.bot.port}/calendar`);
  await page.waitForURL(/tz=America%2FNew_York/);
  await expect(page.locator('strong.zone').textContent()).resolves.toBe('America/New_York');
  // 22:00 UTC on Saturday is 18:00 in New York (EDT).
  await expect(page.locator('section[data-date="2027-03-27"] li.item .t').textContent()).resolves.toBe('18:00–19:30');
  await expect(page.locator('select[name="person"]').count()).resolves.toBe(0);
  await ctx.close();
});
