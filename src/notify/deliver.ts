/**
 * Sending one recorded delivery. Shared by the in-process sender and the queue worker: the
 * deliveries row is the guard, so a delivery already `sent` is never sent again.
 */
import type { AppContext } from '../app/context.js';
import { viewRfc } from '../app/queries.js';
import type { Db } from '../db/client.js';
import { type DeliveryRow, deliveriesOf, findDeliveryById, findOutboxRow, markDelivery, noteDeliveryError, requeueDelivery } from '../db/repos/outbox.js';
import { findPerson } from '../db/repos/people.js';
import { viewRelease } from '../app/release-queries.js';
import { findRelease } from '../db/repos/releases.js';
import { findRfc } from '../db/repos/rfcs.js';
import { messageText } from '../domain/messages.js';
import { releaseMessageText } from '../domain/release-messages.js';
import type { Release } from '../domain/release.js';
import type { ReleaseView } from '../domain/release-views.js';
import type { Notification } from '../domain/notifications.js';
import { FAILURE_EVENT, type Subject, parseNotificationKey } from '../domain/subject.js';
import { waveOfStamp } from '../domain/timers.js';
import { taskOfStamp } from '../domain/tasks.js';
import { findTask } from '../db/repos/tasks.js';
import { taskLine } from '../app/tasks.js';
import { NOBODY } from './nobody.js';
import { DeliveryError, type Notifier, type OutboundMessage, parseTargetKey } from './types.js';
import type { Metrics } from '../server/metrics.js';

export type SendResult =
  | 'sent'
  | 'skipped'
  /** `rateLimited`: the platform said "slow down" (429); that attempt does not count. */
  | { retryInMs: number; error: string; rateLimited?: boolean }
  | { failed: string };

/** One attempt's result as the metrics count it (a delivery already done, skipped, is not counted). */
export function countDelivery(metrics: Metrics, r: SendResult): void {
  if (r === 'sent') metrics.delivery('sent');
  else if (r !== 'skipped') metrics.delivery('retryInMs' in r ? 'retried' : 'failed');
}

/** Whether the record a subject names still exists. */
export function subjectExists(db: Db, subject: Subject): boolean {
  return subject.type === 'rfc' ? findRfc(db, subject.key) !== null : findRelease(db, subject.key) !== null;
}

/**
 * The notification behind a delivery key: an outbox row for use-case notifications, or a
 * timed event of the scheduler (reminders, notices, failure reports); src/domain/subject.ts
 * builds and parses both kinds of key.
 */
export function notificationFor(ctx: AppContext, notificationKey: string): Notification | null {
  const key = parseNotificationKey(notificationKey);
  if (!key) return null;
  if (key.kind === 'outbox') return findOutboxRow(ctx.database.db, key.id)?.notification ?? null;
  const n: Notification = { event: key.event as Notification['event'], subject: key.subject, recipients: [] };
  // A release's wave timer names its wave in the stamp (`20261205T220000Z-w2`).
  const wave = key.subject.type === 'release' ? waveOfStamp(key.stamp) : null;
  if (wave !== null) n.wave = wave;
  // A failure report names what failed: its stamp is the failed notification's key.
  if (key.event === FAILURE_EVENT) n.detail = failureDetail(ctx, key.stamp);
  // A task's reminder names its task in the stamp (`20261205T200000Z-t2`).
  const task = key.subject.type === 'rfc' && key.event === 'task-due' ? taskOfStamp(key.stamp) : null;
  if (task !== null) n.detail = taskDetail(ctx, key.subject.key, task);
  return n;
}

/** The task's line for its reminder, "#2 Open 443 ... — team network, due ... — open". */
function taskDetail(ctx: AppContext, rfcKey: string, number: number): string | undefined {
  const db = ctx.database.db;
  const task = findTask(db, rfcKey, number);
  const rfc = findRfc(db, rfcKey);
  return task && rfc ? taskLine(task, rfc, ctx.timezone) : undefined;
}

/** "to 2 of 40 recipients: slack:channel:C9 (channel_not_found), ..." for a notification key. */
function failureDetail(ctx: AppContext, notificationKey: string): string {
  const rows = deliveriesOf(ctx.database.db, notificationKey);
  const failed = rows.filter((r) => r.status === 'failed');
  const nobody = failed.find((r) => r.recipient === NOBODY);
  if (nobody) return `they reached no one: ${nobody.lastError ?? 'no recipient'}`;
  const shown = failed.slice(0, 5).map((r) => `${r.recipient} (${r.lastError ?? 'unknown error'})`);
  const more = failed.length > shown.length ? `, and ${failed.length - shown.length} more` : '';
  return `to ${failed.length} of ${rows.length} recipients: ${shown.join(', ')}${more}`;
}

export function zoneOf(ctx: AppContext, target: { platform: string; kind: string; id: string }): string {
  if (target.kind !== 'user') return ctx.timezone;
  return findPerson(ctx.database.db, personIdOf(target))?.timezone ?? ctx.timezone;
}

/** The person id of a user target: `slack:user:T1/U1` -> `slack:T1/U1`. */
export function personIdOf(target: { platform: string; id: string }): string {
  return `${target.platform}:${target.id}`;
}

