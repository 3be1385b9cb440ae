/**
 * Ack: how fast `/rfc show RFC-1` is acknowledged, the bot against a bare Bolt app (the same
 * Bolt and HTTPReceiver, a handler that only acks) in one run. Each runs in its own process, one
 * after the other, with the fake Slack in a third (ack-child.ts) and this process as the load:
 * distinct signed commands (distinct trigger_ids and response_urls) over 10 keep-alive
 * connections, first at a fixed rate (`--ack-rate`, default 200/s), then unthrottled. Prints the
 * ack latency (to the HTTP 200) p50/p99, the throughput, and for the bot the commands completed
 * (their answer posted to the response_url), with the ratios to bare Bolt. All processes share
 * the machine's cores, so the load and the fake Slack's CPU are in the figures of both.
 * `--ack-prof=DIR` writes a CPU profile of the bot process there.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { arg, ms, percentile } from './util.js';

export const ACK_SECRET = 'bench-signing-secret';
export const ACK_TEAM = 'T1';
export const ACK_USERS = Array.from({ length: 10 }, (_, i) => `U${String(i).padStart(4, '0')}`);

/** What the processes of ack-child.ts tell this one. */
export type ChildMessage = { url: string } | { stats: { responses: number } };

interface Child {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

async function spawn(role: string, extra: string[] = [], execArgv: string[] = []): Promise<Child> {
  const proc = fork(new URL('./ack-child.js', import.meta.url), [role, ...extra], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`ack bench: the ${role} process exited (${code}) before it was ready`)));
    proc.on('message', (m: ChildMessage) => 'url' in m && resolve(m.url));
  });
  proc.removeAllListeners('exit');
  const stop = () =>
    new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.send('stop');
    });
  return { proc, url, stop };
}

function responsesOf(slack: Child): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: ChildMessage) => {
      if (!('stats' in m)) return;
      slack.proc.off('message', on);
      resolve(m.stats.responses);
    };
    slack.proc.on('message', on);
    slack.proc.send('stats');
  });
}

let seq = 0;

