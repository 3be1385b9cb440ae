/**
 * A fake Slack Web API on 127.0.0.1: answers like Slack (form-encoded or JSON requests,
 * `{ ok, ... }` bodies, 429 with Retry-After), keeps the messages posted so chat.update edits
 * them, and records every call. Point the bot at it with SLACK_API_URL=`fake.url`.
 *
 * Knobs for failure and load tests: per-method latency, forced 429s, forced HTTP/Slack errors,
 * and a fixed-window rate limit (per method, or per method and channel like chat.postMessage).
 * Also serves response_url endpoints (`fake.responseUrl(name)`), recorded in `responses`.
 *
 * Messages keep their metadata; conversations.history and conversations.replies read them back
 * like Slack (newest first / thread parent first, oldest and latest, limit and cursor, metadata
 * only with include_all_metadata), and conversations.open gives each user one stable DM channel,
 * the same one chat.postMessage to the user's id posts in.
 */
import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBack } from './slack-history.js';

export interface FakeSlackUser {
  name?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
}

export interface RateLimit {
  /** Method it applies to; `*` for every method. */
  method: string;
  /** Calls allowed per window (per key). */
  limit: number;
  windowMs: number;
  /** Seconds sent in Retry-After (default: the rest of the window, at least 1). */
  retryAfterSec?: number;
  /** `channel`: counted per (method, channel argument), like Slack's chat.postMessage limit. */
  per?: 'method' | 'channel';
}

export interface FakeSlackOptions {
  teamId?: string;
  botUserId?: string;
  botId?: string;
  users?: Record<string, FakeSlackUser>;
  usergroups?: Record<string, string[]>;
  /** Milliseconds to wait before answering, per method (`*` for all). */
  latency?: Record<string, number>;
  rateLimits?: RateLimit[];
}

export interface RecordedCall {
  method: string;
  /** Arguments as sent, with JSON-encoded values (blocks, view, ...) decoded. */
  args: Record<string, unknown>;
  /** Raw string arguments, exactly as they arrived. */
  raw: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  at: number;
  status: number;
  response: Record<string, unknown>;
}

export interface RecordedResponse {
  name: string;
  body: Record<string, unknown>;
  at: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Message metadata as posted (`{ event_type, event_payload }`). */
  metadata?: Record<string, unknown>;
  /** Every version, oldest first (the post, then each chat.update). */
  history: { text?: string; blocks?: unknown[] }[];
}

type Failure = { times: number; status?: number; error?: string; retryAfterSec?: number; hang?: boolean };

