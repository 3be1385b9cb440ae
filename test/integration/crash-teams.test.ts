/**
 * A Teams command interrupted by a crash: the real bot (built dist/, Teams only, no
 * credentials) in a child process that freezes inside the command's use case, before anything
 * is written, is killed with SIGKILL and started again on the same database. The author is told
 * in their conversation that the command was not applied; nothing was applied, and the claim is
 * not left pending. A command that finished is not reported.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LENIENT_ENV } from '../support/policy.js';
import { startCrashBot } from '../support/crash-bot.js';
import { eventually } from '../support/redis.js';
import { TeamsClient, personal, user } from '../support/teams-activities.js';
import { type FakeConnector, startFakeConnector } from '../support/teams-connector.js';

let connector: FakeConnector;
let dir: string;
let db: Database.Database;
const children: ChildProcess[] = [];

function startBot(hold: number) {
  const env = { PORT: '0', DATABASE_PATH: join(dir, 'bot.db'), LOG_LEVEL: 'warn', CHANGEBOT_TIMEZONE: 'UTC', ...LENIENT_ENV };
  const bot = startCrashBot(hold, env, 'teams');
  children.push(bot.child);
  return bot;
}

const applied = (title: string): number => (db.prepare('select count(*) as n from rfcs where title = ?').get(title) as { n: number }).n;
const unfinished = (): number => (db.prepare("select count(*) as n from inbound_requests where state in ('pending', 'replayed')").get() as { n: number }).n;
const said = (conversation: string) =>
  connector.calls.filter((c) => c.conversationId === conversation && (c.kind === 'send' || c.kind === 'reply')).map((c) => String(c.body.text ?? ''));

beforeAll(async () => {
  connector = await startFakeConnector();
  dir = mkdtempSync(join(tmpdir(), 'changebot-crash-teams-'));
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  db?.close();
  await connector?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Teams command cut off by a crash', () => {
  it('is reported to its author after the restart, not applied, and the finished one is not', async () => {
    const ann = user('ann');
    const chat = personal(ann);
    let bot = startBot(2);
    const client = new TeamsClient(`http://127.0.0.1:${await bot.port}`, connector.url);
    db = new Database(join(dir, 'bot.db'));
    // The first command finishes; the second freezes inside its use case.
    expect((await client.post(client.message(ann, chat, 'rfc new "teams finished" category=minor'))).status).toBe(200);
    expect(applied('teams finished')).toBe(1);
    const cut = client.post(client.message(ann, chat, 'rfc new "teams cut off" category=minor'));
    cut.catch(() => undefined);
    await bot.held;
    await bot.kill();
    await expect(cut).rejects.toThrow();
    expect(applied('teams cut off')).toBe(0);
    expect(unfinished()).toBe(1);
    const before = said(chat.id).length;

    bot = startBot(0);
    await bot.port;
    await eventually(() => unfinished() === 0, 'the claim handled');
    const told = said(chat.id).slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('was not applied');
    expect(told[0]).toContain('teams cut off');
    expect(applied('teams cut off')).toBe(0);
    expect(applied('teams finished')).toBe(1);
    await bot.kill();
  });
});
