/**
 * The Bolt app, built by a factory (nothing at import time). Over HTTP, Bolt's HTTPReceiver
 * handles `POST /slack/events` on the bot's shared server (signature and 5-minute timestamp
 * checks included); with SLACK_APP_TOKEN it uses Socket Mode instead and needs no public URL.
 */
import { App, HTTPReceiver, type Authorize } from '@slack/bolt';
import type { BotDeps } from '../../component.js';
import { registerActions } from './actions.js';
import { SlackPeople } from './actor.js';
import { registerCommands } from './commands.js';
import { dedupe } from './dedupe.js';
import { registerHome } from './home.js';
import { SlackNotifier } from './notifier.js';
import type { SlackRuntime } from './runtime.js';
import { registerViews } from './views.js';
import { boltClientOptions, createWebClient, slackLogger, withRetry } from './web.js';

export const EVENTS_PATH = '/slack/events';

export interface SlackApp {
  app: App;
  notifier: SlackNotifier;
  runtime: SlackRuntime;
  mode: 'http' | 'socket';
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(deps: BotDeps, opts: { retry?: SlackRuntime['retry'] } = {}): SlackApp {
  const config = deps.config.slack;
  const log = deps.log.child({ component: 'slack' });
  const botToken = config.botToken ?? '';
  const web = createWebClient(config, log);
  const notifier = new SlackNotifier(deps.app, web, config, { log });
  const runtime: SlackRuntime = {
    ctx: deps.app,
    config,
    log,
    people: new SlackPeople(deps.app, web, log),
    notifier,
    web,
    retry: opts.retry ?? { attempts: 3, baseMs: 250, maxWaitMs: 2_000 },
  };

  // Known bot identity, learned once in the background: authorizing a request never waits
  // for Slack, so every request is acknowledged in time even when the Web API is slow.
  const identity: { botId?: string; botUserId?: string; teamId?: string } = {};
  const authorize: Authorize<boolean> = async () => ({ botToken, ...identity });
  const common = { authorize, clientOptions: boltClientOptions(config, log), logger: slackLogger(log, 'bolt') };

  const socket = Boolean(config.appToken);
  const receiver = socket ? undefined : new HTTPReceiver({ signingSecret: config.signingSecret ?? '', endpoints: EVENTS_PATH, logger: common.logger });
  const app = socket ? new App({ ...common, appToken: config.appToken, socketMode: true }) : new App({ ...common, receiver });

  app.use(dedupe(deps.app, log));
  registerCommands(app, runtime);
  registerActions(app, runtime);
  registerViews(app, runtime);
  registerHome(app, runtime);
  app.error(async (err) => log.error({ err }, 'slack: unhandled listener error'));

  let learning: Promise<void> | undefined;
  const learnIdentity = () =>
    (learning ??= withRetry(() => web.auth.test(), { attempts: 5, baseMs: 1_000, maxWaitMs: 30_000, sleep: unrefSleep })
      .then((res) => {
        if (res.bot_id) identity.botId = res.bot_id;
        if (res.user_id) identity.botUserId = res.user_id;
        if (res.team_id) {
          identity.teamId = res.team_id;
          notifier.setTeam(res.team_id);
        }
      })
      .catch((err: unknown) => log.warn({ err }, 'slack: auth.test failed; check SLACK_BOT_TOKEN')));

  return {
    app,
    notifier,
    runtime,
    mode: socket ? 'socket' : 'http',
    async start() {
      deps.registerNotifier(notifier);
      if (receiver) {
        deps.http.route('POST', EVENTS_PATH, (req, res) => receiver.requestListener(req, res));
      } else {
        await app.start();
      }
      void learnIdentity();
    },
    async stop() {
      if (socket) await app.stop();
    },
  };
}

/** A wait that does not keep the process alive (background work only). */
function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
