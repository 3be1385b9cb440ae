/**
 * The hard edge in front of Bolt's HTTPReceiver (`POST /slack/events`, HTTP mode). Every
 * request is, in this order:
 * 1. buffered, at most MAX_BODY bytes (413), and must be UTF-8 (400);
 * 2. an `ssl_check=1` form (unsigned, as Slack sends it) is answered 200 here;
 * 3. signature v0 checked: HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant time,
 *    with the timestamp within 5 minutes of now in BOTH directions (Bolt refuses only stale
 *    ones) — else 401;
 * 4. parsed as Bolt will parse it (form: a slash command, or `payload=<json>`; JSON: Events
 *    API), routed as Bolt will route it, and checked against the schema for that route
 *    (edge-schema.ts) — else 400, as is a `response_url` (or `response_urls[]`) that is not
 *    Slack's (Bolt's `respond()` would post to it);
 * 5. a well-formed request that no listener handles (view_closed, block_suggestion, shortcuts,
 *    app_rate_limited, an action_id / callback_id / command we never registered) is
 *    acknowledged here (200) instead of waiting 3 seconds for an ack nobody will send;
 * 6. everything else reaches Bolt with the bytes already read: `req.rawBody` is set, which
 *    Bolt's bufferIncomingMessage takes as the body instead of reading the (consumed) stream.
 *    Bolt then verifies the signature again, unchanged.
 *
 * Every refusal from the edge is JSON (`{ ok: false, error, requestId }`). The request id is the
 * HTTP server's (the one sent back as `X-Request-Id` and on the server's `request` line, a
 * proxy's own id when it sent one), passed to Bolt (context `requestId`) so a listener error
 * is logged with it too. The acknowledgement's latency (arrival to the 200 written) is observed
 * for the metrics.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../../log.js';
import type { RawRequestInfo } from '../../server/http.js';
import type { Metrics } from '../../server/metrics.js';
import { classify, describeIssue, schemaFor } from './edge-schema.js';

/** Slack's interactive payloads are far smaller; Bolt's own default is 4 MB. */
export const MAX_BODY = 1024 * 1024;
/** Slack's recipe: refuse a request whose timestamp is more than 5 minutes from now. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** What the listeners registered on the Bolt app answer; anything else is acknowledged here. */
export interface EdgeRoutes {
  commands: readonly string[];
  /** action_id prefixes of `app.action(/^prefix/)` listeners. */
  actionPrefixes: readonly string[];
  /** callback_ids of `app.view(...)` listeners (view_submission). */
  viewCallbacks: readonly string[];
}

export interface EdgeOptions {
  signingSecret: string;
  /** SLACK_API_URL: its origin counts as Slack's for response_url (a test double). */
  apiUrl?: string | undefined;
  routes: EdgeRoutes;
  log: Logger;
  /** Unix milliseconds (the signature's clock: real time, like Slack's and Bolt's). */
  now?: () => number;
  /** Observes each acknowledgement's latency. */
  metrics?: Metrics;
}

/** What the edge hands Bolt beside the body (read back by customPropertiesExtractor). */
export interface EdgeTag {
  requestId: string;
  /** Writes a 200 if nothing has answered the request yet (after a listener error). */
  answerIfPending(body?: unknown): void;
}

const TAG = Symbol.for('changebot.slack.edge');

export function edgeTag(req: IncomingMessage): EdgeTag | undefined {
  return (req as IncomingMessage & { [TAG]?: EdgeTag })[TAG];
}

/**
 * Is `url` one of Slack's: `https://hooks.slack.com/...`, or on the origin of SLACK_API_URL
 * (how the tests point the bot at a fake Slack on 127.0.0.1)? The one rule for response_url,
 * used here and when a modal answers through the response_url it stored.
 */
