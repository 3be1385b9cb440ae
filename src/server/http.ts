/**
 * The bot's one HTTP server: health endpoints plus the routes the chat adapters mount
 * (`POST /slack/events`, `POST /api/messages`). A tiny exact-path router; adapters bring
 * their own request handling.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };

export interface HttpServer {
  route(method: string, path: string, handler: Handler): void;
  /** `/readyz` reports every check; `/healthz` only says the process is up. */
  check(name: string, fn: HealthCheck): void;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly server: Server;
}

export function createHttpServer(onError: (err: unknown) => void = () => {}): HttpServer {
  const routes = new Map<string, Handler>();
  const checks = new Map<string, HealthCheck>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true });
      if (req.method === 'GET' && path === '/readyz') {
        const results: Record<string, { ok: boolean; detail?: string }> = {};
        for (const [name, fn] of checks) {
          try {
            results[name] = await fn();
          } catch (e) {
            results[name] = { ok: false, detail: e instanceof Error ? e.message : String(e) };
          }
        }
        const ok = Object.values(results).every((r) => r.ok);
        return json(res, ok ? 200 : 503, { ok, checks: results });
      }
      const handler = routes.get(`${req.method} ${path}`);
      if (!handler) return json(res, 404, { ok: false, error: `no route for ${req.method} ${path}` });
      await handler(req, res);
    } catch (err) {
      onError(err);
      if (!res.headersSent) json(res, 500, { ok: false, error: 'internal error' });
      else res.end();
    }
  });
  return {
    server,
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    check: (name, fn) => void checks.set(name, fn),
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
