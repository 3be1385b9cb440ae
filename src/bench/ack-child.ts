/**
 * The processes of the ack benchmark (ack.ts forks this file): `slack`, the fake Slack Web API
 * and response_url endpoint; `bot`, the real bot (startBot, the Slack component only, a real
 * SQLite in a temp folder holding RFC-1 and the benchmark's people with their time zones);
 * `bolt`, a bare Bolt app on the same HTTPReceiver and signing secret whose `/rfc` only acks.
 * Each tells its parent its URL over IPC, then answers `stats` (fake Slack) and `stop`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { addService } from '../app/catalogue.js';
import { createContext, loadActor } from '../app/context.js';
import { raise, submit } from '../app/rfcs.js';
import { startBot } from '../bot.js';
import { slackComponent } from '../chat/slack/index.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { grantRole } from '../db/repos/people.js';
import { ACK_SECRET, ACK_TEAM, ACK_USERS, type ChildMessage } from './ack.js';
import { BenchSlack } from './fake-slack.js';

const send = (m: ChildMessage) => process.send?.(m);

async function slack(): Promise<() => Promise<void>> {
  const fake = await BenchSlack.start({ teamId: ACK_TEAM });
  process.on('message', (m) => {
    if (m === 'stats') send({ stats: { responses: fake.responses } });
  });
  send({ url: fake.url });
  return () => fake.close();
}

/** RFC-1 (raised and submitted, so it has log lines and a quorum to show) and the people. */
function seed(path: string): void {
  const database = openDatabase(path);
  const ctx = createContext(database, { policy: loadConfig({}).policy, timezone: 'UTC' });
  grantRole(database.db, 'cli:root', 'admin', 'bench', new Date());
  addService(ctx, loadActor(ctx, 'cli:root'), { name: 'db' });
  for (const u of ACK_USERS) loadActor(ctx, `slack:${ACK_TEAM}/${u}`, { timezone: 'Europe/London' });
  const owner = loadActor(ctx, `slack:${ACK_TEAM}/${ACK_USERS[0]}`, { timezone: 'Europe/London' });
  const start = new Date(Date.now() + 14 * 86_400_000);
  const rfc = raise(ctx, owner, { title: 'Patch db01', category: 'minor', services: ['db'], backout: 'restore', start, durationMinutes: 60 }).result;
  submit(ctx, owner, rfc.key);
  database.close();
}

async function bot(apiUrl: string): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'changebot-bench-ack-'));
  const databasePath = join(dir, 'bench.db');
  seed(databasePath);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: databasePath,
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: ACK_SECRET,
    SLACK_API_URL: apiUrl,
  });
  const b = await startBot(config, { components: [slackComponent] });
  send({ url: `http://127.0.0.1:${b.port}/slack/events` });
  return async () => {
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

async function bolt(): Promise<() => Promise<void>> {
  const receiver = new HTTPReceiver({ signingSecret: ACK_SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-bench' }), logLevel: LogLevel.ERROR });
  app.command('/rfc', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  send({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` });
  return async () => {
    await app.stop();
  };
}

const [role = '', apiUrl = ''] = process.argv.slice(2);
const stop = role === 'slack' ? await slack() : role === 'bot' ? await bot(apiUrl) : role === 'bolt' ? await bolt() : undefined;
if (!stop) throw new Error(`ack-child: unknown role "${role}" (slack, bot or bolt)`);
process.on('message', (m) => {
  if (m === 'stop') void stop().finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
