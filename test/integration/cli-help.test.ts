/** `--help` in the CLI: the general help, or one verb's, exit 0, with no database and no --as. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { changebot } from '../support/cli.js';

const SUBMIT_HELP = [
  'submit RFC-n — send a draft for approval.',
  '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12',
  'Example: /rfc submit RFC-12',
].join('\n');

describe('changebot --help', () => {
  it('prints the usage and the command list', () => {
    const r = runCli(['--help'], {});
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 10)).toEqual([
      'Usage: changebot --as NAME [--tz ZONE] rfc|release <command> [args...]',
      'Runs an /rfc or /release command as cli:NAME against DATABASE_PATH (default ./data/changebot.db).',
      'Example: changebot --as alice rfc new "Patch db01" category=minor services=db',
      '         changebot --as alice release new "Payroll 2027.1" target=2026-12-20',
      '         changebot --as alice rfc help',
      '         changebot --as alice release help',
      'Help on one command: changebot rfc schedule --help, changebot release wave start --help',
      "Check the change log's hash chain: changebot audit verify [--head ID:HASH]",
      'Export the change log: changebot --as NAME admin export from=2026-12-01 to=2026-12-31 [service=db] format=csv > audit.csv',
      '',
    ]);
    expect(runCli(['--as', 'bob', 'rfc', '--help'], {})).toEqual(r);
  });

  it("prints one verb's help after the verb, whatever follows it", () => {
    expect(runCli(['--as', 'bob', 'rfc', 'submit', '--help'], {})).toEqual({ code: 0, out: SUBMIT_HELP });
    expect(runCli(['rfc', 'submit', 'RFC-1', '--help'], {})).toEqual({ code: 0, out: SUBMIT_HELP });
    expect(runCli(['rfc', 'admin', 'roles', '--help'], {})).toEqual({
      code: 0,
      out: ['admin roles [person] — who holds which role.', '  [person] — only this person', 'Example: /rfc admin roles @alice'].join('\n'),
    });
  });

  it('refuses an unknown verb with the closest one', () => {
    const r = runCli(['rfc', 'sumbit', '--help'], {});
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^There is no help on "sumbit"\. Did you mean "submit"\? Topics: help, new, show, /);
  });

  it('works from the built binary', async () => {
    const r = await changebot(['--as', 'bob', 'rfc', 'submit', '--help'], {});
    expect(r).toEqual({ code: 0, stdout: `${SUBMIT_HELP}\n`, stderr: '' });
  });
});
