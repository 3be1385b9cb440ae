/**
 * Issue 13 item 6: the audit export. Change-log rows are seeded through Slack (real bot, real
 * Bolt) across several days, on both sides of midnight in Paris; the export is read over real
 * HTTP (`/audit.csv`, `/audit.json`, `/audit` by Accept) and from the real CLI (`changebot
 * admin export ... > file`). The expected rows are counted with SQL straight on the database
 * file, with the range's instants written out here; the rows are checked against the hash chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowHash, type StoredLogRow, verifyRows } from '../../src/db/chain.js';
import { changebot } from '../support/cli.js';
import { type SlackHarness, slackHarness } from '../support/slack-harness.js';
import { WebClient, linkIn } from '../support/web.js';

const root = { team: 'T1', user: 'UROOT', name: 'root' };
const ana = { team: 'T1', user: 'UANA', name: 'ana' };
const COLUMNS = ['id', 'at', 'subject_type', 'subject_key', 'actor', 'action', 'from_state', 'to_state', 'reason', 'detail', 'prev_hash', 'hash'];

let h: SlackHarness;
let dir: string;
let dbPath: string;
let base: string;
let admin: WebClient;

/** Rows as stored, by SQL on the file (not through changebot). */
function stored(where: string, ...params: unknown[]): { id: number; subject_key: string | null; action: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`select id, subject_key, action from change_log where ${where} order by id`).all(...params) as never;
  } finally {
    db.close();
  }
}
const ms = (iso: string) => Date.parse(iso);

/** Parsed CSV: the header, then one object per row. */
function csv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const all = parse(text) as string[][];
  const [header, ...body] = all;
  return { header: header ?? [], rows: body.map((r) => Object.fromEntries((header ?? []).map((k, i) => [k, r[i] ?? '']))) };
}

/** An exported row back as the database stores it (what the chain hashes). */
function storedOf(r: Record<string, unknown>, fromCsv: boolean): StoredLogRow {
  const nul = (v: unknown) => (v === '' || v === undefined ? null : (v as string));
  const detail = fromCsv ? nul(r.detail) : r.detail === null ? null : JSON.stringify(r.detail);
  return {
    id: Number(r.id),
    subject_type: nul(r.subject_type),
    subject_key: nul(r.subject_key),
    at: Date.parse(String(r.at)),
    actor: String(r.actor),
    action: String(r.action),
    from_state: nul(r.from_state),
    to_state: nul(r.to_state),
    reason: nul(r.reason),
    detail,
    prev_hash: nul(r.prev_hash),
    hash: nul(r.hash),
  };
}

/** Each row's hash recomputes, and consecutive rows link. */
function expectChained(rows: StoredLogRow[]): void {
  rows.forEach((r, i) => {
    expect(rowHash(r.prev_hash!, r)).toBe(r.hash);
    const prev = rows[i - 1];
    if (prev && prev.id === r.id - 1) expect(r.prev_hash).toBe(prev.hash);
  });
}

async function at(iso: string, who: typeof root, text: string): Promise<string> {
  h.clock.current = new Date(iso);
  return h.answer(who, text);
}

