/**
 * Timing: 10,000 owner reminders due over one minute (10,000 scheduled RFCs whose 1 h reminder
 * falls in the coming minute), through the real scheduler, timers and delivery workers and the
 * Slack notifier against an unlimited fake Slack. Prints p50/p99/max lateness against due time,
 * of the timer firing and of the message reaching Slack.
 */
import { insertRfc } from '../db/repos/rfcs.js';
import { draftRfc } from '../domain/rfc.js';
import type { Rfc } from '../domain/types.js';
import type { TimerJobData } from '../jobs/queues.js';
import { BenchSlack } from './fake-slack.js';
import { arg, benchEnv, benchJobs, ms, percentile, until } from './util.js';

const H = 3_600_000;

export async function timingBench(): Promise<boolean> {
  const n = arg('reminders', 10_000);
  const overMs = arg('over', 60) * 1000;
  const leadMs = arg('lead', 20) * 1000;
  const env = await benchEnv('timing');
  const fake = await BenchSlack.start({ teamId: 'T1', latencyMs: 5 });
  const jobs = benchJobs(env, fake.url, {
    timerConcurrency: 16,
    deliveryConcurrency: 16,
    limits: { slack: { max: 10_000, duration: 1000 }, teams: { max: 10, duration: 1000 } },
  });
  try {
    await jobs.waitReady(5000);
    const setup0 = Date.now();
    const base = setup0 + leadMs;
    const due = new Map<string, number>();
    env.database.db.transaction((tx) => {
      for (let i = 0; i < n; i++) {
        const dueAt = base + Math.floor((i * overMs) / n);
        const start = new Date(dueAt + H);
        const rfc = insertRfc(tx, seed(i, start, new Date(setup0)));
        due.set(rfc.key, dueAt);
      }
    });
    const report = await jobs.reconcile();
    const setupMs = Date.now() - setup0;
    const fired: number[] = [];
    jobs.workers[0]?.on('completed', (job) => {
      const d = job.data as TimerJobData;
      if (d.kind === 'reminder-1h' && job.processedOn) fired.push(job.processedOn - Date.parse(d.dueAt));
    });
    const posted = () => fake.posted.filter((p) => p.text.includes('starts in about an hour'));
    const done = await until(() => posted().length >= n, leadMs + overMs + 120_000, 200);
    const sentLate = posted()
      .map((p) => p.at - (due.get(/RFC-\d+/.exec(p.text)?.[0] ?? '') ?? p.at))
      .sort((a, b) => a - b);
    const firedLate = [...fired].sort((a, b) => a - b);
    const distinct = new Set(posted().map((p) => p.channel)).size;
    console.log(
      'timing: %d reminders due over %d s (%d timers queued in %s, first due %s after start)',
      n,
      overMs / 1000,
      report?.desired ?? 0,
      ms(setupMs),
      ms(leadMs),
    );
    console.log(`  timer fired  p50 ${ms(percentile(firedLate, 50))}  p99 ${ms(percentile(firedLate, 99))}  max ${ms(firedLate.at(-1) ?? NaN)} late`);
    console.log(`  on Slack     p50 ${ms(percentile(sentLate, 50))}  p99 ${ms(percentile(sentLate, 99))}  max ${ms(sentLate.at(-1) ?? NaN)} late`);
    console.log(`  delivered ${distinct} of ${n}${done ? '' : ' (TIMED OUT)'}, duplicates ${posted().length - distinct}`);
    return done && distinct === n && posted().length === n && setupMs < leadMs;
  } finally {
    await jobs.stop();
    await fake.close();
    await env.close();
  }
}

function seed(i: number, start: Date, scheduledAt: Date): Omit<Rfc, 'id' | 'key'> {
  const {
    id: _id,
    key: _key,
    ...rfc
  } = draftRfc(`slack:T1/U${i}`, scheduledAt, {
    title: `Patch host ${i}`,
    category: 'standard',
    services: [`svc-${i % 200}`],
    backout: 'restore',
    window: { start, end: new Date(start.getTime() + 30 * 60_000) },
    state: 'scheduled',
  });
  return rfc;
}
