/**
 * Issue 10's walk through Microsoft Teams: Bot Framework activities posted over HTTP to the
 * running bot (no credentials), a fake Bot Connector recording what it sends and updates. A
 * release of two RFCs goes from planning to closed, typed as `release ...` messages and clicked
 * on its status message (Next phase, Tick, Go, Start wave, Wave done, Wave failed). The status
 * message is posted once in the release's channel and then only updated; decisions reply to it.
 * Every Adaptive Card the bot sends or answers with is validated (test/support/teams-cards.ts).
 */
import { unescapeMd } from '../support/card-readers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRelease } from '../../src/db/repos/releases.js';
import { findRfc } from '../../src/db/repos/rfcs.js';
import { RELEASE_ACTIONS } from '../../src/domain/actions.js';
import { type TeamsClient, type TeamsConversation, type TeamsUser, channel, personal, user } from '../support/teams-activities.js';
import { ADMIN_AAD, type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';
import { assertValidCard, cardText, cardsOf } from '../support/teams-cards.js';
import type { ConnectorCall } from '../support/teams-connector.js';

const TEAM = '19:general@thread.tacv2';
const general: TeamsConversation = { id: TEAM, type: 'channel', teamId: TEAM };
const rel = channel('releases', TEAM);
const admin: TeamsUser = { id: '29:admin', name: 'Ada Admin', aadObjectId: ADMIN_AAD };
const rita = user('rita');
const carl = user('carl');
const olga = user('olga');
const tess = user('tess');
const ana = user('ana');
const bob = user('bob');
const SHA_API = '6d1f0e2c9a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e';
const SHA_DB = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

let h: TeamsHarness;
let t: TeamsClient;
/** The status message's activity id in the release channel. */
let statusId = '';

type Card = Record<string, unknown>;
type InvokeBody = { statusCode: number; type: string; value: Card };

const mention = (u: TeamsUser) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId });

/** Types a message; resolves with the bot's reply to it (text and card). */
async function say(from: TeamsUser, conv: TeamsConversation, text: string, mentions: TeamsUser[] = []): Promise<{ text: string; card?: Card }> {
  const activity = t.message(from, conv, text, mentions.map(mention));
  const since = h.connector.calls.length;
  expect((await t.post(activity)).status).toBe(200);
  const reply = await h.connector.waitFor((c) => c.conversationId === conv.id && c.kind === 'reply' && c.activityId === activity.id, { from: since });
  const [card] = cardsOf(reply.body);
  if (card) assertValidCard(card);
  return { text: unescapeMd(String(reply.body.text ?? '')), ...(card ? { card } : {}) };
}

/** Clicks an Action.Execute button; resolves with the card the bot answers with. */
async function click(from: TeamsUser, conv: TeamsConversation, button: { verb: string; data: Card }, onCard?: string): Promise<string> {
  const res = await t.post(t.action(from, conv, button.verb, button.data, onCard));
  expect(res.status).toBe(200);
  const body = res.body as InvokeBody;
  // The shared status message is answered to the clicker alone, as a message: the card stays for everyone.
  if (button.data.card === 'status') {
    expect(body.type).toBe('application/vnd.microsoft.activity.message');
    return String(body.value);
  }
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  assertValidCard(body.value);
  return cardText(body.value);
}

/** Every Action.Execute on a card (action bar and checklist rows). */
function buttons(card: unknown): { title: string; verb: string; data: Card }[] {
  const out: { title: string; verb: string; data: Card }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') out.push({ title: String(o.title), verb: o.verb, data: (o.data ?? {}) as Card });
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return out;
}

function button(card: unknown, verb: string, arg?: string): { verb: string; data: Card } {
  const b = buttons(card).find((x) => x.verb === verb && (arg === undefined || x.data.arg === arg));
  if (!b) throw new Error(`no ${verb}${arg ? ` ${arg}` : ''} button on:\n${cardText(card)}`);
  return b;
}

/** The status message as updated since call `from`, once it satisfies `pred`. */
async function statusWhere(from: number, pred: (card: Card) => boolean): Promise<Card> {
  const c = await h.connector.waitFor(
    (c) => c.conversationId === rel.id && c.kind === 'update' && c.activityId === statusId && pred(cardsOf(c.body)[0] as Card),
    {
      from,
    },
  );
  return cardsOf(c.body)[0] as Card;
}

