/**
 * Starts the real bot (startBot, real CloudAdapter over HTTP, SQLite file) with only the Teams
 * component, without credentials, talking to a fake Bot Connector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bot, type Component, startBot } from '../../src/bot.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { LENIENT_ENV } from './policy.js';
import { TestClock } from './app.js';
import { TeamsClient } from './teams-activities.js';
import { type FakeConnector, startFakeConnector } from './teams-connector.js';

export const ADMIN_AAD = 'aad-admin';

export interface TeamsHarness {
  dir: string;
  dbPath: string;
  clock: TestClock;
  connector: FakeConnector;
  bot: Bot;
  client: TeamsClient;
  /** Stops the bot and starts it again on the same database file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTeamsHarness(
  opts: { env?: Record<string, string>; components?: Component[]; connector?: FakeConnector } = {},
): Promise<TeamsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'changebot-teams-'));
  const dbPath = join(dir, 'changebot.db');
  const clock = new TestClock();
  const connector = opts.connector ?? (await startFakeConnector());
  const config = loadConfig({
    PORT: '0',
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'silent',
    CHANGEBOT_ADMINS: `teams:${ADMIN_AAD}`,
    CHANGEBOT_TIMEZONE: 'UTC',
    ...LENIENT_ENV,
    ...opts.env,
  });
  const components = opts.components ?? [createTeamsComponent()];
  const start = () => startBot(config, { components, clock });
  const h: TeamsHarness = {
    dir,
    dbPath,
    clock,
    connector,
    bot: await start(),
    client: undefined as unknown as TeamsClient,
    async restart() {
      await h.bot.stop();
      h.bot = await start();
      h.client = new TeamsClient(`http://127.0.0.1:${h.bot.port}`, connector.url);
    },
    async close() {
      await h.bot.stop();
      if (!opts.connector) await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  h.client = new TeamsClient(`http://127.0.0.1:${h.bot.port}`, connector.url);
  return h;
}
