/**
 * The benchmarks are not timed here (their figures are for `npm run bench`); this only runs
 * each on a tiny load so a change that breaks them is caught by the tests.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);

describe('npm run bench, on a tiny load', () => {
  it('runs the fan-out and the timing benchmark to the end with no duplicates or losses', async () => {
    const args = ['dist/bench/index.js', '--users=20', '--channels=2', '--rate=1000', '--reminders=40', '--over=2', '--lead=2'];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/^ {2}duplicates +0$/m);
    expect(stdout).toMatch(/^ {2}losses +0 /m);
    expect(stdout).toContain('delivered 40 of 40, duplicates 0');
  }, 60_000);

  it('runs the conflicts benchmark, which names 25 clashes of the worst window, counts the rest in one, and adds the maintenance one', async () => {
    const { stdout } = await run(process.execPath, ['dist/bench/index.js', 'conflicts', '--changes=400', '--runs=1'], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/^ {2}worst .* 27 conflicts$/m);
    expect(stdout).toMatch(/^ {2}ratio worst\/baseline \d+\.\d/m);
  }, 60_000);
});
