/**
 * Slack's Socket Mode side, on 127.0.0.1: apps.connections.open (on the fake Web API) hands out
 * a single-use `ws://` URL; a connection to it gets `hello`, then envelopes
 * (`{ envelope_id, type, payload, accepts_response_payload, retry_attempt?, retry_reason? }`)
 * which the client acknowledges by sending `{ envelope_id, payload? }` back. Envelopes sent
 * while no socket is open wait for the next connection, as Slack holds them for a reconnecting
 * app; an envelope still unacknowledged when its socket closes is delivered again on the next
 * one with `retry_attempt` + 1 (`retry_reason: 'timeout'`), as Slack redelivers. `disconnect()`
 * sends Slack's `{ type: 'disconnect', reason }` and sends nothing more on that socket;
 * `drop()` cuts the socket; `loseAck(id)` loses that envelope's ack in a cut socket.
 *
 * `socketHarness()` runs the real bot (startBot, SLACK_APP_TOKEN set, so Bolt's Socket Mode)
 * against it, with helpers that type commands and click buttons as envelopes.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Bot, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { loadConfig } from '../../src/config.js';
import { slackTestEnv } from './slack-harness.js';
import { type ClickOptions, type Who, buttonClick, slashCommand } from './slack-requests.js';
import { FakeSlack, type FakeSlackOptions } from './slack-server.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
  /** Which connection (1 = the first) it came on. */
  connection: number;
}

export interface SocketConnection {
  n: number;
  ticket: string;
  open: boolean;
}

export const APP_TOKEN = 'xapp-1-A0CHANGEBOT-1-test';

export class FakeSocketSlack {
  readonly acks: SocketAck[] = [];
  readonly connections: SocketConnection[] = [];
  /** Envelopes as delivered on a socket, in order. */
  readonly delivered: (Envelope & { connection: number })[] = [];
  /** Messages from the client that were not acknowledgements (should stay empty). */
  readonly strays: string[] = [];
  private readonly events = new EventEmitter();
  private readonly tickets = new Set<string>();
  private readonly queue: Envelope[] = [];
  /** Delivered and not yet acknowledged, by envelope id. */
  private readonly pending = new Map<string, Envelope & { connection: number }>();
  private readonly losing = new Set<string>();
  private current?: { ws: WebSocket; n: number };
  private url = '';

  private constructor(private readonly wss: WebSocketServer) {
    this.events.setMaxListeners(0);
  }

