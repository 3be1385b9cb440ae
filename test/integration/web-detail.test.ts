/**
 * Issue 13 item 3: the detail pages `/rfc/RFC-n` and `/release/REL-n` over real HTTP, on the
 * real bot with real Bolt and a fake Slack Web API. A CAB member signs in from Slack, reads an
 * RFC awaiting votes (fields, conflicts, change log with old and new values) and votes on the
 * page: the vote is stored (read back with `/rfc show` in Slack) and the CAB card in Slack is
 * updated in place, as after a click there. Forms without their token, and presses the use case
 * refuses, change nothing. A release's readiness item is ticked on its page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/app/admin.js';
import { addService } from '../../src/app/catalogue.js';
import { loadActor } from '../../src/app/context.js';
import { type Bot, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { type SlackHarness, slackHarness, SECRET, slackTestEnv } from '../support/slack-harness.js';
import { SlackSender, slashCommand } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';
import { TeamsClient, channel, user } from '../support/teams-activities.js';
import { cardText, cardsOf } from '../support/teams-cards.js';
import { type FakeConnector, startFakeConnector } from '../support/teams-connector.js';
import { WebClient, type WebResponse, csrfIn, linkIn } from '../support/web.js';
import { readWeb, readWebRelease } from '../support/web-card-reader.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const REQ = { team: T, user: 'UREQ', name: 'rita' };
const C1 = { team: T, user: 'UC1', name: 'cab1' };
const C2 = { team: T, user: 'UC2', name: 'cab2' };
const C3 = { team: T, user: 'UC3', name: 'cab3' };
const OUTSIDER = { team: T, user: 'UOUT', name: 'olly' };
const RM = { team: T, user: 'URM', name: 'remy' };
const H = 3_600_000;

let h: SlackHarness;
let base: string;

async function run(who: typeof ADMIN, text: string, command = '/rfc'): Promise<string> {
  const name = `web-detail-${Math.random().toString(36).slice(2)}`;
  const ack = await h.sender.send(slashCommand(who, text, { responseUrl: h.fake.responseUrl(name), command, channel: 'CGENERAL' }));
  expect(ack.status).toBe(200);
  return String((await h.fake.waitForResponse((x) => x.name === name)).body.text);
}

/** Signed in on the web as `who`, through the link `/rfc web` answers with in Slack. */
async function signedIn(who: typeof ADMIN): Promise<WebClient> {
  const web = new WebClient(base);
  expect((await web.signIn(linkIn(await h.answer(who, 'web')))).status).toBe(303);
  return web;
}

/** Follows a form's 303 back to the page. */
async function follow(web: WebClient, res: WebResponse): Promise<WebResponse> {
  expect(res.status).toBe(303);
  return web.get(res.headers.get('location') as string);
}

const json = (x: unknown) => JSON.stringify(x ?? '');
let cabCard = { channel: 'CCAB', ts: '' };
let when = '';

