/**
 * The real bot (startBot with the Slack component, real SQLite, real Bolt over HTTP) wired to a
 * fake Slack Web API, plus helpers that act as people in Slack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Bot, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { loadConfig } from '../../src/config.js';
import { TestClock } from './app.js';
import { LENIENT_ENV } from './policy.js';
import { type FakeSlack, type FakeSlackOptions, FakeSlack as Fake } from './slack-server.js';
import { type ClickOptions, type SlackResponse, SlackSender, type Who, buttonClick, interaction, slashCommand, viewSubmission } from './slack-requests.js';

export const SECRET = 'test-signing-secret';

export interface SlackHarness {
  bot: Bot;
  fake: FakeSlack;
  sender: SlackSender;
  /** The bot's clock: real time when the harness started, moved by tests (a window opening). */
  clock: TestClock;
  /** Log lines (JSON) the bot wrote at info level and above. */
  logs: string[];
  /** Types `/rfc <text>` (or `command`, e.g. `/release`); resolves with the HTTP acknowledgement. */
  command(
    who: Who,
    text: string,
    opts?: { channel?: string; triggerId?: string; command?: string },
  ): Promise<{ ack: SlackResponse; responseUrl: string; body: string }>;
  /** Types `/rfc <text>`, checks it was acknowledged, and resolves with the text of its (ephemeral) answer. */
  answer(who: Who, text: string): Promise<string>;
  click(who: Who, o: ClickOptions): Promise<{ ack: SlackResponse; responseUrl: string; body: string }>;
  submit(who: Who, view: Record<string, unknown>, values: Record<string, string | string[] | Date | boolean>): Promise<SlackResponse>;
  stop(): Promise<void>;
}

let n = 0;

/** The environment of a bot under test with Slack on, talking to a fake Slack at `apiUrl`. */
export function slackTestEnv(dir: string, apiUrl: string, more: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: join(dir, 'bot.db'),
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    ...LENIENT_ENV,
    ...more,
  };
}

export async function slackHarness(opts: { fake?: FakeSlackOptions; env?: Record<string, string> } = {}): Promise<SlackHarness> {
  const fake = await Fake.start(opts.fake);
  const dir = mkdtempSync(join(tmpdir(), 'changebot-slack-'));
  const config = loadConfig(slackTestEnv(dir, fake.url, opts.env));
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const clock = new TestClock(new Date());
  const bot = await startBot(config, { components: [slackComponent], log, clock });
  const sender = new SlackSender(`http://127.0.0.1:${bot.port}/slack/events`, SECRET);
  return {
    bot,
    fake,
    sender,
    clock,
    logs,
    async command(who, text, o = {}) {
      const responseUrl = fake.responseUrl(`cmd-${++n}`);
      const body = slashCommand(who, text, { responseUrl, ...o });
      return { ack: await sender.send(body), responseUrl, body };
    },
    async answer(who, text) {
      const responseUrl = fake.responseUrl(`cmd-${++n}`);
      const ack = await sender.send(slashCommand(who, text, { responseUrl }));
      if (ack.status !== 200) throw new Error(`/rfc ${text}: acknowledged with ${ack.status}`);
      const name = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
      return String((await fake.waitForResponse((x) => x.name === name)).body.text);
    },
    async click(who, o) {
      const responseUrl = o.responseUrl ?? fake.responseUrl(`click-${++n}`);
      const body = interaction(buttonClick(who, { ...o, responseUrl }));
      return { ack: await sender.send(body), responseUrl, body };
    },
    submit: (who, view, values) => sender.send(interaction(viewSubmission(who, view, values))),
    async stop() {
      await bot.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The response_url posts made for one command or click. */
export function responsesTo(fake: FakeSlack, url: string) {
  const name = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
  return fake.responses.filter((r) => r.name === name);
}
