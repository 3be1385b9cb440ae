/**
 * A small fake Slack Web API for the benchmarks and the crash test (compiled into dist/, so a
 * child process can use it): chat.postMessage with message metadata, conversations.history
 * that returns it, usergroups.users.list, auth.test, and a token-bucket rate limit on
 * chat.postMessage answering 429 with Retry-After like Slack. Binds to 127.0.0.1 only.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  channel: string;
  text: string;
  ts: string;
  /** metadata.event_payload.key when the sender attached one. */
  key?: string;
  at: number;
}

export interface BenchSlackOptions {
  teamId?: string;
  usergroups?: Record<string, string[]>;
  /** chat.postMessage calls allowed per second (token bucket, burst of one second); 0 = unlimited. */
  ratePerSec?: number;
  /** Milliseconds before each answer. */
  latencyMs?: number;
}

export class BenchSlack {
  readonly posted: Posted[] = [];
  /** chat.postMessage answered 429. */
  limited = 0;
  /** conversations.history calls (how often an interrupted delivery was checked). */
  historyCalls = 0;
  /** Further chat.postMessage calls answered 429 regardless of the rate (tests). */
  force429 = 0;
  url = '';
  private server!: Server;
  private tokens: number;
  private refilledAt = Date.now();
  private seq = 0;

  private constructor(private readonly opts: BenchSlackOptions) {
    this.tokens = opts.ratePerSec ?? 0;
  }

  static async start(opts: BenchSlackOptions = {}): Promise<BenchSlack> {
    const fake = new BenchSlack(opts);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/api/`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get teamId(): string {
    return this.opts.teamId ?? 'T0001';
  }

  private take(): number | null {
    const rate = this.opts.ratePerSec ?? 0;
    if (!rate) return null;
    const now = Date.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / rate));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const [path = '', query = ''] = (req.url ?? '').split('?');
    const args = parseArgs(body, String(req.headers['content-type'] ?? ''), query);
    const method = path.replace(/^\/api\//, '');
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    };
    switch (method) {
      case 'auth.test':
        return reply(200, { ok: true, team_id: this.teamId, user_id: 'UBOT', bot_id: 'BBOT' });
      case 'usergroups.users.list': {
        const users = this.opts.usergroups?.[String(args.usergroup)];
        return reply(200, users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
      }
      case 'conversations.open':
        return reply(200, { ok: true, channel: { id: dmOf(String(args.users ?? '')) } });
      case 'conversations.history': {
        this.historyCalls++;
        const channel = String(args.channel ?? '');
        const messages = this.posted
          .filter((p) => p.channel === channel)
          .reverse()
          .map((p) => ({ type: 'message', text: p.text, ts: p.ts, ...(p.key ? { metadata: { event_type: 'changebot_delivery', event_payload: { key: p.key } } } : {}) }));
        return reply(200, { ok: true, messages, has_more: false });
      }
      case 'chat.postMessage': {
        if (this.force429 > 0) {
          this.force429--;
          this.limited++;
          return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        }
        const wait = this.take();
        if (wait !== null) {
          this.limited++;
          return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
        }
        const given = String(args.channel ?? '');
        if (!given) return reply(200, { ok: false, error: 'channel_not_found' });
        const channel = /^[UW]/.test(given) ? dmOf(given) : given;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
        const meta = parseJson(args.metadata) as { event_payload?: { key?: string } } | undefined;
        const p: Posted = { channel, text: String(args.text ?? ''), ts, at: Date.now() };
        if (meta?.event_payload?.key) p.key = meta.event_payload.key;
        this.posted.push(p);
        return reply(200, { ok: true, channel, ts });
      }
      case 'chat.update':
        return reply(200, { ok: true, channel: args.channel, ts: args.ts });
      default:
        return reply(200, { ok: false, error: 'unknown_method' });
    }
  }
}

/** Slack's DM channel for a user: `U123` -> `D123`. */
export function dmOf(user: string): string {
  return `D${user.slice(1)}`;
}

function parseArgs(body: string, contentType: string, query: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(new URLSearchParams(query));
  if (contentType.includes('application/json')) Object.assign(out, parseJson(body) ?? {});
  else for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}
