/**
 * Drains the outbox: refreshes the RFC's cards on every platform, expands each notification's
 * recipients into one deliveries row per concrete target, and hands the new rows to a sender.
 * Runs in the bot process on a short poll (and at once after a local commit), so changes made
 * by the CLI or another process are delivered too.
 */
import { type AppContext, onCommit } from '../app/context.js';
import { appendLog } from '../db/repos/log.js';
import { type DeliveryRow, type OutboxRow, deliveriesOf, markDispatched, pendingOutbox, recordDelivery, unsentDeliveries } from '../db/repos/outbox.js';
import type { Logger } from '../log.js';
import { type Metrics, NO_METRICS } from '../server/metrics.js';
import { outboxKey, type Subject } from '../domain/subject.js';
import { countDelivery, sendDelivery, subjectExists } from './deliver.js';
import { nobodyReason, recordNobody, reportFailure } from './nobody.js';
import { resolveTargets } from './resolve.js';
import type { Notifier } from './types.js';

/** Where recorded deliveries go to be sent: in-process (default) or a queue (jobs). */
export interface DeliverySender {
  deliver(rows: DeliveryRow[]): Promise<void>;
  close?(): Promise<void>;
}

const REFRESH_ATTEMPTS = 5;

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly notifiers: readonly Notifier[],
    private readonly log: Logger,
    private sender: DeliverySender = new DirectSender(ctx, notifiers, log),
    private readonly pollMs = 1000,
    private readonly refreshRetryMs = 5_000,
  ) {}

  setSender(sender: DeliverySender): void {
    this.sender = sender;
  }

  start(): void {
    this.stopListening = onCommit(this.ctx, () => this.nudge());
    const tick = () => {
      if (this.stopped) return;
      this.nudge();
      this.timer = setTimeout(tick, this.pollMs);
      this.timer.unref();
    };
    tick();
  }

  /** Drain soon; coalesces calls while a drain runs. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.log.error({ err }, 'outbox drain failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /**
   * Processes every pending outbox row, in order. A row that fails (a chat API down while
   * resolving recipients) stays pending for the next poll, and so do the later rows of the
   * same subject, so nobody hears of a decision before the vote that led to it.
   */
  async drain(): Promise<void> {
    const db = this.ctx.database.db;
    for (;;) {
      const rows = pendingOutbox(db);
      if (!rows.length) return;
      const held = new Set<string>();
      for (const row of rows) {
        if (held.has(row.subject.key) || this.stopped) continue;
        try {
          await this.dispatch(row);
        } catch (err) {
          held.add(row.subject.key);
          this.log.warn({ err, subject: row.subject.key, event: row.notification.event }, 'notification held for the next attempt');
        }
      }
      if (held.size || this.stopped) return;
    }
  }

  private async dispatch(row: OutboxRow): Promise<void> {
    const db = this.ctx.database.db;
    const n = row.notification;
    for (const notifier of this.notifiers) {
      await notifier.refreshCards(row.subject).catch((err) => this.refreshLater(notifier, row.subject, 1, err));
    }
    if (!subjectExists(db, row.subject) || n.event === 'card-update') {
      markDispatched(db, row.id, this.ctx.clock.now());
      return;
    }
    // Resolve first (may call chat APIs), then record all rows in one transaction.
    const keys = await resolveTargets(db, this.notifiers, n.recipients, row.subject);
    const at = this.ctx.clock.now();
    const notificationKey = outboxKey(row.id);
    // Recipients that resolve to no one make a failed delivery saying why, not a silent "to: []".
    const nobody = !keys.length && n.recipients.length ? nobodyReason(n.recipients, this.notifiers) : null;
    db.transaction((tx) => {
      for (const key of keys) recordDelivery(tx, { notificationKey, recipient: key, subject: row.subject, at });
      if (nobody) recordNobody(tx, { notificationKey, subject: row.subject, at, reason: nobody });
      markDispatched(tx, row.id, at);
      // The change log records every notification: what, and to whom (or why to no one).
      appendLog(tx, {
        subject: row.subject,
        at,
        actor: 'changebot',
        action: 'notify',
        detail: { event: n.event, to: keys, ...(nobody ? { failed: nobody } : {}) },
      });
    });
    if (nobody) {
      this.log.warn({ subject: row.subject.key, event: n.event, reason: nobody }, 'notification reached no one; telling the owner');
      const report = await reportFailure(this.ctx, this.notifiers, this.log, row.subject, notificationKey);
      if (report.length) await this.sender.deliver(report);
      return;
    }
    const fresh = deliveriesOf(db, notificationKey).filter((d) => d.status === 'pending');
    if (fresh.length) await this.sender.deliver(fresh);
  }

  /**
   * A card that could not be updated (the platform briefly down) would show a stale tally until
   * the RFC next changes: try again a few times, waiting longer each time.
   */
  private refreshLater(notifier: Notifier, subject: Subject, attempt: number, err: unknown): void {
    if (this.stopped) return;
    if (attempt > REFRESH_ATTEMPTS) {
      this.log.error({ err, subject: subject.key }, `${notifier.platform}: card refresh failed ${REFRESH_ATTEMPTS} times; it will follow the next change`);
      return;
    }
    this.log.warn({ err, subject: subject.key, attempt }, `${notifier.platform}: card refresh failed; trying again`);
    const timer = setTimeout(
      () => {
        this.retries.delete(timer);
        if (this.stopped) return;
        notifier.refreshCards(subject).catch((e) => this.refreshLater(notifier, subject, attempt + 1, e));
      },
      this.refreshRetryMs * 3 ** (attempt - 1),
    );
    timer.unref();
    this.retries.add(timer);
  }

  /** Hands deliveries left unsent (a crash between record and send) to the sender again. */
  async resumeUnsent(): Promise<void> {
    const rows = unsentDeliveries(this.ctx.database.db);
    if (rows.length) await this.sender.deliver(rows);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.retries) clearTimeout(t);
    await this.running;
    await this.sender.close?.();
  }
}

/** Sends in-process with a few quick retries. The jobs component replaces it with a queue. */
export class DirectSender implements DeliverySender {
  constructor(
    private readonly ctx: AppContext,
    private readonly notifiers: readonly Notifier[],
    private readonly log: Logger,
    private readonly maxAttempts = 4,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async deliver(rows: DeliveryRow[]): Promise<void> {
    for (const row of rows) {
      for (;;) {
        const r = await sendDelivery(this.ctx, this.notifiers, row, { maxAttempts: this.maxAttempts });
        countDelivery(this.metrics, r);
        if (typeof r === 'object' && 'retryInMs' in r) {
          await new Promise((res) => setTimeout(res, Math.min(r.retryInMs, 5_000)));
          continue;
        }
        if (typeof r === 'object') this.log.warn({ delivery: row.id, recipient: row.recipient, error: r.failed }, 'delivery failed');
        break;
      }
    }
  }
}
