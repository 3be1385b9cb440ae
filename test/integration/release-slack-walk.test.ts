/**
 * A release of two RFCs walked from planning to closed through the Slack adapter: signed
 * requests to the real Bolt app, a fake Web API. The status message is posted once in the
 * release's channel and then only updated; decisions go in its thread.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRelease } from '../../src/db/repos/releases.js';
import { READINESS_FACTORS } from '../../src/domain/release.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { ackProblems, slackProblems } from '../support/slack-schema.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const RITA = { team: T, user: 'URITA', name: 'rita' };
const TESS = { team: T, user: 'UTESS', name: 'tess' };
const CARL = { team: T, user: 'UCARL', name: 'carl' };
const OLGA = { team: T, user: 'UOLGA', name: 'olga' };
const ANA = { team: T, user: 'UANA', name: 'ana' };
const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);
const H = 3_600_000;

let h: SlackHarness;

async function answer(responseUrl: string, what = ''): Promise<string> {
  const name = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
  const r = await h.fake
    .waitForResponse((x) => x.name === name)
    .catch((e: unknown) => {
      throw new Error(`${what}: ${String(e)}; logs: ${h.logs.slice(-3).join(' ')}`);
    });
  return String(r.body.text);
}
async function rfc(who: typeof ADMIN, text: string): Promise<string> {
  const { ack, responseUrl } = await h.command(who, text);
  expect(ack.status).toBe(200);
  return answer(responseUrl, text);
}
async function release(who: typeof ADMIN, text: string): Promise<string> {
  const { ack, responseUrl } = await h.command(who, text, { command: '/release', channel: 'CREL' });
  expect(ack.status).toBe(200);
  return answer(responseUrl, text);
}
let status = { channel: 'CREL', ts: '' };
type Btn = { type: string; action_id?: string; value?: string; text?: { text: string } };
/** The buttons of the status message as it stands now in the (fake) channel. */
function statusButtons(): Btn[] {
  const blocks = (h.fake.message(status.channel, status.ts)?.blocks ?? []) as { elements?: Btn[]; accessory?: Btn }[];
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]).filter((e) => e.type === 'button');
}
/**
 * Clicks a button of the status message, once the message shows it (the update follows each
 * step through the outbox, as in Slack): the click carries the message as it stands.
 */
async function click(who: typeof ADMIN, actionId: string, value: string, label?: string): Promise<string> {
  return answer(await clickOnly(who, actionId, value, label), `${actionId} ${value}`);
}
/** The click alone; resolves with its response_url. */
async function clickOnly(who: typeof ADMIN, actionId: string, value: string, label?: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  const shown = () => statusButtons().find((b) => b.action_id === actionId && b.value === value && (!label || b.text?.text === label));
  while (!shown()) {
    if (Date.now() > deadline)
      throw new Error(`the status message has no ${actionId} ${value}; it has ${JSON.stringify(statusButtons().map((b) => [b.action_id, b.value]))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = h.fake.message(status.channel, status.ts)!;
  const { ack, responseUrl } = await h.click(who, { actionId, value, label: shown()!.text?.text, message: { ...status, blocks: m.blocks ?? [] } });
  expect(ack.status).toBe(200);
  return responseUrl;
}
const statusPosts = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CREL' && !c.args.thread_ts);
const rel = () => findRelease(h.bot.database.db, 'REL-1')!;

beforeAll(async () => {
  h = await slackHarness({
    fake: { teamId: T, users: Object.fromEntries(['UADMIN', 'URITA', 'UTESS', 'UCARL', 'UOLGA', 'UANA'].map((u) => [u, { tz: 'UTC' }])) },
    env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` },
  });
  expect(await rfc(ADMIN, 'admin grant <@URITA|rita> release-manager')).toContain('Granted');
  expect(await rfc(ADMIN, 'admin grant <@UCARL|carl> change-manager')).toContain('Granted');
  expect(await rfc(ADMIN, 'admin grant <@UOLGA|olga> change-manager')).toContain('Granted');
  expect(await rfc(ADMIN, 'admin service add api audience=<#CAPI|api-users>')).toContain('Added service api');
  expect(await rfc(ADMIN, 'admin service add db audience=<#CDB|db-users>')).toContain('Added service db');
});
afterAll(() => h.stop());
afterEach(() => {
  expect(slackProblems(h.fake)).toEqual([]);
});

