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
    const args = ['dist/bench/index.js', 'fanout', 'timing', '--users=20', '--channels=2', '--rate=1000', '--reminders=40', '--over=2', '--lead=2'];
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

  it('runs the ack benchmark, the bot and a bare Bolt app in one run, and prints both figures and their ratios', async () => {
    const { stdout } = await run(process.execPath, ['dist/bench/index.js', 'ack', '--ack-seconds=1', '--ack-rate=20', '--ack-connections=2'], {
      cwd: ROOT,
      timeout: 90_000,
    });
    expect(stdout).toMatch(/^ {2}bolt +ack p50 +\d+ ms +p99 +\d+ ms +\d+\/s +failed 0$/m);
    expect(stdout).toMatch(/^ {2}bot +ack p50 +\d+ ms +p99 +\d+ ms +\d+\/s +failed 0$/m);
    expect(stdout).toMatch(/^ {2}ratio p99 bot\/bolt \d+\.\d\d {2}p50 bot\/bolt \d+\.\d\d$/m);
    expect(stdout).toMatch(/^ {2}ratio acked\/s bot\/bolt \d+\.\d\d {2}completed\/s bot\/bolt \d+\.\d\d$/m);
    // Every acknowledged command of the unthrottled phase was answered once the bot drained.
    const m = /bot completed \d+\/s during the run \((\d+) of (\d+) acked/.exec(stdout);
    expect(m?.[1]).toBe(m?.[2]);
  }, 90_000);
});
