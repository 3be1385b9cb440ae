/**
 * The change log's hash chain end to end: rows written by the real use cases, checked by the
 * real CLI process (`changebot audit verify`), then changed behind changebot's back with raw SQL
 * as someone holding the file could (dropping the append-only triggers first).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeLogExport } from '../../src/app/audit.js';
import { addService } from '../../src/app/catalogue.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { rowHash, type StoredLogRow } from '../../src/db/chain.js';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { appendLog } from '../../src/db/repos/log.js';
import { runCli } from '../../src/cli/main.js';
import { testApp } from '../support/app.js';
import { changebot } from '../support/cli.js';
import { refusal } from '../support/commands.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'changebot-chain-'));
  path = join(dir, 'chain.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const verify = (...args: string[]) => changebot(['audit', 'verify', ...args], { DATABASE_PATH: path });

/** Raw SQL on the file, with the append-only triggers out of the way. */
function tamper(sql: string): void {
  const s = new Database(path);
  s.exec(`drop trigger if exists change_log_no_update; drop trigger if exists change_log_no_delete; ${sql}`);
  s.close();
}

function query<T>(sql: string): T[] {
  const s = new Database(path, { readonly: true });
  try {
    return s.prepare(sql).all() as T[];
  } finally {
    s.close();
  }
}

const rowId = (subject: string, action: string) =>
  query<{ id: number }>(`select id from change_log where subject_key = '${subject}' and action = '${action}'`)[0]!.id;

/** Two RFCs raised, submitted and approved through the use cases; returns the row count. */
function raiseAndApprove(): number {
  const t = testApp({ path });
  const root = t.person('root', 'admin');
  const bob = t.person('bob');
  const cab = t.person('cathy', 'cab');
  addService(t.ctx, root, { name: 'db' });
  for (const title of ['Patch db01', 'Rotate keys']) {
    t.clock.advance(60_000);
    const rfc = raise(t.ctx, bob, {
      title,
      category: 'significant',
      services: ['db'],
      backout: 'Restore the snapshot',
      test: 'Smoke tests',
      start: new Date('2026-12-05T22:00:00Z'),
      durationMinutes: 60,
    }).result;
    submit(t.ctx, bob, rfc.key);
    vote(t.ctx, cab, rfc.key, 'approve');
  }
  t.close();
  return query<{ n: number }>('select count(*) as n from change_log')[0]!.n;
}

