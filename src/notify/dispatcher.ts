/**
 * Drains the outbox: refreshes the RFC's cards on every platform, expands each notification's
 * recipients into one deliveries row per concrete target, and hands the new rows to a sender.
 * Runs in the bot process on a short poll (and at once after a local commit), so changes made
 * by the CLI or another process are delivered too.
 */
import type { AppContext } from '../app/context.js';
import { appendLog } from '../db/repos/log.js';
import { findRfc } from '../db/repos/rfcs.js';
import { deliveries } from '../db/schema.js';
import { eq } from 'drizzle-orm';
import { type DeliveryRow, markDispatched, pendingOutbox, recordDelivery, unsentDeliveries } from '../db/repos/outbox.js';
import type { Logger } from '../log.js';
import { sendDelivery } from './deliver.js';
import { type Notifier, targetKey } from './types.js';

/** Where recorded deliveries go to be sent: in-process (default) or a queue (jobs). */
export interface DeliverySender {
  deliver(rows: DeliveryRow[]): Promise<void>;
  close?(): Promise<void>;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly notifiers: readonly Notifier[],
    private readonly log: Logger,
    private sender: DeliverySender = new DirectSender(ctx, notifiers, log),
    private readonly pollMs = 1000,
  ) {}

  setSender(sender: DeliverySender): void {
    this.sender = sender;
  }

  start(): void {
    this.ctx.afterCommit.push(() => this.nudge());
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

  /** Processes every pending outbox row. Resolves when all were handed to the sender. */
  async drain(): Promise<void> {
    const db = this.ctx.database.db;
    for (;;) {
      const rows = pendingOutbox(db);
      if (!rows.length) return;
      for (const row of rows) {
        const n = row.notification;
        for (const notifier of this.notifiers) {
          await notifier.refreshCards(row.rfcKey).catch((err) => this.log.warn({ err, rfc: row.rfcKey }, `${notifier.platform}: card refresh failed`));
        }
        const rfc = findRfc(db, row.rfcKey);
        const fresh: DeliveryRow[] = [];
        if (rfc && n.event !== 'card-update') {
          // Resolve first (may call chat APIs), then record all rows in one transaction.
          const keys = new Set<string>();
          for (const recipient of n.recipients) {
            for (const notifier of this.notifiers) {
              for (const t of await notifier.resolve(recipient, rfc)) keys.add(targetKey(t));
            }
          }
          const at = this.ctx.clock.now();
          const notificationKey = `outbox:${row.id}`;
          this.ctx.database.db.transaction((tx) => {
            for (const key of keys) recordDelivery(tx, { notificationKey, recipient: key, rfcId: rfc.id, at });
            markDispatched(tx, row.id, at);
            // The change log records every notification: what, and to whom.
            appendLog(tx, { rfcId: rfc.id, at, actor: 'changebot', action: 'notify', detail: { event: n.event, to: [...keys] } });
          });
          fresh.push(...db.select().from(deliveries).where(eq(deliveries.notificationKey, notificationKey)).all());
        } else {
          markDispatched(db, row.id, this.ctx.clock.now());
        }
        if (fresh.length) await this.sender.deliver(fresh.filter((d) => d.status === 'pending'));
      }
    }
  }

  /** Hands deliveries left unsent (a crash between record and send) to the sender again. */
  async resumeUnsent(): Promise<void> {
    const rows = unsentDeliveries(this.ctx.database.db);
    if (rows.length) await this.sender.deliver(rows);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
  ) {}

  async deliver(rows: DeliveryRow[]): Promise<void> {
    for (const row of rows) {
      for (;;) {
        const r = await sendDelivery(this.ctx, this.notifiers, row, { maxAttempts: this.maxAttempts });
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
