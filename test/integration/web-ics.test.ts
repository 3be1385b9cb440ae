/**
 * Issue 13 item 5: calendar feeds. People ask for their feed links in Slack (`/rfc calendar
 * feeds`, `/rfc calendar`), calendar apps fetch them over HTTP without a session, and every
 * feed is read back with a real iCalendar parser (ical.js): stable UIDs, summaries, times,
 * cancelled changes, a maintenance window's RRULE in its own zone (expanded by ical.js through
 * the feed's VTIMEZONE, across the clock changes), blackouts, SEQUENCE raised by a reschedule,
 * the per-service and personal feeds' contents, votes due, and 404 for a wrong or rotated token.
 */
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { deploymentId } from '../../src/db/repos/deployment.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { testApp } from '../support/app.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const RITA = { team: T, user: 'UREQ', name: 'rita' };
const MGR = { team: T, user: 'UMGR', name: 'mgr' };
const C1 = { team: T, user: 'UC1', name: 'cab1' };
const ANA = { team: T, user: 'UANA', name: 'ana' };
const NOW = new Date('2027-03-01T09:00:00Z');
const iso = (s: string) => new Date(s);

let h: SlackHarness;
let base: string;
let host: string;

interface ParsedEvent {
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  status: string;
  sequence: number;
  url: string | null;
  tzid: string | null;
  rrule: string | null;
  startText: string;
  /** The first `n` occurrences, as ical.js expands them. */
  occurrences(n: number): Date[];
}

/** The feed at `url` over real HTTP, parsed by ical.js, by UID. */
async function fetchFeed(url: string): Promise<Map<string, ParsedEvent>> {
  const res = await fetch(`${base}${new URL(url).pathname}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  return parseFeed(await res.text());
}

function parseFeed(text: string): Map<string, ParsedEvent> {
  const cal = new ICAL.Component(ICAL.parse(text));
  expect(cal.getFirstPropertyValue('version')).toBe('2.0');
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const out = new Map<string, ParsedEvent>();
  for (const v of cal.getAllSubcomponents('vevent')) {
    const e = new ICAL.Event(v);
    const dtstart = v.getFirstProperty('dtstart');
    const rrule = v.getFirstPropertyValue('rrule');
    out.set(e.uid, {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate(),
      end: e.endDate.toJSDate(),
      status: String(v.getFirstPropertyValue('status')),
      sequence: e.sequence,
      url: (v.getFirstPropertyValue('url') as string | null) ?? null,
      tzid: (dtstart?.getParameter('tzid') as string | undefined) ?? null,
      rrule: rrule ? String(rrule) : null,
      startText: e.startDate.toString(),
      occurrences(n) {
        const it = e.iterator();
        const dates: Date[] = [];
        for (let i = 0; i < n; i++) {
          const next = it.next();
          if (!next) break;
          dates.push(next.toJSDate());
        }
        return dates;
      },
    });
  }
  return out;
}

/** The links in an answer: label -> URL. */
function linksIn(answer: string): Map<string, string> {
  return new Map([...answer.matchAll(/^• (.+?): (http\S+\.ics)$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

const uids = (feed: Map<string, ParsedEvent>) => [...feed.keys()].sort();

beforeAll(async () => {
  h = await slackHarness({
    fake: { teamId: T, users: { UADMIN: { tz: 'Europe/Berlin' } } },
    env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, CAB_QUORUM: '1', CAB_MIN_APPROVALS: '1' },
  });
  h.clock.current = new Date(NOW);
  base = `http://127.0.0.1:${h.bot.port}`;
  host = deploymentId(h.bot.database.db, NOW);
  expect(host).toMatch(/^[0-9a-f]{12}$/);
  for (const [who, role] of [
    ['UC1', 'cab'],
    ['UMGR', 'change-manager'],
    ['UANA', 'release-manager'],
  ]) {
    expect(await h.answer(ADMIN, `admin grant <@${who}|x> ${role}`)).toContain(`Granted ${role}`);
  }
  expect(await h.answer(ADMIN, 'admin service add db')).toContain('Added service db');
  expect(await h.answer(ADMIN, 'admin service add web')).toContain('Added service web');

  // RFC-1: scheduled on db. RFC-2: scheduled on web, then cancelled. RFC-3: on db, waiting for the CAB.
  expect(await h.answer(RITA, 'new "Patch db" category=minor services=db backout=undo start=2027-03-10T20:00:00Z duration=2h')).toMatch(/^Raised RFC-1/);
  await h.answer(RITA, 'submit RFC-1');
  expect(await h.answer(MGR, 'vote RFC-1 approve')).toContain('Recorded your approve vote');
  expect(await h.answer(RITA, 'schedule RFC-1')).toContain('Scheduled RFC-1.');
  expect(await h.answer(RITA, 'new "Deploy web" category=minor services=web backout=undo start=2027-03-12T20:00:00Z duration=1h')).toMatch(/^Raised RFC-2/);
  await h.answer(RITA, 'submit RFC-2');
  await h.answer(MGR, 'vote RFC-2 approve');
  expect(await h.answer(RITA, 'schedule RFC-2')).toContain('Scheduled RFC-2.');
  expect(await h.answer(RITA, 'cancel RFC-2 reason="not needed"')).toContain('RFC-2');
  expect(await h.answer(RITA, 'new "Upgrade db" category=significant services=db backout=undo test="smoke" start=2027-03-20T20:00:00Z duration=1h')).toMatch(
    /^Raised RFC-3/,
  );
  await h.answer(RITA, 'submit RFC-3');
  // RFC-4: minor, waiting for a change manager's approval (no deadline: due an hour before its window).
  expect(await h.answer(RITA, 'new "Tune db" category=minor services=db backout=undo start=2027-03-15T20:00:00Z duration=1h')).toMatch(/^Raised RFC-4/);
  await h.answer(RITA, 'submit RFC-4');

  // REL-1's pilot wave on db, managed by ana.
  expect(await h.answer(ANA, 'release new "Spring rollout" manager=<@UANA|ana>')).toContain('REL-1');
  expect(await h.answer(ANA, 'release wave add REL-1 pilot start=2027-03-25T20:00:00Z duration=2h services=db')).toContain('Planned wave 1');

  // A weekly window for db in Berlin time, and a freeze.
  expect(await h.answer(ADMIN, 'admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h')).toContain('Europe/Berlin');
  expect(await h.answer(ADMIN, 'admin blackout add start=2027-04-01T00:00:00Z end=2027-04-03T00:00:00Z reason="quarter close"')).toContain('blackout');
});
afterAll(() => h.stop());