describe('changebot audit verify', () => {
  it('passes on a log written by the use cases, printing the row count and the head', async () => {
    const n = raiseAndApprove();
    expect(n).toBeGreaterThan(6);
    const head = query<{ id: number; hash: string }>('select id, hash from change_log order by id desc limit 1')[0]!;
    expect(head.id).toBe(n);
    const run = await verify();
    expect(run).toEqual({ code: 0, stdout: `Change log intact: ${n} rows chained.\nChain head: row ${n}, sha256 ${head.hash}\n`, stderr: '' });
    // A head kept from this run still holds after more rows are appended.
    const more = openDatabase(path);
    appendLog(more.db, { subject: null, at: new Date(), actor: 'cli:root', action: 'note' });
    more.close();
    expect((await verify('--head', `${head.id}:${head.hash}`)).code).toBe(0);
  });

  it('fails naming the row whose reason was changed', async () => {
    raiseAndApprove();
    const id = rowId('RFC-2', 'submit');
    tamper(`update change_log set reason = 'nothing to see' where id = ${id}`);
    const run = await verify();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Change log broken at row ${id} (rfc RFC-2, submit): its content does not match its hash: the row was changed after it was written.\n${id - 1} rows before it verified.\n`,
    );
  });

  it('fails naming the row after a deleted one, and notices the newest rows cut off', async () => {
    const n = raiseAndApprove();
    const id = rowId('RFC-1', 'submit');
    tamper(`delete from change_log where id = ${id}`);
    const gap = await verify();
    expect([gap.code, gap.stderr.split('\n')[0]]).toEqual([
      1,
      `Change log broken at row ${id + 1} (rfc RFC-1, evaluate): row ${id} is missing (deleted) before it.`,
    ]);

    rmSync(path);
    raiseAndApprove();
    tamper(`delete from change_log where id = ${n}`);
    const cut = await verify();
    expect([cut.code, cut.stderr.split('\n')[0]]).toEqual([1, `Change log broken at row ${n}: row ${n} is missing (deleted) at the end of the log.`]);
  });

  it('fails at the next row when a row was rewritten with a hash recomputed for it', async () => {
    raiseAndApprove();
    const id = rowId('RFC-1', 'raise');
    // The forger knows the format (it is documented) and rewrites the row and its hash.
    const row = query<StoredLogRow>(`select * from change_log where id = ${id}`)[0]!;
    const forged = { ...row, actor: 'cli:mallory' };
    tamper(`update change_log set actor = 'cli:mallory', hash = '${rowHash(row.prev_hash!, forged)}' where id = ${id}`);
    const run = await verify();
    expect([run.code, run.stderr.split('\n')[0]]).toEqual([
      1,
      `Change log broken at row ${id + 1} (rfc RFC-1, submit): its prev_hash is not row ${id}'s hash: a row before it was rewritten, or its link was changed.`,
    ]);
  });

  it('refuses a missing database file and unknown audit commands, saying what to do', async () => {
    expect(await verify()).toEqual({
      code: 2,
      stdout: '',
      stderr: `There is no database at ${path} (DATABASE_PATH): nothing to verify. Set DATABASE_PATH to the bot's database file.\n`,
    });
    expect(runCli(['audit', 'purge'], { DATABASE_PATH: path }).out.split('\n')[0]).toBe('Unknown audit command "purge".');
    expect(runCli(['audit', 'verify', '--fast'], { DATABASE_PATH: path }).out.split('\n')[0]).toBe('Unknown option --fast.');
  });

  it('says how to give a head when --head is malformed', async () => {
    raiseAndApprove();
    expect(await verify('--head', '12')).toEqual({
      code: 2,
      stdout: '',
      stderr: '--head expects ID:HASH as audit verify printed it (a row id, a colon, 64 hex digits), got "12".\n',
    });
  });
});

describe('the export', () => {
  it('carries the chain head first and the rows up to it, even when more are appended meanwhile', async () => {
    const n = raiseAndApprove();
    const t = testApp({ path });
    const root = t.person('root', 'admin');
    const out = changeLogExport(t.ctx, root);
    appendLog(t.ctx.database.db, { subject: null, at: t.clock.now(), actor: 'cli:root', action: 'note' });
    const rows = [...out.rows];
    const stored = query<{ id: number; hash: string; detail: string | null }>(`select id, hash, detail from change_log where id <= ${n} order by id`);
    expect(out.format).toBe('changebot-change-log/1');
    expect(out.head).toEqual({ id: n, hash: stored.at(-1)!.hash });
    expect(rows.map((r) => [r.id, r.hash, r.detail])).toEqual(stored.map((r) => [r.id, r.hash, r.detail === null ? null : JSON.parse(r.detail)]));
    expect(refusal(() => changeLogExport(t.ctx, t.person('bob'))).code).toBe('forbidden');
    t.close();
  });
});

