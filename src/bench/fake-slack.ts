/**
 * A small fake Slack Web API for the benchmarks (compiled into dist/ with them), answering what
 * the real SlackNotifier calls: auth.test, usergroups.users.list, chat.postMessage (keeping the
 * delivery key it attaches as message metadata), chat.update, and conversations.open /
 * conversations.history for its check after a crash (newest first, `oldest`, `limit`, cursor,
 * metadata only with include_all_metadata), users.info (every person in Europe/London), and
 * response_url posts at `/response/<name>` (counted in `responses`). A token-bucket rate limit on chat.postMessage
 * answers 429 with Retry-After like Slack. Binds to 127.0.0.1 only. Tests use the fuller
 * test/support/slack-server.ts.
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
  /** POSTs to a response_url (`/response/<name>`), the answers to commands and clicks. */
  responses = 0;
  /** chat.postMessage answered 429. */
  limited = 0;
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
    if (path.startsWith('/response/')) {
      this.responses++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('ok');
    }
    const args = parseArgs(body, String(req.headers['content-type'] ?? ''), query);
    const method = path.replace(/^\/api\//, '');
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    };
    switch (method) {
      case 'auth.test':
        return reply(200, { ok: true, team_id: this.teamId, user_id: BOT_USER, bot_id: BOT_ID });
      case 'users.info':
        return reply(200, { ok: true, user: { id: args.user, tz: 'Europe/London' } });
      case 'usergroups.users.list': {
        const users = this.opts.usergroups?.[String(args.usergroup)];
        return reply(200, users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
      }
      case 'conversations.open':
        return reply(200, { ok: true, channel: { id: dmOf(String(args.users ?? '')) } });
      case 'conversations.history': {
        const oldest = Number(args.oldest ?? 0);
        const limit = Math.min(999, Number(args.limit ?? 100) || 100);
        const skip =
          Number(
            Buffer.from(String(args.cursor ?? ''), 'base64')
              .toString('utf8')
              .replace(/^offset:/, ''),
          ) || 0;
        const withMetadata = String(args.include_all_metadata) === 'true';
        const found = this.posted.filter((p) => p.channel === String(args.channel ?? '') && Number(p.ts) > oldest).reverse();
        const page = found.slice(skip, skip + limit).map((p) => ({
          type: 'message',
          user: BOT_USER,
          bot_id: BOT_ID,
          text: p.text,
          ts: p.ts,
          ...(withMetadata && p.key ? { metadata: { event_type: 'changebot_delivery', event_payload: { key: p.key } } } : {}),
        }));
        const more = found.length > skip + limit;
        return reply(200, {
          ok: true,
          messages: page,
          has_more: more,
          ...(more ? { response_metadata: { next_cursor: Buffer.from(`offset:${skip + limit}`).toString('base64') } } : {}),
        });
      }
      case 'chat.postMessage': {
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

const BOT_USER = 'UBOT';
const BOT_ID = 'BBOT';

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
