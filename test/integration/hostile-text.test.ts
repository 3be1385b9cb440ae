/**
 * Issue 11: an RFC whose every text field is hostile is raised, submitted, approved, scheduled
 * and started (its maintenance announced to the service's channel) through Slack and Teams, over real signed requests
 * and real activities, and no message the bot sends carries live syntax in a field the
 * platform parses: no broadcast (typed, or typed as entities that the parser decodes), no
 * mention or channel link of someone else's making, no disguised or markdown link, no bold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRfc } from '../../src/db/repos/rfcs.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { type TeamsConversation, type TeamsUser, channel, personal, user } from '../support/teams-activities.js';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';

/** Every trick at once, as Slack delivers it: `&lt;…&gt;` is what Slack sends for typed brackets. */
const HOSTILE =
  '<!channel> urgent <https://evil.example|click me> &lt;!here&gt; &lt;!everyone&gt; <@UCEO|ceo> <#CSEC|sec> ' +
  '<!subteam^S1|@dbas> [click me](https://evil.example) *bold* **bold** _it_';
const FIELDS = ['backout', 'test', 'plan', 'description', 'justification'];
const QUORUM_ONE = { CAB_QUORUM: '1', CAB_MIN_APPROVALS: '1' };

function hostileNew(extra: string): string {
  return `new "${HOSTILE}" category=significant services=db ${FIELDS.map((f) => `${f}="${HOSTILE}"`).join(' ')} start="+3h" duration=2h outage=30m ${extra}`;
}

/** Every string in `node` that the platform parses (`parsed(o)` picks them out of one object). */
function parsedStrings(node: unknown, parsed: (o: Record<string, unknown>) => unknown[]): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    for (const v of parsed(o)) if (typeof v === 'string') out.push(v);
    Object.values(o).forEach(walk);
  };
  walk(node);
  return out;
}

describe('Slack', () => {
  const T = 'T1';
  const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
  const REQ = { team: T, user: 'UREQ', name: 'rita' };
  const C1 = { team: T, user: 'UC1', name: 'cab1' };
  let h: SlackHarness;

  beforeAll(async () => {
    h = await slackHarness({ fake: { teamId: T }, env: { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `slack:${T}/UADMIN`, ...QUORUM_ONE } });
    expect(await h.answer(ADMIN, 'admin grant <@UC1|x> cab')).toContain('Granted cab');
    expect(await h.answer(ADMIN, 'admin service add db audience=<#CDB|db-users>')).toContain('Added service db');
  });
  afterAll(() => h.stop());

  it('sends no live mention, broadcast or link made of a person’s text, anywhere Slack parses mrkdwn', async () => {
    expect(await h.answer(REQ, hostileNew(''))).toMatch(/^Raised RFC-1/);
    expect(findRfc(h.bot.database.db, 'RFC-1')?.title).toContain('<!here>'); // decoded for parsing, as typed
    await h.answer(REQ, 'submit RFC-1');
    const card = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB');
    await h.click(C1, { actionId: 'rfc_vote_approve', value: 'RFC-1', message: { channel: 'CCAB', ts: String(card.response.ts) } });
    await h.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === card.response.ts);
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('approved');
    expect(await h.answer(REQ, 'schedule RFC-1')).toContain('RFC-1');
    h.clock.advance(3 * 3_600_000 + 60_000);
    expect(await h.answer(REQ, 'start RFC-1')).toContain('implementing');
    const notice = await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CDB');
    await h.answer(REQ, 'show RFC-1');

    // Top-level text, every mrkdwn object and attachment text, of every call and response_url post.
    const sent = [...h.fake.calls.map((c) => c.args), ...h.fake.responses.map((r) => r.body)];
    const parsed = sent.flatMap((body) =>
      parsedStrings(body, (o) => [o === body ? o.text : undefined, o.type === 'mrkdwn' ? o.text : undefined, o.pretext, o.fallback]),
    );
    expect(parsed.join('\n')).toContain('&lt;!channel&gt; urgent &lt;https://evil.example|click me&gt; &lt;!here&gt;');
    const live = parsed.filter((s) => /<!(channel|here|everyone|subteam)|<https?:|<@UCEO|<#CSEC|<mailto:/.test(s));
    expect(live).toEqual([]);
    // And the announcement is there, readable.
    expect(String(notice.args.text)).toContain('&lt;!channel&gt; urgent');
    // mrkdwn never auto-links a bare URL or #name either.
    const mrkdwn = sent.flatMap((body) => parsedStrings(body, (o) => (o.type === 'mrkdwn' ? [o.verbatim === true ? 'ok' : String(o.text)] : [])));
    expect(mrkdwn.filter((s) => s !== 'ok')).toEqual([]);
  });
});