const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata']);

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly views = new Map<string, Record<string, unknown>>();
  /** Most calls of one method in flight at once (for concurrency benchmarks). */
  readonly maxInFlight = new Map<string, number>();
  readonly teamId: string;
  readonly botUserId: string;
  private readonly events = new EventEmitter();
  private readonly failures = new Map<string, Failure[]>();
  /** Per method: ms to hold the answer after the call took effect (the message is posted, the caller does not know yet). */
  private readonly replyDelays = new Map<string, number>();
  private readonly held = new Set<() => void>();
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly inFlight = new Map<string, number>();
  /** DM channels opened (conversations.open or a post to a user id). */
  private readonly dms = new Set<string>();
  private seq = 0;
  private server!: Server;
  url = '';
  baseUrl = '';
  /**
   * Socket Mode (test/support/socket-slack.ts): the `ws://` URL apps.connections.open answers
   * with. Unset, it answers as for an app without Socket Mode.
   */
  socketModeUrl?: () => string;

  private constructor(private readonly opts: FakeSlackOptions) {
    this.teamId = opts.teamId ?? 'T0001';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.events.setMaxListeners(0);
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.baseUrl = `http://127.0.0.1:${port}`;
    fake.url = `${fake.baseUrl}/api/`;
    return fake;
  }

  async close(): Promise<void> {
    this.releaseReplies();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets calls, messages, views and failures (users and options stay). */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.messages.clear();
    this.dms.clear();
    this.views.clear();
    this.failures.clear();
    this.replyDelays.clear();
    this.releaseReplies();
    this.windows.clear();
    this.maxInFlight.clear();
  }

  // ----- knobs -----
  setLatency(method: string, ms: number): void {
    (this.opts.latency ??= {})[method] = ms;
  }

  setRateLimits(limits: RateLimit[]): void {
    this.opts.rateLimits = limits;
    this.windows.clear();
  }

  /** The next `times` calls of `method` answer 429 with Retry-After. */
  force429(method: string, opts: { times?: number; retryAfterSec?: number } = {}): void {
    this.addFailure(method, { times: opts.times ?? 1, status: 429, retryAfterSec: opts.retryAfterSec ?? 1 });
  }

  /** The next `times` calls fail: an HTTP status (e.g. 503) or a Slack error (`channel_not_found`). */
  failNext(method: string, opts: { times?: number; status?: number; error?: string }): void {
    this.addFailure(method, { times: opts.times ?? 1, ...(opts.status ? { status: opts.status } : {}), ...(opts.error ? { error: opts.error } : {}) });
  }

  /**
   * Calls of `method` take effect (a message is posted) but their answer is held for `ms`: a
   * caller killed meanwhile never learns that it succeeded. 0 stops holding and releases them.
   */
  setReplyDelay(method: string, ms: number): void {
    if (ms > 0) this.replyDelays.set(method, ms);
    else {
      this.replyDelays.delete(method);
      this.releaseReplies();
    }
  }

  /** Answers being held right now. */
  get heldReplies(): number {
    return this.held.size;
  }

  private releaseReplies(): void {
    for (const release of [...this.held]) release();
  }

  /** The next `times` calls never answer (the client times out). */
  hangNext(method: string, times = 1): void {
    this.addFailure(method, { times, hang: true });
  }

  addUser(id: string, user: FakeSlackUser): void {
    (this.opts.users ??= {})[id] = user;
  }

  setUsergroup(id: string, members: string[]): void {
    (this.opts.usergroups ??= {})[id] = members;
  }

  private addFailure(method: string, f: Failure): void {
    const list = this.failures.get(method) ?? [];
    list.push(f);
    this.failures.set(method, list);
  }

  // ----- reading what happened -----
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Successful calls only. */
  okCallsTo(method: string): RecordedCall[] {
    return this.callsTo(method).filter((c) => c.status === 200 && c.response.ok === true);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(`${channel}/${ts}`);
  }

  /** The DM channel between the bot and a user: `U123` -> `D123`, the same every time. */
  dmOf(user: string): string {
    return `D${user.slice(1)}`;
  }

  responseUrl(name: string): string {
    return `${this.baseUrl}/response/${encodeURIComponent(name)}`;
  }

  /** Resolves with the first recorded call (past or future) matching; rejects after `timeoutMs`. */
  waitFor(method: string, match: (c: RecordedCall) => boolean = () => true, timeoutMs = 5_000): Promise<RecordedCall> {
    return this.waitUntil(() => this.calls.find((c) => c.method === method && match(c)), `a ${method} call`, timeoutMs);
  }

  /** Resolves once `n` calls of `method` (matching) were recorded. */
  waitForCount(method: string, n: number, match: (c: RecordedCall) => boolean = () => true, timeoutMs = 5_000): Promise<RecordedCall[]> {
    return this.waitUntil(
      () => {
        const found = this.calls.filter((c) => c.method === method && match(c));
        return found.length >= n ? found : undefined;
      },
      `${n} ${method} calls`,
      timeoutMs,
    );
  }

  waitForResponse(match: (r: RecordedResponse) => boolean = () => true, timeoutMs = 5_000): Promise<RecordedResponse> {
    return this.waitUntil(() => this.responses.find(match), 'a response_url post', timeoutMs);
  }

  private waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}; calls so far: ${this.calls.map((c) => c.method).join(', ') || 'none'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('record', check);
      };
      this.events.on('record', check);
    });
  }

  // ----- serving -----
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const contentType = String(req.headers['content-type'] ?? '');
    if (path.startsWith('/response/')) {
      const parsed = safeJson(body);
      this.responses.push({ name: decodeURIComponent(path.slice('/response/'.length)), body: isObject(parsed) ? parsed : { raw: body }, at: Date.now() });
      this.events.emit('record');
      return send(res, 200, { ok: true });
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m) return send(res, 404, { ok: false, error: 'not_found' });
    const method = m[1] as string;
    const raw = parseArgs(body, contentType, req.url ?? '');
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) args[k] = JSON_ARGS.has(k) ? (safeJson(v) ?? v) : v;
    const flight = (this.inFlight.get(method) ?? 0) + 1;
    this.inFlight.set(method, flight);
    this.maxInFlight.set(method, Math.max(this.maxInFlight.get(method) ?? 0, flight));
    try {
      const delay = this.opts.latency?.[method] ?? this.opts.latency?.['*'] ?? 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const { status, response, headers } = this.answer(method, args);
      this.calls.push({ method, args, raw, headers: req.headers, contentType, at: Date.now(), status, response });
      this.events.emit('record');
      if (status === 0) return; // hang: never answer (recorded with status 0)
      const hold = this.replyDelays.get(method);
      if (hold) await this.holdReply(hold);
      send(res, status, response, headers);
    } finally {
      this.inFlight.set(method, (this.inFlight.get(method) ?? 1) - 1);
    }
  }

  private holdReply(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.held.add(release);
    });
  }

  private answer(method: string, args: Record<string, unknown>): { status: number; response: Record<string, unknown>; headers?: Record<string, string> } {
    const list = this.failures.get(method)?.length ? this.failures.get(method) : this.failures.get('*');
    const forced = list?.[0];
    if (list && forced) {
      if (--forced.times <= 0) list.shift();
      if (forced.hang) return { status: 0, response: {} };
      if (forced.status === 429) return limited(forced.retryAfterSec ?? 1);
      if (forced.status) return { status: forced.status, response: { ok: false, error: 'fake_http_error' } };
      return { status: 200, response: { ok: false, error: forced.error ?? 'fatal_error' } };
    }
    const limitedBy = this.checkRate(method, args);
    if (limitedBy !== null) return limited(limitedBy);
    return { status: 200, response: this.respond(method, args) };
  }

  private checkRate(method: string, args: Record<string, unknown>): number | null {
    const now = Date.now();
    for (const rl of this.opts.rateLimits ?? []) {
      if (rl.method !== '*' && rl.method !== method) continue;
      const key = `${rl.method}|${method}|${rl.per === 'channel' ? String(args.channel ?? '') : ''}`;
      let w = this.windows.get(key);
      if (!w || now - w.start >= rl.windowMs) this.windows.set(key, (w = { start: now, count: 0 }));
      if (w.count >= rl.limit) return rl.retryAfterSec ?? Math.max(1, Math.ceil((w.start + rl.windowMs - now) / 1000));
      w.count++;
    }
    return null;
  }

  private nextTs(): string {
    this.seq++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  /** What Slack answers to a successful call. */
  private respond(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const team = this.teamId;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'changebot',
          team_id: team,
          user_id: this.botUserId,
          bot_id: this.opts.botId ?? 'BBOT',
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        const given = String(a.channel ?? '');
        if (!given) return { ok: false, error: 'channel_not_found' };
        const dm = /^[UW]/.test(given);
        const channel = dm ? this.dmOf(given) : given.replace(/^#/, 'C_');
        if (dm) this.dms.add(channel);
        const ts = this.nextTs();
        const msg: StoredMessage = { channel, ts, history: [] };
        if (typeof a.text === 'string') msg.text = a.text;
        if (Array.isArray(a.blocks)) msg.blocks = a.blocks;
        if (typeof a.thread_ts === 'string') msg.thread_ts = a.thread_ts;
        if (isObject(a.metadata)) msg.metadata = a.metadata;
        msg.history.push({ text: msg.text, blocks: msg.blocks });
        this.messages.set(`${channel}/${ts}`, msg);
        return {
          ok: true,
          channel,
          ts,
          message: { type: 'message', text: msg.text ?? '', user: this.botUserId, ts, ...(msg.blocks ? { blocks: msg.blocks } : {}) },
        };
      }
      case 'chat.update': {
        const msg = this.messages.get(`${String(a.channel)}/${String(a.ts)}`);
        if (!msg) return { ok: false, error: 'message_not_found' };
        if (typeof a.text === 'string') msg.text = a.text;
        if (Array.isArray(a.blocks)) msg.blocks = a.blocks;
        if (isObject(a.metadata)) msg.metadata = a.metadata; // without it, Slack keeps the metadata
        msg.history.push({ text: msg.text, blocks: msg.blocks });
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text ?? '' };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
      case 'views.push':
      case 'views.publish':
      case 'views.update': {
        const view = isObject(a.view) ? a.view : {};
        const id = typeof a.view_id === 'string' ? a.view_id : `V${String(++this.seq).padStart(8, '0')}`;
        const stored = { ...view, id, team_id: team, hash: `h${this.seq}` };
        this.views.set(id, stored);
        return { ok: true, view: stored };
      }
      case 'users.info': {
        const id = String(a.user ?? '');
        const u = this.opts.users?.[id];
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id,
            team_id: team,
            name: u.name ?? id.toLowerCase(),
            real_name: u.real_name ?? u.name ?? id,
            tz: u.tz ?? 'UTC',
            is_bot: u.is_bot ?? false,
            profile: { real_name: u.real_name ?? id },
          },
        };
      }
      case 'apps.connections.open': {
        const url = this.socketModeUrl?.();
        return url ? { ok: true, url } : { ok: false, error: 'not_allowed_token_type' };
      }
      case 'usergroups.users.list': {
        const members = this.opts.usergroups?.[String(a.usergroup ?? '')];
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.open': {
        const users = String(a.users ?? '')
          .split(',')
          .filter(Boolean);
        if (!users.length) return { ok: false, error: 'users_list_not_supplied' };
        if (users.length > 1) return { ok: false, error: 'not_supported' }; // group DMs: not faked
        const id = this.dmOf(users[0] as string);
        const open = this.dms.has(id);
        this.dms.add(id);
        return { ok: true, ...(open ? { no_op: true, already_open: true } : {}), channel: { id } };
      }
      case 'conversations.history':
      case 'conversations.replies':
        return readBack(method, a, { messages: this.messages, bot: { user: this.botUserId, botId: this.opts.botId ?? 'BBOT' } });
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function limited(retryAfterSec: number): { status: number; response: Record<string, unknown>; headers: Record<string, string> } {
  return { status: 429, response: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfterSec) } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function parseArgs(body: string, contentType: string, url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [k, v] of new URLSearchParams(query)) out[k] = v;
  if (contentType.includes('application/json')) {
    const parsed = safeJson(body);
    if (isObject(parsed)) for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  } else {
    for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  }
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
