/** `/release`: the second Slack slash command, over real Bolt and signed HTTP, on the /rfc path. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRelease } from '../../src/db/repos/releases.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { interaction, slashCommand, viewSubmission } from '../support/slack-requests.js';
import { ackProblems, slackProblems } from '../support/slack-schema.js';

const T = 'T1';
const ADMIN = { team: T, user: 'UADMIN', name: 'admin' };
const RITA = { team: T, user: 'URITA', name: 'rita' };
let h: SlackHarness;
let n = 0;

/** Sends `command text` from `channel` and returns the ephemeral answer's text. */
async function say(who: typeof ADMIN, command: '/rfc' | '/release', text: string, channel = 'CGENERAL'): Promise<string> {
  const name = `release-${++n}`;
  const ack = await h.sender.send(slashCommand(who, text, { responseUrl: h.fake.responseUrl(name), channel, command }));
  expect(ack.status).toBe(200);
  const r = await h.fake.waitForResponse((x) => x.name === name);
  return String(r.body.text);
}

beforeAll(async () => {
  h = await slackHarness({ fake: { teamId: T, users: { URITA: { tz: 'Europe/London' } } }, env: { CHANGEBOT_ADMINS: `slack:${T}/UADMIN` } });
  expect(await say(ADMIN, '/rfc', 'admin grant <@URITA|rita> release-manager')).toBe('Granted release-manager to slack:T1/URITA.');
});
afterAll(() => h.stop());
afterEach(() => expect(slackProblems(h.fake)).toEqual([]));

describe('Slack /release', () => {
  it('help lists the release verbs', async () => {
    const help = await say(RITA, '/release', 'help');
    expect(help.split('\n')[0]).toBe('/release commands (REL-3, rel-3 and 3 all mean REL-3; in Teams and the terminal type release ...):');
    expect(await say(RITA, '/release', '')).toBe(help);
  });

  it('opens a release whose status channel is the one it is typed in', async () => {
    const text = await say(RITA, '/release', 'new "Payroll 2032.1" goal="tax tables" channel=here', 'CPAYROLL');
    expect(text).toBe('Opened REL-1 “Payroll 2032.1” in planning. Add approved RFCs to it and write its release plan.');
    const r = findRelease(h.bot.database.db, 'REL-1')!;
    expect(r).toMatchObject({ name: 'Payroll 2032.1', goal: 'tax tables', manager: 'slack:T1/URITA', channels: { slack: 'CPAYROLL', teams: null } });
    expect(await say(RITA, '/release', 'edit REL-1 channel=<#COPS|ops>')).toBe('Updated slack channel of REL-1.');
    expect(findRelease(h.bot.database.db, 'REL-1')!.channels.slack).toBe('COPS');
  });

  it('refuses a typo with the closest verb', async () => {
    expect(await say(RITA, '/release', 'shwo REL-1')).toContain('Unknown release command "shwo". Did you mean "show"? Try `/release help`.');
  });
});

describe('Slack /release replies and the release form', () => {
  const blocksOf = (name: string) => JSON.stringify(h.fake.responses.find((r) => r.name === name)?.body.blocks ?? null);

  it('answers a release step with the release card, show with the whole release, list with its lines', async () => {
    await say(RITA, '/release', 'edit REL-1 goal="tax tables 2032"');
    const step = blocksOf(`release-${n}`);
    expect(step).toContain('Updated goal of REL-1.');
    expect(step).toContain('"type":"header"');
    expect(step).toContain('REL-1 Payroll 2032.1');
    await say(RITA, '/release', 'show REL-1');
    expect(blocksOf(`release-${n}`)).toContain('REL-1 Payroll 2032.1');
    await say(RITA, '/release', 'list all');
    const list = blocksOf(`release-${n}`);
    expect(list).toContain('"action_id":"release_details"');
    expect(list).toContain('"value":"REL-1"');
  });

  it('opens the release form for `/release new` alone, shows errors inline and opens the release on submit', async () => {
    const responseUrl = h.fake.responseUrl('release-form');
    const ack = await h.sender.send(slashCommand(RITA, 'new', { responseUrl, channel: 'CWINTER', command: '/release' }));
    expect(ack.status).toBe(200);
    const open = await h.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === 'release_new');
    const view = open.args.view as { blocks: { block_id: string; element: Record<string, unknown> }[] } & Record<string, unknown>;
    expect(view.blocks.map((b) => [b.block_id, b.element.type])).toEqual([
      ['name', 'plain_text_input'],
      ['goal', 'plain_text_input'],
      ['manager', 'users_select'],
      ['target', 'datepicker'],
      ['testing', 'users_select'],
      ['communications', 'users_select'],
      ['training', 'users_select'],
      ['channel', 'conversations_select'],
    ]);
    expect(view.blocks.find((b) => b.block_id === 'channel')!.element.initial_conversation).toBe('CWINTER');
    expect(view.blocks.find((b) => b.block_id === 'manager')!.element.initial_user).toBe('URITA');

    const noName = await h.sender.send(interaction(viewSubmission(RITA, view, { goal: 'new year' })));
    expect(ackProblems(noName.json)).toEqual([]);
    expect(noName.json).toEqual({ response_action: 'errors', errors: { name: 'A release needs a name. Example: name="December platform release"' } });
    const badDate = await h.sender.send(interaction(viewSubmission(RITA, view, { name: 'Winter 2033', target: 'soon-ish' })));
    expect(ackProblems(badDate.json)).toEqual([]);
    expect(Object.keys((badDate.json as { errors: Record<string, string> }).errors)).toEqual(['target']);
    expect(findRelease(h.bot.database.db, 'REL-2')).toBeNull();

    const ok = await h.sender.send(
      interaction(viewSubmission(RITA, view, { name: 'Winter 2033', goal: 'new year tables', target: '2033-01-15', testing: 'UTESS', training: 'UTRAIN' })),
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const answer = await h.fake.waitForResponse((r) => r.name === 'release-form');
    expect(String(answer.body.text)).toBe('Opened REL-2 “Winter 2033” in planning. Add approved RFCs to it and write its release plan.');
    expect(JSON.stringify(answer.body.blocks)).toContain('REL-2 Winter 2033');
    const r = findRelease(h.bot.database.db, 'REL-2')!;
    expect(r).toMatchObject({
      name: 'Winter 2033',
      goal: 'new year tables',
      manager: 'slack:T1/URITA',
      team: { testing: 'slack:T1/UTESS', communications: null, training: 'slack:T1/UTRAIN' },
      channels: { slack: 'CWINTER', teams: null },
    });
    expect(r.targetDate?.toISOString()).toBe('2033-01-15T00:00:00.000Z');
    // Its status message goes to the channel the form was opened in.
    await h.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'CWINTER' && JSON.stringify(c.args.blocks).includes('Winter 2033'));
  });
});