/** One signed `/rfc show RFC-1`, its own trigger_id and response_url, as Slack posts it. */
function command(responseBase: string): { body: string; headers: Record<string, string> } {
  const n = ++seq;
  const user = ACK_USERS[n % ACK_USERS.length] as string;
  const body = new URLSearchParams({
    team_id: ACK_TEAM,
    team_domain: 'bench',
    channel_id: 'CBENCH',
    channel_name: 'bench',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/rfc',
    text: 'show RFC-1',
    api_app_id: 'ABENCH',
    response_url: `${responseBase}${n}`,
    trigger_id: `${n}.${Date.now()}.bench${process.pid}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', ACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
  };
}

/** Sends one command; resolves with the milliseconds to the acknowledgement (NaN if not a 200). */
function post(url: URL, agent: Agent, responseBase: string): Promise<number> {
  const { body, headers } = command(responseBase);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : NaN));
    });
    req.on('error', () => resolve(NaN));
    req.end(body);
  });
}

interface Phase {
  sent: number;
  failed: number;
  p50: number;
  p99: number;
  perSec: number;
}

function summary(took: number[], seconds: number): Phase {
  const ok = took.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  return { sent: took.length, failed: took.length - ok.length, p50: percentile(ok, 50), p99: percentile(ok, 99), perSec: ok.length / seconds };
}

/** `rate` commands a second for `seconds`, on a schedule (open loop): a slow ack does not slow the load. */
async function fixedRate(url: URL, agent: Agent, responseBase: string, rate: number, seconds: number): Promise<Phase> {
  const total = Math.round(rate * seconds);
  const pending: Promise<number>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(post(url, agent, responseBase));
  }
  const took = await Promise.all(pending);
  return summary(took, Math.max(seconds, (performance.now() - t0) / 1000));
}

/** Each connection sends its next command as soon as the last is acknowledged, for `seconds`. */
async function unthrottled(url: URL, agent: Agent, responseBase: string, connections: number, seconds: number): Promise<Phase> {
  const took: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) took.push(await post(url, agent, responseBase));
    }),
  );
  return summary(took, (performance.now() - t0) / 1000);
}

interface Figures {
  fixed: Phase;
  free: Phase;
  /** Bot only: answers reaching the fake Slack during the unthrottled phase, per second, and after it drained. */
  completed?: { perSec: number; total: number; drainedMs: number };
}

async function measure(
  target: Child,
  slack: Child | undefined,
  responseBase: string,
  o: { rate: number; seconds: number; connections: number },
): Promise<Figures> {
  const url = new URL(target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  try {
    await unthrottled(url, agent, responseBase, o.connections, Math.min(2, o.seconds)); // warm-up (JIT, caches)
    if (slack) await settle(slack);
    const fixed = await fixedRate(url, agent, responseBase, o.rate, o.seconds);
    if (slack) await settle(slack);
    const before = slack ? await responsesOf(slack) : 0;
    const t0 = performance.now();
    const free = await unthrottled(url, agent, responseBase, o.connections, o.seconds);
    if (!slack) return { fixed, free };
    const atEnd = (await responsesOf(slack)) - before;
    const runMs = performance.now() - t0;
    await settle(slack);
    const total = (await responsesOf(slack)) - before;
    return { fixed, free, completed: { perSec: atEnd / (runMs / 1000), total, drainedMs: performance.now() - t0 - runMs } };
  } finally {
    agent.destroy();
  }
}

/** Waits until the fake Slack's count of answers stops moving (the bot's work has drained). */
async function settle(slack: Child): Promise<void> {
  let last = -1;
  let now = await responsesOf(slack);
  const deadline = Date.now() + 60_000;
  while (now !== last && Date.now() < deadline) {
    last = now;
    await new Promise((r) => setTimeout(r, 300));
    now = await responsesOf(slack);
  }
}

const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : 'n/a');

export async function ackBench(): Promise<boolean> {
  const o = { rate: arg('ack-rate', 200), seconds: arg('ack-seconds', 10), connections: arg('ack-connections', 10) };
  const prof = process.argv.find((a) => a.startsWith('--ack-prof='))?.slice('--ack-prof='.length);
  const slack = await spawn('slack');
  const responseBase = slack.url.replace(/\/api\/$/, '/response/cmd-');
  try {
    const bolt = await spawn('bolt');
    const base = await measure(bolt, undefined, responseBase, o).finally(() => bolt.stop());
    const bot = await spawn('bot', [slack.url], prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []);
    const ours = await measure(bot, slack, responseBase, o).finally(() => bot.stop());
    const c = ours.completed ?? { perSec: NaN, total: 0, drainedMs: NaN };
    console.log(
      'ack: /rfc show RFC-1, distinct signed commands over %d connections, %d s a phase; bot vs bare Bolt, each in its own process',
      o.connections,
      o.seconds,
    );
    console.log('  (the load generator and the fake Slack run beside each on the same cores)');
    const line = (name: string, p: Phase) =>
      `  ${name.padEnd(6)} ack p50 ${ms(p.p50).padStart(7)}  p99 ${ms(p.p99).padStart(7)}  ${Math.round(p.perSec).toString().padStart(5)}/s  failed ${p.failed}`;
    console.log(`  at ${o.rate} req/s`);
    console.log(line('bolt', base.fixed));
    console.log(line('bot', ours.fixed));
    console.log(`  ratio p99 bot/bolt ${ratio(ours.fixed.p99, base.fixed.p99)}  p50 bot/bolt ${ratio(ours.fixed.p50, base.fixed.p50)}`);
    console.log('  unthrottled');
    console.log(line('bolt', base.free));
    console.log(line('bot', ours.free));
    console.log(
      `  bot completed ${Math.round(c.perSec)}/s during the run (${c.total} of ${ours.free.sent - ours.free.failed} acked, drained ${ms(c.drainedMs)} after)`,
    );
    console.log(`  ratio acked/s bot/bolt ${ratio(ours.free.perSec, base.free.perSec)}  completed/s bot/bolt ${ratio(c.perSec, base.free.perSec)}`);
    return ours.fixed.failed + ours.free.failed === 0;
  } finally {
    await slack.stop();
  }
}
