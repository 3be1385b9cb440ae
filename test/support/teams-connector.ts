/**
 * A fake Bot Connector on 127.0.0.1: the service the bot calls back (serviceUrl) to send,
 * reply to and update activities. It records every call and answers like the real one
 * ({ id } for sends), so tests can assert what the bot sent and updated.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  /** Decoded conversation id from the path. */
  conversationId?: string;
  /** The activity id in the path: replied to (POST) or updated (PUT). */
  activityId?: string;
  kind: 'send' | 'reply' | 'update' | 'create' | 'member' | 'other';
  authorization?: string;
  body: Record<string, unknown>;
  /** The id the connector gave a sent activity. */
  id?: string;
  /** Set when the fake answered with an injected failure. */
  failedWith?: number;
}

export interface Member {
  id: string;
  name: string;
  aadObjectId: string;
}

export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  members: Map<string, Member>;
  /** Answers the next call (matching `when`) with this status and headers instead of success. */
  failNext(status: number, opts?: { headers?: Record<string, string>; when?: (c: ConnectorCall) => boolean }): void;
  /** Resolves with the first call (in order, from `from` on) matching `pred`. */
  waitFor(pred: (c: ConnectorCall) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<ConnectorCall>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, Member>();
  const failures: { status: number; headers: Record<string, string>; when: (c: ConnectorCall) => boolean }[] = [];
  let seq = 0;
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      kind: 'other',
      body: await body(req),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    if (parts[0] === 'v3' && parts[1] === 'conversations') {
      call.conversationId = parts[2];
      if (parts.length === 2 && call.method === 'POST') call.kind = 'create';
      else if (parts[3] === 'activities' && parts.length === 4 && call.method === 'POST') call.kind = 'send';
      else if (parts[3] === 'activities' && parts.length === 5) {
        call.activityId = parts[4];
        call.kind = call.method === 'PUT' ? 'update' : call.method === 'POST' ? 'reply' : 'other';
      } else if (parts[3] === 'members' && parts.length === 5) {
        call.kind = 'member';
        call.activityId = undefined;
      }
    }
    calls.push(call);
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const f = failures.findIndex((x) => x.when(call));
    if (f !== -1) {
      const [fail] = failures.splice(f, 1);
      call.failedWith = fail!.status;
      return json(fail!.status, { error: { code: 'Failure', message: `fake failure ${fail!.status}` } }, fail!.headers);
    }
    switch (call.kind) {
      case 'send':
      case 'reply':
        call.id = `msg-${++seq}`;
        return json(200, { id: call.id });
      case 'update':
        call.id = call.activityId;
        return json(200, { id: call.activityId });
      case 'create':
        return json(200, { id: `conv-${++seq}` });
      case 'member': {
        const m = members.get(parts[4] as string);
        return m ? json(200, { ...m, userPrincipalName: `${m.name}@example.test` }) : json(404, { error: { code: 'NotFound', message: 'no such member' } });
      }
      default:
        return json(404, { error: { code: 'NotFound', message: `fake connector has no ${call.method} ${path}` } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    failNext(status, opts = {}) {
      failures.push({ status, headers: opts.headers ?? {}, when: opts.when ?? (() => true) });
    },
    async waitFor(pred, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 5000);
      for (;;) {
        const found = calls.slice(opts.from ?? 0).find(pred);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`fake connector: no matching call; saw ${calls.map((c) => `${c.method} ${c.path}`).join(', ') || 'nothing'}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