describe('two writers', () => {
  it('interleaved appends from two connections on one file keep one chain', async () => {
    const a = openDatabase(path);
    const b = openDatabase(path);
    for (let i = 0; i < 20; i++) {
      appendLog(a.db, { subject: null, at: new Date(), actor: 'cli:a', action: 'note', detail: { i } });
      b.db.transaction((tx) => appendLog(tx, { subject: { type: 'rfc', key: `RFC-${i}` }, at: new Date(), actor: 'cli:b', action: 'note' }), {
        behavior: 'immediate',
      });
    }
    a.close();
    b.close();
    const run = await verify();
    expect([run.code, run.stdout.split('\n')[0]]).toEqual([0, 'Change log intact: 40 rows chained.']);
  });

  it('two processes appending at the same moment do not fork the chain', async () => {
    openDatabase(path).close();
    const log = new URL('../../dist/db/repos/log.js', import.meta.url).href;
    const client = new URL('../../dist/db/client.js', import.meta.url).href;
    const script = `const { appendLog } = await import(${JSON.stringify(log)}); const { openDatabase } = await import(${JSON.stringify(client)});
      const d = openDatabase(process.argv[1]); const who = process.argv[2];
      for (let i = 0; i < 300; i++) appendLog(d.db, { subject: null, at: new Date(), actor: who, action: 'note', detail: { i } });
      d.close();`;
    const run = promisify(execFile);
    await Promise.all(['cli:a', 'cli:b'].map((who) => run(process.execPath, ['--input-type=module', '-e', script, path, who])));
    const actors = query<{ actor: string; n: number }>('select actor, count(*) as n from change_log group by actor order by actor');
    expect(actors).toEqual([
      { actor: 'cli:a', n: 300 },
      { actor: 'cli:b', n: 300 },
    ]);
    const switches = query<{ n: number }>('select count(*) as n from change_log c join change_log p on p.id = c.id - 1 where p.actor != c.actor')[0]!.n;
    expect(switches).toBeGreaterThan(0); // they did interleave
    expect((await verify()).stdout.split('\n')[0]).toBe('Change log intact: 600 rows chained.');
  }, 60_000);
});

describe('a database from before the chain', () => {
  /** A database migrated to 0006 (no hash columns), with three log rows written then. */
  function oldDatabase(): void {
    const before = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => e.tag)[7]).toBe('0007_crash_safety_and_chain');
    journal.entries = journal.entries.slice(0, 7);
    writeFileSync(journalPath, JSON.stringify(journal));
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: before });
    const T = 1_796_115_600_000;
    sqlite.exec(`insert into change_log (subject_type, subject_key, at, actor, action, from_state, to_state, reason, detail) values
      ('rfc', 'RFC-1', ${T}, 'cli:bob', 'raise', null, 'draft', null, null),
      (null, null, ${T + 1}, 'cli:root', 'grant', null, null, null, '{"role":"cab","person":"cli:cathy"}'),
      ('rfc', 'RFC-1', ${T + 2}, 'cli:cathy', 'vote', 'submitted', 'approved', 'ok', '{"choice":"approve"}')`);
    sqlite.close();
  }

  it('is chained when opened, keeps its append-only trigger, and verifies', async () => {
    oldDatabase();
    const opened = openDatabase(path);
    appendLog(opened.db, { subject: null, at: new Date(), actor: 'cli:root', action: 'note' });
    opened.close();
    expect(query<{ unhashed: number }>('select count(*) as unhashed from change_log where hash is null or prev_hash is null')).toEqual([{ unhashed: 0 }]);
    const s = new Database(path);
    expect(() => s.prepare("update change_log set reason = 'x' where id = 1").run()).toThrow('change_log is append-only');
    s.close();
    expect((await verify()).stdout.split('\n')[0]).toBe('Change log intact: 4 rows chained.');
  });

  it('does not chain an unhashed row written after hashed ones: verify names it', async () => {
    oldDatabase();
    openDatabase(path).close();
    const s = new Database(path);
    s.exec(`insert into change_log (at, actor, action) values (${Date.now()}, 'old-writer', 'grant')`);
    s.close();
    openDatabase(path).close();
    const run = await verify();
    expect([run.code, run.stderr.split('\n')[0]]).toEqual([
      1,
      'Change log broken at row 4 (grant): it has no hash: written by an older changebot, or its hash was removed.',
    ]);
  });
});