  /** Listens on 127.0.0.1 and makes `web` answer apps.connections.open with a fresh ticket each time. */
  static async start(web: FakeSlack): Promise<FakeSocketSlack> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      // A ticket is good for one connection, like Slack's.
      verifyClient: (info, done) => {
        const ticket = new URL(info.req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
        const ok = fake.tickets.delete(ticket);
        done(ok, ok ? undefined : 401, ok ? undefined : 'invalid ticket');
      },
    });
    const fake = new FakeSocketSlack(wss);
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    fake.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link/`;
    wss.on('connection', (ws, req) => fake.accept(ws, new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? ''));
    web.socketModeUrl = () => {
      const ticket = randomUUID();
      fake.tickets.add(ticket);
      return `${fake.url}?ticket=${ticket}`;
    };
    return fake;
  }

  private accept(ws: WebSocket, ticket: string): void {
    const conn: SocketConnection = { n: this.connections.length + 1, ticket, open: true };
    this.connections.push(conn);
    this.current = { ws, n: conn.n };
    ws.on('message', (data) => this.receive(String(data), conn.n));
    ws.on('close', () => {
      conn.open = false;
      if (this.current?.ws === ws) this.current = undefined;
      for (const e of [...this.pending.values()].filter((p) => p.connection === conn.n)) {
        this.pending.delete(e.envelope_id);
        const { connection: _, ...envelope } = e;
        this.deliver({ ...envelope, retry_attempt: (e.retry_attempt ?? 0) + 1, retry_reason: 'timeout' });
      }
      this.events.emit('change');
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-wss-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0CHANGEBOT' },
      }),
    );
    for (const e of this.queue.splice(0)) this.deliver(e);
    this.events.emit('change');
  }

  private receive(text: string, connection: number): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    const m = msg as { envelope_id?: unknown; payload?: unknown } | undefined;
    if (typeof m?.envelope_id !== 'string') this.strays.push(text);
    else if (this.losing.delete(m.envelope_id)) this.drop();
    else {
      this.pending.delete(m.envelope_id);
      this.acks.push({ envelope_id: m.envelope_id, payload: m.payload, connection });
    }
    this.events.emit('change');
  }

  private deliver(e: Envelope): void {
    if (!this.current) {
      this.queue.push(e);
      return;
    }
    const sent = { ...e, connection: this.current.n };
    this.delivered.push(sent);
    this.pending.set(e.envelope_id, sent);
    this.current.ws.send(JSON.stringify(e));
  }

  /** Sends an envelope now, or on the next connection when none is open; resolves with it. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts: { envelopeId?: string; retryAttempt?: number; retryReason?: string } = {}): Envelope {
    const e: Envelope = { envelope_id: opts.envelopeId ?? randomUUID(), type, payload, accepts_response_payload: type !== 'events_api' };
    if (opts.retryAttempt !== undefined) {
      e.retry_attempt = opts.retryAttempt;
      e.retry_reason = opts.retryReason ?? 'timeout';
    }
    this.deliver(e);
    return e;
  }

  /** Slack's "please reconnect" (its pods recycle): `{ type: 'disconnect', reason }`. */
  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    const ws = this.current?.ws;
    this.current = undefined;
    ws?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-wss-1' } }));
  }

  /** Cuts the current socket with no close handshake (a network failure). */
  drop(): void {
    const ws = this.current?.ws;
    this.current = undefined;
    ws?.terminate();
  }

  /** The ack of this envelope is lost: when it arrives, the socket is cut instead (so Slack redelivers). */
  loseAck(envelopeId: string): void {
    this.losing.add(envelopeId);
  }

  get openCount(): number {
    return this.connections.filter((c) => c.open).length;
  }

  acksOf(envelopeId: string): SocketAck[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  waitForAck(envelopeId: string, timeoutMs = 5_000): Promise<SocketAck> {
    return this.waitUntil(() => this.acksOf(envelopeId)[0], `the ack of envelope ${envelopeId}`, timeoutMs);
  }

  /** Resolves once the envelope was acknowledged `times` times (a redelivery is acked again). */
  waitUntilAcked(envelopeId: string, times: number, timeoutMs = 5_000): Promise<SocketAck[]> {
    return this.waitUntil(
      () => {
        const acks = this.acksOf(envelopeId);
        return acks.length >= times ? acks : undefined;
      },
      `${times} acks of envelope ${envelopeId}`,
      timeoutMs,
    );
  }

  /** Resolves once `n` connections were made in all, the last of them open (said hello). */
  waitForConnection(n: number, timeoutMs = 15_000): Promise<SocketConnection> {
    return this.waitUntil(
      () => (this.connections.length >= n && this.connections[n - 1]?.open ? this.connections[n - 1] : undefined),
      `connection ${n}`,
      timeoutMs,
    );
  }

  waitForNoneOpen(timeoutMs = 5_000): Promise<true> {
    return this.waitUntil(() => (this.openCount === 0 ? true : undefined), 'every socket closed', timeoutMs);
  }

  /** Resolves with the first non-undefined `probe()`, checked now and at each change. */
  private async waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      for (;;) {
        const v = probe();
        if (v !== undefined) return v;
        await once(this.events, 'change', { signal });
      }
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new Error(
        `fake Socket Mode: timed out after ${timeoutMs} ms waiting for ${what}; connections ${this.connections.length}, acks ${this.acks.length}`,
      );
    }
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export interface SocketHarness {
  bot: Bot;
  web: FakeSlack;
  socket: FakeSocketSlack;
  /** Log lines (JSON) the bot wrote, from debug up (the Socket Mode client logs at debug). */
  logs: string[];
  /** `/rfc <text>` as a slash_commands envelope; the answer goes to `responseUrl`. */
  command(who: Who, text: string, opts?: { triggerId?: string }): { envelope: Envelope; responseUrl: string };
  /** `/rfc <text>`, acknowledged, and the text of its answer. */
  answer(who: Who, text: string): Promise<string>;
  /** A button click as an interactive envelope. */
  click(who: Who, o: ClickOptions): { envelope: Envelope; responseUrl: string };
  /** Stops the bot, then the fakes (once; later calls wait for the same stop). */
  stop(): Promise<void>;
}

let n = 0;

/** The bot in Socket Mode against the fakes; resolves once its first socket said hello. */
export async function socketHarness(opts: { fake?: FakeSlackOptions; env?: Record<string, string> } = {}): Promise<SocketHarness> {
  const web = await FakeSlack.start(opts.fake);
  const socket = await FakeSocketSlack.start(web);
  const dir = mkdtempSync(join(tmpdir(), 'changebot-socket-'));
  const logs: string[] = [];
  // Debug: the Socket Mode client's own lines (connecting, disconnecting, reconnect waits) are read by the tests.
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const config = loadConfig(slackTestEnv(dir, web.url, { SLACK_APP_TOKEN: APP_TOKEN, ...opts.env }));
  const bot = await startBot(config, { components: [slackComponent], log });
  await socket.waitForConnection(1);
  let stopping: Promise<void> | undefined;
  const responseName = (url: string) => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
  const h: SocketHarness = {
    bot,
    web,
    socket,
    logs,
    command(who, text, o = {}) {
      const responseUrl = web.responseUrl(`socket-cmd-${++n}`);
      const form = slashCommand(who, text, { responseUrl, ...(o.triggerId ? { triggerId: o.triggerId } : {}) });
      return { envelope: socket.send('slash_commands', Object.fromEntries(new URLSearchParams(form))), responseUrl };
    },
    async answer(who, text) {
      const { envelope, responseUrl } = h.command(who, text);
      await socket.waitForAck(envelope.envelope_id);
      const r = await web.waitForResponse((x) => x.name === responseName(responseUrl));
      return String(r.body.text);
    },
    click(who, o) {
      const responseUrl = o.responseUrl ?? web.responseUrl(`socket-click-${++n}`);
      return { envelope: socket.send('interactive', buttonClick(who, { ...o, responseUrl })), responseUrl };
    },
    stop: () =>
      (stopping ??= (async () => {
        await bot.stop();
        await socket.close();
        await web.close();
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
  return h;
}

/** The response_url posts for one command or click of the harness. */
export function socketResponses(web: FakeSlack, responseUrl: string) {
  const name = decodeURIComponent(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
  return web.responses.filter((r) => r.name === name);
}