describe('the feed links in chat', () => {
  it('`/rfc calendar feeds` lists all and mine, made on first use and the same the next time', async () => {
    const answer = await h.answer(RITA, 'calendar feeds');
    expect(answer).toMatch(/^Your calendar feeds: subscribe to a link in Outlook, Google Calendar or Apple Calendar \(personal links/);
    const links = linksIn(answer);
    expect([...links.keys()]).toEqual(['all changes', 'your changes, waves and votes due']);
    for (const url of links.values()) expect(url).toMatch(new RegExp(`^http://localhost:${h.bot.port}/calendar/feeds/[0-9a-f]{64}\\.ics$`));
    expect(linksIn(await h.answer(RITA, 'calendar feeds'))).toEqual(links);
    expect(answer).toContain('`/rfc calendar feeds rotate mine`');
  });

  it('`/rfc calendar service=db` shows 14 days with the maintenance window, and the all, mine and db links', async () => {
    const answer = await h.answer(RITA, 'calendar service=db');
    const lines = answer.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Wednesday 10 March',
      '  RFC-1 Patch db [db] from Wed 10 Mar 20:00 to Wed 10 Mar 22:00 UTC (scheduled)',
      'Maintenance windows for db:',
      '  #1 db: FREQ=WEEKLY;BYDAY=SA;BYHOUR=22 for 240 min (Europe/Berlin); next from Sat 6 Mar 21:00 to Sun 7 Mar 01:00 UTC, 2 times in these 14 days',
    ]);
    expect([...linksIn(answer).keys()]).toEqual(['all changes', 'your changes, waves and votes due', 'changes to db']);
    // The blackout (a month out) shows with days=35.
    expect(await h.answer(RITA, 'calendar days=35')).toContain('Blackout from Thu 1 Apr 00:00 to Sat 3 Apr 00:00 UTC — quarter close');
    expect(await h.answer(RITA, 'calendar service=nosuch')).toContain('There is no service nosuch.');
  });
});

