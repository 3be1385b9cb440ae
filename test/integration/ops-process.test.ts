/**
 * Operations (issue 12 items 1 and 6), with real processes: `npm start` is one process tree that
 * a signal stops whole; a second signal forces; dist/ is not rebuilt when current; `.env` is
 * read, real variables winning; a second bot on a database refuses in one line and leaves the
 * first (and its local redis-server) untouched; a killed bot takes its redis-server with it
 * and leaves a lock the next start takes over.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { alive, killLeftovers, pidsOf, spawnBot } from '../support/ops-process.js';
import { eventually, testRedisUrl } from '../support/redis.js';

const dirs: string[] = [];
afterAll(() => {
  killLeftovers(); // a test that failed half-way (their redis-servers go with them)
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'changebot-ops-'));
  dirs.push(d);
  return d;
}

/** Variables a developer's shell may have set that would change what these bots do. */
const run = promisify(execFile);

const CLEAN = { REDIS_URL: undefined, REDIS_PREFIX: undefined, HOST: '127.0.0.1', CHANGEBOT_TIMEZONE: undefined };

/** Each test starts real processes (a few seconds each on a busy machine). */
const SLOW = 60_000;

const gone = (pid: number) => eventually(() => !alive(pid), `pid ${pid} to exit`, 12_000);

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(
      `stops the whole tree (npm, the bot, its redis-server) on ${signal} to the npm process, without rebuilding a current dist/`,
      async () => {
        const dir = tempDir();
        const db = join(dir, 'bot.db');
        const built = statSync(join(ROOT, 'dist', 'main.js')).mtimeMs;
        const npm = spawnBot('npm', ['start', '--silent'], { ...CLEAN, PORT: '0', DATABASE_PATH: db });
        const port = await npm.listening;
        const pids = pidsOf(db);
        expect(pids.bot).not.toBe(npm.child.pid);
        expect(alive(pids.redis)).toBe(true);
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        npm.child.kill(signal);
        await npm.exited;
        await gone(pids.bot);
        await gone(pids.redis);
        expect(npm.output()).toContain(`${signal} received, shutting down`);
        expect(npm.output()).toContain('changebot stopped');
        expect(npm.errors()).not.toContain('building dist/');
        expect(statSync(join(ROOT, 'dist', 'main.js')).mtimeMs).toBe(built);
      },
      SLOW,
    );
  }
});

describe('stopping', () => {
  it(
    'exits at once on a second signal while the first stop is still waiting',
    async () => {
      // A Redis that accepts connections and never answers: the jobs' stop waits on it.
      const sockets: Socket[] = [];
      const blackhole: Server = createServer((s) => void sockets.push(s));
      await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
      const address = blackhole.address();
      const redisPort = typeof address === 'object' && address ? address.port : 0;
      try {
        const dir = tempDir();
        const bot = spawnBot(process.execPath, ['dist/main.js'], {
          ...CLEAN,
          PORT: '0',
          DATABASE_PATH: join(dir, 'bot.db'),
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        });
        await bot.listening;
        bot.child.kill('SIGTERM');
        await eventually(() => bot.output().includes('SIGTERM received, shutting down'), 'the first signal to be seen');
        await new Promise((r) => setTimeout(r, 700)); // past the window in which a repeat counts once
        bot.child.kill('SIGTERM');
        expect(await bot.exited).toBe(1);
        expect(bot.output()).toContain('SIGTERM received again: exiting now');
        expect(bot.output()).not.toContain('changebot stopped');
        expect(bot.output()).not.toContain('not stopped within');
      } finally {
        for (const s of sockets) s.destroy();
        blackhole.close();
      }
    },
    SLOW,
  );
});

