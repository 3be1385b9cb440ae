/**
 * Errors nothing caught (issue 11, item 3): in a real bot process (built dist/), an unhandled
 * rejection and an uncaught exception are each logged as one JSON line and the bot keeps
 * serving; /readyz's `process` check reports the rejection (still ready) and, after the
 * exception, the process as unhealthy (503) with its message.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('process guards', () => {
  it('log unhandled rejections and uncaught exceptions, keep serving, and /readyz says so', async () => {
    const child = spawn(process.execPath, ['test/support/process-child.mjs', join(dir, 'bot.db')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await until(() => /"port":(\d+)[^\n]*changebot listening/.exec(out)?.[1], 'the bot to listen');
      const base = `http://127.0.0.1:${port}`;
      const readyz = async () => {
        const res = await fetch(`${base}/readyz`);
        return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string }> } };
      };
      expect((await readyz()).body.checks.process).toEqual({ ok: true });

      child.stdin.write('reject\n');
      await until(() => (out.includes('unhandled promise rejection') ? true : undefined), 'the rejection to be logged');
      const afterRejection = await readyz();
      expect(afterRejection.status).toBe(200);
      expect(afterRejection.body.checks.process).toEqual({ ok: true, detail: '1 unhandled rejection(s), last: a promise nobody awaited' });

      child.stdin.write('throw\n');
      await until(() => (out.includes('uncaught exception') ? true : undefined), 'the exception to be logged');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const afterException = await readyz();
      expect(afterException.status).toBe(503);
      expect(afterException.body.checks.process).toEqual({ ok: false, detail: 'uncaught exception: thrown from a timer' });
      expect(afterException.body.checks.database).toEqual({ ok: true });

      const lines = out
        .split('\n')
        .filter((l) => l.includes('unhandled promise rejection') || l.includes('uncaught exception'))
        .map((l) => JSON.parse(l) as { level: number; err: { message: string; stack: string } });
      expect(lines.map((l) => [l.level, l.err.message])).toEqual([
        [50, 'a promise nobody awaited'],
        [60, 'thrown from a timer'],
      ]);
      expect(err).toBe('');
      child.stdin.write('stop\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
  });
});
