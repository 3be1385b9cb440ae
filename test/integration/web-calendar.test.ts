/**
 * Issue 13 item 2: the Forward Schedule of Change at GET /calendar, over real HTTP to the real
 * bot (Slack sign-in through `/rfc web`, real SQLite). The schedule is made with the use cases
 * so every state is real: a standard change scheduled in the db maintenance window, one
 * implementing, a conflicting pair (app depends on db) scheduled with a change manager's ack,
 * one approved but not yet scheduled, a draft (never shown), one next week, a release wave, a
 * maintenance window and a blackout. The week of Monday 22 March 2027 is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBlackout, addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { grantRole } from '../../src/app/admin.js';
import { loadActor } from '../../src/app/context.js';
import { progress, schedule } from '../../src/app/implementation.js';
import { createRelease } from '../../src/app/releases.js';
import { addWave } from '../../src/app/release-waves.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import type { Actor } from '../../src/domain/types.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { WebClient, linkIn } from '../support/web.js';

const T = 'T1';
const ANA = { team: T, user: 'UANA', name: 'ana' };
const BOB = { team: T, user: 'UBOB', name: 'bob' };
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const d = (iso: string) => new Date(iso);

let h: SlackHarness;
let base: string;
let ana: WebClient;
let bob: WebClient;
const k = { patch: '', mail: '', app: '', reindex: '', certs: '', draft: '', later: '' };
let release = '';

beforeAll(async () => {
  h = await slackHarness({ fake: { teamId: T }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, CHANGEBOT_TIMEZONE: 'Europe/Paris' } });
  base = `http://127.0.0.1:${h.bot.port}`;
  h.clock.current = d('2027-03-22T09:00:00Z'); // Monday
  const app = h.bot.app;
  const who = (user: string, name: string, timezone: string): Actor => loadActor(app, `slack:${T}/${user}`, { displayName: name, timezone });
  const admin = who('UADMIN', 'Admin', 'Europe/London');
  grantRole(app, admin, { person: `slack:${T}/UCM`, role: 'change-manager' });
  grantRole(app, admin, { person: `slack:${T}/URM`, role: 'release-manager' });
  const cm = who('UCM', 'Cleo Manager', 'Europe/London');
  const rm = who('URM', 'Rita Release', 'Europe/London');
  const a = who('UANA', 'ana', 'Europe/London');
  const b = who('UBOB', 'bob', 'Asia/Tokyo');

  addService(app, admin, { name: 'db' });
  addService(app, admin, { name: 'app', dependsOn: ['db'] });
  addService(app, admin, { name: 'mail' });
  // db's window: Saturdays 22:00 London for 4 hours (22:00 UTC, as London keeps GMT until 28 March).
  addMaintenanceWindow(app, admin, { service: 'db', rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22', durationMinutes: 240 });
  addBlackout(app, admin, { start: d('2027-03-25T00:00:00Z'), end: d('2027-03-26T00:00:00Z'), reason: 'Quarter-end freeze' });

  const raised = (by: Actor, title: string, services: string[], start: string, minutes: number, more: Record<string, unknown> = {}) =>
    raise(app, by, { title, category: 'minor', services, backout: 'restore', start: d(start), durationMinutes: minutes, ...more }).result.key;
  const approved = (by: Actor, title: string, services: string[], start: string, minutes: number, more: Record<string, unknown> = {}) => {
    const key = raised(by, title, services, start, minutes, more);
    submit(app, by, key);
    vote(app, cm, key, 'approve');
    return key;
  };

  // A standard change (pre-approved), high risk, owned by Ana, inside db's window.
  k.patch = raised(cm, 'Patch db01', ['db'], '2027-03-27T22:00:00Z', 90, {
    category: 'standard',
    impact: 'high',
    likelihood: 'high',
    owner: `slack:${T}/UANA`,
  });
  submit(app, cm, k.patch);
  schedule(app, cm, k.patch, {});
  // Implementing from 10:00 (below): its window opens at 09:30.
  k.mail = approved(b, 'Upgrade mail', ['mail'], '2027-03-22T09:30:00Z', 240);
  schedule(app, b, k.mail, {});
  // The conflicting pair: app depends on db, the windows overlap.
  k.app = approved(a, 'Deploy app', ['app'], '2027-03-24T20:00:00Z', 120);
  schedule(app, a, k.app, {});
  k.reindex = approved(b, 'Reindex db', ['db'], '2027-03-24T21:00:00Z', 120, { impact: 'medium', likelihood: 'medium' });
  schedule(app, cm, k.reindex, { ack: true, reason: 'agreed with the app team' });
  // Approved, not scheduled yet; a draft; one next week.
  k.certs = approved(b, 'Rotate certs', ['app'], '2027-03-26T09:00:00Z', 60);
  k.draft = raised(a, 'Draft idea', ['app'], '2027-03-23T10:00:00Z', 60);
  k.later = approved(b, 'Next week job', ['mail'], '2027-03-31T10:00:00Z', 60);
  schedule(app, b, k.later, {});
  release = createRelease(app, rm, { name: 'Spring platform' }).result.key;
  addWave(app, rm, release, { start: d('2027-03-26T14:00:00Z'), durationMinutes: 120, services: ['mail'] });
  h.clock.current = d('2027-03-22T10:00:00Z');
  progress(app, b, k.mail, 'start');

  ana = new WebClient(base);
  expect((await ana.signIn(linkIn(await h.answer(ANA, 'web')))).status).toBe(303);
  bob = new WebClient(base);
  expect((await bob.signIn(linkIn(await h.answer(BOB, 'web')))).status).toBe(303);
});
afterAll(() => h.stop());

/** The markup of one day of the grid. */
function day(page: string, date: string): string {
  const m = new RegExp(`<section class="([^"]*)" data-date="${date}">(.*?)</section>`, 's').exec(page);
  if (!m) throw new Error(`no day ${date} on the page`);
  return `${m[1]}|${m[2]}`;
}
/** The keys of the items of a day (or the page), in order; a wave as REL-n/w. */
function keys(markup: string): string[] {
  return [...markup.matchAll(/<li class="item [^"]*" data-key="([^"]+)"(?: data-wave="(\d+)")?/g)].map((m) => (m[2] ? `${m[1]}/${m[2]}` : (m[1] as string)));
}
const unique = (xs: string[]) => [...new Set(xs)];
/** The class attribute of an item. */
function classOf(markup: string, key: string): string {
  return new RegExp(`<li class="([^"]*)" data-key="${key}"`).exec(markup)?.[1] ?? '';
}

describe('the week, signed in', () => {
  it('shows the changes holding a window and the wave, each on its days, linked, coloured by state and risk', async () => {
    const res = await ana.get('/calendar');
    expect(res.status).toBe(200);
    const page = res.text;
    expect(page).toContain('<h2>22 – 28 March 2027</h2>');
    expect(page).toContain('Signed in as ana');
    expect(unique(keys(page))).toEqual([k.mail, k.app, k.reindex, k.certs, `${release}/1`, k.patch]);
    expect(page).not.toContain(k.draft);
    expect(page).not.toContain('Next week job');
    expect(keys(day(page, '2027-03-22'))).toEqual([k.mail]);
    expect(keys(day(page, '2027-03-24'))).toEqual([k.app, k.reindex]);
    expect(keys(day(page, '2027-03-26'))).toEqual([k.certs, `${release}/1`]);
    expect(keys(day(page, '2027-03-27'))).toEqual([k.patch]);
    expect(page).toContain(`<a href="/rfc/${k.patch}">`);
    expect(page).toContain(`<a href="/release/${release}">`);
    expect(page).toContain('wave 1 · Spring platform');
    expect(classOf(page, k.patch)).toBe('item kind-rfc state-scheduled risk-high');
    expect(classOf(page, k.mail)).toBe('item kind-rfc state-implementing risk-none');
    expect(classOf(page, k.certs)).toBe('item kind-rfc state-approved risk-none');
    expect(classOf(page, release)).toBe('item kind-wave state-planned risk-none');
    // Ana's zone is London (GMT this week): the patch runs 22:00–23:30.
    expect(day(page, '2027-03-27')).toContain('<span class="t">22:00–23:30</span>');
    expect(page).toContain('Times in <strong class="zone">Europe/London</strong> (your time zone).');
    // The legend explains the colours.
    for (const label of ['Scheduled', 'Implementing', 'Wave planned', 'High risk', 'Risk not assessed', 'Conflict (reasons listed)', 'Blackout'])
      expect(page).toContain(`</span>${label}</li>`);
  });

  it('highlights the conflicting pair with their reasons', async () => {
    const page = (await ana.get('/calendar')).text;
    expect(classOf(page, k.app)).toBe('item kind-rfc state-scheduled risk-none conflict');
    expect(classOf(page, k.reindex)).toBe('item kind-rfc state-scheduled risk-medium conflict');
    const wed = day(page, '2027-03-24');
    expect(wed).toContain(`<li>${k.reindex} (Reindex db) changes db, which app depends on (app → db), from Wed 24 Mar 21:00 to Wed 24 Mar 23:00 GMT</li>`);
    expect(wed).toContain('outside the maintenance windows for db');
    expect(wed).toContain(`changes app, which depends on db`);
    // No conflict for the change inside its window.
    expect(classOf(page, k.patch)).not.toContain('conflict');
  });

  it('shades the maintenance window and the blackout', async () => {
    const page = (await ana.get('/calendar')).text;
    const sat = day(page, '2027-03-27');
    expect(sat.split('|')[0]).toBe('day weekend shaded-maintenance');
    expect(sat).toContain('<li class="shade shade-maintenance">Maintenance · db <span class="t">22:00–…</span></li>');
    expect(sat).toContain('<span class="shade-maintenance" style="left:91.7%;width:8.3%"></span>');
    const sun = day(page, '2027-03-28');
    // 22:00 GMT + 4 h = 02:00 GMT = 03:00 BST: the clocks went forward at 01:00.
    expect(sun).toContain('Maintenance · db <span class="t">…–03:00</span>');
    const thu = day(page, '2027-03-25');
    expect(thu.split('|')[0]).toBe('day shaded-blackout');
    expect(thu).toContain('<li class="shade shade-blackout">Blackout · Quarter-end freeze <span class="t">all day</span></li>');
    expect(day(page, '2027-03-23').split('|')[0]).toBe('day empty');
  });

  it('a person’s own zone: Bob’s is Tokyo, where the patch starts on Sunday at 07:00', async () => {
    const page = (await bob.get('/calendar?date=2027-03-22')).text;
    expect(page).toContain('Times in <strong class="zone">Asia/Tokyo</strong> (your time zone).');
    expect(keys(day(page, '2027-03-28'))).toEqual([k.patch]);
    expect(day(page, '2027-03-28')).toContain('<span class="t">07:00–08:30</span>');
  });

  it('tz= overrides the zone, and the links keep it; a bad zone is refused clearly', async () => {
    const page = (await ana.get('/calendar?tz=America/New_York')).text;
    expect(page).toContain('Times in <strong class="zone">America/New_York</strong> (as asked (tz=)).');
    expect(day(page, '2027-03-27')).toContain('<span class="t">18:00–19:30</span>');
    expect(page).toContain('href="/calendar?view=week&amp;date=2027-03-29&amp;tz=America%2FNew_York" rel="next"');
    const bad = await ana.get('/calendar?tz=Mars/Olympus');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('text/html');
    expect(bad.text).toContain('tz=Mars/Olympus is not a time zone. Use an IANA name such as tz=Europe/London or tz=America/New_York.');
  });
});

describe('filters', () => {
  it('by service: only changes and waves on it, and only its maintenance windows', async () => {
    const db = (await ana.get('/calendar?service=db')).text;
    expect(unique(keys(db))).toEqual([k.reindex, k.patch]);
    expect(db).toContain('Showing only service db.');
    expect(db).toContain('<option value="db" selected>db</option>');
    expect(db).toContain('Maintenance · db');
    const mail = (await ana.get('/calendar?service=MAIL')).text;
    expect(unique(keys(mail))).toEqual([k.mail, `${release}/1`]);
    expect(mail).not.toContain('Maintenance · db');
    expect(mail).toContain('Blackout · Quarter-end freeze');
  });

  it('by state, one or several', async () => {
    expect(unique(keys((await ana.get('/calendar?state=implementing')).text))).toEqual([k.mail]);
    expect(unique(keys((await ana.get('/calendar?state=approved')).text))).toEqual([k.certs]);
    expect(unique(keys((await ana.get('/calendar?state=planned')).text))).toEqual([`${release}/1`]);
    expect(unique(keys((await ana.get('/calendar?state=scheduled,planned&service=db')).text))).toEqual([k.reindex, k.patch]);
    expect(unique(keys((await ana.get('/calendar?state=implementing&state=planned')).text))).toEqual([k.mail, `${release}/1`]);
  });

  it('by person: their changes as requester or owner; the list names the people on the calendar', async () => {
    const mine = (await ana.get('/calendar?person=me')).text;
    // Ana requested Deploy app and owns Patch db01 (raised by the change manager).
    expect(unique(keys(mine))).toEqual([k.app, k.patch]);
    expect(mine).toContain('Showing only ana’s changes.');
    const bobs = (await ana.get(`/calendar?person=${encodeURIComponent(`slack:${T}/UBOB`)}`)).text;
    expect(unique(keys(bobs))).toEqual([k.mail, k.reindex, k.certs]);
    expect(bobs).toContain('<option value="slack:T1/UBOB" selected>bob</option>');
    const all = (await ana.get('/calendar')).text;
    expect(all).toContain('<option value="slack:T1/UANA">Me (ana)</option>');
    expect(all).toContain('<option value="slack:T1/UCM">Cleo Manager</option>');
    const nobody = await ana.get('/calendar?person=slack:T1/UNOBODY');
    expect(nobody.status).toBe(422);
    expect(nobody.text).toContain('person=slack:T1/UNOBODY is nobody changebot knows.');
  });

  it('team= is refused until teams exist, saying to filter by person', async () => {
    const res = await ana.get('/calendar?team=ops');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Teams do not exist yet, so team= cannot filter the calendar. Filter by person instead');
  });
});

describe('week and month', () => {
  it('a month shows whole weeks and the change next week; prev/next move a month', async () => {
    const page = (await ana.get('/calendar?view=month&date=2027-03-10')).text;
    expect(page).toContain('<h2>March 2027</h2>');
    const days = [...page.matchAll(/data-date="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]);
    expect(days).toHaveLength(35);
    expect([days[0], days[34]]).toEqual(['2027-03-01', '2027-04-04']);
    expect(keys(day(page, '2027-03-31'))).toEqual([k.later]);
    expect(day(page, '2027-04-01').split('|')[0]).toContain('other-month');
    expect(page).toContain('href="/calendar?view=month&amp;date=2027-02-10" rel="prev"');
    expect(page).toContain('href="/calendar?view=month&amp;date=2027-04-10" rel="next"');
    expect(page).toContain('<a href="/calendar?view=month&amp;date=2027-03-10" class="current" aria-current="page">Month</a>');
    expect(page).toContain('<div class="cal cal-month">');
  });

  it('the next week shows the later change only', async () => {
    const page = (await ana.get('/calendar?view=week&date=2027-03-29')).text;
    expect(page).toContain('<h2>29 March – 4 April 2027</h2>');
    expect(unique(keys(page))).toEqual([k.later]);
  });

  it('bad parameters get a clear 422 page', async () => {
    const cases: [string, string][] = [
      ['view=year', 'view=year is not a calendar view. Use view=week or view=month.'],
      ['date=2027-02-30', 'date=2027-02-30 is not a day. Write it as YYYY-MM-DD, e.g. date=2026-12-07.'],
      ['service=nope', 'service=nope is not a service. Choose one of: app, db, mail.'],
      [
        'state=draft',
        'state=draft is not a state the calendar shows. Use one or more of: awaiting_approval, approved, scheduled, implementing, planned, deploying.',
      ],
    ];
    for (const [query, message] of cases) {
      const res = await ana.get(`/calendar?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.text).toContain(message);
    }
  });
});

describe('a visitor', () => {
  it('gets the sign-in page while the public calendar is off', async () => {
    const res = await new WebClient(base).get('/calendar');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Sign in to changebot');
    expect(res.text).not.toContain('Patch db01');
  });

  it('reads the public calendar when it is on: the deployment’s zone, the browser’s zone script, no people', async () => {
    expect(await h.answer(ADMIN, 'admin policy set web.public-calendar on')).toContain('WEB_PUBLIC_CALENDAR is now');
    try {
      const visitor = new WebClient(base);
      const res = await visitor.get('/calendar');
      expect(res.status).toBe(200);
      const page = res.text;
      expect(page).toContain('Not signed in');
      expect(page).toContain('Times in <strong class="zone">Europe/Paris</strong> (this deployment’s time zone).');
      // 22:00 UTC is 23:00 in Paris: the patch runs into Sunday.
      expect(day(page, '2027-03-27')).toContain('<span class="t">23:00–…</span>');
      expect(keys(day(page, '2027-03-28'))).toEqual([k.patch]);
      expect(day(page, '2027-03-28')).toContain('<span class="t">…–00:30</span>');
      expect(page).toContain('Intl.DateTimeFormat().resolvedOptions().timeZone');
      expect(page).not.toContain('name="person"');
      expect(page).not.toContain('Cleo Manager');
      expect(page).not.toContain('slack:T1/');
      expect(unique(keys(page))).toEqual([k.mail, k.app, k.reindex, k.certs, `${release}/1`, k.patch]);
      const zoned = (await visitor.get('/calendar?tz=Asia/Tokyo')).text;
      expect(zoned).toContain('Times in <strong class="zone">Asia/Tokyo</strong>');
      expect(zoned).not.toContain('resolvedOptions');
      const byPerson = await visitor.get('/calendar?person=me');
      expect(byPerson.status).toBe(403);
      expect(byPerson.text).toContain('Sign in to filter by person');
      // Detail pages still need sign-in (whatever answers there, never the RFC to a visitor).
      expect((await visitor.get(`/rfc/${k.patch}`)).text).not.toContain('Patch db01');
    } finally {
      expect(await h.answer(ADMIN, 'admin policy set web.public-calendar off')).toContain('WEB_PUBLIC_CALENDAR is now');
    }
    expect((await new WebClient(base).get('/calendar')).status).toBe(401);
  });
});