const cliEnv = () => ({ DATABASE_PATH: dbPath, CHANGEBOT_ADMINS: 'cli:root' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'changebot-audit-'));
  dbPath = join(dir, 'bot.db');
  h = await slackHarness({
    env: { DATABASE_PATH: dbPath, CHANGEBOT_ADMINS: 'slack:T1/UROOT' },
    fake: { users: { UROOT: { name: 'root', tz: 'Europe/Paris' }, UANA: { name: 'ana', tz: 'Europe/Paris' } } },
  });
  base = `http://127.0.0.1:${h.bot.port}`;
  // Paris is UTC+1 in February 2030: a Paris day runs from 23:00Z the day before.
  await at('2030-01-31T12:00:00Z', root, 'admin service add db');
  await at('2030-01-31T12:01:00Z', root, 'admin service add web');
  expect(await at('2030-01-31T22:30:00Z', ana, 'new "Patch db01" category=minor services=db backout="restore"')).toContain('RFC-1');
  expect(await at('2030-01-31T23:30:00Z', ana, 'new "Patch web01" category=minor services=web backout="restore"')).toContain('RFC-2');
  await at('2030-02-10T10:00:00Z', ana, 'edit RFC-1 title="Patch db01 to 15.4"');
  await at('2030-02-10T10:05:00Z', ana, 'edit RFC-2 title="Patch web01 to 2.4"');
  await at('2030-02-12T08:59:00Z', root, 'admin grant <@UROOT> release-manager');
  expect(await at('2030-02-12T09:00:00Z', root, 'release new "Payroll 2030.1" target=2030-03-20')).toContain('REL-1');
  await at('2030-02-12T09:10:00Z', root, 'release edit REL-1 goal="Tax tables"');
  await at('2030-02-28T22:30:00Z', ana, 'edit RFC-1 plan="one node at a time"'); // Feb 28 in Paris
  await at('2030-02-28T23:30:00Z', ana, 'edit RFC-2 plan="drain first"'); // Mar 1 in Paris, Feb 28 in UTC
  await at('2030-03-05T10:00:00Z', ana, 'edit RFC-1 test="smoke tests"');
  admin = new WebClient(base);
  expect((await admin.signIn(linkIn(await h.answer(root, 'web')))).status).toBe(303);
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web export', () => {
  it('/audit.csv: one header row and one row per change-log row of the range, days read in the viewer’s zone, to included', async () => {
    const res = await admin.get('/audit.csv?from=2030-02-01&to=2030-02-28');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="changebot-audit-2030-02-01-2030-02-28.csv"');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const { header, rows } = csv(res.text);
    expect(header).toEqual(COLUMNS);
    const expected = stored('at >= ? and at < ?', ms('2030-01-31T23:00:00Z'), ms('2030-02-28T23:00:00Z'));
    expect(rows.map((r) => Number(r.id))).toEqual(expected.map((r) => r.id));
    const seen = rows.map((r) => `${r.subject_key} ${r.action}`);
    expect(seen).toContain('RFC-2 raise'); // 00:30 on Feb 1 in Paris
    expect(seen).not.toContain('RFC-1 raise'); // 23:30 on Jan 31 in Paris
    expect(rows.filter((r) => r.subject_key === 'RFC-1' && r.action === 'edit')).toHaveLength(2); // Feb 10 and Feb 28 (to is included)
    expect(rows.filter((r) => r.subject_key === 'RFC-2' && r.action === 'edit')).toHaveLength(1); // not the one on Mar 1 in Paris
    for (const r of rows) expect(r.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expectChained(rows.map((r) => storedOf(r, true)));
  });

  it('service= keeps the rows about RFCs on that service and the catalogue’s rows about it; rfc= one RFC’s', async () => {
    const jan31 = csv((await admin.get('/audit.csv?from=2030-01-31&to=2030-01-31&service=db')).text).rows;
    expect(jan31.map((r) => `${r.subject_key ?? ''} ${r.action} ${r.detail ? JSON.parse(r.detail).name : ''}`.trim())).toEqual([
      'service-add db',
      'RFC-1 raise',
    ]);
    const feb = csv((await admin.get('/audit.csv?from=2030-02-01&to=2030-02-28&service=db')).text).rows;
    const rfc1 = stored("subject_key = 'RFC-1' and at >= ? and at < ?", ms('2030-01-31T23:00:00Z'), ms('2030-02-28T23:00:00Z'));
    expect(feb.map((r) => Number(r.id))).toEqual(rfc1.map((r) => r.id));
    expect(rfc1.length).toBeGreaterThan(0);
    const one = csv((await admin.get('/audit.csv?from=2030-01-01&to=2030-03-31&rfc=rfc-2')).text).rows;
    expect(one.map((r) => Number(r.id))).toEqual(stored("subject_key = 'RFC-2'").map((r) => r.id));
    expect(one.every((r) => r.subject_type === 'rfc' && r.subject_key === 'RFC-2')).toBe(true);
    const release = csv((await admin.get('/audit.csv?from=2030-02-01&to=2030-02-28&release=1')).text).rows;
    expect(release.map((r) => `${r.subject_type} ${r.subject_key} ${r.action}`)).toEqual(
      stored("subject_type = 'release' and subject_key = 'REL-1'").map((r) => `release REL-1 ${r.action}`),
    );
    expect(release.length).toBeGreaterThanOrEqual(2);
  });

  it('/audit.json and /audit by Accept: the same rows; the whole log verifies against the exported head', async () => {
    const res = await admin.get('/audit.json?from=2000-01-01&to=2100-12-31');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="changebot-audit-2000-01-01-2100-12-31.json"');
    const doc = JSON.parse(res.text) as {
      format: string;
      from: string;
      to: string;
      filter: object;
      head: { id: number; hash: string };
      rows: Record<string, unknown>[];
    };
    expect(doc.format).toBe('changebot-change-log/1');
    expect(doc.from).toBe('1999-12-31T23:00:00.000Z');
    expect(doc.to).toBe('2100-12-31T23:00:00.000Z');
    expect(doc.filter).toEqual({});
    const all = stored('1');
    expect(doc.rows.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(doc.head).toEqual({ id: all.at(-1)!.id, hash: doc.rows.at(-1)!.hash });
    const report = verifyRows(
      doc.rows.map((r) => storedOf(r, false)),
      doc.head.id,
      doc.head,
    );
    expect(report).toEqual({ ok: true, rows: all.length, head: doc.head });

    const asJson = await admin.get('/audit?from=2030-02-01&to=2030-02-28&service=web', { accept: 'application/json' });
    expect(asJson.headers.get('content-type')).toMatch(/^application\/json/);
    const web = JSON.parse(asJson.text) as { filter: object; rows: { id: number }[] };
    expect(web.filter).toEqual({ service: 'web' });
    const asCsv = await admin.get('/audit?from=2030-02-01&to=2030-02-28&service=web', { accept: 'text/csv' });
    expect(asCsv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rfc2 = stored("subject_key = 'RFC-2' and at >= ? and at < ?", ms('2030-01-31T23:00:00Z'), ms('2030-02-28T23:00:00Z'));
    expect(web.rows.map((r) => r.id)).toEqual(rfc2.map((r) => r.id));
    expect(csv(asCsv.text).rows.map((r) => Number(r.id))).toEqual(rfc2.map((r) => r.id));
  });

  it('a visitor gets 401, someone who is not an admin or change manager 403, bad or missing dates 422 with an example', async () => {
    const visitor = await new WebClient(base).get('/audit.csv?from=2030-02-01&to=2030-02-28');
    expect(visitor.status).toBe(401);
    expect(visitor.text).toContain('Sign in');
    const person = new WebClient(base);
    expect((await person.signIn(linkIn(await h.answer(ana, 'web')))).status).toBe(303);
    const refused = await person.get('/audit.csv?from=2030-02-01&to=2030-02-28');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Only an admin or a change manager can read');
    const asJson = await person.get('/audit?from=2030-02-01&to=2030-02-28', { accept: 'application/json' });
    expect(asJson.status).toBe(403);
    expect(JSON.parse(asJson.text)).toMatchObject({ ok: false, code: 'forbidden' });
    for (const q of ['from=2030-02-30&to=2030-03-01', 'from=2030-02-01', 'to=2030-02-01', 'from=yesterday&to=2030-02-01', 'from=2030-02-10&to=2030-02-01']) {
      const bad = await admin.get(`/audit.csv?${q}`, { accept: 'application/json' });
      expect(bad.status, q).toBe(422);
      const body = JSON.parse(bad.text) as { error: string; code: string };
      expect(body.code).toBe('bad_value');
      expect(body.error).toContain('Example: /audit.csv?from=2026-12-01&to=2026-12-31');
    }
    const page = await admin.get('/audit.csv?from=2030-02-31&to=2030-03-01');
    expect(page.status).toBe(422);
    expect(page.text).toContain('as a date');
    // A mistyped service is said to be one, not answered with an empty file.
    const typo = await admin.get('/audit.csv?from=2030-02-01&to=2030-02-28&service=dbb', { accept: 'application/json' });
    expect(typo.status).toBe(422);
    expect(JSON.parse(typo.text)).toMatchObject({ code: 'bad_value', error: expect.stringContaining('There is no service “dbb”') });
  });
});

describe('chat and the CLI', () => {
  it('in chat, admin export answers with the web link of the same export and its row count', async () => {
    // Slack's text escapes & as &amp; (Slack shows and links it as &).
    const answer = (await at('2030-03-05T10:30:00Z', root, 'admin export from=2030-02-01 to=2030-02-28 service=db')).replaceAll('&amp;', '&');
    const n = stored("subject_key = 'RFC-1' and at >= ? and at < ?", ms('2030-01-31T23:00:00Z'), ms('2030-02-28T23:00:00Z')).length;
    expect(answer).toContain(`${n} rows`);
    const link = /(http:\/\/\S+\/audit\.csv\?\S+)/.exec(answer)?.[1];
    expect(link).toBe(`http://localhost:${h.bot.port}/audit.csv?from=2030-02-01&to=2030-02-28&service=db`);
    const url = new URL(link!);
    expect(csv((await admin.get(url.pathname + url.search)).text).rows).toHaveLength(n);
    expect(await h.answer(ana, 'admin export from=2030-02-01 to=2030-02-28')).toContain('Only an admin or a change manager');
  });

  it('the CLI writes the CSV (and JSON) itself to stdout, nothing else; dates in its --tz', async () => {
    const out = await changebot(['--as', 'root', '--tz', 'UTC', 'admin', 'export', 'from=2030-02-01', 'to=2030-02-28'], cliEnv());
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const { header, rows } = csv(out.stdout);
    expect(header).toEqual(COLUMNS);
    const utcFeb = stored('at >= ? and at < ?', ms('2030-02-01T00:00:00Z'), ms('2030-03-01T00:00:00Z'));
    expect(rows.map((r) => Number(r.id))).toEqual(utcFeb.map((r) => r.id));
    const seen = rows.map((r) => `${r.subject_key} ${r.action}`);
    expect(seen).not.toContain('RFC-2 raise'); // Jan 31 23:30 UTC
    expect(rows.filter((r) => r.subject_key === 'RFC-2' && r.action === 'edit')).toHaveLength(2); // Feb 28 23:30 UTC is in
    expectChained(rows.map((r) => storedOf(r, true)));

    const json = await changebot(['--as', 'root', 'rfc', 'admin', 'export', 'from=2030-01-01', 'to=2030-03-31', 'rfc=RFC-2', 'format=json'], cliEnv());
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { filter: object; rows: { id: number; subject_key: string }[] };
    expect(doc.filter).toEqual({ rfc: 'RFC-2' });
    expect(doc.rows.map((r) => r.id)).toEqual(stored("subject_key = 'RFC-2'").map((r) => r.id));

    const refused = await changebot(['--as', 'bob', 'admin', 'export', 'from=2030-02-01', 'to=2030-02-28'], cliEnv());
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain('Only an admin or a change manager');
    const bad = await changebot(['--as', 'root', 'admin', 'export', 'from=2030-02-01'], cliEnv());
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toContain('Missing to=');
    expect(bad.stderr).toContain('Example: /rfc admin export from=2026-12-01 to=2026-12-31');
  });
});