/** The status message as updated since call `from` to show `words`. */
const statusShowing = (from: number, words: string): Promise<Card> => statusWhere(from, (card) => cardText(card).includes(words));

const ticks = (card: Card) => buttons(card).filter((b) => b.verb === RELEASE_ACTIONS.tick).length;

/** A click on the status message, by `who`, on the button the message carries now. */
async function clickStatus(who: TeamsUser, card: Card, verb: string, arg?: string): Promise<string> {
  const b = button(card, verb, arg);
  expect(b.data).toMatchObject({ key: 'REL-1', card: 'status' });
  return click(who, rel, b, statusId);
}

/** A reply in the status message's thread, since call `from`, with these words. */
function threadReply(from: number, words: string): Promise<ConnectorCall> {
  return h.connector.waitFor((c) => c.conversationId === rel.id && c.kind === 'reply' && c.activityId === statusId && String(c.body.text).includes(words), {
    from,
  });
}

beforeAll(async () => {
  h = await startTeamsHarness();
  t = h.client;
  h.clock.current = new Date('2031-12-01T09:00:00Z');
});

afterAll(async () => {
  if (h) {
    for (const c of h.connector.calls) for (const card of cardsOf(c.body)) assertValidCard(card);
    await h.close();
  }
});

describe('a release through Teams, planning to closed', () => {
  it('sets up: the bot installed, roles granted by an admin, services, two approved RFCs', async () => {
    expect((await t.post(t.installed(admin, general))).status).toBe(200);
    expect((await t.post(t.installed(admin, rel))).status).toBe(200);
    for (const u of [admin, rita, carl, olga, tess, ana, bob]) expect((await t.post(t.installationUpdate(u, personal(u)))).status).toBe(200);
    for (const [u, role] of [
      [rita, 'release-manager'],
      [carl, 'change-manager'],
      [olga, 'change-manager'],
    ] as const) {
      expect((await say(admin, general, `rfc admin grant <at>${u.name}</at> ${role}`, [u])).text).toBe(`Granted ${role} to teams:${u.aadObjectId}.`);
    }
    expect((await say(admin, general, 'rfc admin service add api')).text).toBe('Added service api.');
    expect((await say(admin, general, 'rfc admin service add db')).text).toBe('Added service db.');
    const one = await say(
      ana,
      personal(ana),
      'rfc new "API 4.2" category=minor services=api backout="redeploy 4.1" test="smoke tests" start="2031-12-06 22:00" duration=6h',
    );
    expect(one.text).toMatch(/^Raised RFC-1 “API 4.2” as a draft/);
    const two = await say(
      bob,
      personal(bob),
      'rfc new "DB pool tuning" category=minor services=db backout="old pool size" test="load test" start="2031-12-06 22:00" duration=6h',
    );
    expect(two.text).toMatch(/^Raised RFC-2 “DB pool tuning” as a draft/);
    await say(ana, personal(ana), 'rfc submit RFC-1');
    await say(bob, personal(bob), 'rfc submit RFC-2');
    for (const key of ['RFC-1', 'RFC-2']) expect((await say(carl, personal(carl), `rfc approve ${key}`)).text).toContain(`${key} is approved`);
  });

  it('opens the release in its channel; the status message is posted there once', async () => {
    const since = h.connector.calls.length;
    const opened = await say(rita, rel, 'release new "December platform" goal="API 4.2 with its DB tuning" target=2031-12-06 channel=here');
    expect(opened.text).toBe('Opened REL-1 “December platform” in planning. Add approved RFCs to it and write its release plan.');
    // The reply carries the release card as rita sees it.
    expect(cardText(opened.card)).toContain('REL-1 December platform');
    expect(cardText(opened.card)).toContain(`Status channels: Teams ${rel.id}`);
    const post = await h.connector.waitFor((c) => c.conversationId === rel.id && c.kind === 'send', { from: since });
    expect(cardText(cardsOf(post.body)[0])).toContain('REL-1 December platform');
    statusId = post.id as string;
    expect(findRelease(h.bot.database.db, 'REL-1')?.channels.teams).toBe(rel.id);

    expect((await say(rita, rel, 'release team REL-1 testing=<at>tess</at>', [tess])).text).toBe('Updated testing coordinator of REL-1.');
    expect((await say(rita, rel, 'release add REL-1 RFC-1')).text).toBe('Added RFC-1 “API 4.2” to REL-1.');
    expect((await say(rita, rel, 'release add REL-1 RFC-2')).text).toBe('Added RFC-2 “DB pool tuning” to REL-1.');
  });

  it('plans and builds the package of two artifacts, moved on with Next phase on the status message', async () => {
    const refused = await say(rita, rel, 'release phase REL-1');
    expect(refused.text).toMatch(/^REL-1 can't leave planning without a release plan\. Missing: the deployment order/);
    const since = h.connector.calls.length;
    expect(
      (
        await say(
          rita,
          rel,
          'release plan REL-1 order="pilot on api, then db" training="support briefed" communications="status page and email" backout="redeploy 4.1, old pool size"',
        )
      ).text,
    ).toBe('Updated the deployment order, training needs, communications plan, backout plan of REL-1.');
    const planned = await statusWhere(since, (card) => buttons(card).some((b) => b.verb === RELEASE_ACTIONS.phase));
    expect(await clickStatus(rita, planned, RELEASE_ACTIONS.phase)).toContain('REL-1 moved to building.');
    expect(findRelease(h.bot.database.db, 'REL-1')?.phase).toBe('building');

    const bad = await say(rita, rel, 'release package REL-1 artifact=db-tuning version=1 sha256=0123456789abcdef');
    expect(bad.text).toMatch(/^sha256 must be 64 hexadecimal digits/);
    expect((await say(rita, rel, `release package REL-1 artifact=api version=4.2.0 sha256=${SHA_API} link=https://dsl.example/api-4.2.0.tgz`)).text).toBe(
      "Updated artifact api in REL-1's package.",
    );
    const since2 = h.connector.calls.length;
    expect((await say(rita, rel, `release package REL-1 artifact=db-tuning version=1 sha256=${SHA_DB}`)).text).toBe(
      "Updated artifact db-tuning in REL-1's package.",
    );
    expect((await say(rita, rel, 'release package REL-1 install="helm upgrade api 4.2.0" removal="helm rollback api"')).text).toBe(
      "Updated install procedure, removal procedure in REL-1's package.",
    );
    const built = await statusShowing(since2, 'Package: 2 artifacts, open');
    expect(await clickStatus(rita, built, RELEASE_ACTIONS.phase)).toContain('REL-1 moved to acceptance testing.');
  });

  it('records test results and sign-offs, plans a pilot and a second wave, then reviews readiness with Tick', async () => {
    expect((await say(tess, rel, 'release test REL-1 "load test" pass note="2x peak"')).text).toBe('Recorded “load test” as passed for REL-1.');
    for (const [c, label] of [
      ['operations', 'operations'],
      ['security', 'security'],
      ['support', 'support'],
      ['service-level', 'service level'],
    ]) {
      expect((await say(bob, rel, `release signoff REL-1 ${c}`)).text).toBe(`Signed off ${label} for REL-1.`);
    }
    expect((await say(rita, rel, 'release wave add REL-1 pilot start="2031-12-06 22:00" duration=1h services=api')).text).toBe(
      'Planned wave 1 (the pilot) of REL-1: from Sat 6 Dec 22:00 to Sat 6 Dec 23:00 GMT, api.',
    );
    const since = h.connector.calls.length;
    expect((await say(rita, rel, 'release wave add REL-1 start="2031-12-07 00:00" duration=2h')).text).toBe(
      'Planned wave 2 of REL-1: from Sun 7 Dec 00:00 to Sun 7 Dec 02:00 GMT, api, db.',
    );
    const tested = await statusShowing(since, 'Wave 2');
    expect(cardText(tested)).toContain('Sign-offs: operations');
    const since2 = h.connector.calls.length;
    expect(await clickStatus(rita, tested, RELEASE_ACTIONS.phase)).toContain('REL-1 moved to readiness review.');
    let status = await statusShowing(since2, 'Phase: readiness review');
    // Ten items ticked on the status message's checklist; related changes stays open.
    const items = ['deployment-order', 'business-alignment', 'deployment-plans', 'action-ownership', 'target-group-issues'];
    items.push('plans-signed-off', 'resources', 'communications', 'training', 'production-ready');
    for (const [i, item] of items.entries()) {
      const from = h.connector.calls.length;
      const answer = await clickStatus(rita, status, RELEASE_ACTIONS.tick, item);
      expect(answer).toContain(`${10 - i} item(s) still open`);
      status = await statusWhere(from, (card) => ticks(card) === 10 - i);
    }
    expect(
      buttons(status)
        .filter((b) => b.verb === RELEASE_ACTIONS.tick)
        .map((b) => b.data.arg),
    ).toEqual(['related-changes']);
    expect(buttons(status).some((b) => b.verb === RELEASE_ACTIONS.go)).toBe(false);
  });

  it('refuses go while an item is open, naming it; go by the release manager and a change manager, clicked', async () => {
    const refused = await say(rita, rel, 'release go REL-1');
    expect(refused.text).toBe("REL-1 can't be given go yet:\n\n• open: related changes approved");
    const since = h.connector.calls.length;
    expect((await say(tess, rel, 'release tick REL-1 related-changes na="no related changes"')).text).toBe(
      'Marked not applicable: related changes approved (REL-1). Every readiness item is done.',
    );
    const ready = await statusWhere(since, (card) => buttons(card).some((b) => b.verb === RELEASE_ACTIONS.go));
    expect(ticks(ready)).toBe(0);
    expect(await clickStatus(rita, ready, RELEASE_ACTIONS.go)).toContain(
      'Recorded your go for REL-1 as release manager. Still needed: a change manager other than the release manager.',
    );
    const since2 = h.connector.calls.length;
    const half = await statusShowing(since2, 'Go: release manager');
    expect(await clickStatus(carl, half, RELEASE_ACTIONS.go)).toContain('REL-1 is go: it moves to deployment and its package is frozen.');
    const decided = await threadReply(since2, 'REL-1');
    expect(decided.body.text).toBe('Release decision on REL-1 “December platform”: go: the readiness review passed. It is now in deployment.');
    await statusShowing(since2, 'Phase: deployment');
    expect(findRelease(h.bot.database.db, 'REL-1')?.phase).toBe('deployment');
  });

  it('refuses the pilot until its backout is proven, then runs it from the status message', async () => {
    h.clock.current = new Date('2031-12-06T22:05:00Z');
    const refused = await say(rita, rel, 'release wave start REL-1 1');
    expect(refused.text).toBe(
      "The pilot of REL-1 can't start: the backout procedure is not yet recorded as proven in test; no change manager has approved the pilot.",
    );
    expect((await say(tess, rel, 'release pilot REL-1 proven note="rehearsed the backout in test"')).text).toBe(
      "Recorded REL-1's backout procedure as proven in test.",
    );
    const since = h.connector.calls.length;
    expect((await say(carl, rel, 'release pilot REL-1 approve')).text).toBe('Approved piloting REL-1 in production.');
    const second = await say(rita, rel, 'release wave start REL-1 2');
    expect(second.text).toBe('Wave 2 of REL-1 can start only after wave 1 (the pilot) is signed off successful; it is planned.');
    const startable = await statusWhere(since, (card) => buttons(card).some((b) => b.verb === RELEASE_ACTIONS.waveStart));
    expect(buttons(startable).find((b) => b.verb === RELEASE_ACTIONS.waveStart)).toMatchObject({ title: 'Start wave 1', data: { arg: '1' } });
    const since2 = h.connector.calls.length;
    expect(await clickStatus(rita, startable, RELEASE_ACTIONS.waveStart, '1')).toContain('Wave 1 (the pilot) of REL-1 started. RFC-1, RFC-2 now implementing.');
    const deploying = await statusWhere(since2, (card) => buttons(card).some((b) => b.verb === RELEASE_ACTIONS.waveDone));
    expect(buttons(deploying).map((b) => b.title)).toEqual(expect.arrayContaining(['Wave 1 done', 'Wave 1 failed']));
    expect(await clickStatus(rita, deploying, RELEASE_ACTIONS.waveDone, '1')).toContain('Wave 1 of REL-1 is successful.');
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('implementing');
  });

  it('starts the second wave in its window, and backs it out: recorded, and replied to the status message', async () => {
    h.clock.current = new Date('2031-12-07T00:05:00Z');
    // The status message was drawn before wave 2's window opened: the release as rita sees it now offers the start.
    const shown = await say(rita, rel, 'release show REL-1');
    expect(shown.text).toBe('');
    const start = button(shown.card, RELEASE_ACTIONS.waveStart, '2');
    expect(start).toMatchObject({ title: 'Start wave 2', data: { key: 'REL-1', card: 'details' } });
    const since = h.connector.calls.length;
    expect(await click(rita, rel, start)).toContain('Wave 2 of REL-1 started.');
    const deploying = await statusWhere(since, (card) => buttons(card).some((b) => b.verb === RELEASE_ACTIONS.waveFail));
    // Failed, clicked: reported at once; the backout, typed, says what was done.
    expect(await clickStatus(rita, deploying, RELEASE_ACTIONS.waveFail, '2')).toContain(
      'Wave 2 of REL-1 failed. Back it out, or back the release out as a whole.',
    );
    await threadReply(since, 'failed');
    const since2 = h.connector.calls.length;
    expect((await say(rita, rel, 'release wave backout REL-1 2 note="db pool errors; restored 4.1"')).text).toBe(
      'Wave 2 of REL-1 is backed out. Every wave is finished: REL-1 moved to review and its RFCs to their post-implementation reviews.',
    );
    const backedOut = await threadReply(since2, 'backed out');
    expect(String(backedOut.body.text)).toContain('wave 2 of REL-1 “December platform”');
    await statusShowing(since2, 'Phase: review');
    const log = await say(rita, rel, 'release log REL-1');
    expect(log.text).toContain('wave-backed_out wave 2 — db pool errors; restored 4.1');
  });

  it('reviews the release with a follow-up RFC, then closes it once its RFCs are closed', async () => {
    const reviewed = await say(
      rita,
      rel,
      'release review REL-1 outcome="pilot only; wave 2 backed out" lessons="load-test the pool" followup="Tune the db02 pool"',
    );
    expect(reviewed.text).toBe('Recorded outcome, lessons, follow-up in the review of REL-1. Raised RFC-3 “Tune the db02 pool” as a draft, linked to REL-1.');
    expect(findRelease(h.bot.database.db, 'REL-1')?.review?.followUps).toEqual(['RFC-3']);
    expect(findRfc(h.bot.database.db, 'RFC-3')?.title).toBe('Tune the db02 pool');
    expect(cardText(reviewed.card)).toContain('**Follow-up RFCs:** RFC-3');
    expect((await say(rita, rel, 'release close REL-1')).text).toBe(
      "REL-1 closes once its RFCs' reviews are done. Still open: RFC-1 (in review), RFC-2 (in review).",
    );
    expect((await say(olga, personal(olga), 'rfc close RFC-1')).text).toBe('Closed RFC-1.');
    expect((await say(olga, personal(olga), 'rfc close RFC-2')).text).toBe('Closed RFC-2.');
    const since = h.connector.calls.length;
    const closed = await say(rita, rel, 'release close REL-1');
    expect(closed.text).toBe('Closed REL-1.');
    expect(cardText(closed.card)).toContain('Phase: closed');
    await statusShowing(since, 'Phase: closed');
  });

  it('posted the status message once, then only updated it; decisions replied to it', async () => {
    const here = h.connector.calls.filter((c) => c.conversationId === rel.id);
    const created = here.filter((c) => c.kind === 'send' || c.kind === 'create');
    expect(created.map((c) => c.id)).toEqual([statusId]);
    const updates = here.filter((c) => c.kind === 'update');
    expect(updates.length).toBeGreaterThan(10);
    expect(new Set(updates.map((c) => c.activityId))).toEqual(new Set([statusId]));
    const thread = here.filter((c) => c.kind === 'reply' && c.activityId === statusId).map((c) => String(c.body.text));
    expect(thread).toHaveLength(3);
    expect(thread[0]).toMatch(/go/);
    expect(thread[1]).toMatch(/failed/);
    expect(thread[2]).toMatch(/backed out/);
  });
});

describe('the release form and list in Teams', () => {
  const payroll = channel('payroll', TEAM);

  it('opens the form for `release new` alone; invalid input comes back on the form, by field', async () => {
    const opened = await say(rita, personal(rita), 'release new');
    const form = opened.card as Card;
    const ids = JSON.stringify(form);
    for (const id of ['name', 'goal', 'manager', 'target', 'testing', 'communications', 'training']) expect(ids).toContain(`"id":"${id}"`);
    expect(ids).not.toContain('"id":"here"'); // a personal chat is no status channel
    expect(ids).toContain('"type":"Input.Date"');
    expect(ids).toContain(`{"title":"tess","value":"teams:aad-tess"}`); // people changebot knows, to pick from
    const manager = (form.body as Card[]).find((e) => e.id === 'manager');
    expect(manager).toMatchObject({ type: 'Input.ChoiceSet', label: 'Release manager', value: 'teams:aad-rita' });
    const submit = button(form, 'new_release_form_submit');

    const bad = await click(rita, personal(rita), { verb: submit.verb, data: { ...submit.data, name: '  ', target: 'someday', testing: 'bogus' } });
    expect(bad).toContain('Please fix: Name, Testing coordinator, Target date.');
    expect(bad).toContain('Name: Give the release a name, e.g. “December platform”.');
    expect(bad).toMatch(/Target date: .*someday/);
    expect(bad).toMatch(/Testing coordinator: Can't tell who "bogus" is/);
    expect(findRelease(h.bot.database.db, 'REL-2')).toBeNull();

    const refused = await click(ana, personal(ana), { verb: submit.verb, data: { ...submit.data, name: 'Not mine' } });
    expect(refused).toContain('Only a release manager or a change manager can open a release.');
    expect(findRelease(h.bot.database.db, 'REL-2')).toBeNull();
  });

  it('opens a release from the form typed in a channel, keeping its status message there', async () => {
    expect((await t.post(t.installed(admin, payroll))).status).toBe(200);
    const opened = await say(rita, payroll, 'release new');
    expect(JSON.stringify(opened.card)).toMatch(/"type":"Input.Toggle","id":"here"/);
    const submit = button(opened.card, 'new_release_form_submit');
    const since = h.connector.calls.length;
    const made = await click(rita, payroll, {
      verb: submit.verb,
      data: {
        ...submit.data,
        name: 'Payroll 2032.1',
        goal: 'Year-end tax tables',
        manager: 'teams:aad-rita',
        target: '2032-01-10',
        testing: 'teams:aad-tess',
        here: 'true',
      },
    });
    expect(made).toContain('Opened REL-2 “Payroll 2032.1” in planning.');
    expect(made).toContain('Testing coordinator: tess');
    expect(made).toContain(`Status channels: Teams ${payroll.id}`);
    const r = findRelease(h.bot.database.db, 'REL-2');
    expect(r).toMatchObject({ name: 'Payroll 2032.1', goal: 'Year-end tax tables', manager: 'teams:aad-rita', channels: { teams: payroll.id } });
    expect(r?.team.testing).toBe('teams:aad-tess');
    expect(r?.targetDate?.toISOString()).toBe('2032-01-10T00:00:00.000Z');
    const post = await h.connector.waitFor((c) => c.conversationId === payroll.id && c.kind === 'send', { from: since });
    expect(cardText(cardsOf(post.body)[0])).toContain('REL-2 Payroll 2032.1');
  });

  it('lists releases as a card whose Details button shows the release', async () => {
    const listed = await say(rita, personal(rita), 'release list all');
    const text = cardText(listed.card);
    expect(text).toContain('**REL-1** December platform');
    expect(text).toContain('**REL-2** Payroll 2032.1');
    const all = buttons(listed.card).filter((b) => b.verb === RELEASE_ACTIONS.details);
    expect(all.map((b) => b.data.key).sort()).toEqual(['REL-1', 'REL-2']);
    const details = all.find((b) => b.data.key === 'REL-1')!;
    expect(details.data).toMatchObject({ card: 'details' });
    const shown = await click(rita, personal(rita), details);
    expect(shown).toContain('REL-1 December platform');
    expect(shown).toContain('Phase: closed');
  });
});
