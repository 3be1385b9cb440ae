/** Shared by the benchmarks: a Redis to run on, a fresh database, percentiles. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppContext, createContext } from '../app/context.js';
import { type AppDatabase, openDatabase } from '../db/client.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { SlackNotifier } from '../chat/slack/notifier.js';
import { createWebClient } from '../chat/slack/web.js';
import { startLocalRedis } from '../jobs/local-redis.js';
import { type Jobs, startJobs } from '../jobs/jobs.js';
import type { WorkerTuning } from '../jobs/workers.js';
import { createLogger } from '../log.js';

export interface BenchEnv {
  redisUrl: string;
  prefix: string;
  dir: string;
  database: AppDatabase;
  ctx: AppContext;
  close(): Promise<void>;
}

/** REDIS_URL if set (a unique prefix), else a throwaway redis-server; a temp SQLite file. */
export async function benchEnv(name: string): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), `changebot-bench-${name}-`));
  let redisUrl = process.env.REDIS_URL;
  let stopRedis = async () => {};
  if (!redisUrl) {
    const r = await startLocalRedis({ dir: join(dir, 'redis'), persist: false });
    redisUrl = r.url;
    stopRedis = r.stop;
  }
  const database = openDatabase(join(dir, 'bench.db'));
  const ctx = createContext(database, { policy: DEFAULT_POLICY, timezone: 'UTC' });
  return {
    redisUrl,
    prefix: `bench-${name}-${process.pid}`,
    dir,
    database,
    ctx,
    async close() {
      database.close();
      await stopRedis();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function ms(n: number): string {
  return `${Math.round(n)} ms`;
}

export async function until(probe: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

/** `--name=value` arguments. */
export function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const v = hit ? Number(hit.slice(name.length + 3)) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * The real jobs (queues, workers, limiter) delivering through the real Slack adapter's
 * notifier, pointed at a benchmark's fake Slack.
 */
export function benchJobs(env: BenchEnv, apiUrl: string, tuning: Partial<WorkerTuning>): Jobs {
  const log = createLogger('silent');
  const slack = { botToken: 'xoxb-bench', apiUrl };
  const notifier = new SlackNotifier(env.ctx, createWebClient(slack, log), slack, { log });
  return startJobs({ redisUrl: env.redisUrl, ctx: env.ctx, notifiers: [notifier], log, prefix: env.prefix, tuning });
}
