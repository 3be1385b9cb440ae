/**
 * The Bolt app, built by a factory (nothing at import time). Over HTTP, `POST /slack/events`
 * on the bot's shared server goes through the edge (edge.ts: size limit, signature and a
 * two-sided 5-minute timestamp window, a schema check, Slack-only response_url) and then to
 * Bolt's HTTPReceiver, which checks the signature again. With SLACK_APP_TOKEN it uses Socket
 * Mode instead (no public URL, and no HTTP edge: Slack's authenticated socket is the only sender;
 * `socketEdge` below keeps the edge's acknowledgements).
 *
 * A listener that throws is logged with the request id, the request is acknowledged if it was
 * not yet, and the person is told (through the response_url, else a DM).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type AnyMiddlewareArgs, App, type Authorize, HTTPReceiver, type Middleware, type webApi } from '@slack/bolt';
import type { ExtendedErrorHandler, ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { BotDeps } from '../../component.js';
import type { Logger } from '../../log.js';
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
import { type SlackConfig, boltClientOptions, createWebClient, slackLogger, withRetry } from './web.js';

export const EVENTS_PATH = '/slack/events';

/**
 * What the listeners registered below answer (keep in step with register*): the edge passes
 * these to Bolt and acknowledges any other well-formed request itself (socketEdge does the same
 * in Socket Mode), so none waits for an ack no listener will send.
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
  const web = createWebClient(config, log, { metrics: deps.metrics });
  const notifier = new SlackNotifier(deps.app, web, config, { log });
  const runtime: SlackRuntime = {
    ctx: deps.app,
    config,
    log,
    metrics: deps.metrics,
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
  const app = socket
    ? new App({ ...common, appToken: config.appToken, socketMode: true, installerOptions: socketClientOptions(config, log) })
    : new App({ ...common, receiver });

  if (socket) app.use(socketEdge(ROUTES));
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
    if (typeof answer === 'function') await (answer as () => unknown)();
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
        const edge = slackEdge({ signingSecret: config.signingSecret ?? '', apiUrl: config.apiUrl, routes: ROUTES, log, metrics: deps.metrics }, (req, res) =>
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

/**
 * The Socket Mode client's own Web API client (apps.connections.open, with the app token). Bolt
 * would hand it the bot's fail-fast options (no retries), so one 503 or refused connection while
 * reconnecting was "unrecoverable": the socket stayed down for good. Same SLACK_API_URL, but the
 * SDK's own retry policy for opening the connection.
 */
function socketClientOptions(config: SlackConfig, log: Logger): { clientOptions: webApi.WebClientOptions } {
  const { slackApiUrl, timeout, logger } = boltClientOptions(config, log);
  return { clientOptions: { ...(slackApiUrl ? { slackApiUrl } : {}), timeout, logger } };
}

/**
 * Over Socket Mode there is no edge, so nothing acknowledged an envelope no listener answers (a
 * link button's block_actions, another app's command, a view_closed, a shortcut): Slack
 * redelivered it and showed the person an error. This acknowledges those as the edge does over
 * HTTP (same route table), and lets everything else through with the edge's other duty: an
 * `answerIfPending` for app.error, so an envelope whose listener failed before `ack()` (the
 * inbound claim could not be written) is still acknowledged. Bolt's socket ack sends once; after
 * a listener that had acknowledged, the second call is only logged by Bolt as a warning.
 */
function socketEdge(routes: EdgeRoutes): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (r?: unknown) => Promise<void>) : undefined;
    if (ack && !routed(body, routes)) {
      await ack(body.type === 'block_suggestion' ? { options: [] } : undefined);
      return;
    }
    if (ack) args.context.answerIfPending = () => ack().catch(() => {});
    await args.next();
  };
}

function routed(body: Record<string, unknown>, routes: EdgeRoutes): boolean {
  if (typeof body.command === 'string') return routes.commands.includes(body.command);
  if (body.type === 'block_actions') {
    const first = Array.isArray(body.actions) ? (body.actions[0] as { action_id?: unknown } | undefined) : undefined;
    return typeof first?.action_id === 'string' && routes.actionPrefixes.some((p) => (first.action_id as string).startsWith(p));
  }
  if (body.type === 'view_submission') return routes.viewCallbacks.includes(String((body.view as { callback_id?: unknown } | undefined)?.callback_id));
  return false;
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