beforeAll(async () => {
  h = await slackHarness({
    fake: { teamId: T, users: { UC1: { tz: 'Europe/London' }, UREQ: { tz: 'UTC' } } },
    env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN` },
  });
  base = `http://127.0.0.1:${h.bot.port}`;
  for (const u of ['UC1', 'UC2', 'UC3']) expect(await run(ADMIN, `admin grant <@${u}|x> cab`)).toContain('Granted cab');
  expect(await run(ADMIN, 'admin grant <@URM|remy> release-manager')).toContain('Granted release-manager');
  expect(await run(ADMIN, 'admin service add db')).toContain('Added service db');
  const start = new Date(Math.ceil(h.clock.now().getTime() / H) * H + 3 * 24 * H);
  when = start.toISOString().slice(0, 16).replace('T', ' ');
  // RFC-1 and RFC-2 change db at the same time: RFC-2's page shows the conflict.
  expect(await run(REQ, `new "Patch db01" category=significant services=db backout=restore test=smoke start="${when}" duration=2h`)).toContain('RFC-1');
  expect(await run(REQ, 'submit RFC-1')).toContain('RFC-1');
  for (const who of [C1, C2, C3]) expect(await run(who, 'vote RFC-1 approve')).toContain('RFC-1');
  expect(await run(REQ, 'schedule RFC-1')).toBe('Scheduled RFC-1.');
  expect(
    await run(REQ, `new "Tune db <pool> & cache" category=significant services=db backout=x test=smoke justification="Latency" start="${when}" duration=1h`),
  ).toContain('RFC-2');
  expect(await run(REQ, 'edit RFC-2 backout="Restore the snapshot taken before"')).toContain('RFC-2');
  expect(await run(REQ, 'submit RFC-2')).toContain('RFC-2');
  const post = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB' && json(c.args.blocks).includes('RFC-2'));
  cabCard = { channel: 'CCAB', ts: String(post.response.ts) };
});
afterAll(() => h.stop());

describe('the RFC page', () => {
  it('shows a CAB member every field, the conflict with what it needs, and the change log with old and new values', async () => {
    const web = await signedIn(C1);
    const res = await web.get('/rfc/RFC-2');
    expect(res.status).toBe(200);
    const card = readWeb(res.text);
    expect(card.problems).toEqual([]);
    expect(card.heading).toBe('RFC-2 Tune db <pool> & cache');
    expect(res.text).toContain('Tune db &lt;pool&gt; &amp; cache');
    expect(Object.fromEntries(card.facts)).toMatchObject({
      State: 'Awaiting approval',
      Category: 'significant',
      Services: 'db',
      Requester: `slack:${T}/UREQ`,
      Owner: `slack:${T}/UREQ`,
    });
    expect(card.facts.map(([l]) => l)).toContain('Window');
    expect(card.facts.map(([l]) => l)).toContain('Vote deadline');
    expect(card.sections).toEqual([
      ['Business justification', 'Latency'],
      ['Backout plan', 'Restore the snapshot taken before'],
      ['Test plan', 'smoke'],
    ]);
    expect(card.buttons).toEqual(['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']);
    // The conflict: with RFC-1, what it needs, and a link to it.
    expect(res.text).toMatch(
      /<span class="conflict">RFC-1 \(Patch db01\) also changes db [^<]+<\/span> <span class="needs">\(needs a change manager’s acknowledgement\)<\/span> <a href="\/rfc\/RFC-1">open RFC-1<\/a>/,
    );
    // The edit, with the old and the new backout plan in full.
    expect(res.text).toContain(
      '<li data-field="backout"><strong>backout</strong>: <del class="old">“x”</del> → <ins class="new">“Restore the snapshot taken before”</ins></li>',
    );
    expect(res.text).toMatch(/<tr data-action="submit">/);
    expect(res.text).toContain('You have not voted yet.');
    expect(res.text).toContain('No votes yet.');
    expect(res.text).toContain('Times in Europe/London.');
  });

  it('records a vote cast on the page, as a click in Slack would, and updates the Slack card in place', async () => {
    const web = await signedIn(C1);
    const page = await web.get('/rfc/RFC-2');
    const before = h.fake.callsTo('chat.update').filter((c) => c.args.ts === cabCard.ts).length;
    const res = await web.post('/rfc/RFC-2/actions/rfc_vote_approve', { _csrf: csrfIn(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/rfc/RFC-2');
    const after = await follow(web, res);
    expect(after.text).toContain('<p class="notice good" role="status">Recorded your approve vote on RFC-2. Waiting for 2 more CAB votes (quorum 3).</p>');
    expect(after.text).toMatch(
      /<tr data-voter="slack:T1\/UC1"><td><span class="person" data-person="slack:T1\/UC1">[^<]*<\/span><\/td><td class="choice">approve<\/td><td>CAB<\/td>/,
    );
    expect(after.text).toContain('Your vote: approve');
    expect(readWeb(after.text).buttons).toEqual(['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']);
    // Stored: Slack's /rfc show reads it back.
    expect(await run(REQ, 'show RFC-2')).toContain('1 approve · 0 reject · 0 abstain');
    // The CAB card in Slack: the same message, updated, showing the vote.
    const update = await h.fake.waitFor('chat.update', (c) => c.args.ts === cabCard.ts && json(c.args.blocks).includes('1 approve · 0 reject · 0 abstain'));
    expect(update.args.channel).toBe('CCAB');
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === cabCard.ts).length).toBeGreaterThan(before);
    expect(json(h.fake.message('CCAB', cabCard.ts)?.blocks)).toContain('<@UC1>');
    // Counted in /metrics like a click in chat, as a web command.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^changebot_commands_total\{platform="web",verb="vote",outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^changebot_votes_total\{choice="approve"\} [1-9]/m);
    // A reload shows no outcome: it was shown once, after the redirect. Nor can an address put
    // words into the notice: it is not read from the address at all.
    expect((await web.get('/rfc/RFC-2?done=Your+vote+was+lost')).text).not.toContain('role="status"');
    expect((await web.get('/rfc/RFC-2')).text).not.toContain('role="status"');
  });

  it('refuses a form without its token (403) and records nothing', async () => {
    const web = await signedIn(C2);
    const res = await web.post('/rfc/RFC-2/actions/rfc_vote_reject', {});
    expect(res.status).toBe(403);
    expect(res.text).toContain('security token is missing or wrong');
    const forged = await web.post('/rfc/RFC-2/actions/rfc_vote_reject', { _csrf: 'not-the-token' });
    expect(forged.status).toBe(403);
    const data = (await (await fetch(`${base}/rfc/RFC-2`, { headers: { accept: 'application/json', cookie: web.cookie as string } })).json()) as {
      votes: { voter: string }[];
    };
    expect(data.votes.map((v) => v.voter)).toEqual([`slack:${T}/UC1`]);
    expect(await run(REQ, 'show RFC-2')).toContain('1 approve · 0 reject · 0 abstain');
  });

  it('gives someone without the role no vote buttons, and the use case refuses their forged press (403)', async () => {
    const web = await signedIn(OUTSIDER);
    const page = await web.get('/rfc/RFC-2');
    expect(page.status).toBe(200);
    expect(readWeb(page.text).buttons).toEqual(['rfc_details']);
    expect(page.text).not.toContain('/actions/rfc_vote_');
    const res = await web.post('/rfc/RFC-2/actions/rfc_vote_approve', { _csrf: csrfIn(page.text) });
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/CAB/);
    expect(await run(REQ, 'show RFC-2')).toContain('1 approve · 0 reject · 0 abstain');
  });

  it('answers JSON with the view model when asked', async () => {
    const web = await signedIn(C3);
    const res = await web.get('/rfc/RFC-2', { accept: 'application/json' });
    expect(res.status).toBe(200);
    const data = JSON.parse(res.text) as {
      rfc: { key: string; state: string; title: string };
      card: { buttons: { action: string }[] };
      votes: { voter: string; choice: string; capacity: string }[];
      conflicts: { otherRfcKey: string; needs: string }[];
      log: { action: string; line: string }[];
    };
    expect(data.rfc).toMatchObject({ key: 'RFC-2', state: 'awaiting_approval', title: 'Tune db <pool> & cache' });
    expect(data.card.buttons.map((b) => b.action)).toEqual(['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']);
    expect(data.votes).toMatchObject([{ voter: `slack:${T}/UC1`, choice: 'approve', capacity: 'cab' }]);
    expect(data.conflicts).toMatchObject([{ otherRfcKey: 'RFC-1', needs: 'ack' }]);
    expect(data.log.map((r) => r.action).slice(0, 3)).toEqual(['raise', 'edit', 'submit']);
  });

  it('says there is no such RFC (404), as a page or JSON', async () => {
    const web = await signedIn(C3);
    const missing = await web.get('/rfc/RFC-999');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('There is no RFC-999.');
    const garbage = await web.get('/rfc/banana');
    expect(garbage.status).toBe(404);
    expect(garbage.text).toContain('RFC keys look like RFC-12');
    const asJson = await web.get('/rfc/RFC-999', { accept: 'application/json' });
    expect(asJson.status).toBe(404);
    expect(JSON.parse(asJson.text)).toMatchObject({ ok: false, code: 'not_found' });
    const press = await web.post('/rfc/RFC-999/actions/rfc_vote_approve', { _csrf: csrfIn((await web.get('/rfc/RFC-2')).text) });
    expect(press.status).toBe(404);
  });

  it('sends a visitor to sign in (401) and brings them back to the page after', async () => {
    const res = await fetch(`${base}/rfc/RFC-2`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toContain('Sign in to changebot');
    expect(text).toContain('data-next="/rfc/RFC-2"');
    expect(text).not.toContain('Tune db');
    const next = res.headers.getSetCookie().find((c) => c.startsWith('changebot_next='));
    expect(next).toMatch(/HttpOnly/i);
    // The same browser opens the link from chat: it lands on the page it asked for.
    const link = new URL(linkIn(await h.answer(C3, 'web')));
    const cookie = (next as string).split(';')[0] as string;
    const shown = await fetch(new URL(link.pathname + link.search, base), { headers: { cookie } });
    const form = await shown.text();
    expect(form).toContain('name="next" value="/rfc/RFC-2"');
    const token = /name="token" value="([^"]+)"/.exec(form)?.[1] as string;
    const web = new WebClient(base);
    const done = await web.post('/signin', { token, next: '/rfc/RFC-2' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/rfc/RFC-2');
    expect(done.headers.getSetCookie().some((c) => /^changebot_next=;/.test(c))).toBe(true);
    expect((await web.get('/rfc/RFC-2')).status).toBe(200);
    // JSON clients are told to sign in, without a page.
    const api = await fetch(`${base}/rfc/RFC-2`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it('reschedules from the page with a start and a duration, through the same use case', async () => {
    // RFC-1 was approved and scheduled by its owner (beforeAll): a week later now.
    const start = new Date(Date.parse(`${when.replace(' ', 'T')}:00Z`) + 7 * 24 * H);
    const web = await signedIn(REQ);
    const page = await web.get('/rfc/RFC-1');
    expect(readWeb(page.text).buttons).toContain('rfc_reschedule');
    const csrf = csrfIn(page.text);
    const bad = await web.post('/rfc/RFC-1/actions/rfc_reschedule', { _csrf: csrf, start: 'next blursday', duration: '2h' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Can&#39;t read start=&quot;next blursday&quot;. Use 2026-12-05 22:00');
    const missing = await web.post('/rfc/RFC-1/actions/rfc_reschedule', { _csrf: csrf, start: '2026-12-20T22:00' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('how long it takes (e.g. 2h)');
    const later = new Date(start.getTime() + 24 * H);
    const local = later.toISOString().slice(0, 16);
    const res = await web.post('/rfc/RFC-1/actions/rfc_reschedule', { _csrf: csrf, start: local, duration: '90m', reason: 'vendor asked' });
    const after = await follow(web, res);
    // Outside the approved window: the use case sends it back to the CAB, and says so.
    expect(after.text).toMatch(/<p class="notice good" role="status">RFC-1&#39;s new window \(from [^)]+\) is outside the one it was approved for/);
    const data = JSON.parse((await web.get('/rfc/RFC-1', { accept: 'application/json' })).text) as {
      rfc: { state: string; windowAt: { start: string; end: string } };
    };
    expect(data.rfc.state).toBe('awaiting_approval');
    expect(data.rfc.windowAt).toEqual({ start: later.toISOString(), end: new Date(later.getTime() + 90 * 60_000).toISOString() });
  });
});

describe('the release page', () => {
  it('shows the checklist with Tick forms to the release manager, and a tick on the page is recorded', async () => {
    expect(await run(RM, 'new "Winter <platform>" goal="new db" channel=<#CREL|rel>', '/release')).toContain('REL-1');
    expect(await run(RM, 'plan REL-1 order="pilot first" training="none needed" communications="status page" backout="redeploy"', '/release')).toContain(
      'REL-1',
    );
    expect(await run(RM, 'phase REL-1', '/release')).toContain('building');
    expect(await run(RM, 'phase REL-1', '/release')).toContain('acceptance testing');
    const web = await signedIn(RM);
    const page = await web.get('/release/REL-1');
    expect(page.status).toBe(200);
    const card = readWebRelease(page.text);
    expect(card.problems).toEqual([]);
    expect(card.heading).toBe('REL-1 Winter <platform>');
    expect(Object.fromEntries(card.facts)).toMatchObject({ Phase: 'acceptance testing', 'Release manager': `slack:${T}/URM` });
    expect(card.readiness[0]).toEqual(['deployment order to the target group: open', 'deployment-order']);
    expect(page.text).toContain('<tr data-action="release-plan">');
    const res = await web.post('/release/REL-1/actions/release_tick', { _csrf: csrfIn(page.text), arg: 'deployment-order' });
    expect(res.status).toBe(303);
    const after = await follow(web, res);
    expect(after.text).toContain('role="status"');
    expect(readWebRelease(after.text).readiness[0]).toEqual([`deployment order to the target group: ticked by slack:${T}/URM`, null]);
    expect(await run(RM, 'show REL-1', '/release')).toContain(`ticked by slack:${T}/URM`);
    // The status message in the release's channel follows.
    const status = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CREL' && !c.args.thread_ts);
    await h.fake.waitFor('chat.update', (c) => c.args.ts === status.response.ts && json(c.args.blocks).includes('ticked by'));
    // An item that is no readiness item is refused with what to do.
    const wrong = await web.post('/release/REL-1/actions/release_tick', { _csrf: csrfIn(after.text), arg: 'coffee' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('names no readiness item');
    expect((await web.get('/release/REL-77')).status).toBe(404);
  });

  it('refuses a tick from someone not on the release (403), and one without the token', async () => {
    const web = await signedIn(OUTSIDER);
    const page = await web.get('/release/REL-1');
    expect(readWebRelease(page.text).readiness.every(([, tick]) => tick === null)).toBe(true);
    expect((await web.post('/release/REL-1/actions/release_tick', { _csrf: csrfIn(page.text), arg: 'training' })).status).toBe(403);
    expect((await web.post('/release/REL-1/actions/release_tick', { arg: 'training' })).status).toBe(403);
    expect(readWebRelease((await web.get('/release/REL-1')).text).readiness.find(([line]) => line.startsWith('training'))?.[0]).toMatch(/: open$/);
  });
});

describe('a vote on the web, with Teams on too', () => {
  let dir: string;
  let slack: FakeSlack;
  let connector: FakeConnector;
  let bot: Bot;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'changebot-web-teams-'));
    slack = await FakeSlack.start({ teamId: T });
    connector = await startFakeConnector();
    const teamsAdmin = user('admin');
    const config = loadConfig(slackTestEnv(dir, slack.url, { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `teams:${teamsAdmin.aadObjectId}` }));
    bot = await startBot(config, { components: [slackComponent, createTeamsComponent({ unauthenticated: 'always' })] });
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
    await connector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('updates the Teams CAB card through the connector', async () => {
    const teams = new TeamsClient(`http://127.0.0.1:${bot.port}`, connector.url);
    const sender = new SlackSender(`http://127.0.0.1:${bot.port}/slack/events`, SECRET);
    const admin = user('admin');
    const cabRoom = channel('cab', '19:general@thread.tacv2');
    expect((await teams.post(teams.message(admin, cabRoom, 'rfc admin cab-channel'))).status).toBe(200);
    await connector.waitFor((c) => c.conversationId === cabRoom.id && String(c.body.text).startsWith('CAB voting cards will be posted'));
    let n = 0;
    const say = async (who: typeof ADMIN, text: string) => {
      const name = `teams-web-${++n}`;
      expect((await sender.send(slashCommand(who, text, { responseUrl: slack.responseUrl(name) }))).status).toBe(200);
      return String((await slack.waitForResponse((x) => x.name === name)).body.text);
    };
    const root = loadActor(bot.app, `teams:${admin.aadObjectId}`);
    grantRole(bot.app, root, { person: `slack:${T}/UC1`, role: 'cab' });
    grantRole(bot.app, root, { person: `slack:${T}/UC2`, role: 'cab' });
    addService(bot.app, root, { name: 'web' });
    expect(await say(REQ, `new "Patch web01" category=significant services=web backout="redeploy 1.0" test=smoke start="${when}" duration=1h`)).toContain(
      'RFC-1',
    );
    expect(await say(REQ, 'submit RFC-1')).toContain('RFC-1');
    const posted = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === cabRoom.id && cardsOf(c.body).length > 0);

    const web = new WebClient(`http://127.0.0.1:${bot.port}`);
    expect((await web.signIn(linkIn(await say(C1, 'web')))).status).toBe(303);
    const page = await web.get('/rfc/RFC-1');
    expect((await web.post('/rfc/RFC-1/actions/rfc_vote_approve', { _csrf: csrfIn(page.text) })).status).toBe(303);
    const update = await connector.waitFor((c) => c.kind === 'update' && c.activityId === posted.id && cardText(cardsOf(c.body)[0]).includes('1 approve'));
    expect(cardText(cardsOf(update.body)[0])).toContain('cab1: approve');
  });
});
