/**
 * Slack retries a request it thinks was not acknowledged (`x-slack-retry-num`), and people
 * double-click. Each inbound request is claimed once in `inbound_requests` (keyed by the
 * event id or the trigger id, which a retry repeats and a new click does not); a second copy
 * is acknowledged and dropped.
 *
 * The claim also keeps what is needed to apply the request again (replay.ts): a command or a
 * click is `pending` until the use case's transaction marks it done, so one acknowledged and
 * then lost in a crash is applied at the next start, or its author told. The claim is the one
 * write before the acknowledgement; when it cannot be written (disk full, read-only), the
 * request is still acknowledged and the person told that nothing was saved.
 */
import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import { type AppContext, applying } from '../../app/context.js';
import type { Logger } from '../../log.js';
import type { WebClient } from './web.js';
import { claimInbound, isWriteRefused, pruneInbound } from '../../db/repos/chat.js';

/** How long a claim is kept: far longer than Slack retries (three within about 5 minutes). */
export const CLAIM_TTL_MS = 24 * 3_600_000;

export const PLATFORM = 'slack';

export const CANNOT_SAVE = ":warning: changebot can't save right now; nothing was changed. Please try again in a few minutes.";

/** The context key under which listeners find their pending claim (absent: nothing to mark). */
export const CLAIM_KEY = 'inboundClaim';

export function inboundId(body: Record<string, unknown>): string {
  if (typeof body.event_id === 'string') return `slack:event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `slack:${String(body.type ?? body.command ?? 'request')}:${body.trigger_id}`;
  return `slack:body:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

/** The claim a listener is applying, set by the middleware. */
export function claimOf(context: Record<string, unknown> | undefined): string | undefined {
  const id = context?.[CLAIM_KEY];
  return typeof id === 'string' ? id : undefined;
}

const pick = <T extends Record<string, unknown>>(o: T | undefined, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o?.[k]]));

/**
 * What is kept to apply a request again: a slash command's fields, or a click's (who, where,
 * which button), without the message it was on. Events need nothing (undefined: done at once).
 */
export function replayable(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof body.command === 'string') {
    return pick(body, ['command', 'text', 'user_id', 'user_name', 'team_id', 'channel_id', 'response_url', 'trigger_id']);
  }
  if (body.type === 'block_actions') {
    const actions = Array.isArray(body.actions)
      ? (body.actions as Record<string, unknown>[]).slice(0, 1).map((a) => pick(a, ['type', 'action_id', 'value']))
      : [];
    return {
      type: 'block_actions',
      user: pick(body.user as Record<string, unknown>, ['id', 'name', 'team_id']),
      ...(body.team ? { team: pick(body.team as Record<string, unknown>, ['id']) } : {}),
      ...(body.channel ? { channel: pick(body.channel as Record<string, unknown>, ['id']) } : {}),
      container: pick(body.container as Record<string, unknown>, ['type', 'message_ts', 'channel_id', 'is_ephemeral', 'view_id']),
      actions,
      ...pick(body, ['response_url', 'trigger_id']),
    };
  }
  if (body.type === 'view_submission') {
    const view = body.view as Record<string, unknown> | undefined;
    return { type: 'view_submission', user: pick(body.user as Record<string, unknown>, ['id', 'name', 'team_id']), callback_id: view?.callback_id };
  }
  return undefined;
}

export function dedupe(ctx: AppContext, log: Logger): Middleware<AnyMiddlewareArgs> {
  let claims = 0;
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (r?: unknown) => Promise<void>) : undefined;
    const id = inboundId(body);
    const now = ctx.clock.now();
    const request = replayable(body);
    let first: boolean;
    try {
      // Old claims go now and then, after this request's ack rather than before it.
      if (++claims % 500 === 0) setImmediate(() => prune(ctx, log, new Date(now.getTime() - CLAIM_TTL_MS)));
      first = claimInbound(ctx.database.db, id, now, request ? { platform: PLATFORM, request } : undefined);
    } catch (err) {
      if (!isWriteRefused(err)) throw err;
      log.error({ err, id, code: (err as { code?: string }).code }, 'slack: can\'t save the request (database not writable); answered "can\'t save"');
      await cannotSave(args, body, ack);
      return;
    }
    if (!first) {
      log.info({ id, retry: args.context.retryNum }, 'slack: duplicate request ignored');
      if (ack) await ack();
      return;
    }
    if (request) args.context[CLAIM_KEY] = id;
    await args.next();
  };
}

/** Acknowledges, then tells the person nothing was saved: in the form, in reply to the command or click, else by DM. */
async function cannotSave(args: AnyMiddlewareArgs, body: Record<string, unknown>, ack: ((r?: unknown) => Promise<void>) | undefined): Promise<void> {
  if (body.type === 'view_submission') {
    const blocks = ((body.view as { blocks?: { type?: string; block_id?: string }[] } | undefined)?.blocks ?? []).filter((b) => b.type === 'input');
    const first = blocks[0]?.block_id;
    if (ack) await ack(first ? { response_action: 'errors', errors: { [first]: CANNOT_SAVE } } : undefined);
    if (first) return;
  } else if (ack) await ack();
  const respond = 'respond' in args ? (args.respond as RespondFn | undefined) : undefined;
  const user = (body.user as { id?: string } | undefined)?.id ?? (typeof body.user_id === 'string' ? body.user_id : undefined);
  try {
    if (respond && (typeof body.response_url === 'string' || Array.isArray(body.response_urls))) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: CANNOT_SAVE });
    } else if (user && 'client' in args) {
      await (args.client as WebClient).chat.postMessage({ channel: user, text: CANNOT_SAVE });
    }
  } catch {
    // The person's Slack shows the request failed; the log line above says why.
  }
}

/** How a listener runs: the claim it applies, and whether this is a replay after a restart (no trigger_id then). */
export interface Handling {
  claim?: string | undefined;
  replaying?: boolean;
}

/** A replayed request that needs what only the live request had (a modal's trigger_id lives 3 seconds). */
export class NotReplayable extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/** Before opening a modal: a replay cannot (its trigger_id is long gone). */
export function needsTrigger(how: Handling, what: string): void {
  if (how.replaying) throw new NotReplayable(what);
}

/** The request was handled without a use case committing (a form opened, a repeat ignored): its claim is done. */
export function settle(ctx: AppContext, claim: string | undefined): void {
  applying(ctx, claim, () => undefined);
}

function prune(ctx: AppContext, log: Logger, before: Date): void {
  try {
    pruneInbound(ctx.database.db, before);
  } catch (err) {
    log.warn({ err }, 'slack: pruning old request claims failed; tried again later');
  }
}
