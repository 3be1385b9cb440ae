/**
 * The composition root: builds every part from the config and wires them together. Nothing
 * starts at import time; `startBot` returns a handle that stops everything in order.
 */
import { bootstrapAdmins } from './app/admin.js';
import { type AppContext, type Clock, createContext } from './app/context.js';
import type { Config } from './config.js';
import { type AppDatabase, openDatabase } from './db/client.js';
import { type Logger, createLogger } from './log.js';
import { Dispatcher } from './notify/dispatcher.js';
import type { Notifier } from './notify/types.js';
import { type HttpServer, createHttpServer } from './server/http.js';
import { slackComponent } from './chat/slack/index.js';
import { teamsComponent } from './chat/teams/component.js';
import { jobsComponent } from './jobs/component.js';

/** A part of the bot that can be switched on by configuration (Slack, Teams, jobs). */
export interface Component {
  name: string;
  /** `true` when configured, else the reason it is off (logged at start). */
  enabled(config: Config): true | string;
  /** `bindHost`: listen on this host instead of HOST (Teams without credentials: 127.0.0.1). */
  start(deps: BotDeps): Promise<{ stop(): Promise<void>; bindHost?: string }>;
}

export interface BotDeps {
  config: Config;
  app: AppContext;
  http: HttpServer;
  log: Logger;
  /** Chat platforms register their notifier here when they start. */
  notifiers: Notifier[];
  /** Drains the outbox into deliveries; the jobs component swaps its sender for a queue. */
  dispatcher: Dispatcher;
}

export interface Bot extends BotDeps {
  port: number;
  database: AppDatabase;
  stop(): Promise<void>;
}

export const COMPONENTS: Component[] = [
  slackComponent,
  teamsComponent,
  jobsComponent(), // last: the chat adapters have registered their notifiers
];

export async function startBot(
  config: Config,
  opts: { log?: Logger; clock?: Clock; components?: Component[] } = {},
): Promise<Bot> {
  const log = opts.log ?? createLogger(config.logLevel);
  const database = openDatabase(config.databasePath);
  const app = createContext(database, { clock: opts.clock, policy: config.policy, timezone: config.timezone });
  bootstrapAdmins(app, config.admins);
  const http = createHttpServer((err) => log.error({ err }, 'request failed'));
  http.check('database', () => {
    database.sqlite.prepare('select 1').get();
    return { ok: true };
  });
  const notifiers: Notifier[] = [];
  const dispatcher = new Dispatcher(app, notifiers, log);
  const deps: BotDeps = { config, app, http, log, notifiers, dispatcher };
  const started: { name: string; stop(): Promise<void> }[] = [];
  let bindHost: string | undefined;
  try {
    for (const c of opts.components ?? COMPONENTS) {
      const on = c.enabled(config);
      if (on !== true) {
        log.info(`${c.name}: off (${on})`);
        continue;
      }
      const handle = await c.start(deps);
      bindHost ??= handle.bindHost;
      started.push({ name: c.name, stop: () => handle.stop() });
      log.info(`${c.name}: on`);
    }
    // First the deliveries recorded but not sent when the last process stopped (the jobs'
    // reconciler does the same with its queue), then the outbox.
    dispatcher.resumeUnsent().catch((err) => log.error({ err }, 'resuming unsent deliveries failed'));
    dispatcher.start();
    started.push({ name: 'dispatcher', stop: () => dispatcher.stop() });
    const port = await http.listen(config.port, bindHost ?? config.host);
    log.info({ port, database: config.databasePath, timezone: config.timezone }, `changebot listening on port ${port}`);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await http.close();
        for (const c of started.reverse()) {
          try {
            await c.stop();
          } catch (err) {
            log.error({ err }, `${c.name}: stop failed`);
          }
        }
        database.close();
        log.info('changebot stopped');
      })());
    return { ...deps, port, database, stop };
  } catch (err) {
    for (const c of started.reverse()) await c.stop().catch(() => {});
    database.close();
    throw err;
  }
}
