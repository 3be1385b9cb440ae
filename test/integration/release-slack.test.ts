/** `/release`: the second Slack slash command, over real Bolt and signed HTTP, on the /rfc path. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRelease } from '../../src/db/repos/releases.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { slashCommand } from '../support/slack-requests.js';
import { slackProblems } from '../support/slack-schema.js';

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
