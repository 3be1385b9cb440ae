/**
 * Fan-out: one outage announcement to 5,000 DM recipients (a Slack user group) and 50 channels,
 * through the jobs pipeline and the real SlackNotifier, against a fake Slack API that enforces a
 * rate limit. Prints the time taken against the rate-limit lower bound, 429s, duplicates, losses.
 */
import { addService } from '../app/catalogue.js';
import { loadActor } from '../app/context.js';
import { schedule } from '../app/implementation.js';
import { raise, submit } from '../app/rfcs.js';
import { grantRole } from '../db/repos/people.js';
import { deliveryStatuses } from '../db/repos/outbox.js';
import { BenchSlack } from './fake-slack.js';
import { arg, benchEnv, benchJobs, until } from './util.js';

export async function fanoutBench(): Promise<boolean> {
  const users = arg('users', 5000);
  const channelCount = arg('channels', 50);
  const rate = arg('rate', 500); // messages per second the fake Slack allows
  const latency = arg('latency', 20);
  const env = await benchEnv('fanout');
  const members = Array.from({ length: users }, (_, i) => `U${String(i).padStart(6, '0')}`);
  const channels = Array.from({ length: channelCount }, (_, i) => `C${String(i).padStart(4, '0')}`);
  const fake = await BenchSlack.start({ teamId: 'T1', usergroups: { S1: members }, ratePerSec: rate, latencyMs: latency });
  // The limiter is set to the platform's allowance, as in production (there: Slack's tier).
  const jobs = benchJobs(env, fake.url, {
    deliveryConcurrency: Math.max(4, Math.ceil((rate * latency) / 1000) * 2),
    limits: { slack: { max: rate, duration: 1000 }, teams: { max: 10, duration: 1000 } },
  });
  try {
    await jobs.waitReady(5000);
    const ctx = env.ctx;
    grantRole(env.database.db, 'cli:root', 'admin', 'bench', new Date());
    addService(ctx, loadActor(ctx, 'cli:root'), { name: 'mail', audience: [...channels.map((c) => `slack:channel:${c}`), 'slack:usergroup:S1'] });
    grantRole(env.database.db, 'slack:T1/UOWNER', 'change-manager', 'bench', new Date()); // may mark it standard
    const owner = loadActor(ctx, 'slack:T1/UOWNER');
    const start = new Date(Date.now() + 3 * 3_600_000);
    const r = raise(ctx, owner, {
      title: 'Mail server upgrade',
      category: 'standard',
      services: ['mail'],
      backout: 'restore',
      start,
      durationMinutes: 60,
      outageMinutes: 30,
    }).result;
    submit(ctx, owner, r.key);
    schedule(ctx, owner, r.key, {});
    const expected = users + channelCount;
    const t0 = Date.now();
    // Scheduled 3 h ahead with a 24 h notice period: the announcement goes out at once.
    await jobs.reconcile();
    const rows = () => deliveryStatuses(env.database.db);
    const done = await until(
      () => fake.posted.length >= expected && rows().every((status) => status === 'sent' || status === 'failed'),
      Math.max(120_000, (expected / rate) * 3000),
      100,
    );
    const elapsed = (Date.now() - t0) / 1000;
    await new Promise((res) => setTimeout(res, 500)); // anything sent late counts as a duplicate
    const byChannel = new Map<string, number>();
    for (const p of fake.posted) byChannel.set(p.channel, (byChannel.get(p.channel) ?? 0) + 1);
    const duplicates = fake.posted.length - byChannel.size;
    const losses = expected - byChannel.size;
    const failedRows = rows().filter((status) => status !== 'sent').length;
    const bound = expected / rate;
    console.log('fan-out: one announcement, %d DMs + %d channels, fake Slack allowing %d msg/s (%d ms latency)', users, channelCount, rate, latency);
    console.log(`  time taken           ${elapsed.toFixed(2)} s${done ? '' : ' (TIMED OUT)'}`);
    console.log(`  rate-limit bound     ${bound.toFixed(2)} s (${expected} recipients / ${rate} per s)`);
    console.log(`  ratio                ${(elapsed / bound).toFixed(2)}`);
    console.log(`  429 answers          ${fake.limited}`);
    console.log(`  duplicates           ${duplicates}${duplicates === 0 ? '' : '  <-- MUST BE 0'}`);
    console.log(`  losses               ${losses}${losses === 0 ? '' : '  <-- MUST BE 0'} (rows not sent: ${failedRows})`);
    return done && duplicates === 0 && losses === 0;
  } finally {
    await jobs.stop();
    await fake.close();
    await env.close();
  }
}
