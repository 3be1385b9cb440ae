import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, changebot, readmeSession, replaySession } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx changebot', () => {
  it('replays the README session word for word (through npx, as it shows)', async () => {
    const env = { ...process.env, DATABASE_PATH: join(dir, 'session.db'), LOG_LEVEL: 'silent' };
    const steps = readmeSession('Try it from a terminal');
    expect(steps.length).toBeGreaterThan(15);
    // --no-install: never download anything; the command is otherwise the README's own.
    const replayed = await replaySession(steps, env, (command) => `${command.replace(/\bnpx changebot\b/, 'npx --no-install changebot')} 2>&1`);
    for (const step of replayed) expect(step.printed, step.command).toBe(step.output);
  }, 120_000); // about twenty npx runs

  it('exits non-zero with the reason when a command is refused', async () => {
    const env = { DATABASE_PATH: join(dir, 'refused.db') };
    const r = await changebot(['--as', 'bob', 'rfc', 'sumbit', 'RFC-1'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Unknown command "sumbit". Did you mean "submit"? Try `/rfc help`.');
    const missing = await changebot(['rfc', 'list'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Say who you are with --as NAME');
    const badEnv = await changebot(['--as', 'bob', 'rfc', 'list'], { ...env, CHANGEBOT_TIMEZONE: 'Mars/Olympus' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr.trim()).toBe('configuration error: CHANGEBOT_TIMEZONE expects an IANA time zone such as Europe/London or UTC, got "Mars/Olympus"');
  });
});

describe('RFC keys under concurrency', () => {
  it('gives distinct, gap-free keys to raises from concurrent processes', async () => {
    const path = join(dir, 'concurrent.db');
    const run = promisify(execFile);
    const script = join(ROOT, 'test/support/raise-many.mjs');
    const results = await Promise.all(
      ['p1', 'p2', 'p3'].map((who) => run(process.execPath, [script, path, who, '40']).then((r) => JSON.parse(r.stdout) as string[])),
    );
    const all = results.flat();
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    const numbers = all.map((k) => Number(k.slice(4))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });
});