describe('.env', () => {
  it(
    'is read from the working folder at start, the real environment winning',
    async () => {
      const dir = tempDir();
      writeFileSync(
        join(dir, '.env'),
        `# copied from .env.example\nPORT=0\nDATABASE_PATH=${join(dir, 'from-env-file.db')}\nCHANGEBOT_TIMEZONE=Europe/London\nREDIS_URL=${testRedisUrl()}\n`,
      );
      const bot = spawnBot(
        process.execPath,
        [join(ROOT, 'dist', 'main.js')],
        { ...CLEAN, REDIS_URL: undefined, PORT: undefined, DATABASE_PATH: undefined, CHANGEBOT_TIMEZONE: 'Asia/Tokyo' },
        dir,
      );
      await bot.listening;
      const line = bot
        .output()
        .split('\n')
        .find((l) => l.includes('changebot listening')) as string;
      expect(JSON.parse(line)).toMatchObject({ database: join(dir, 'from-env-file.db'), timezone: 'Asia/Tokyo' });
      // Logged just after the listening line; the two may arrive in separate chunks.
      await eventually(() => bot.output().includes('read .env'), 'the "read .env" line');
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    },
    SLOW,
  );

  it(
    'is read by the CLI too, so it opens the same database; the real environment wins',
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, '.env'), `DATABASE_PATH=${join(dir, 'from-env-file.db')}\n`);
      const cli = (env: Record<string, string | undefined>) =>
        run(process.execPath, [join(ROOT, 'bin', 'changebot.js'), '--as', 'ann', 'new', 'From the CLI', 'category=minor'], {
          cwd: dir,
          env: { ...process.env, DATABASE_PATH: undefined, LOG_LEVEL: 'silent', ...env },
        });
      expect((await cli({})).stdout).toMatch(/Raised RFC-1 /);
      expect(existsSync(join(dir, 'from-env-file.db'))).toBe(true);
      await cli({ DATABASE_PATH: join(dir, 'real-env.db') });
      expect(existsSync(join(dir, 'real-env.db'))).toBe(true);
      const second = await cli({});
      expect(second.stdout).toMatch(/Raised RFC-2 /); // the .env database again, where RFC-1 already is
    },
    SLOW,
  );

  it(
    'goes through the same checks: a bad value in it stops start-up with one line naming the variable',
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, '.env'), 'PORT=http\n');
      const bot = spawnBot(process.execPath, [join(ROOT, 'dist', 'main.js')], { ...CLEAN, PORT: undefined, DATABASE_PATH: join(dir, 'x.db') }, dir);
      expect(await bot.exited).toBe(1);
      expect(bot.errors()).toBe('changebot: configuration error: PORT expects a TCP port (a whole number from 0 to 65535), got "http"\n');
    },
    SLOW,
  );
});

describe('one bot per database, as processes', () => {
  it(
    'refuses a second bot with one line naming the database and the holder, and the first (with its local redis-server) keeps serving',
    async () => {
      const dir = tempDir();
      const db = join(dir, 'shared.db');
      const env = { ...CLEAN, PORT: '0', DATABASE_PATH: db };
      const first = spawnBot(process.execPath, ['dist/main.js'], env);
      const port = await first.listening;
      const second = spawnBot(process.execPath, ['dist/main.js'], env);
      expect(await second.exited).toBe(1);
      const pid = first.child.pid as number;
      expect(second.errors()).toMatch(
        new RegExp(
          `^changebot: ${db.replace(/[.]/g, '\\.')} is in use by another changebot \\(pid ${pid}, since [0-9T:.-]+Z\\): stop it first, or give this one another DATABASE_PATH\\.\\n$`,
        ),
      );
      expect(second.output()).not.toContain('redis');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(ready.checks.redis).toEqual({ ok: true });
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    },
    SLOW,
  );

  it(
    'a bot killed with SIGKILL takes its redis-server with it, and the next start takes over its lock',
    async () => {
      const dir = tempDir();
      const db = join(dir, 'killed.db');
      const env = { ...CLEAN, PORT: '0', DATABASE_PATH: db };
      const killed = spawnBot(process.execPath, ['dist/main.js'], env);
      await killed.listening;
      const old = pidsOf(db);
      killed.child.kill('SIGKILL');
      await killed.exited;
      await gone(old.redis); // its watcher saw the bot's end of the pipe close
      const next = spawnBot(process.execPath, ['dist/main.js'], env);
      const port = await next.listening;
      const now = pidsOf(db);
      expect(now.bot).toBe(next.child.pid);
      expect(now.redis).not.toBe(old.redis);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(ready.checks.redis).toEqual({ ok: true });
      next.child.kill('SIGTERM');
      expect(await next.exited).toBe(0);
      await gone(now.redis);
    },
    SLOW,
  );
});
