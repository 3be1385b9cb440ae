/**
 * Issue 11, "text that tells the truth", end to end through the CLI entry (`runCli`, what
 * `npx changebot` runs, in process) against a real SQLite file: typographic quotes, a
 * right-to-left override, an over-long vote comment and service names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openDatabase } from '../../src/db/client.js';
import { listServices } from '../../src/db/repos/catalogue.js';
import { listLog } from '../../src/db/repos/log.js';
import { findRelease } from '../../src/db/repos/releases.js';
import { findRfc, listVotes } from '../../src/db/repos/rfcs.js';
import { rfcSubject } from '../../src/domain/subject.js';
import { LENIENT_ENV } from '../support/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-text-'));
const env = {
  ...LENIENT_ENV,
  DATABASE_PATH: join(dir, 'text.db'),
  LOG_LEVEL: 'silent',
  CHANGEBOT_ADMINS: 'cli:alice',
  CHANGEBOT_TIMEZONE: 'Europe/London',
  CHANGEBOT_CLOCK: '2031-12-01 09:00',
  CAB_QUORUM: '1',
};

/** One CLI run, `args` as the shell would split them. */
const cli = (who: string, ...args: string[]) => runCli(['--as', who, 'rfc', ...args], env);
const WINDOW = ['start=2031-12-06 22:00', 'duration=2h'];
const FIELDS = ['category=significant', 'services=db', 'backout=restore the snapshot', 'test=smoke tests', ...WINDOW];

function stored<T>(read: (db: ReturnType<typeof openDatabase>['db']) => T): T {
  const database = openDatabase(env.DATABASE_PATH);
  try {
    return read(database.db);
  } finally {
    database.close();
  }
}

