/**
 * The botbuilder CloudAdapter, configured from the conventional Bot Framework variables, and
 * the `POST /api/messages` handler that feeds it from the bot's plain node HTTP server.
 *
 * Without MicrosoftAppId the adapter runs unauthenticated (the Bot Framework Emulator case):
 * the credentials factory then reports authentication as disabled, inbound requests are
 * accepted without a token and outbound calls carry none. The component binds the server to
 * 127.0.0.1 in that mode.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { ChangebotError } from '../../domain/errors.js';
import type { Handler } from '../../server/http.js';
import type { Metrics } from '../../server/metrics.js';

/** The HTTP request's id, in the turn's state: the turn's log lines carry it (`requestIdOf`). */
export const REQUEST_ID = Symbol('changebot.requestId');

export function requestIdOf(context: TurnContext): string | undefined {
  const id: unknown = context.turnState.get(REQUEST_ID);
  return typeof id === 'string' ? id : undefined;
}

export type TeamsAuth = { mode: 'authenticated'; appId: string } | { mode: 'unauthenticated'; appId: '' };

/** Checks the Teams variables; throws ChangebotError('config') naming the missing one. */
export function teamsAuth(teams: Config['teams']): TeamsAuth {
  if (!teams.appId) {
    if (teams.appPassword) throw configError('MicrosoftAppId', 'is required when MicrosoftAppPassword is set');
    return { mode: 'unauthenticated', appId: '' };
  }
  const need = (ok: unknown, name: string, why: string) => {
    if (!ok) throw configError(name, why);
  };
  switch (teams.appType) {
    case 'SingleTenant':
      need(
        teams.tenantId,
        'MicrosoftAppTenantId',
        'is required for a SingleTenant bot (the default MicrosoftAppType): set it to your Microsoft Entra tenant id',
      );
      need(teams.appPassword, 'MicrosoftAppPassword', 'is required for a SingleTenant bot: create a client secret for the app registration');
      break;
    case 'MultiTenant':
      need(teams.appPassword, 'MicrosoftAppPassword', 'is required for a MultiTenant bot: create a client secret for the app registration');
      break;
    case 'UserAssignedMSI':
      need(teams.tenantId, 'MicrosoftAppTenantId', 'is required for a UserAssignedMSI bot');
      if (teams.appPassword) throw configError('MicrosoftAppPassword', 'must not be set for a UserAssignedMSI bot');
      break;
  }
  return { mode: 'authenticated', appId: teams.appId };
}

function configError(name: string, why: string): ChangebotError {
  return new ChangebotError('config', `${name} ${why}.`, { field: name });
}

export function createAdapter(teams: Config['teams']): EdgeCloudAdapter {
  const auth = teamsAuth(teams);
  const settings =
    auth.mode === 'unauthenticated'
      ? {}
      : {
          MicrosoftAppId: teams.appId,
          MicrosoftAppPassword: teams.appPassword,
          MicrosoftAppType: teams.appType,
          MicrosoftAppTenantId: teams.tenantId,
        };
  return new EdgeCloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
}

const MAX_BODY = 1024 * 1024;

/**
 * What an inbound activity must look like before botbuilder sees it: the fields botbuilder
 * needs to answer (serviceUrl, conversation, from, channelId) and the ones the turn logic reads
 * (turn.ts, identity.ts, actions.ts), each with its type. Unknown fields pass through.
 */
const id = z.string().min(1).max(1000);
const text = z.string().max(100_000);
const account = z.looseObject({ id, name: text.optional(), aadObjectId: text.optional() });
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const named = z.looseObject({ id: text.optional(), name: text.optional() });
const activitySchema = z
  .looseObject({
    type: z.string().min(1).max(100),
    id,
    serviceUrl: httpUrl,
    channelId: z.string().min(1).max(100),
    from: account,
    recipient: account.optional(),
    conversation: z.looseObject({ id, conversationType: text.optional(), tenantId: text.optional(), isGroup: z.boolean().optional() }),
    text: text.optional(),
    textFormat: text.optional(),
    name: text.optional(),
    action: text.optional(),
    replyToId: text.optional(),
    localTimezone: text.optional(),
    timestamp: text.optional(),
    localTimestamp: text.optional(),
    entities: z
      .array(
        z.looseObject({
          type: text,
          text: text.optional(),
          mentioned: z.looseObject({ id: text.optional(), name: text.optional(), aadObjectId: text.optional() }).optional(),
        }),
      )
      .max(100)
      .optional(),
    channelData: z.looseObject({ tenant: named.optional(), team: named.optional(), channel: named.optional(), eventType: text.optional() }).optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
    value: z.unknown().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type !== 'invoke') return;
    if (typeof a.name !== 'string') ctx.addIssue({ code: 'custom', path: ['name'], message: 'an invoke needs a name' });
    if (!a.value || typeof a.value !== 'object' || Array.isArray(a.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'an invoke needs a value object' });
      return;
    }
    if (a.name === 'adaptiveCard/action') {
      const action = (a.value as { action?: unknown }).action;
      const ok =
        action &&
        typeof action === 'object' &&
        typeof (action as { type?: unknown }).type === 'string' &&
        typeof (action as { verb?: unknown }).verb === 'string' &&
        ((action as { data?: unknown }).data === undefined ||
          (typeof (action as { data?: unknown }).data === 'object' &&
            (action as { data?: unknown }).data !== null &&
            !Array.isArray((action as { data?: unknown }).data)));
      if (!ok) ctx.addIssue({ code: 'custom', path: ['value', 'action'], message: 'expected { type, verb, data? } with data an object' });
    }
  });