const DECISION_EVENTS: readonly string[] = ['vote-requested', 'approval-requested', 'escalated'];

/** The release as its messages and cards show it, in `zone`. */
export function releaseViewOf(ctx: AppContext, release: Release, zone: string): ReleaseView {
  return viewRelease(ctx, release.key, zone);
}

export function buildMessage(ctx: AppContext, n: Notification, zone: string, deliveryKey?: string): OutboundMessage | null {
  if (n.subject.type === 'release') {
    const release = findRelease(ctx.database.db, n.subject.key);
    if (!release) return null;
    const text = releaseMessageText(n.event, release, zone, { wave: n.wave, detail: n.detail });
    const message: OutboundMessage = { event: n.event, subject: n.subject, text, release: releaseViewOf(ctx, release, zone) };
    if (n.wave !== undefined) message.wave = n.wave;
    if (deliveryKey) message.deliveryKey = deliveryKey;
    return message;
  }
  const rfc = n.subject.type === 'rfc' ? findRfc(ctx.database.db, n.subject.key) : null;
  if (!rfc) return null;
  // Only messages that ask for a decision show the RFC's conflicts.
  const view = viewRfc(ctx, rfc.key, zone, { withConflicts: DECISION_EVENTS.includes(n.event) });
  const message: OutboundMessage = { event: n.event, subject: n.subject, text: messageText(n.event, rfc, zone, n.detail, n.outcome), view };
  if (deliveryKey) message.deliveryKey = deliveryKey;
  return message;
}

/**
 * A fan-out sends the same words to thousands of recipients: build each (notification, zone)
 * message once and reuse it for a moment, instead of once per recipient.
 */
const MESSAGE_TTL_MS = 2000;
const cache = new WeakMap<AppContext, Map<string, { at: number; message: OutboundMessage | null }>>();

function cachedMessage(ctx: AppContext, notificationKey: string, n: Notification, zone: string, deliveryKey: string): OutboundMessage | null {
  let messages = cache.get(ctx);
  if (!messages) cache.set(ctx, (messages = new Map()));
  const key = `${notificationKey}|${zone}`;
  const now = Date.now();
  let hit = messages.get(key);
  if (!hit || now - hit.at > MESSAGE_TTL_MS) {
    if (messages.size > 500) for (const [k, v] of messages) if (now - v.at > MESSAGE_TTL_MS) messages.delete(k);
    hit = { at: now, message: buildMessage(ctx, n, zone) };
    messages.set(key, hit);
  }
  return hit.message ? { ...hit.message, deliveryKey } : null;
}

export async function sendDelivery(ctx: AppContext, notifiers: readonly Notifier[], row: DeliveryRow, opts: { maxAttempts: number }): Promise<SendResult> {
  const db = ctx.database.db;
  const current = findDeliveryById(db, row.id);
  if (!current || current.status === 'sent' || current.status === 'failed') return 'skipped';
  const target = parseTargetKey(current.recipient);
  const notifier = target && notifiers.find((n) => n.platform === target.platform);
  const n = notificationFor(ctx, current.notificationKey);
  const message = target && n ? cachedMessage(ctx, current.notificationKey, n, zoneOf(ctx, target), `d${current.id}`) : null;
  const now = () => ctx.clock.now();
  if (!target || !notifier || !message) {
    const why = !notifier ? `no ${target?.platform ?? 'known'} adapter is running` : 'the notification or what it is about no longer exists';
    markDelivery(db, row.id, 'failed', now(), { error: why });
    return { failed: why };
  }
  if (current.status === 'sending' && notifier.findSent) {
    // A previous attempt died between sending and recording (a crash): ask before sending again.
    try {
      const found = await notifier.findSent(target, message, current.createdAt);
      if (found) {
        markDelivery(db, row.id, 'sent', now(), { messageRef: found.messageRef });
        return 'sent';
      }
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), true);
      return { retryInMs: e.retryAfterMs ?? 1000, error: `checking an interrupted delivery: ${e.message}`, rateLimited: e.retryAfterMs !== undefined };
    }
  }
  markDelivery(db, row.id, 'sending', now());
  try {
    const { messageRef } = await notifier.send(target, message);
    markDelivery(db, row.id, 'sent', now(), { messageRef });
    return 'sent';
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), true);
    if (e.retryable && e.retryAfterMs !== undefined) {
      // Rate limited: nothing was sent and the attempt does not count towards failing.
      requeueDelivery(db, row.id, current.attempts, e.message);
      return { retryInMs: e.retryAfterMs, error: e.message, rateLimited: true };
    }
    const attempts = current.attempts + 1;
    if (!e.retryable || attempts >= opts.maxAttempts) {
      markDelivery(db, row.id, 'failed', now(), { error: e.message });
      return { failed: e.message };
    }
    // A timeout or a 5xx may have reached the platform all the same: the row stays `sending`,
    // so the next attempt first asks the notifier whether the message went out (findSent).
    noteDeliveryError(db, row.id, e.message);
    return { retryInMs: e.retryAfterMs ?? Math.min(60_000, 500 * 2 ** (attempts - 1)), error: e.message };
  }
}
