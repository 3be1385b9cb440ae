/**
 * Issue 12 item 3: /readyz is honest. The database check writes (a full database fails it,
 * where `select 1` passed), each chat platform says its state, and a database that cannot be
 * opened stops `dist/main.js` with one line naming the file and DATABASE_PATH.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, type Component, startBot } from '../../src/bot.js';
import { slackComponent } from '../../src/chat/slack/index.js';
import { teamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, probeWritable } from '../../src/db/client.js';
import { ROOT } from '../support/cli.js';
import { slackTestEnv } from '../support/slack-harness.js';
import { FakeSlack } from '../support/slack-server.js';
import { eventually } from '../support/redis.js';

type Check = { ok: boolean; detail?: string };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'changebot-health-'));
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function bot(env: Record<string, string>, components: Component[]): Promise<Bot> {
  const b = await startBot(loadConfig(env), { components, log: pino({ level: 'silent' }) });
  cleanups.push(() => b.stop());
  return b;
}

async function readyz(b: Bot): Promise<{ status: number; checks: Record<string, Check> }> {
  const res = await fetch(`http://127.0.0.1:${b.port}/readyz`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, Check> }).checks };
}

describe('/readyz', () => {
  it('fails with the reason when the database is full, and recovers when there is room again', async () => {
    const dir = tempDir();
    const b = await bot({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'cb.db') }, []);
    expect(await readyz(b)).toEqual({ status: 200, checks: { database: { ok: true }, process: { ok: true } } });

    // A faithful SQLITE_FULL: the file may not grow past the pages it has, and the free ones
    // are used up, so every write that needs a page fails (reads still work).
    const { sqlite } = b.database;
    const limit = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${limit}`);
    const fill = sqlite.prepare("insert into settings (key, value, updated_by, updated_at) values (?, zeroblob(1000), 'test', 0)");
    expect(() => {
      for (let i = 0; i < 100_000; i++) fill.run(`filler:${i}`);
    }).toThrow(/database or disk is full/);
    expect(sqlite.prepare('select 1 as one').get()).toEqual({ one: 1 });

    const full = await readyz(b);
    expect(full.status).toBe(503);
    expect(full.checks.database).toEqual({ ok: false, detail: 'the database does not take writes: database or disk is full' });

    sqlite.pragma('max_page_count = 1073741823');
    expect(await readyz(b)).toEqual({ status: 200, checks: { database: { ok: true }, process: { ok: true } } });
    // The heartbeat really committed.
    expect(sqlite.prepare("select count(*) as n from settings where key = 'health:heartbeat'").get()).toEqual({ n: 1 });
  });

  it("says Slack's state: connected once auth.test answered", async () => {
    const fake = await FakeSlack.start({ teamId: 'T9', botUserId: 'UBOT' });
    cleanups.push(() => fake.close());
    const b = await bot(slackTestEnv(tempDir(), fake.url), [slackComponent]);
    const slack = await eventually(async () => {
      const r = await readyz(b);
      return r.checks.slack?.detail?.startsWith('connected') ? r : undefined;
    }, 'auth.test');
    expect(slack.status).toBe(200);
    expect(slack.checks.slack).toEqual({ ok: true, detail: 'connected to workspace T9 as UBOT (HTTP)' });
  });

  it('fails when Slack refuses the token, saying which variable to check', async () => {
    const fake = await FakeSlack.start({ teamId: 'T9' });
    cleanups.push(() => fake.close());
    fake.failNext('auth.test', { times: 10, error: 'invalid_auth' });
    const b = await bot(slackTestEnv(tempDir(), fake.url), [slackComponent]);
    const refused = await eventually(async () => {
      const r = await readyz(b);
      return r.checks.slack?.ok === false ? r : undefined;
    }, 'auth.test to fail');
    expect(refused.status).toBe(503);
    expect(refused.checks.slack?.detail).toMatch(/^auth\.test failed: .*invalid_auth.*; check SLACK_BOT_TOKEN$/);
  });

  it("says Teams' mode", async () => {
    const b = await bot({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(tempDir(), 'cb.db') }, [teamsComponent]);
    const r = await readyz(b);
    expect(r.status).toBe(200);
    expect(r.checks.teams).toEqual({ ok: true, detail: 'unauthenticated Emulator mode on 127.0.0.1' });
  });
});

describe('the write probe beside another writer', () => {
  it('reports a database another process holds for writing as not writable now, and keeps the normal busy wait for everything else', () => {
    const file = join(tempDir(), 'cb.db');
    const bot = openDatabase(file);
    const cli = openDatabase(file);
    try {
      cli.sqlite.prepare('begin immediate').run();
      const probe = probeWritable(bot, new Date());
      expect(probe.ok).toBe(false);
      expect(probe.detail).toMatch(/database is locked/);
      cli.sqlite.prepare('rollback').run();
      expect(bot.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(probeWritable(bot, new Date())).toEqual({ ok: true });
    } finally {
      cli.close();
      bot.close();
    }
  });
});

/**
 * `node <script>` on `file`, as a user who may not write it: root writes any file whatever its
 * mode, so as root the child runs as `nobody`.
 */
function runAs(file: string, script: string[]): Promise<{ code: number | null; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawn(process.execPath, script, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATABASE_PATH: file, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...asNobody,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const startAs = (file: string) => runAs(file, ['dist/main.js']);

/** A database file nobody but its owner may write, in a folder anyone may write (so the lock beside it can be taken). */
function readOnlyFile(): string {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const file = join(dir, 'cb.db');
  openDatabase(file).close();
  chmodSync(file, 0o444);
  return file;
}

const READ_ONLY = (file: string) =>
  `can't open the database ${file} (DATABASE_PATH): attempt to write a readonly database — check the file's permissions and its folder's (the bot writes the file, its -wal and -shm beside it)`;

describe('start-up with a database it cannot write', () => {
  it('a read-only file: one line naming the file and DATABASE_PATH, exit code 1', async () => {
    const file = readOnlyFile();
    expect(await startAs(file)).toEqual({ code: 1, stderr: `changebot: ${READ_ONLY(file)}\n` });
  });

  it('the CLI on a read-only file: the same one line, exit code 1', async () => {
    const file = readOnlyFile();
    expect(await runAs(file, ['bin/changebot.js', '--as', 'ann', 'list'])).toEqual({ code: 1, stderr: `${READ_ONLY(file)}\n` });
  });

  it('audit verify only reads, so it checks a read-only copy (exit code 0)', async () => {
    expect(await runAs(readOnlyFile(), ['bin/changebot.js', 'audit', 'verify'])).toEqual({ code: 0, stderr: '' });
  });

  it('a read-only folder: one line naming the lock file beside the database and DATABASE_PATH, exit code 1', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    const file = join(dir, 'cb.db');
    const { code, stderr } = await startAs(file);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(2); // one line and its newline
    // The lock is taken before the database is opened, so the folder's refusal is met there first.
    expect(stderr).toMatch(
      new RegExp(`^changebot: cannot write the lock file ${file}\\.lock \\(EACCES.*\\): DATABASE_PATH must be in a folder changebot can write to$`, 'm'),
    );
  });
});
