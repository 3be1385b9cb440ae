/**
 * Sending one recorded delivery. Shared by the in-process sender and the queue worker: the
 * deliveries row is the guard, so a delivery already `sent` is never sent again.
 */
import type { AppContext } from '../app/context.js';
import { viewRfc } from '../app/queries.js';
import { findRfc } from '../db/repos/rfcs.js';
import { findPerson } from '../db/repos/people.js';
import { type DeliveryRow, markDelivery } from '../db/repos/outbox.js';
import { deliveries, outbox } from '../db/schema.js';
import { messageText } from '../domain/messages.js';
import type { Notification } from '../domain/notifications.js';
import { eq } from 'drizzle-orm';
import { DeliveryError, type Notifier, type OutboundMessage, parseTargetKey } from './types.js';

export type SendResult = 'sent' | 'skipped' | { retryInMs: number; error: string } | { failed: string };

/**
 * The notification behind a delivery key: `outbox:<id>` for use-case notifications, or
 * `timed:<event>:<RFC-key>:<stamp>` for the scheduler's timed events (reminders, notices).
 */
export function notificationFor(ctx: AppContext, notificationKey: string): Notification | null {
  const outboxId = /^outbox:(\d+)$/.exec(notificationKey);
  if (outboxId) {
    const row = ctx.database.db.select().from(outbox).where(eq(outbox.id, Number(outboxId[1]))).get();
    return row ? (row.notification as unknown as Notification) : null;
  }
  const timed = /^timed:([\w-]+):(RFC-\d+):/.exec(notificationKey);
  if (timed) return { event: timed[1] as Notification['event'], rfcKey: timed[2] as string, recipients: [] };
  return null;
}

export function timedKey(event: string, rfcKey: string, stamp: string): string {
  return `timed:${event}:${rfcKey}:${stamp}`;
}

export function zoneOf(ctx: AppContext, target: { platform: string; kind: string; id: string }): string {
  if (target.kind !== 'user') return ctx.timezone;
  return findPerson(ctx.database.db, personIdOf(target))?.timezone ?? ctx.timezone;
}

/** The person id of a user target: `slack:user:T1/U1` -> `slack:T1/U1`. */
export function personIdOf(target: { platform: string; id: string }): string {
  return `${target.platform}:${target.id}`;
}

export function buildMessage(ctx: AppContext, n: Notification, zone: string): OutboundMessage | null {
  const rfc = findRfc(ctx.database.db, n.rfcKey);
  if (!rfc) return null;
  return { event: n.event, rfcKey: rfc.key, text: messageText(n.event, rfc, zone, n.detail), view: viewRfc(ctx, rfc.key, zone) };
}

export async function sendDelivery(
  ctx: AppContext,
  notifiers: readonly Notifier[],
  row: DeliveryRow,
  opts: { maxAttempts: number },
): Promise<SendResult> {
  const db = ctx.database.db;
  const current = db.select().from(deliveries).where(eq(deliveries.id, row.id)).get();
  if (!current || current.status === 'sent' || current.status === 'failed') return 'skipped';
  const target = parseTargetKey(current.recipient);
  const notifier = target && notifiers.find((n) => n.platform === target.platform);
  const n = notificationFor(ctx, current.notificationKey);
  const message = target && n ? buildMessage(ctx, n, zoneOf(ctx, target)) : null;
  const now = () => ctx.clock.now();
  if (!target || !notifier || !message) {
    const why = !notifier ? `no ${target?.platform ?? 'known'} adapter is running` : 'the notification or its RFC no longer exists';
    markDelivery(db, row.id, 'failed', now(), { error: why });
    return { failed: why };
  }
  markDelivery(db, row.id, 'sending', now());
  try {
    const { messageRef } = await notifier.send(target, message);
    markDelivery(db, row.id, 'sent', now(), { messageRef });
    return 'sent';
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), true);
    const attempts = current.attempts + 1;
    if (!e.retryable || attempts >= opts.maxAttempts) {
      markDelivery(db, row.id, 'failed', now(), { error: e.message });
      return { failed: e.message };
    }
    markDelivery(db, row.id, 'pending', now(), { error: e.message });
    return { retryInMs: e.retryAfterMs ?? Math.min(60_000, 500 * 2 ** (attempts - 1)), error: e.message };
  }
}
