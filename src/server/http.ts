/**
 * The bot's one HTTP server, on Fastify: health endpoints, the web pages and APIs (plugins
 * registered before it listens), and the chat adapters' routes (`POST /slack/events`,
 * `POST /api/messages`), which bring their own request handling: Fastify routes them but never
 * reads their bodies (Bolt checks Slack's signature over the raw bytes; botbuilder reads its
 * own), and hands them the raw request and response.
 *
 * Every request gets an id (a sane `X-Request-Id` from a proxy, or a new UUID), sent back as
 * `X-Request-Id` and on the request's log lines. Unknown routes answer 404 and malformed
 * bodies 400, as JSON; a ChangebotError is mapped to its status in one place (errors.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from '../log.js';
import { errorBody, statusOf } from './errors.js';

/** What a chat adapter's handler is told of its request: the id on its log lines and `X-Request-Id`. */
export interface RawRequestInfo {
  requestId: string;
}
export type Handler = (req: IncomingMessage, res: ServerResponse, info: RawRequestInfo) => void | Promise<void>;
export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };

/** The most a parsed body (a web form, an API's JSON) may be; the chat adapters keep their own limits. */
export const BODY_LIMIT = 256 * 1024;

export interface HttpServer {
  /** A chat adapter's route: Fastify routes it, the handler reads the raw request itself. */
  route(method: string, path: string, handler: Handler): void;
  /** `/readyz` reports every check; `/healthz` only says the process is up. */
  check(name: string, fn: HealthCheck): void;
  /** Web pages and APIs: a Fastify plugin, registered before the server listens. */
  register(plugin: FastifyPluginAsync): void;
  /** Every check's result, as `/readyz` answers it (also read by the metrics). */
  readiness(): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly server: Server;
  readonly fastify: FastifyInstance;
}

/** Paths whose last part is a credential (calendar feeds): logged as the route's pattern. */
const SECRET_PATH = /^\/calendar\/feeds\//;
/** A request id from a proxy is kept when it is short and plain; anything else gets a new UUID. */
const SANE_ID = /^[\w.:-]{1,128}$/;
/**
 * Polled by orchestrators and scrapers: their lines are logged at debug, not info. So are the
 * chat adapters' routes (added to it), which log what they did themselves.
 */
const QUIET_PATHS = ['/healthz', '/readyz', '/metrics'];

export function createHttpServer(log?: Logger): HttpServer {
  const raw: { method: string; path: string; handler: Handler }[] = [];
  const plugins: FastifyPluginAsync[] = [];
  const checks = new Map<string, HealthCheck>();
  const quiet = new Set(QUIET_PATHS);
  const fastify: FastifyInstance = Fastify({
    ...(log ? { loggerInstance: log as FastifyBaseLogger } : {}),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  fastify.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // Never the query string (sign-in tokens, filters) nor a secret in the path (a calendar
    // feed's token): a route whose path holds a secret is logged as its pattern.
    const url = SECRET_PATH.test(path) ? (req.routeOptions.url ?? '/…') : path;
    const line = { method: req.method, url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (quiet.has(path)) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });
  fastify.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    reply.code(404).send({ ok: false, error: `no route for ${req.method} ${path}`, code: 'not_found' });
  });
  fastify.setErrorHandler((err: FastifyError, req, reply) => {
    const status = statusOf(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    reply.code(status).send(errorBody(err, status));
  });

  const readiness = async () => {
    const results: Record<string, { ok: boolean; detail?: string }> = {};
    for (const [name, fn] of checks) {
      try {
        results[name] = await fn();
      } catch (e) {
        results[name] = { ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
    }
    return { ok: Object.values(results).every((r) => r.ok), checks: results };
  };
  fastify.get('/healthz', async () => ({ ok: true }));
  fastify.get('/readyz', async (_req, reply) => {
    const r = await readiness();
    return reply.code(r.ok ? 200 : 503).send(r);
  });

  let ready: Promise<void> | undefined;
  const prepare = () =>
    (ready ??= (async () => {
      // The adapters' routes, in a context whose only body parser leaves the body unread.
      await fastify.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_req: FastifyRequest, _payload: unknown, done: (err: null, body?: unknown) => void) => done(null));
        for (const r of raw) {
          scope.route({
            method: r.method as 'POST',
            url: r.path,
            handler: async (req: FastifyRequest, reply: FastifyReply) => {
              // A hijacked reply never writes the headers set on it: the request id goes on the raw response.
              reply.raw.setHeader('x-request-id', req.id);
              reply.hijack();
              try {
                await r.handler(req.raw, reply.raw, { requestId: req.id });
              } catch (err) {
                req.log.error({ err }, 'request failed');
                if (!reply.raw.headersSent) {
                  reply.raw.writeHead(500, { 'content-type': 'application/json' });
                  reply.raw.end(JSON.stringify({ ok: false, error: 'internal error' }));
                } else reply.raw.end();
              }
            },
          });
        }
      });
      for (const p of plugins) await fastify.register(p);
      await fastify.ready();
    })());

  return {
    server: fastify.server,
    fastify,
    route: (method, path, handler) => {
      raw.push({ method: method.toUpperCase(), path, handler });
      quiet.add(path);
    },
    check: (name, fn) => void checks.set(name, fn),
    register: (plugin) => void plugins.push(plugin),
    readiness,
    async listen(port, host) {
      await prepare();
      // Listening on the node server itself keeps Node's default address (all interfaces) when
      // HOST is unset; Fastify's own listen would pick localhost.
      const server = fastify.server;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      const server = fastify.server;
      if (server.listening) {
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await fastify.close();
    },
  };
}