describe('Slack: a release from planning to closed', () => {
  it('keeps one status message, threads the decisions and runs the buttons', async () => {
    const start = new Date(Math.ceil(h.clock.now().getTime() / H) * H + 24 * H);
    const when = start.toISOString().slice(0, 16).replace('T', ' ');
    for (const [title, svc] of [
      ['API 4.2', 'api'],
      ['DB pool tuning', 'db'],
    ] as const) {
      expect(await rfc(ANA, `new "${title}" category=minor services=${svc} backout=revert test=smoke start="${when}" duration=6h`)).toContain('RFC-');
    }
    for (const k of ['RFC-1', 'RFC-2']) {
      await rfc(ANA, `submit ${k}`);
      expect(await rfc(CARL, `vote ${k} approve`)).toContain(k);
    }

    expect(await release(RITA, 'new "December platform" channel=<#CREL|rel> testing=<@UTESS|tess>')).toContain('REL-1');
    const post = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CREL');
    status = { channel: 'CREL', ts: String(post.response.ts) };
    expect(JSON.stringify(post.args.blocks)).toContain('December platform');

    await release(RITA, 'add REL-1 RFC-1');
    await release(RITA, 'add REL-1 RFC-2');
    await release(RITA, 'plan REL-1 order="pilot site, then all" training="support briefed" communications="status page" backout="redeploy 4.1"');
    expect(await click(RITA, 'release_phase', 'REL-1')).toContain('building');
    // A click's answer is the release card for the person: the message, then the release.
    const phaseReply = h.fake.responses.at(-1)!.body;
    expect(JSON.stringify(phaseReply.blocks)).toContain('REL-1 December platform');
    await release(RITA, `package REL-1 artifact=api version=4.2.0 sha256=${SHA_A} link=https://dsl.example/api-4.2.0.tgz`);
    await release(RITA, `package REL-1 artifact=db-tuning version=1 sha256=${SHA_B}`);
    expect(rel().package.artifacts.map((a) => a.name)).toEqual(['api', 'db-tuning']);
    await click(RITA, 'release_phase', 'REL-1');
    await release(TESS, 'test REL-1 "load test" pass');
    await release(TESS, 'test REL-1 "backout rehearsal" pass');
    for (const c of ['operations', 'security', 'support', 'service-level']) await release(TESS, `signoff REL-1 ${c}`);
    await release(RITA, `wave add REL-1 pilot start="${when}" duration=1h services=api`);
    const second = new Date(start.getTime() + 2 * H).toISOString().slice(0, 16).replace('T', ' ');
    await release(RITA, `wave add REL-1 start="${second}" duration=2h services=api,db`);
    await click(RITA, 'release_phase', 'REL-1');
    expect(rel().phase).toBe('readiness_review');

    for (const f of READINESS_FACTORS.slice(0, 10)) await click(RITA, 'release_tick', `REL-1:${f}`);
    // Go refused while an item is open: the status message offers no Go yet, and typed it is refused, naming the item.
    expect(statusButtons().map((b) => b.action_id)).not.toContain('release_go');
    expect(await release(RITA, 'go REL-1')).toContain('open: related changes approved');
    await click(TESS, 'release_tick', 'REL-1:related-changes');
    expect(await click(RITA, 'release_go', 'REL-1')).toContain('Recorded your go for REL-1 as release manager');
    expect(await click(CARL, 'release_go', 'REL-1')).toContain('REL-1 is go');
    await h.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === status.ts && String(c.args.text).includes('Release decision'));

    // Into the pilot's window. The pilot is refused until its backout is proven (and a change manager approves it).
    h.clock.current = new Date(start.getTime() + 5 * 60_000);
    expect(statusButtons().map((b) => b.action_id)).not.toContain('release_wave_start');
    expect(await release(RITA, 'wave start REL-1 1')).toContain('backout procedure is not yet recorded as proven');
    await release(TESS, 'pilot REL-1 proven');
    await release(CARL, 'pilot REL-1 approve');
    // The second wave waits for the pilot's sign-off.
    expect(await release(RITA, 'wave start REL-1 2')).toContain('only after wave 1 (the pilot) is signed off');
    expect(await click(RITA, 'release_wave_start', 'REL-1:1', 'Start wave 1')).toContain('Wave 1 (the pilot) of REL-1 started');
    expect(await click(RITA, 'release_wave_done', 'REL-1:1', 'Wave 1 done')).toContain('Wave 1 of REL-1 is successful');
    // Into the second wave's window: it starts, fails, and is backed out.
    h.clock.current = new Date(start.getTime() + 2 * H + 5 * 60_000);
    expect(await click(RITA, 'release_wave_start', 'REL-1:2', 'Start wave 2')).toContain('Wave 2 of REL-1 started');
    // Wave failed asks what happened, in a modal; the answer goes where the button was clicked.
    const failClick = await clickOnly(RITA, 'release_wave_fail', 'REL-1:2', 'Wave 2 failed');
    const form = await h.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === 'release_wave_fail_form');
    const view = form.args.view as Record<string, unknown>;
    const submitted = await h.submit(RITA, view, { note: 'db pool errors' });
    expect(submitted.status).toBe(200);
    expect(ackProblems(submitted.json)).toEqual([]);
    expect(await answer(failClick, 'wave 2 failed')).toBe('Wave 2 of REL-1 failed. Back it out, or back the release out as a whole.');
    expect(rel().waves.map((w) => w.state)).toEqual(['successful', 'failed']);
    expect(await release(RITA, 'wave backout REL-1 2 note="db pool errors"')).toContain('backed out');
    expect(rel().waves.map((w) => w.state)).toEqual(['successful', 'backed_out']);
    await h.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === status.ts && String(c.args.text).includes('wave 2 of REL-1'));

    expect(await release(RITA, 'review REL-1 outcome="pilot only" lessons="load-test the pool" followup="Tune the db02 pool"')).toContain('RFC-3');
    for (const k of ['RFC-1', 'RFC-2']) await rfc(OLGA, `close ${k}`);
    expect(await release(RITA, 'close REL-1')).toContain('Closed REL-1');
    await h.fake.waitFor('chat.update', (c) => c.args.ts === status.ts && JSON.stringify(c.args.blocks).includes('closed'));

    // Posted once, then only updated; everything else in the channel is in its thread.
    expect(statusPosts()).toHaveLength(1);
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.channel === 'CREL' && c.args.ts !== status.ts)).toEqual([]);
    const threaded = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CREL' && c.args.thread_ts);
    expect(threaded.every((c) => c.args.thread_ts === status.ts)).toBe(true);
    expect(threaded.map((c) => c.args.text)).toEqual([
      'Release decision on REL-1 “December platform”: go: the readiness review passed. It is now in deployment.',
      'Release decision: wave 2 of REL-1 “December platform” on api and db was backed out (wave 2 failed: db pool errors). REL-1 “December platform” is in review.',
    ]);
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === status.ts).length).toBeGreaterThan(10);
  });
});
