/**
 * Migration 0003 re-keys the outbox, deliveries, chat messages and change log by subject. A
 * database built by the earlier migrations and filled as the bot used to fill it keeps every
 * row, with the subject its RFC gave it, and the change log stays append-only.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/client.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The migrations folder as it was before subjects: its first three migrations only. */
function migrationsBeforeSubjects(): string {
  dir = mkdtempSync(join(tmpdir(), 'changebot-before-subjects-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  expect(journal.entries.map((e) => e.tag).slice(0, 4)).toEqual(['0000_init', '0001_change_log_append_only', '0002_outbox', '0003_subjects']);
  journal.entries = journal.entries.slice(0, 3);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const T = 1_796_115_600_000; // 2026-12-01T09:00:00Z

function fillTheOldWay(sqlite: Database.Database): void {
  sqlite.exec(`
    insert into people (id, created_at) values ('cli:bob', ${T});
    insert into rfcs (id, number, key, title, category, requester, owner, state, created_at, updated_at)
      values (1, 1, 'RFC-1', 'Patch db01', 'minor', 'cli:bob', 'cli:bob', 'approved', ${T}, ${T}),
             (2, 2, 'RFC-2', 'Rotate keys', 'significant', 'cli:bob', 'cli:bob', 'draft', ${T}, ${T});
    insert into change_log (id, rfc_id, at, actor, action, from_state, to_state, reason, detail) values
      (1, 1, ${T}, 'cli:bob', 'raise', null, 'draft', null, null),
      (2, null, ${T}, 'config:CHANGEBOT_ADMINS', 'grant', null, null, null, '{"person":"cli:bob","role":"admin"}'),
      (3, 2, ${T + 1}, 'cli:bob', 'raise', null, 'draft', null, null),
      (4, 1, ${T + 2}, 'system:scheduler', 'notified', null, null, null, '{"key":"timed:reminder-24h:RFC-1:20261205T220000Z"}');
    insert into outbox (id, rfc_id, rfc_key, event, notification, created_at, dispatched_at) values
      (1, 1, 'RFC-1', 'decided', '{"event":"decided","rfcKey":"RFC-1","recipients":[{"kind":"cab-channel"}],"outcome":"approved"}', ${T}, ${T}),
      (2, 2, 'RFC-2', 'card-update', '{"event":"card-update","rfcKey":"RFC-2","recipients":[]}', ${T + 1}, null);
    insert into deliveries (id, notification_key, recipient, rfc_id, status, attempts, created_at) values
      (1, 'outbox:1', 'slack:channel:CCAB', 1, 'sent', 1, ${T}),
      (2, 'timed:reminder-24h:RFC-1:20261205T220000Z', 'slack:user:T1/U1', 1, 'pending', 0, ${T}),
      (3, 'outbox:9', 'teams:user:aad-x', null, 'failed', 4, ${T});
    insert into chat_messages (id, rfc_id, platform, kind, conversation, message_id, thread, created_at) values
      (1, 1, 'slack', 'vote-card', 'CCAB', '1700000000.000100', null, ${T}),
      (2, 2, 'teams', 'owner-card', 'a:personal', 'msg-7', null, ${T});
  `);
}

describe('migration to subjects', () => {
  it('keeps every row, gives each the subject of its RFC, and keeps the change log append-only', () => {
    const sqlite = new Database(':memory:');
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsBeforeSubjects() });
    fillTheOldWay(sqlite);
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    expect(sqlite.prepare('select id, subject_type, subject_key, actor, action, detail from change_log order by id').all()).toEqual([
      { id: 1, subject_type: 'rfc', subject_key: 'RFC-1', actor: 'cli:bob', action: 'raise', detail: null },
      { id: 2, subject_type: null, subject_key: null, actor: 'config:CHANGEBOT_ADMINS', action: 'grant', detail: '{"person":"cli:bob","role":"admin"}' },
      { id: 3, subject_type: 'rfc', subject_key: 'RFC-2', actor: 'cli:bob', action: 'raise', detail: null },
      {
        id: 4,
        subject_type: 'rfc',
        subject_key: 'RFC-1',
        actor: 'system:scheduler',
        action: 'notified',
        detail: '{"key":"timed:reminder-24h:RFC-1:20261205T220000Z"}',
      },
    ]);
    const outbox = sqlite.prepare('select id, subject_type, subject_key, event, notification, dispatched_at from outbox order by id').all() as {
      notification: string;
    }[];
    expect(outbox.map((o) => ({ ...o, notification: JSON.parse(o.notification) }))).toEqual([
      {
        id: 1,
        subject_type: 'rfc',
        subject_key: 'RFC-1',
        event: 'decided',
        notification: { event: 'decided', subject: { type: 'rfc', key: 'RFC-1' }, recipients: [{ kind: 'cab-channel' }], outcome: 'approved' },
        dispatched_at: T,
      },
      {
        id: 2,
        subject_type: 'rfc',
        subject_key: 'RFC-2',
        event: 'card-update',
        notification: { event: 'card-update', subject: { type: 'rfc', key: 'RFC-2' }, recipients: [] },
        dispatched_at: null,
      },
    ]);
    expect(sqlite.prepare('select id, notification_key, recipient, subject_type, subject_key, status, attempts from deliveries order by id').all()).toEqual([
      { id: 1, notification_key: 'outbox:1', recipient: 'slack:channel:CCAB', subject_type: 'rfc', subject_key: 'RFC-1', status: 'sent', attempts: 1 },
      {
        id: 2,
        notification_key: 'timed:reminder-24h:RFC-1:20261205T220000Z',
        recipient: 'slack:user:T1/U1',
        subject_type: 'rfc',
        subject_key: 'RFC-1',
        status: 'pending',
        attempts: 0,
      },
      { id: 3, notification_key: 'outbox:9', recipient: 'teams:user:aad-x', subject_type: null, subject_key: null, status: 'failed', attempts: 4 },
    ]);
    expect(sqlite.prepare('select id, subject_type, subject_key, platform, kind, conversation, message_id from chat_messages order by id').all()).toEqual([
      { id: 1, subject_type: 'rfc', subject_key: 'RFC-1', platform: 'slack', kind: 'vote-card', conversation: 'CCAB', message_id: '1700000000.000100' },
      { id: 2, subject_type: 'rfc', subject_key: 'RFC-2', platform: 'teams', kind: 'owner-card', conversation: 'a:personal', message_id: 'msg-7' },
    ]);

    // The audit trail is still append-only, and new rows continue after the old ones.
    expect(() => sqlite.prepare(`update change_log set actor = 'x' where id = 1`).run()).toThrow('change_log is append-only');
    expect(() => sqlite.prepare('delete from change_log where id = 2').run()).toThrow('change_log is append-only');
    sqlite.prepare(`insert into change_log (subject_type, subject_key, at, actor, action) values ('rfc', 'RFC-2', ${T + 3}, 'cli:bob', 'edit')`).run();
    expect(sqlite.prepare(`select max(id) id from change_log`).get()).toEqual({ id: 5 });
    // One card per subject, platform, kind and conversation.
    expect(() =>
      sqlite
        .prepare(
          `insert into chat_messages (subject_type, subject_key, platform, kind, conversation, message_id, created_at) values ('rfc', 'RFC-1', 'slack', 'vote-card', 'CCAB', 'x', ${T})`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
    sqlite.close();
  });
});