describe('Teams', () => {
  const TEAM = '19:general@thread.tacv2';
  const general: TeamsConversation = { id: TEAM, type: 'channel', teamId: TEAM };
  const cabRoom = channel('cab', TEAM);
  const ops = channel('ops', TEAM);
  const admin: TeamsUser = { id: '29:admin', name: 'Ada Admin', aadObjectId: 'aad-admin' };
  const req = user('req');
  const cab1 = user('cab1');
  let h: TeamsHarness;

  async function say(from: TeamsUser, conv: TeamsConversation, text: string, mentions: { id: string; name: string; aadObjectId?: string }[] = []) {
    const from0 = h.connector.calls.length;
    expect((await h.client.post(h.client.message(from, conv, text, mentions))).status).toBe(200);
    return h.connector.waitFor((c) => c.conversationId === conv.id && (c.kind === 'reply' || c.kind === 'send'), { from: from0 });
  }

  beforeAll(async () => {
    h = await startTeamsHarness({ env: QUORUM_ONE });
    expect((await h.client.post(h.client.installed(admin, general))).status).toBe(200);
    for (const u of [admin, req, cab1]) expect((await h.client.post(h.client.installationUpdate(u, personal(u)))).status).toBe(200);
    await say(admin, cabRoom, 'rfc admin cab-channel');
    await say(admin, general, `rfc admin grant <at>${cab1.name}</at> cab`, [cab1]);
    await say(admin, ops, 'rfc admin service add db audience=<at>Ops</at>', [{ id: ops.id, name: 'Ops' }]);
  });
  afterAll(() => h.close());

  it('sends no markdown link, bold or list made of a person’s text, in activity text, TextBlocks or facts', async () => {
    // Teams delivers what was typed, brackets and all.
    const typed = hostileNew('').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    expect(String((await say(req, personal(req), `rfc ${typed}`)).body.text)).toMatch(/^Raised RFC-1/);
    await say(req, personal(req), 'rfc submit RFC-1');
    await say(cab1, personal(cab1), 'rfc vote RFC-1 approve');
    expect(findRfc(h.bot.database.db, 'RFC-1')?.state).toBe('approved');
    const from = h.connector.calls.length;
    await say(req, personal(req), 'rfc schedule RFC-1');
    h.clock.advance(3 * 3_600_000 + 60_000);
    await say(req, personal(req), 'rfc start RFC-1');
    const notice = await h.connector.waitFor((c) => c.kind === 'send' && c.conversationId === ops.id, { from });
    await say(req, personal(req), 'rfc show RFC-1');

    const parsed = h.connector.calls.flatMap((c) =>
      parsedStrings(c.body, (o) => [
        o === c.body ? o.text : undefined,
        o.type === 'TextBlock' ? o.text : undefined,
        ...(o.type === 'FactSet' ? ((o.facts as { title: string; value: string }[]) ?? []).flatMap((f) => [f.title, f.value]) : []),
      ]),
    );
    // What markdown would make of it once the escapes are taken out: no link, no emphasis.
    const live = parsed.filter((s) => {
      const unescaped = s.replace(/\\./g, '');
      return /\[click me\]\(|\*\*bold\*\*|(^|\s)\*bold\*|(^|\s)_it_/.test(unescaped);
    });
    expect(parsed.some((s) => s.includes('\\[click me\\](https://evil.example)'))).toBe(true);
    expect(live).toEqual([]);
    expect(String(notice.body.text)).toContain('\\[click me\\]');
  });
});
