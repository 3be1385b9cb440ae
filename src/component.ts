/**
 * What a part of the bot (Slack, Teams, the jobs) is given when it starts, and what it gives
 * back. Parts register what they offer (a notifier, a commit listener, a delivery sender)
 * explicitly; nothing reads those registrations until every part has started, so the order
 * the parts are listed in does not matter.
 */
import { type AfterCommit, type AppContext, onCommit } from './app/context.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { DeliverySender } from './notify/dispatcher.js';
import type { Notifier } from './notify/types.js';
import type { HttpServer } from './server/http.js';
import { type Metrics, NO_METRICS } from './server/metrics.js';
import type { WebRoutes } from './web/index.js';

export interface ComponentHandle {
  stop(): Promise<void>;
  /** Listen on this host instead of HOST (Teams without credentials: 127.0.0.1). */
  bindHost?: string;
  /** Called once every component has started: begin work that needs the others (sending). */
  ready?(): void;
}

/** A part of the bot that can be switched on by configuration (Slack, Teams, jobs). */
export interface Component {
  name: string;
  /** `true` when configured, else the reason it is off (logged at start). */
  enabled(config: Config): true | string;
  start(deps: BotDeps): Promise<ComponentHandle>;
  /** Called instead of start when it is off, with the reason (the jobs: their board says they are off). */
  whenOff?(deps: BotDeps, reason: string): void;
}

/** The chat platforms' notifiers, read whenever something is sent (never copied at start). */
export class NotifierRegistry {
  private readonly list: Notifier[] = [];

  register(n: Notifier): void {
    if (this.list.some((x) => x.platform === n.platform)) throw new Error(`a ${n.platform} notifier is registered already`);
    this.list.push(n);
  }

  /** A live view: it includes notifiers registered after it was taken. */
  get all(): readonly Notifier[] {
    return this.list;
  }
}

export interface BotDeps {
  config: Config;
  app: AppContext;
  http: HttpServer;
  log: Logger;
  /** What the parts count for `/metrics` (commands, acknowledgements, votes, deliveries, chat API errors). */
  metrics: Metrics;
  /** Every platform's notifier, as a live list. */
  notifiers: readonly Notifier[];
  /** A chat platform offers its notifier to the delivery layer. */
  registerNotifier(n: Notifier): void;
  /** Runs `listener` after every committed use case; returns what removes it. */
  onCommit(listener: AfterCommit): () => void;
  /** Sends the outbox's deliveries through `sender` (the jobs component's queues) instead of in-process. */
  useDeliverySender(sender: DeliverySender): void;
  /** Adds pages to the web (the jobs' queue board); they get its cookies, viewer and error pages. */
  addWebRoutes(routes: WebRoutes): void;
}

/** BotDeps around one context, registry and dispatcher. */
export function botDeps(
  base: { config: Config; app: AppContext; http: HttpServer; log: Logger; metrics?: Metrics },
  registry: NotifierRegistry,
  useDeliverySender: (sender: DeliverySender) => void,
  webRoutes: WebRoutes[] = [],
): BotDeps {
  return {
    ...base,
    metrics: base.metrics ?? NO_METRICS,
    addWebRoutes: (routes) => void webRoutes.push(routes),
    notifiers: registry.all,
    registerNotifier: (n) => registry.register(n),
    onCommit: (listener) => onCommit(base.app, listener),
    useDeliverySender,
  };
}
