/**
 * Commands acknowledged and then lost in a crash. The real bot (built dist/, Slack only) runs in
 * a child process that freezes inside a command's use case, after the acknowledgement and before
 * anything is written; the test kills it with SIGKILL and starts it again on the same database.
 * Every acknowledged command is then applied exactly once (an RFC per title) or its author told
 * it was not: none is lost silently, a retry of a handled one is still dropped, and a replay that
 * crashed too is not run a third time.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quiet, startCrashBot } from '../support/crash-bot.js';
import { eventually } from '../support/redis.js';
import { SECRET, slackTestEnv } from '../support/slack-harness.js';
import { SlackSender, type SlackResponse, slashCommand } from '../support/slack-requests.js';
import { FakeSlack } from '../support/slack-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const T = 'T1';

let fake: FakeSlack;
let dir: string;
let db: Database.Database;
const children: ChildProcess[] = [];

/** Builds dist/ when it is missing or older than the sources this test runs there. */
function ensureBuilt(): void {
  const sources = ['src/chat/slack/dedupe.ts', 'src/chat/slack/replay.ts', 'src/chat/slack/commands.ts', 'src/app/context.ts', 'src/db/repos/chat.ts'];
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs));
  const outputs = ['dist/chat/slack/replay.js', 'dist/chat/slack/dedupe.js', 'dist/app/context.js'].map((o) => join(ROOT, o));
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newest)) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // type errors elsewhere still emit JavaScript
  }
}

interface Child {
  sender: Promise<SlackSender>;
  held: Promise<void>;
  kill(): Promise<void>;
}

function startBot(hold: number, env: Record<string, string> = {}): Child {
  const bot = startCrashBot(hold, slackTestEnv(dir, fake.url, { LOG_LEVEL: 'warn', ...env }));
  children.push(bot.child);
  return { ...bot, sender: quiet(bot.port.then((port) => new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET))) };
}

let n = 0;
/** `/rfc new "<title>"` by user `U<title>`; its response_url is named after the title. */
function raiseBody(title: string): string {
  return slashCommand({ team: T, user: userOf(title) }, `new "${title}" category=minor`, {
    responseUrl: fake.responseUrl(title),
    triggerId: `${Date.now()}.${++n}`,
  });
}
const userOf = (title: string) => `U${title.replace(/\W/g, '').toUpperCase()}`;
const applied = (title: string): number => (db.prepare('select count(*) as n from rfcs where title = ?').get(title) as { n: number }).n;
const unfinished = (): number => (db.prepare("select count(*) as n from inbound_requests where state in ('pending', 'replayed')").get() as { n: number }).n;
const answers = (title: string) => fake.responses.filter((r) => r.name === title).map((r) => String(r.body.text));

beforeAll(async () => {
  ensureBuilt();
  fake = await FakeSlack.start({ teamId: T });
  dir = mkdtempSync(join(tmpdir(), 'changebot-crash-replay-'));
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  db?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a bot killed right after acknowledging commands', () => {
  let bot: Child;

  it('applies each acknowledged command once after the restart, and drops retries', async () => {
    bot = startBot(3);
    const sender = await bot.sender;
    db = new Database(join(dir, 'bot.db'));
    const titles = Array.from({ length: 8 }, (_, i) => `crash one ${i}`);
    const bodies = new Map(titles.map((t) => [t, raiseBody(t)]));
    const sent = titles.map((t) => quiet(sender.send(bodies.get(t) as string)));
    await bot.held;
    await bot.kill();
    const results = await Promise.allSettled(sent);
    const acked = titles.filter((_, i) => (results[i] as PromiseSettledResult<SlackResponse>).status === 'fulfilled');
    for (const t of acked) expect((results[titles.indexOf(t)] as PromiseFulfilledResult<SlackResponse>).value.status).toBe(200);
    // Acknowledged, yet not applied when the process died: the ones a crash used to lose.
    const lost = acked.filter((t) => applied(t) === 0);
    expect(lost.length).toBeGreaterThan(0);
    expect(unfinished()).toBe(lost.length);

    bot = startBot(0);
    const again = await bot.sender;
    await eventually(() => unfinished() === 0, 'every unfinished claim handled');
    for (const t of acked) expect(applied(t)).toBe(1);
    for (const t of lost) {
      const said = await eventually(() => answers(t).find((a) => /RFC-\d+/.test(a)), `the answer to ${t}`);
      expect(said).toContain(t);
    }
    // Slack retrying (or a person repeating the very request) changes nothing: replayed or done, it is dropped.
    for (const t of [lost[0] as string, acked.find((x) => !lost.includes(x)) ?? (lost[0] as string)]) {
      expect((await again.send(bodies.get(t) as string, { retryNum: 1 })).status).toBe(200);
      expect(applied(t)).toBe(1);
    }
    const raised = db.prepare("select count(*) as n from change_log where action = 'raise'").get() as { n: number };
    expect(raised.n).toBe(acked.length + titles.filter((t) => !acked.includes(t) && applied(t) > 0).length);
    await bot.kill();
  });

  it('tells the author when the replay crashed too, and does not run it a third time', async () => {
    bot = startBot(1);
    const sender = await bot.sender;
    const title = 'crash two';
    const ack = quiet(sender.send(raiseBody(title)));
    await bot.held;
    await bot.kill();
    expect((await ack).status).toBe(200);
    expect(applied(title)).toBe(0);
    // The restart replays it, and dies in the middle of that too.
    bot = startBot(1);
    await bot.held;
    await bot.kill();
    expect(applied(title)).toBe(0);
    bot = startBot(0);
    await bot.sender;
    await eventually(() => unfinished() === 0, 'the claim handled');
    const told = await eventually(() => answers(title).find((a) => a.includes('was not applied')), 'the author told');
    expect(told).toContain(`/rfc new "${title}" category=minor`);
    expect(told).toContain('stopped while applying it');
    expect(applied(title)).toBe(0);
    expect(db.prepare('select state from inbound_requests where request like ?').get(`%${title}%`)).toEqual({ state: 'told' });
    await bot.kill();
  });

  it('tells the author by DM when the bot comes back after the response_url expired', async () => {
    bot = startBot(1);
    const sender = await bot.sender;
    const title = 'crash three';
    const ack = quiet(sender.send(raiseBody(title)));
    await bot.held;
    await bot.kill();
    expect((await ack).status).toBe(200);
    bot = startBot(0, { CHANGEBOT_CLOCK: new Date(Date.now() + 40 * 60_000).toISOString() });
    await bot.sender;
    const dm = await fake.waitFor('chat.postMessage', (c) => c.args.channel === userOf(title) && String(c.args.text).includes('was not applied'));
    expect(String(dm.args.text)).toContain(title);
    await eventually(() => unfinished() === 0, 'the claim handled');
    expect(applied(title)).toBe(0);
    expect(answers(title)).toEqual([]);
    await bot.kill();
  });
});
