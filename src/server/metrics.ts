/**
 * What operators scrape: `GET /metrics` in the Prometheus text format. One registry per bot
 * (tests run several bots in one process; the global registry is never used). The parts of the
 * bot count through the small `Metrics` interface they are given (BotDeps.metrics); the gauges
 * (RFCs by state, pending timers by kind, the /readyz checks) are read when scraped.
 *
 * Counting on the acknowledgement path is a pre-labelled child's `observe` (no label object, no
 * allocation per request); the other counters label by verb, method or code, all of them
 * bounded sets (the command language's verbs, Slack's method names and error codes, HTTP statuses).
 *
 * Unauthenticated like most exporters, unless METRICS_TOKEN is set: then `Authorization: Bearer
 * <token>` is required (401 JSON otherwise).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Command } from '../commands/types.js';
import { isChangebotError } from '../domain/errors.js';

export type CommandPlatform = 'slack' | 'teams' | 'web';
export type ChatApiPlatform = 'slack' | 'teams';
export type CommandOutcome = 'ok' | 'refused' | 'error';
export type DeliveryOutcome = 'sent' | 'failed' | 'retried';

/** What the parts of the bot count with. Every method is cheap and never throws. */
export interface Metrics {
  /** A command (typed, a button, a form, a web action) that ran: by platform, verb and outcome. */
  commandHandled(platform: CommandPlatform, verb: string, outcome?: CommandOutcome): void;
  /**
   * Runs `run` (the command's execution) and counts it by its outcome: `ok`, `refused` (a
   * ChangebotError: not allowed, bad input) or `error`; a vote that went through also counts as
   * a vote cast. Returns what `run` returns, throws what it throws.
   */
  counted<T>(platform: CommandPlatform, cmd: Command | string, run: () => T): T;
  /** Seconds from a chat request's arrival to its acknowledgement (Slack) or HTTP answer (Teams). */
  ackLatency(platform: ChatApiPlatform, seconds: number): void;
  vote(choice: string): void;
  /** One attempt at sending a recorded delivery: sent, failed for good, or to be retried. */
  delivery(outcome: DeliveryOutcome): void;
  /** A chat platform's API call that failed: Slack Web API method and error code, Teams connector call and HTTP status. */
  chatApiError(platform: ChatApiPlatform, method: string, code: string): void;
  /** The pending timers by kind, read when scraped (the jobs component gives it; none without jobs). */
  timersFrom(read: () => Readonly<Record<string, number>>): void;
}

/** Counts nothing: for parts started without a bot (tools, unit tests). */
export const NO_METRICS: Metrics = {
  commandHandled: () => {},
  counted: (_p, _c, run) => run(),
  ackLatency: () => {},
  vote: () => {},
  delivery: () => {},
  chatApiError: () => {},
  timersFrom: () => {},
};

/** The verb a command is counted under: `show`, `vote`, `admin-grant`, `release-go`, `wave-start`... */
export function verbOf(cmd: Command): string {
  if (cmd.kind === 'admin') return `admin-${cmd.command.kind}`;
  if (cmd.kind === 'release') return cmd.command.kind;
  return cmd.kind;
}

export interface MetricsSources {
  /** RFCs by state, every state named (0 included). */
  rfcsByState(): Readonly<Record<string, number>>;
  /** The /readyz checks (`http.readiness()`). */
  readiness(): Promise<{ checks: Record<string, { ok: boolean }> }>;
}

export interface BotMetrics extends Metrics {
  readonly registry: Registry;
  /** The Prometheus text, as `/metrics` answers it. */
  text(): Promise<string>;
}

