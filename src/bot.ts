/**
 * The composition root: builds every part from the config and wires them together. Nothing
 * starts at import time; `startBot` returns a handle that stops everything in order.
 */
import { bootstrapAdmins } from './app/admin.js';
import { type AppContext, type Clock, clockFrom, createContext } from './app/context.js';
import { type BotDeps, type Component, type ComponentHandle, NotifierRegistry, botDeps } from './component.js';
import type { Config } from './config.js';
import { type AppDatabase, openDatabase, probeWritable } from './db/client.js';
import { type Logger, createLogger } from './log.js';
import { Dispatcher, DirectSender } from './notify/dispatcher.js';
import { rfcsByState } from './app/stats.js';
import { createMetrics, metricsPlugin } from './server/metrics.js';
import { type HttpServer, createHttpServer } from './server/http.js';
import { acquireBotLock } from './server/lock.js';
import { guardProcess, processCheck } from './server/process.js';
import { slackComponent } from './chat/slack/index.js';
import { teamsComponent } from './chat/teams/component.js';
import { jobsComponent } from './jobs/component.js';
import { WEB_ROUTES, type WebRoutes, webPlugin } from './web/index.js';

export type { BotDeps, Component } from './component.js';

export interface Bot extends BotDeps {
  port: number;
  database: AppDatabase;
  app: AppContext;
  http: HttpServer;
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

/** In any order: each registers what it offers, and nothing is sent until all have started. */
export const COMPONENTS: Component[] = [slackComponent, teamsComponent, jobsComponent()];

export async function startBot(config: Config, opts: { log?: Logger; clock?: Clock; components?: Component[] } = {}): Promise<Bot> {
  const log = opts.log ?? createLogger(config.logLevel);
  // First of all: a second bot on this database must refuse before it can disturb the first.
  const lock = acquireBotLock(config.databasePath);
  const database = lock.guard(() => openDatabase(config.databasePath));
  const app = createContext(database, {
    clock: opts.clock ?? clockFrom(config.clockStart),
    policy: config.policy,
    timezone: config.timezone,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  if (config.clockStart && !opts.clock)
    log.warn({ clock: config.clockStart.toISOString() }, 'CHANGEBOT_CLOCK is set: the bot runs on a rehearsal clock, not the real time');
  lock.guard(() => bootstrapAdmins(app, config.admins));
  const http = createHttpServer(log);
  http.check('database', () => probeWritable(database, app.clock.now()));
  http.check('process', processCheck);
  // One registry per bot: the gauges read this bot's database and checks when scraped.
  const metrics = createMetrics({ rfcsByState: () => rfcsByState(app), readiness: () => http.readiness() });
  http.register(metricsPlugin(metrics, config.metricsToken));
  const webRoutes: WebRoutes[] = [...WEB_ROUTES];
  http.register(webPlugin({ app, log, metrics }, webRoutes));
  const registry = new NotifierRegistry();
  const dispatcher = new Dispatcher(app, registry.all, log, new DirectSender(app, registry.all, log, undefined, metrics));
  const deps = botDeps({ config, app, http, log, metrics }, registry, (sender) => dispatcher.setSender(sender), webRoutes);
  const started: { name: string; stop(): Promise<void> }[] = [];
  const handles: ComponentHandle[] = [];
  let bindHost: string | undefined;
  // Errors nothing caught are logged and the bot keeps serving; /readyz says how it stands.
  const unguard = guardProcess(log);
  try {
    for (const c of opts.components ?? COMPONENTS) {
      const on = c.enabled(config);
      if (on !== true) {
        log.info(`${c.name}: off (${on})`);
        c.whenOff?.(deps, on);
        continue;
      }
      const handle = await c.start(deps);
      handles.push(handle);
      bindHost ??= handle.bindHost;
      started.push({ name: c.name, stop: () => handle.stop() });
      log.info(`${c.name}: on`);
    }
    // Every notifier is registered now: work that sends can begin. First the deliveries
    // recorded but not sent when the last process stopped (the jobs' reconciler does the same
    // with its queue), then the outbox.
    for (const h of handles) h.ready?.();
    dispatcher.resumeUnsent().catch((err) => log.error({ err }, 'resuming unsent deliveries failed'));
    dispatcher.start();
    started.push({ name: 'dispatcher', stop: () => dispatcher.stop() });
    const port = await http.listen(config.port, bindHost ?? config.host);
    app.publicUrl = config.publicUrl ?? `http://localhost:${port}`;
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
        lock.release();
        log.info('changebot stopped');
        unguard();
      })());
    return { ...deps, port, database, dispatcher, stop };
  } catch (err) {
    for (const c of started.reverse()) await c.stop().catch(() => {});
    database.close();
    lock.release();
    unguard();
    throw err;
  }
}
