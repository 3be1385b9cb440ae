/**
 * The Bolt app, built by a factory (nothing at import time). Over HTTP, `POST /slack/events`
 * on the bot's shared server goes through the edge (edge.ts: size limit, signature and a
 * two-sided 5-minute timestamp window, a schema check, Slack-only response_url) and then to
 * Bolt's HTTPReceiver, which checks the signature again. With SLACK_APP_TOKEN it uses Socket
 * Mode instead (no public URL, and no edge: Slack's authenticated socket is the only sender).
 *
 * A listener that throws is logged with the request id, the request is acknowledged if it was
 * not yet, and the person is told (through the response_url, else a DM).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { App, HTTPReceiver, type Authorize } from '@slack/bolt';
import type { ExtendedErrorHandler, ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { BotDeps } from '../../component.js';
import { registerActions } from './actions.js';
import { SlackPeople } from './actor.js';
import { NEW_RFC_VIEW, RESCHEDULE_VIEW } from './blocks/modal.js';
import { NEW_RELEASE_VIEW, WAVE_FAILED_VIEW } from './blocks/release-modal.js';
import { COMMAND, RELEASE_COMMAND, registerCommands } from './commands.js';
import { dedupe } from './dedupe.js';
import { type EdgeRoutes, edgeTag, isSlackUrl, slackEdge } from './edge.js';
import { errorText } from './errors.js';
import { registerHome } from './home.js';
import { SlackNotifier } from './notifier.js';
import { type SlackRuntime, responder, tell } from './runtime.js';
import { registerViews } from './views.js';
import { boltClientOptions, createWebClient, slackLogger, withRetry } from './web.js';

export const EVENTS_PATH = '/slack/events';

/**
 * What the listeners registered below answer (keep in step with register*): the edge passes
 * these to Bolt and acknowledges any other well-formed request itself, so none waits 3 seconds
 * for an ack no listener will send.
 */
export const ROUTES: EdgeRoutes = {
  commands: [COMMAND, RELEASE_COMMAND],
  actionPrefixes: ['rfc_', 'release_'],
  viewCallbacks: [NEW_RFC_VIEW, NEW_RELEASE_VIEW, WAVE_FAILED_VIEW, RESCHEDULE_VIEW],
};

export interface SlackApp {
  app: App;
  notifier: SlackNotifier;
  runtime: SlackRuntime;
  mode: 'http' | 'socket';
  /** For /readyz: configured, and whether auth.test accepted the token (ok while it is still asking). */
  health(): { ok: boolean; detail: string };
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
  const common = { authorize, clientOptions: boltClientOptions(config, log), logger: slackLogger(log, 'bolt'), extendedErrorHandler: true };

  const socket = Boolean(config.appToken);
  const receiver = socket
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        endpoints: EVENTS_PATH,
        logger: common.logger,
        // The edge's request id and its "answer if nobody has" reach listeners and app.error.
        customPropertiesExtractor: (req) => {
          const tag = edgeTag(req as IncomingMessage);
          return tag ? { requestId: tag.requestId, answerIfPending: tag.answerIfPending } : {};
        },
      });
  const app = socket ? new App({ ...common, appToken: config.appToken, socketMode: true }) : new App({ ...common, receiver });

  app.use(dedupe(deps.app, log));
  registerCommands(app, runtime);
  registerActions(app, runtime);
  registerViews(app, runtime);
  registerHome(app, runtime);
  app.error((async ({ error, body, context }: ExtendedErrorHandlerArgs) => {
    const err = (error as { original?: unknown }).original ?? error;
    const requestId = typeof context?.requestId === 'string' ? context.requestId : randomUUID();
    const b = (body ?? {}) as Record<string, unknown>;
    const userId = personOf(b);
    log.error({ err, requestId, type: b.type ?? b.command, user: userId }, 'slack: listener failed');
    const answer = context?.answerIfPending;
    if (typeof answer === 'function') (answer as () => void)();
    if (!userId) return;
    const url = responseUrlOf(b);
    const respond = url && isSlackUrl(url, config.apiUrl) ? responder(url) : undefined;
    await tell(runtime, { userId, respond, client: web }, errorText(err));
  }) as ExtendedErrorHandler);

  // What /readyz says of Slack: the token is checked (auth.test) once, in the background.
  let state: { ok: boolean; detail: string } = { ok: true, detail: 'configured; checking the token (auth.test)' };
  let learning: Promise<void> | undefined;
  const learnIdentity = () =>
    (learning ??= withRetry(() => web.auth.test(), { attempts: 5, baseMs: 1_000, maxWaitMs: 30_000, sleep: unrefSleep })
      .then((res) => {
        state = {
          ok: true,
          detail: `connected to workspace ${res.team_id ?? '?'} as ${res.user_id ?? res.bot_id ?? '?'} (${socket ? 'Socket Mode' : 'HTTP'})`,
        };
        if (res.bot_id) identity.botId = res.bot_id;
        if (res.user_id) identity.botUserId = res.user_id;
        if (res.team_id) {
          identity.teamId = res.team_id;
          notifier.setTeam(res.team_id);
        }
      })
      .catch((err: unknown) => {
        state = { ok: false, detail: `auth.test failed: ${err instanceof Error ? err.message : String(err)}; check SLACK_BOT_TOKEN` };
        log.warn({ err }, 'slack: auth.test failed; check SLACK_BOT_TOKEN');
      }));

  return {
    app,
    notifier,
    runtime,
    mode: socket ? 'socket' : 'http',
    health: () => state,
    async start() {
      deps.registerNotifier(notifier);
      if (receiver) {
        const edge = slackEdge({ signingSecret: config.signingSecret ?? '', apiUrl: config.apiUrl, routes: ROUTES, log }, (req, res) =>
          receiver.requestListener(req, res),
        );
        deps.http.route('POST', EVENTS_PATH, edge);
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

/** Who acted: an interaction's user, a command's user_id, an event's user. */
function personOf(body: Record<string, unknown>): string | undefined {
  const user = body.user as { id?: unknown } | undefined;
  const event = body.event as { user?: unknown } | undefined;
  const id = user?.id ?? body.user_id ?? event?.user;
  return typeof id === 'string' && id ? id : undefined;
}

function responseUrlOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.response_url === 'string') return body.response_url;
  const first = Array.isArray(body.response_urls) ? (body.response_urls[0] as { response_url?: unknown } | undefined) : undefined;
  return typeof first?.response_url === 'string' ? first.response_url : undefined;
}

/** A wait that does not keep the process alive (background work only). */
function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