/** Slack's deadline for an acknowledgement is 3 seconds: the buckets resolve around it. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

export function createMetrics(sources: MetricsSources): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: 'changebot_commands_total',
    help: 'Commands handled (typed, buttons, forms, web actions), by platform, verb and outcome (ok, refused, error).',
    labelNames: ['platform', 'verb', 'outcome'] as const,
    registers: [registry],
  });
  const ack = new Histogram({
    name: 'changebot_ack_latency_seconds',
    help: "Seconds from a chat request's arrival to its acknowledgement (Slack, HTTP mode) or its HTTP answer (Teams).",
    labelNames: ['platform'] as const,
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const ackOf = { slack: ack.labels('slack'), teams: ack.labels('teams') };
  const votes = new Counter({
    name: 'changebot_votes_total',
    help: 'Votes cast, by choice.',
    labelNames: ['choice'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'changebot_deliveries_total',
    help: 'Delivery attempts, by outcome: sent, failed (given up) or retried (tried again later).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const o of ['sent', 'failed', 'retried'] as const) deliveries.labels(o).inc(0);
  const apiErrors = new Counter({
    name: 'changebot_chat_api_errors_total',
    help: "Failed chat API calls, by platform, method (Slack Web API method; Teams connector call) and code (Slack's error, or http_<status>).",
    labelNames: ['platform', 'method', 'code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'changebot_rfcs',
    help: 'RFCs by state, read from the database when scraped.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(sources.rfcsByState())) this.labels(state).set(n);
    },
  });
  let timers: (() => Readonly<Record<string, number>>) | undefined;
  new Gauge({
    name: 'changebot_timers',
    help: 'Timed events (reminders, notices, prompts, deadlines) pending, by kind, derived from the database when scraped (only while the jobs run).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (timers) for (const [kind, n] of Object.entries(timers())) this.labels(kind).set(n);
    },
  });
  new Gauge({
    name: 'changebot_check_up',
    help: 'The /readyz checks: 1 when the check passes, 0 when it fails (database = SQLite writable, redis = Redis answers, slack, teams, process).',
    labelNames: ['check'] as const,
    registers: [registry],
    async collect() {
      const r = await sources.readiness();
      this.reset();
      for (const [name, c] of Object.entries(r.checks)) this.labels(name).set(c.ok ? 1 : 0);
    },
  });

  const commandHandled = (platform: CommandPlatform, verb: string, outcome: CommandOutcome = 'ok') => commands.labels(platform, verb, outcome).inc();
  return {
    registry,
    text: () => registry.metrics(),
    commandHandled,
    counted(platform, cmd, run) {
      const verb = typeof cmd === 'string' ? cmd : verbOf(cmd);
      let result: ReturnType<typeof run>;
      try {
        result = run();
      } catch (err) {
        commandHandled(platform, verb, isChangebotError(err) ? 'refused' : 'error');
        throw err;
      }
      commandHandled(platform, verb, 'ok');
      if (typeof cmd !== 'string' && cmd.kind === 'vote') votes.labels(cmd.choice).inc();
      return result;
    },
    ackLatency: (platform, seconds) => ackOf[platform].observe(seconds),
    vote: (choice) => votes.labels(choice).inc(),
    delivery: (outcome) => deliveries.labels(outcome).inc(),
    chatApiError: (platform, method, code) => apiErrors.labels(platform, method, code).inc(),
    timersFrom: (read) => void (timers = read),
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics`; with a token, only for `Authorization: Bearer <token>`. */
export function metricsPlugin(metrics: BotMetrics, token: string | undefined): FastifyPluginAsync {
  return async (scope) => {
    scope.get('/metrics', async (req, reply) => {
      if (token) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
        if (!m?.[1] || !sameToken(m[1], token)) {
          return reply.code(401).header('www-authenticate', 'Bearer realm="changebot metrics"').send({
            ok: false,
            error: 'METRICS_TOKEN is set: send it as "Authorization: Bearer <token>" (Prometheus: authorization.credentials in the scrape config)',
            code: 'unauthorized',
          });
        }
      }
      const body = await metrics.text();
      return reply.type(metrics.registry.contentType).send(body);
    });
  };
}