export function isSlackUrl(url: unknown, apiUrl?: string): boolean {
  if (typeof url !== 'string') return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  // GovSlack workspaces answer through hooks.slack-gov.com.
  if (u.protocol === 'https:' && (u.hostname === 'hooks.slack.com' || u.hostname === 'hooks.slack-gov.com') && (u.port === '' || u.port === '443')) return true;
  if (!apiUrl) return false;
  try {
    return u.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

type Refusal = { status: number; error: string };

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An acknowledgement: 200, empty unless there is something to say (as Bolt's ack()). */
function ackWith(res: ServerResponse, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(200);
    res.end();
    return;
  }
  send(res, 200, body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** The body, or a refusal (too large, aborted). Never waits past the socket's own end. */
function readBody(req: IncomingMessage): Promise<Buffer | Refusal> {
  const declared = Number(header(req, 'content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > MAX_BODY) {
    req.resume();
    return Promise.resolve({ status: 413, error: `request body over ${MAX_BODY} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | Refusal) => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        finish({ status: 413, error: `request body over ${MAX_BODY} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish({ status: 400, error: 'request body could not be read' }));
    req.on('aborted', () => finish({ status: 400, error: 'request aborted' }));
  });
}

// ignoreBOM keeps a leading BOM in the text, as Bolt's Buffer#toString does (then both refuse it).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function verifySignature(req: IncomingMessage, raw: Buffer, secret: string, nowMs: number): string | undefined {
  const sig = header(req, 'x-slack-signature');
  const ts = header(req, 'x-slack-request-timestamp');
  if (!sig || !ts) return 'missing x-slack-signature or x-slack-request-timestamp';
  if (!/^\d{1,12}$/.test(ts)) return 'x-slack-request-timestamp is not a Unix time in seconds';
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(ts));
  if (skew > MAX_SKEW_SECONDS) return 'x-slack-request-timestamp is more than 5 minutes from now';
  const m = /^v0=([0-9a-f]{64})$/.exec(sig);
  if (!m?.[1]) return 'x-slack-signature is not a v0 signature';
  const ours = createHmac('sha256', secret).update(`v0:${ts}:`).update(raw).digest();
  const theirs = Buffer.from(m[1], 'hex');
  if (!timingSafeEqual(ours, theirs)) return 'signature mismatch';
  return undefined;
}

type Parsed = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

/** The body as Bolt's parseHTTPRequestBody will read it. */
function parseBody(text: string, mediaType: string): Parsed {
  let value: unknown;
  if (mediaType === 'application/x-www-form-urlencoded') {
    const qs = parseQuery(text);
    if ('payload' in qs) {
      if (typeof qs.payload !== 'string') return { ok: false, error: 'payload must appear once' };
      try {
        value = JSON.parse(qs.payload);
      } catch {
        return { ok: false, error: 'payload is not JSON' };
      }
    } else {
      for (const [k, v] of Object.entries(qs)) if (typeof v !== 'string') return { ok: false, error: `${k} must appear once` };
      value = { ...qs };
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: 'body is not JSON' };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'body must be a JSON object' };
  return { ok: true, body: value as Record<string, unknown> };
}

type Decision = { route: 'bolt' } | { route: 'ack'; body?: unknown } | ({ route: 'refuse' } & Refusal);

/** What to do with a verified, parsed body. */
export function decide(body: Record<string, unknown>, opts: Pick<EdgeOptions, 'apiUrl' | 'routes'>): Decision {
  const kind = classify(body);
  if (!kind) return { route: 'refuse', status: 400, error: 'not a Slack payload this app handles (unknown type)' };
  const checked = schemaFor(kind, body).safeParse(body);
  if (!checked.success) return { route: 'refuse', status: 400, error: describeIssue(checked.error) };
  const bad = foreignResponseUrl(body, opts.apiUrl);
  if (bad) return { route: 'refuse', status: 400, error: bad };
  const { routes } = opts;
  switch (kind) {
    case 'url_verification':
      return { route: 'bolt' };
    case 'event': {
      const event = body.event as { type: string; user?: unknown };
      if (event.type === 'app_home_opened' && typeof event.user !== 'string') {
        return { route: 'refuse', status: 400, error: 'event.user: expected string' };
      }
      return { route: 'bolt' };
    }
    case 'command':
      return routes.commands.includes(body.command as string) ? { route: 'bolt' } : { route: 'ack' };
    case 'action': {
      const first = (body.actions as { action_id: string }[])[0];
      return first && routes.actionPrefixes.some((p) => first.action_id.startsWith(p)) ? { route: 'bolt' } : { route: 'ack' };
    }
    case 'view': {
      const v = body.view as { callback_id: string; team_id?: string };
      if (body.type !== 'view_submission' || !routes.viewCallbacks.includes(v.callback_id)) return { route: 'ack' };
      const user = body.user as { team_id?: string };
      const team = body.team as { id?: string } | null | undefined;
      if (!user.team_id && !team?.id && !v.team_id) return { route: 'refuse', status: 400, error: 'view_submission names no team' };
      return { route: 'bolt' };
    }
    case 'options':
      return { route: 'ack', body: { options: [] } };
    case 'shortcut':
    case 'app_rate_limited':
      return { route: 'ack' };
  }
}

function foreignResponseUrl(body: Record<string, unknown>, apiUrl: string | undefined): string | undefined {
  if (body.response_url !== undefined && !isSlackUrl(body.response_url, apiUrl)) return 'response_url is not a Slack URL';
  const urls = body.response_urls;
  if (Array.isArray(urls) && urls.some((u) => !isSlackUrl((u as { response_url?: unknown })?.response_url, apiUrl))) {
    return 'response_urls has a URL that is not Slack’s';
  }
  return undefined;
}

/** The edge as a request handler; `next` is Bolt's requestListener. */
export function slackEdge(opts: EdgeOptions, next: (req: IncomingMessage, res: ServerResponse) => void) {
  const now = opts.now ?? Date.now;
  const log = opts.log;
  const metrics = opts.metrics;
  return async (req: IncomingMessage, res: ServerResponse, info?: RawRequestInfo): Promise<void> => {
    const arrived = performance.now();
    const requestId = info?.requestId ?? randomUUID();
    // Once the acknowledgement (the edge's or Bolt's) has been written.
    const acked = metrics ? () => metrics.ackLatency('slack', (performance.now() - arrived) / 1000) : undefined;
    const refuse = (status: number, error: string) => {
      log.info({ requestId, status, reason: error }, 'slack: request refused at the edge');
      send(res, status, { ok: false, error, requestId });
    };
    const raw = await readBody(req);
    if (!Buffer.isBuffer(raw)) return refuse(raw.status, raw.error);
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return refuse(400, 'body is not UTF-8');
    }
    const mediaType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType !== 'application/x-www-form-urlencoded' && mediaType !== 'application/json') {
      return refuse(415, 'content-type must be application/x-www-form-urlencoded or application/json');
    }
    if (mediaType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') {
      ackWith(res);
      return;
    }
    const badSignature = verifySignature(req, raw, opts.signingSecret, now());
    if (badSignature) return refuse(401, badSignature);
    const parsed = parseBody(text, mediaType);
    if (!parsed.ok) return refuse(400, parsed.error);
    const decision = decide(parsed.body, opts);
    if (decision.route === 'refuse') return refuse(decision.status, decision.error);
    if (acked) res.once('finish', acked);
    if (decision.route === 'ack') {
      log.info({ requestId, type: parsed.body.type ?? parsed.body.command }, 'slack: acknowledged a request no listener handles');
      ackWith(res, decision.body);
      return;
    }
    // Bolt compares the content type exactly; give it the bare media type it understands.
    req.headers['content-type'] = mediaType;
    const tag: EdgeTag = {
      requestId,
      answerIfPending: (body?: unknown) => {
        ackWith(res, body);
      },
    };
    Object.assign(req, { rawBody: raw, [TAG]: tag });
    next(req, res);
  };
}
