import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /"port":(\d+)[^\n]*changebot listening/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    exited.then(() => reject(new Error(`exited early: ${err}`)));
  });
  listening.catch(() => {}); // awaited only by the tests that expect the bot to listen
  return { child, listening, exited, output: () => out, errors: () => err };
}

describe('npm start (dist/main.js)', () => {
  it('migrates the database, serves /healthz and /readyz, logs what is off, and stops cleanly on SIGTERM', async () => {
    const bot = start({ PORT: '0', DATABASE_PATH: join(dir, 'bot.db'), LOG_LEVEL: 'info' });
    const port = await bot.listening;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(ready.checks.database).toEqual({ ok: true });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    expect(bot.output()).toMatch(/slack: off/i);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('changebot stopped');
  });

  it('refuses a bad variable with one line naming it', async () => {
    const bot = start({ PORT: 'http', DATABASE_PATH: join(dir, 'bad.db') });
    expect(await bot.exited).toBe(1);
    expect(bot.errors()).toBe('changebot: configuration error: PORT expects a TCP port (a whole number from 0 to 65535), got "http"\n');
  });
});
