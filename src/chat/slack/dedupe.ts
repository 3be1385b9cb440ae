/**
 * Slack retries a request it thinks was not acknowledged (`x-slack-retry-num`), and people
 * double-click. Each inbound request is claimed once in `inbound_requests` (keyed by the
 * event id or the trigger id, which a retry repeats and a new click does not); a second copy
 * is acknowledged and dropped.
 */
import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import type { Logger } from '../../log.js';
import { claimInbound, pruneInbound } from '../../db/repos/chat.js';

/** How long a claim is kept: far longer than Slack retries (three within about 5 minutes). */
export const CLAIM_TTL_MS = 24 * 3_600_000;

export function inboundId(body: Record<string, unknown>): string {
  if (typeof body.event_id === 'string') return `slack:event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `slack:${String(body.type ?? body.command ?? 'request')}:${body.trigger_id}`;
  return `slack:body:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

export function dedupe(ctx: AppContext, log: Logger): Middleware<AnyMiddlewareArgs> {
  let claims = 0;
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const id = inboundId(body);
    const now = ctx.clock.now();
    if (++claims % 500 === 0) pruneInbound(ctx.database.db, new Date(now.getTime() - CLAIM_TTL_MS));
    if (!claimInbound(ctx.database.db, id, now)) {
      log.info({ id, retry: args.context.retryNum }, 'slack: duplicate request ignored');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    await args.next();
  };
}
