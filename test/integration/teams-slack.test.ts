/**
 * One RFC, two platforms: one CAB member votes on the Slack card, another on the Teams card,
 * and both cards show the same tally after each vote. The real bot runs both adapters against
 * a fake Slack Web API and a fake Bot Connector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole } from '../../src/app/admin.js';
import { addService } from '../../src/app/catalogue.js';
import { loadActor } from '../../src/app/context.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { type Bot, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { SECRET, slackTestEnv } from '../support/slack-harness.js';
import { SlackSender, buttonClick, interaction } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';
import { TeamsClient, channel, user } from '../support/teams-activities.js';
import { assertValidCard, cardText, cardsOf } from '../support/teams-cards.js';
import { type FakeConnector, startFakeConnector } from '../support/teams-connector.js';

const TEAM = '19:general@thread.tacv2';
const cabRoom = channel('cab', TEAM);
const teamsAdmin = user('admin');
const teamsCab = user('cab2');
const SLACK_CAB = { team: 'T1', user: 'UC1', name: 'cab1' };

let dir: string;
let slack: FakeSlack;
let connector: FakeConnector;
let bot: Bot;
let teams: TeamsClient;
let sender: SlackSender;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'changebot-both-'));
  slack = await FakeSlack.start({ teamId: 'T1' });
  connector = await startFakeConnector();
  const config = loadConfig(slackTestEnv(dir, slack.url, { SLACK_CAB_CHANNEL: 'CCAB', CHANGEBOT_ADMINS: `teams:${teamsAdmin.aadObjectId}` }));
  bot = await startBot(config, { components: [slackComponent, createTeamsComponent({ unauthenticated: 'always' })] });
  teams = new TeamsClient(`http://127.0.0.1:${bot.port}`, connector.url);
  sender = new SlackSender(`http://127.0.0.1:${bot.port}/slack/events`, SECRET);
});

afterAll(async () => {
  await bot?.stop();
  await slack?.close();
  await connector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Slack and Teams together', () => {
  it('counts a Slack vote and a Teams vote on the same RFC, and both cards show the same tally', async () => {
    expect((await teams.post(teams.message(teamsAdmin, cabRoom, 'rfc admin cab-channel'))).status).toBe(200);
    await connector.waitFor((c) => c.conversationId === cabRoom.id && String(c.body.text).startsWith('CAB voting cards will be posted'));
    const root = loadActor(bot.app, `teams:${teamsAdmin.aadObjectId}`);
    grantRole(bot.app, root, { person: 'slack:T1/UC1', role: 'cab' });
    grantRole(bot.app, root, { person: `teams:${teamsCab.aadObjectId}`, role: 'cab' });
    addService(bot.app, root, { name: 'db' });
    const req = loadActor(bot.app, 'cli:req');
    const key = raise(bot.app, req, {
      title: 'Patch db01',
      category: 'significant',
      services: ['db'],
      backout: 'restore',
      test: 'smoke',
      start: new Date(Date.now() + 3 * 86_400_000),
      durationMinutes: 60,
    }).result.key;
    submit(bot.app, req, key);

    const slackPost = await slack.waitFor('chat.postMessage', (c) => c.args.channel === 'CCAB');
    const slackCard = { channel: 'CCAB', ts: String(slackPost.response.ts) };
    const teamsPost = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === cabRoom.id && cardsOf(c.body).length > 0);
    const teamsCardId = teamsPost.id as string;
    const slackShows = (tally: string) => slack.waitFor('chat.update', (c) => c.args.ts === slackCard.ts && JSON.stringify(c.args.blocks).includes(tally));
    const teamsShows = (tally: string) =>
      connector.waitFor((c) => c.kind === 'update' && c.activityId === teamsCardId && cardText(cardsOf(c.body)[0]).includes(tally));

    // A CAB member votes in Slack: the Teams card follows.
    const one = '1 approve · 0 reject · 0 abstain';
    expect((await sender.send(interaction(buttonClick(SLACK_CAB, { actionId: 'rfc_vote_approve', value: key, message: slackCard })))).status).toBe(200);
    await slackShows(one);
    const teamsAfterSlack = await teamsShows(one);
    assertValidCard(cardsOf(teamsAfterSlack.body)[0]);
    expect(cardText(cardsOf(teamsAfterSlack.body)[0])).toContain('cab1: approve');

    // Another votes in Teams: the Slack card follows.
    const two = '2 approve · 0 reject · 0 abstain';
    const res = await teams.post(teams.action(teamsCab, cabRoom, 'rfc_vote_approve', { key, card: 'vote' }, teamsCardId));
    const answer = res.body as { value: unknown };
    expect(cardText(answer.value)).toContain(two);
    const slackAfterTeams = await slackShows(two);
    expect(JSON.stringify(slackAfterTeams.args.blocks)).toContain('<@UC1>');
    await teamsShows(two);
  });
});