/** The activity, or what is wrong with it (for the 400 answer). */
export function checkActivity(body: unknown): { ok: true; activity: Activity } | { ok: false; error: string } {
  const r = activitySchema.safeParse(body);
  if (r.success) return { ok: true, activity: body as Activity };
  const first = r.error.issues[0];
  return { ok: false, error: first ? `${first.path.map(String).join('.') || '(body)'}: ${first.message}` : 'invalid activity' };
}

/**
 * A cheap look at a bearer token before botbuilder validates it: a JWT whose header names an
 * RSA algorithm and a key id, whose audience is this bot and which has not expired (5 minutes'
 * leeway, as botbuilder allows). What fails here is refused without botbuilder (which would
 * fetch signing keys for it and print the failure to the console); what passes is still fully
 * validated by botbuilder.
 */
export function tokenProblem(authorization: string | undefined, appId: string, nowMs: number): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m?.[1] || !m[2]) return 'a Bot Framework bearer token is required';
  const json = (part: string): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const head = json(m[1]);
  const claims = json(m[2]);
  if (!head || !claims) return 'the bearer token is not a JWT';
  if (typeof head.alg !== 'string' || !/^RS(256|384|512)$/.test(head.alg) || typeof head.kid !== 'string')
    return 'the bearer token is not signed by the Bot Framework';
  const aud = claims.aud;
  if (!(aud === appId || (Array.isArray(aud) && aud.includes(appId)))) return 'the bearer token is not for this bot';
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < nowMs - 5 * 60_000) return 'the bearer token has expired';
  return undefined;
}

/** CloudAdapter with its activity step callable directly: we parse, validate and answer ourselves. */
export class EdgeCloudAdapter extends CloudAdapter {
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** An authentication failure from botbuilder or the JWT library under it (never a server fault). */
function isAuthError(err: unknown): boolean {
  const e = err as { name?: unknown; statusCode?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  return (
    e.statusCode === 401 || e.name === 'AuthenticationError' || e.name === 'JsonWebTokenError' || e.name === 'TokenExpiredError' || e.name === 'NotBeforeError'
  );
}

async function readJson(req: IncomingMessage): Promise<unknown | typeof TOO_LARGE | typeof NOT_JSON> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return NOT_JSON;
  }
}

const TOO_LARGE = Symbol('too large');
const NOT_JSON = Symbol('not JSON');

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * `POST /api/messages`. In order: with authentication on, a token that is not even a JWT for
 * this bot is refused (401); the body must be a JSON activity matching the schema (400); then
 * botbuilder authenticates it (a failure is 401 and one log line: botbuilder's
 * `CloudAdapter.process` would print the stack with console.error, so its `processActivity`
 * step is called instead) and runs the turn. Turn errors are handled by `onTurnError`; anything
 * else that escapes is logged with the request id and answered 500 in JSON.
 */
export function messagesHandler(
  adapter: EdgeCloudAdapter,
  logic: (context: TurnContext) => Promise<void>,
  auth: TeamsAuth,
  log: Logger,
  now: () => number = Date.now,
  metrics?: Metrics,
): Handler {
  return async (req: IncomingMessage, res: ServerResponse, info) => {
    const arrived = performance.now();
    const requestId = info?.requestId ?? randomUUID();
    const refuse = (status: number, error: string) => {
      log.warn({ requestId, status, reason: error }, 'teams: request refused');
      answer(res, status, { error, requestId });
    };
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    if (auth.mode === 'authenticated') {
      const problem = tokenProblem(authorization, auth.appId, now());
      if (problem) return refuse(401, `Unauthorized: ${problem}`);
    }
    const body = await readJson(req);
    if (body === TOO_LARGE) return refuse(413, `the activity is over ${MAX_BODY} bytes`);
    if (body === NOT_JSON || !body || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'expected a JSON Bot Framework activity');
    const checked = checkActivity(body);
    if (!checked.ok) return refuse(400, `not a valid Bot Framework activity: ${checked.error}`);
    const activity = withDates(checked.activity);
    let result: InvokeResponse | undefined;
    try {
      result = await adapter.handle(authorization ?? '', activity, (context) => {
        context.turnState.set(REQUEST_ID, requestId);
        return logic(context);
      });
    } catch (err) {
      if (isAuthError(err)) return refuse(401, 'Unauthorized: the bearer token was not accepted');
      log.error({ err, requestId, type: activity.type }, 'teams: could not process the activity');
      return answer(res, 500, { error: 'internal error', requestId });
    }
    // The turn is done and answered now (Teams waits for this answer; the replies went out meanwhile).
    metrics?.ackLatency('teams', (performance.now() - arrived) / 1000);
    if (res.headersSent) return void res.end();
    const status = result?.status ?? 200;
    const out = result?.body;
    if (out === undefined || out === null) {
      res.writeHead(status);
      res.end();
      return;
    }
    if (typeof out === 'string' || Buffer.isBuffer(out)) {
      res.writeHead(status);
      res.end(out);
      return;
    }
    answer(res, status, out);
  };
}

/** What botbuilder's own (unexported) validateAndFixActivity does: ISO timestamps become Dates. */
function withDates(activity: Activity): Activity {
  const a = activity as Activity & Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const v = a[field];
    if (typeof v === 'string') {
      a[raw] = v;
      a[field] = new Date(v);
    }
  }
  return a;
}
