import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, changebot } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx changebot', () => {
  it('raises, submits, takes three CAB votes, schedules and completes an RFC', async () => {
    const env = { DATABASE_PATH: join(dir, 'session.db'), CHANGEBOT_ADMINS: 'cli:alice', CHANGEBOT_TIMEZONE: 'Europe/London' };
    const ok = async (...args: string[]) => {
      const r = await changebot(args, env);
      expect(r.stderr, `${args.join(' ')} failed`).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    };
    expect(await ok('--as', 'alice', 'rfc', 'admin', 'service', 'add', 'db', 'audience=#ops')).toContain('Added service db');
    for (const m of ['carol', 'dave', 'erin']) await ok('--as', 'alice', 'rfc', 'admin', 'grant', m, 'cab');
    const raised = await changebot(
      [
        '--as',
        'bob',
        'rfc',
        'new',
        'Patch db01 to 15.4',
        'category=significant',
        'services=db',
        'backout=restore the snapshot',
        'test=run smoke tests',
        'start=2031-12-06 22:00',
        'duration=2h',
      ],
      env,
      true, // once through npx, as the README shows
    );
    expect(raised.code).toBe(0);
    expect(raised.stdout).toContain('Raised RFC-1 “Patch db01 to 15.4” as a draft.');
    expect(await ok('--as', 'bob', 'rfc', 'submit', 'RFC-1')).toContain('went to the CAB for a vote');
    expect(await ok('--as', 'carol', 'rfc', 'vote', 'RFC-1', 'approve')).toContain('Waiting for 2 more CAB votes');
    expect(await ok('--as', 'dave', 'rfc', 'vote', 'RFC-1', 'approve', 'fine by me')).toContain('Waiting for 1 more CAB vote');
    expect(await ok('--as', 'erin', 'rfc', 'vote', 'RFC-1', 'approve')).toContain('RFC-1 is approved: approved by the CAB (3–0)');
    expect(await ok('--as', 'bob', 'rfc', 'schedule', 'RFC-1')).toContain('Scheduled RFC-1.');
    expect(await ok('--as', 'bob', 'rfc', 'start', 'RFC-1')).toContain('RFC-1 is now implementing');
    expect(await ok('--as', 'bob', 'rfc', 'done', 'RFC-1')).toContain('RFC-1 is implemented');
    const shown = await ok('--as', 'bob', 'rfc', 'show', 'RFC-1');
    expect(shown).toContain('State: Implemented');
    expect(shown).toContain('Window: from Sat 6 Dec 22:00 to Sun 7 Dec 00:00 GMT');
  });

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
