/**
 * Releases from a terminal: the README's "Releases from a terminal" session (two RFCs from
 * planning to closed) replayed word for word through the built binary, and the CLI's own
 * release refusals and help. (`npx changebot` resolves to bin/changebot.js, as
 * test/integration/cli.test.ts proves; the replay runs that binary directly, since npx costs
 * seconds per line.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { changebot, readmeSession, replaySession } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-release-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('changebot release', () => {
  it('replays the README release session word for word: planning to closed', async () => {
    const env = { ...process.env, DATABASE_PATH: join(dir, 'session.db'), LOG_LEVEL: 'silent' };
    const steps = readmeSession('Releases from a terminal');
    expect(steps.length).toBeGreaterThan(30);
    // The walk of issue 10, as the session shows it.
    const said = steps.map((s) => s.command).join('\n');
    for (const verb of ['release new', 'release add', 'release plan', 'release package', 'release test', 'release signoff', 'release tick', 'release go']) {
      expect(said).toContain(verb);
    }
    for (const verb of [
      'release pilot',
      'release wave add',
      'release wave start',
      'release wave done',
      'release wave backout',
      'release review',
      'release close',
    ]) {
      expect(said).toContain(verb);
    }
    const replayed = await replaySession(steps, env, (command) => `(${command.replace(/\bnpx changebot\b/g, `"${process.execPath}" bin/changebot.js`)}) 2>&1`);
    for (const step of replayed) expect(step.printed, step.command).toBe(step.output);
  }, 240_000); // about forty runs of the binary

  it('refuses with the reason and exit 1; `release new` alone needs a name in a terminal', async () => {
    const env = { DATABASE_PATH: join(dir, 'refused.db') };
    const typo = await changebot(['--as', 'bob', 'release', 'shwo', 'REL-1'], env);
    expect(typo).toMatchObject({ code: 1, stdout: '' });
    expect(typo.stderr.trim()).toBe('Unknown release command "shwo". Did you mean "show"? Try `/release help`.');
    const bare = runCli(['--as', 'bob', 'release', 'new'], env);
    expect(bare).toEqual({
      code: 1,
      out: 'Give the release a name (the form opens only in Slack and Teams). Example: changebot --as alice release new "Payroll 2027.1" goal="Year-end tax tables" manager=ana target=2026-12-20',
    });
    expect(runCli(['--as', 'bob', 'release', 'show', 'REL-9'], env)).toEqual({ code: 1, out: 'There is no REL-9. `release list all` lists every release.' });
  });

  it('prints release help, and one verb’s help with --help', () => {
    const help = runCli(['--as', 'bob', 'release', 'help'], { DATABASE_PATH: join(dir, 'help.db') });
    expect(help.code).toBe(0);
    expect(help.out.split('\n')[0]).toBe('/release commands (REL-3, rel-3 and 3 all mean REL-3; in Teams and the terminal type release ...):');
    expect(runCli(['release', '--help'], {})).toEqual(help);
    expect(runCli(['release', 'wave', 'start', 'REL-1', '1', '--help'], {})).toEqual({
      code: 0,
      out: [
        'release wave start REL-n N [override="..."] — start deploying a wave (inside its window; the others only after the pilot is signed off).',
        '  REL-n — the release: REL-3, rel-3 and 3 all mean REL-3',
        '  N — the wave number',
        '  override="..." — a change manager starts it outside its window, with this reason',
        '  note="..." — what was done or seen, for the change log (optional; plain words work too)',
        'Also: begin.',
        'Example: /release wave start REL-3 1',
      ].join('\n'),
    });
  });
});