describe('the feeds over HTTP, read by ical.js', () => {
  it('the all feed: every change with a stable UID and its page, the cancelled one cancelled, the wave, the window and the blackout', async () => {
    const all = await fetchFeed(linksIn(await h.answer(RITA, 'calendar feeds')).get('all changes') as string);
    expect(uids(all)).toEqual(
      [
        `blackout-1@${host}`,
        `maintenance-window-1@${host}`,
        `release-REL-1-wave-1@${host}`,
        `rfc-RFC-1@${host}`,
        `rfc-RFC-2@${host}`,
        `rfc-RFC-3@${host}`,
        `rfc-RFC-4@${host}`,
      ].sort(),
    );
    const rfc1 = all.get(`rfc-RFC-1@${host}`) as ParsedEvent;
    expect(rfc1).toMatchObject({
      summary: 'RFC-1 Patch db [db]',
      start: iso('2027-03-10T20:00:00Z'),
      end: iso('2027-03-10T22:00:00Z'),
      status: 'CONFIRMED',
      url: `http://localhost:${h.bot.port}/rfc/RFC-1`,
    });
    expect(all.get(`rfc-RFC-2@${host}`)).toMatchObject({ summary: 'RFC-2 Deploy web [web]', status: 'CANCELLED', start: iso('2027-03-12T20:00:00Z') });
    expect(all.get(`rfc-RFC-3@${host}`)).toMatchObject({ status: 'TENTATIVE', start: iso('2027-03-20T20:00:00Z'), end: iso('2027-03-20T21:00:00Z') });
    expect(all.get(`release-REL-1-wave-1@${host}`)).toMatchObject({
      summary: 'REL-1 wave 1 (pilot) · Spring rollout',
      start: iso('2027-03-25T20:00:00Z'),
      end: iso('2027-03-25T22:00:00Z'),
      status: 'CONFIRMED',
    });
    expect(all.get(`blackout-1@${host}`)).toMatchObject({
      summary: 'Blackout: quarter close',
      start: iso('2027-04-01T00:00:00Z'),
      end: iso('2027-04-03T00:00:00Z'),
    });
  });

  it('the maintenance window is one recurring event in Berlin time, 22:00 local every Saturday across the clock changes', async () => {
    const all = await fetchFeed(linksIn(await h.answer(RITA, 'calendar feeds')).get('all changes') as string);
    const w = all.get(`maintenance-window-1@${host}`) as ParsedEvent;
    expect(w.summary).toBe('Maintenance window: db');
    expect(w.tzid).toBe('Europe/Berlin');
    expect(w.rrule).toBe('FREQ=WEEKLY;BYDAY=SA;BYHOUR=22');
    // The feed starts 30 days back: the first Saturday 22:00 Berlin after 30 January 2027 is 30 January itself.
    expect(w.startText).toBe('2027-01-30T22:00:00');
    expect(w.start).toEqual(iso('2027-01-30T21:00:00Z')); // CET, UTC+1
    expect(w.end.getTime() - w.start.getTime()).toBe(4 * 3_600_000);
    const occ = w.occurrences(40);
    expect(occ).toHaveLength(40);
    for (const o of occ) {
      const local = DateTime.fromJSDate(o, { zone: 'Europe/Berlin' });
      expect([local.weekday, local.hour, local.minute]).toEqual([6, 22, 0]);
    }
    // Summer time (CEST, UTC+2) from 28 March 2027: the instant moves, the wall clock does not.
    expect(occ).toContainEqual(iso('2027-03-27T21:00:00Z'));
    expect(occ).toContainEqual(iso('2027-04-03T20:00:00Z'));
  });

  it('a reschedule (inside the approved window) raises the SEQUENCE of the same UID and moves the times', async () => {
    const url = linksIn(await h.answer(RITA, 'calendar feeds')).get('all changes') as string;
    const before = (await fetchFeed(url)).get(`rfc-RFC-1@${host}`) as ParsedEvent;
    expect(await h.answer(RITA, 'reschedule RFC-1 start=2027-03-10T20:30:00Z duration=1h reason="vendor delay"')).toContain('Rescheduled RFC-1.');
    const after = (await fetchFeed(url)).get(`rfc-RFC-1@${host}`) as ParsedEvent;
    expect(after.sequence).toBeGreaterThan(before.sequence);
    expect(after.start).toEqual(iso('2027-03-10T20:30:00Z'));
    expect(after.end).toEqual(iso('2027-03-10T21:30:00Z'));
    // Fetching again without a change: the same SEQUENCE.
    expect(((await fetchFeed(url)).get(`rfc-RFC-1@${host}`) as ParsedEvent).sequence).toBe(after.sequence);
  });

  it('a maintenance window whose first occurrence in the range moves on (the range follows today) raises its SEQUENCE', async () => {
    const url = linksIn(await h.answer(RITA, 'calendar feeds')).get('all changes') as string;
    const before = (await fetchFeed(url)).get(`maintenance-window-1@${host}`) as ParsedEvent;
    h.clock.current = new Date(NOW.getTime() + 8 * 24 * 3_600_000);
    try {
      const after = (await fetchFeed(url)).get(`maintenance-window-1@${host}`) as ParsedEvent;
      // A later Saturday 22:00 in Berlin: the first one inside the range that now starts 8 days later.
      expect(after.start.getTime()).toBeGreaterThan(before.start.getTime());
      const local = DateTime.fromJSDate(after.start, { zone: 'Europe/Berlin' });
      expect([local.weekday, local.hour]).toEqual([6, 22]);
      expect(after.sequence).toBeGreaterThan(before.sequence);
    } finally {
      h.clock.current = new Date(NOW);
    }
  });

  it('the db feed holds only db: its changes, the wave on db, its window and the blackout; not the web change', async () => {
    const db = await fetchFeed(linksIn(await h.answer(RITA, 'calendar service=db')).get('changes to db') as string);
    expect(uids(db)).toEqual(
      [
        `blackout-1@${host}`,
        `maintenance-window-1@${host}`,
        `release-REL-1-wave-1@${host}`,
        `rfc-RFC-1@${host}`,
        `rfc-RFC-3@${host}`,
        `rfc-RFC-4@${host}`,
      ].sort(),
    );
    const web = await fetchFeed(linksIn(await h.answer(RITA, 'calendar service=web')).get('changes to web') as string);
    expect(uids(web)).toEqual([`blackout-1@${host}`, `rfc-RFC-2@${host}`].sort());
  });

  it('the personal feed: the requester’s changes; votes due (CAB member at the deadline, approver before the window), gone once voted; the release manager’s wave', async () => {
    const rita = await fetchFeed(linksIn(await h.answer(RITA, 'calendar feeds')).get('your changes, waves and votes due') as string);
    expect(uids(rita)).toEqual([`blackout-1@${host}`, `rfc-RFC-1@${host}`, `rfc-RFC-2@${host}`, `rfc-RFC-3@${host}`, `rfc-RFC-4@${host}`].sort());

    const mineOf = async (who: typeof C1) => fetchFeed(linksIn(await h.answer(who, 'calendar feeds')).get('your changes, waves and votes due') as string);
    const cab = await mineOf(C1);
    expect(uids(cab)).toEqual([`blackout-1@${host}`, `vote-RFC-3@${host}`].sort());
    // The CAB vote opened at NOW closes 48 hours later; the event ends then.
    expect(cab.get(`vote-RFC-3@${host}`)).toMatchObject({
      summary: 'Vote due: RFC-3 Upgrade db',
      end: iso('2027-03-03T09:00:00Z'),
      start: iso('2027-03-03T08:30:00Z'),
      url: `http://localhost:${h.bot.port}/rfc/RFC-3`,
    });
    // The change manager is asked to approve the minor RFC-4 (due an hour before its window), not to vote on the CAB's RFC-3.
    const mgr = await mineOf(MGR);
    expect(uids(mgr)).toEqual([`blackout-1@${host}`, `vote-RFC-4@${host}`].sort());
    expect(mgr.get(`vote-RFC-4@${host}`)).toMatchObject({ summary: 'Vote due: RFC-4 Tune db', end: iso('2027-03-15T19:00:00Z') });
    // Ana has no change and no vote, but manages REL-1: its wave.
    expect(uids(await mineOf(ANA))).toEqual([`blackout-1@${host}`, `release-REL-1-wave-1@${host}`].sort());

    expect(await h.answer(C1, 'vote RFC-3 approve')).toContain('Recorded your approve vote');
    expect(uids(await mineOf(C1))).toEqual([`blackout-1@${host}`]);
  });

  it('a wrong token and a rotated one get the same plain 404; the new link works, and the other feeds are untouched', async () => {
    const before = linksIn(await h.answer(RITA, 'calendar feeds'));
    const oldAll = before.get('all changes') as string;
    const rotated = await h.answer(RITA, 'calendar feeds rotate all');
    expect(rotated).toMatch(/^New link made: the old one stops working now/);
    const newAll = linksIn(rotated).get('all changes') as string;
    expect(newAll).not.toBe(oldAll);
    expect([...linksIn(rotated).keys()]).toEqual(['all changes']);

    const wrong = `${base}/calendar/feeds/${'a'.repeat(64)}.ics`;
    const bodies: string[] = [];
    for (const url of [`${base}${new URL(oldAll).pathname}`, wrong, `${base}/calendar/feeds/x.ics`, `${base}${new URL(newAll).pathname.replace('.ics', '')}`]) {
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      bodies.push(await res.text());
    }
    expect(new Set(bodies)).toEqual(new Set(['Not found']));
    expect((await fetchFeed(newAll)).has(`rfc-RFC-1@${host}`)).toBe(true);
    expect((await fetchFeed(before.get('your changes, waves and votes due') as string)).has(`rfc-RFC-1@${host}`)).toBe(true);

    // Rotating everything: every link changes, the old ones stop.
    const all = linksIn(await h.answer(RITA, 'calendar feeds rotate'));
    expect([...all.keys()]).toEqual(['all changes', 'your changes, waves and votes due', 'changes to db', 'changes to web']);
    for (const [label, url] of linksIn(await h.answer(RITA, 'calendar feeds'))) expect(url).toBe(all.get(label));
    expect((await fetch(`${base}${new URL(newAll).pathname}`)).status).toBe(404);
    expect((await fetch(`${base}${new URL(before.get('your changes, waves and votes due') as string).pathname}`)).status).toBe(404);
    expect(await h.answer(RITA, 'calendar feeds rotate service=nosuch')).toContain('There is no service nosuch');
  });
});

