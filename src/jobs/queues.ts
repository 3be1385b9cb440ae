/**
 * The queues: `timers` (reminders, notices, prompts, deadlines: one delayed job per timed
 * event) and one delivery queue per chat platform (`deliveries-slack`, `deliveries-teams`; one
 * job per recipient), so a Slack rate limit never holds up Teams. Redis holds only what is
 * pending; SQLite says what must exist, and the reconciler repairs Redis from it.
 */
import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DeliveryRow } from '../db/repos/outbox.js';
import type { Subject } from '../domain/subject.js';
import type { Logger } from '../log.js';
import type { DeliverySender } from '../notify/dispatcher.js';
import { type ChatPlatform, parseTargetKey } from '../notify/types.js';

export const TIMERS_QUEUE = 'timers';
export const PLATFORMS: readonly ChatPlatform[] = ['slack', 'teams'];
export const deliveryQueueName = (p: ChatPlatform) => `deliveries-${p}`;

export interface TimerJobData {
  subject: Subject;
  kind: string;
  stamp: string;
  /** ISO instant it is due (by the app's clock). */
  dueAt: string;
}
export interface ReportJobData {
  subject: Subject;
  /** The notification some of whose deliveries failed. */
  notificationKey: string;
}
export interface DeliveryJobData {
  id: number;
}

export const TIMER_JOB: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** Delivery retries are driven by the deliveries row (attempts, Retry-After), not by BullMQ. */
export const DELIVERY_JOB: JobsOptions = { attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: true };

export const deliveryJobId = (id: number) => `d${id}`;

/** Connections: producers fail fast while Redis is away; workers wait for it (BullMQ's rule). */
export function producerConnection(url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  c.on('error', () => {}); // reported by the health check
  return c;
}

export function workerConnection(url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 2000 });
  c.on('error', () => {});
  return c;
}

export class RedisUnavailable extends Error {
  override readonly name = 'RedisUnavailable';
  constructor() {
    super('Redis is unreachable');
  }
}

export class JobQueues {
  readonly timers: Queue;
  readonly deliveries: Map<ChatPlatform, Queue>;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    const opts = { connection, prefix };
    this.timers = new Queue(TIMERS_QUEUE, opts);
    this.timers.on('error', () => {});
    this.deliveries = new Map(PLATFORMS.map((p) => [p, new Queue(deliveryQueueName(p), opts)]));
    for (const q of this.deliveries.values()) q.on('error', () => {});
  }

  /** Whether commands can be sent now; when false, callers leave the work to the reconciler. */
  get ready(): boolean {
    return this.connection.status === 'ready';
  }

  assertReady(): void {
    if (!this.ready) throw new RedisUnavailable();
  }

  deliveryQueue(recipient: string): Queue {
    const platform = parseTargetKey(recipient)?.platform ?? 'slack';
    return this.deliveries.get(platform) as Queue;
  }

  all(): Queue[] {
    return [this.timers, ...this.deliveries.values()];
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((q) => q.close()));
  }
}

/**
 * The dispatcher's sender when jobs run: one job per recorded delivery, its id derived from the
 * deliveries row, so handing a row over twice (dispatcher, timer, reconciler) queues it once.
 * While Redis is away the rows simply stay pending; the reconciler queues them when it is back.
 */
export class QueueSender implements DeliverySender {
  private warnedAt = 0;

  constructor(
    private readonly queues: JobQueues,
    private readonly log: Logger,
  ) {}

  async deliver(rows: DeliveryRow[]): Promise<void> {
    if (!rows.length) return;
    try {
      await this.enqueue(rows);
    } catch (err) {
      const now = Date.now();
      if (now - this.warnedAt > 60_000) {
        this.warnedAt = now;
        this.log.warn({ err: (err as Error).message, deliveries: rows.length }, 'jobs: Redis unavailable; deliveries stay pending until it is back');
      }
    }
  }

  /** Like deliver, but throws when Redis is unavailable. */
  async enqueue(rows: DeliveryRow[]): Promise<void> {
    this.queues.assertReady();
    const byQueue = new Map<Queue, DeliveryRow[]>();
    for (const r of rows) {
      const q = this.queues.deliveryQueue(r.recipient);
      const list = byQueue.get(q);
      if (list) list.push(r);
      else byQueue.set(q, [r]);
    }
    for (const [q, list] of byQueue) {
      for (let i = 0; i < list.length; i += 1000) {
        await q.addBulk(
          list
            .slice(i, i + 1000)
            .map((r) => ({ name: 'deliver', data: { id: r.id } satisfies DeliveryJobData, opts: { ...DELIVERY_JOB, jobId: deliveryJobId(r.id) } })),
        );
      }
    }
  }
}