beforeAll(() => {
  expect(cli('alice', 'admin', 'service', 'add', 'db')).toEqual({ code: 0, out: 'Added service db.' });
  expect(cli('alice', 'admin', 'grant', 'carol', 'cab').code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('typographic quotes', () => {
  it('new “Patch db03” stores Patch db03, whether the shell split it or kept it one argument', () => {
    // `npx changebot rfc new “Patch db03” ...`: the shell splits at the space (it knows no curly quotes)
    expect(cli('bob', 'new', '“Patch', 'db03”', ...FIELDS)).toMatchObject({ code: 0, out: expect.stringContaining('Raised RFC-1 “Patch db03”') });
    // one argument (`'“Patch db03”'`, or a program calling execFile): was stored as `Patch db03”"`
    expect(cli('bob', 'new', '“Patch db03”', ...FIELDS).code).toBe(0);
    expect(cli('bob', 'new', '«Patch db03»', ...FIELDS).code).toBe(0);
    expect(cli('bob', 'new', 'title=„Patch db03“', ...FIELDS).code).toBe(0);
    stored((db) => {
      for (const key of ['RFC-1', 'RFC-2', 'RFC-3', 'RFC-4']) expect(findRfc(db, key)?.title, key).toBe('Patch db03');
    });
  });

  it('an argument quoted as a whole keeps the quotes inside it', () => {
    expect(cli('bob', 'new', 'Patch “db03” now', ...FIELDS).code).toBe(0);
    expect(stored((db) => findRfc(db, 'RFC-5')?.title)).toBe('Patch “db03” now');
  });
});

describe('bidi controls and invisible characters', () => {
  it('a title with a right-to-left override is stored without it; free text keeps its lines', () => {
    const r = cli('bob', 'new', 'Patch \u202edb04\u200b', ...FIELDS, 'plan=step 1\u202e\nstep 2\u2066');
    expect(r.out).toContain('Raised RFC-6 “Patch db04”');
    const rfc = stored((db) => findRfc(db, 'RFC-6'));
    expect(rfc?.title).toBe('Patch db04');
    expect(rfc?.plan).toBe('step 1\nstep 2');
  });

  it('a title of nothing visible is refused, and nothing is raised', () => {
    const r = cli('bob', 'new', '\u202e\u200b\u2060', ...FIELDS);
    expect(r).toEqual({ code: 1, out: expect.stringContaining('An RFC needs a title.') });
    expect(stored((db) => findRfc(db, 'RFC-7'))).toBeNull();
  });
});

describe('length caps', () => {
  it('a 15,000-character vote comment is refused with the field, length and cap, and nothing is stored', () => {
    expect(cli('bob', 'submit', 'RFC-1').out).toContain('went to the CAB for a vote');
    const before = stored((db) => listLog(db, rfcSubject('RFC-1')).length);
    const r = cli('carol', 'vote', 'RFC-1', 'approve', 'x'.repeat(15_000));
    expect(r).toEqual({ code: 1, out: 'comment is 15000 characters long; keep it to 2000 or fewer.' });
    stored((db) => {
      const rfc = findRfc(db, 'RFC-1')!;
      expect(listVotes(db, rfc.id)).toEqual([]);
      expect(listLog(db, rfcSubject('RFC-1'))).toHaveLength(before);
      expect(rfc.state).toBe('awaiting_approval');
    });
    // the same vote with a comment within the cap is recorded, cleaned
    expect(cli('carol', 'vote', 'RFC-1', 'approve', 'fine \u202eby me').out).toContain('Recorded your approve vote on RFC-1');
    expect(stored((db) => listVotes(db, findRfc(db, 'RFC-1')!.id).map((v) => v.comment))).toEqual(['fine by me']);
  });

  it('an over-long title and an over-long reason are refused, naming the field', () => {
    expect(cli('bob', 'new', 'x'.repeat(201), ...FIELDS)).toEqual({ code: 1, out: 'title is 201 characters long; keep it to 200 or fewer.' });
    expect(cli('bob', 'withdraw', 'RFC-2', `reason=${'y'.repeat(2001)}`)).toEqual({
      code: 1,
      out: 'reason is 2001 characters long; keep it to 2000 or fewer.',
    });
    expect(stored((db) => findRfc(db, 'RFC-2')?.state)).toBe('draft');
  });
});

describe('service names', () => {
  it('follow the name rule, with the rule and an example in the refusal', () => {
    for (const bad of ['db primary', '<!channel>', 'dЬ', '-db']) {
      const r = cli('alice', 'admin', 'service', 'add', bad);
      expect(r.code, bad).toBe(1);
      expect(r.out, bad).toContain(
        'A service name is 1–64 letters, digits, "-", "_" or "." and starts with a letter or digit, e.g. admin service add db-primary.',
      );
    }
    expect(cli('alice', 'admin', 'service', 'add', 'db-primary.eu_1').out).toBe('Added service db-primary.eu_1.');
    expect(stored((db) => listServices(db).map((s) => s.name))).toEqual(['db', 'db-primary.eu_1']);
  });

  it('a name typed with invisible characters finds the service', () => {
    expect(cli('alice', 'admin', 'service', 'add', '\u200bDB\u202e', 'owner=alice').out).toBe('Updated service db.');
  });
});

describe('release text', () => {
  it('a release name loses its override; an over-long goal is refused and nothing is opened', () => {
    expect(cli('alice', 'admin', 'grant', 'rita', 'release-manager').code).toBe(0);
    expect(cli('rita', 'release', 'new', `goal=${'g'.repeat(2001)}`, 'name=Payroll')).toEqual({
      code: 1,
      out: 'goal is 2001 characters long; keep it to 2000 or fewer.',
    });
    const r = cli('rita', 'release', 'new', 'name=«Payroll \u202e2027.1»', 'goal=pay\u200b people');
    expect(r.out).toContain('Opened REL-1 “Payroll 2027.1”');
    expect(stored((db) => findRelease(db, 'REL-1'))).toMatchObject({ name: 'Payroll 2027.1', goal: 'pay people' });
  });
});