describe('feed links in a shared conversation', () => {
  it('are never printed where others read: the answer says to ask in the personal chat', () => {
    const t = testApp();
    try {
      const bob = t.person('bob');
      const run = (text: string, shared: boolean) =>
        execute(t.ctx, bob, parseCommand(text, { platform: 'cli', workspace: '', timezone: 'UTC', now: t.clock.now() }), { platform: 'teams', shared });
      for (const text of ['calendar', 'calendar feeds', 'calendar feeds rotate']) {
        const answer = run(text, true).text ?? '';
        expect(answer).not.toContain('/calendar/feeds/');
        expect(answer).toContain('type `calendar feeds` in your personal chat with me');
      }
      expect(run('calendar', true).text).toMatch(/^No changes in the next 14 days\./);
      expect(run('calendar feeds', false).text).toContain('/calendar/feeds/');
    } finally {
      t.close();
    }
  });
});

describe('the logs', () => {
  it('never hold a feed token: a fetch is logged as the route, not its secret path', () => {
    const requests = h.logs.map((l) => JSON.parse(l) as { msg?: string; url?: string }).filter((l) => l.msg === 'request');
    expect(requests.some((l) => l.url === '/calendar/feeds/:file')).toBe(true);
    expect(h.logs.filter((l) => /[0-9a-f]{64}\.ics/.test(l))).toEqual([]);
  });
});
