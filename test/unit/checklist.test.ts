/**
 * Issue 14 item 4: the pre-implementation checklist rule for each category, the automatic
 * "affected users informed" once the outage notice is delivered, and the start gate naming
 * every open item (and open task) until done, unless an emergency or a change manager's
 * override with a reason (logged). Real SQLite through the migrations, the real use cases.
 */
import { describe, expect, it } from 'vitest';
import { showChecklist, tickItem, untickItem } from '../../src/app/checklist.js';
import { addService } from '../../src/app/catalogue.js';
import { progress, schedule } from '../../src/app/implementation.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { loadConfig } from '../../src/config.js';
import { findDelivery, markDelivery, recordDelivery } from '../../src/db/repos/outbox.js';
import { DEFAULT_CHECKLIST, checklistOf } from '../../src/domain/checklist.js';
import { isChangebotError } from '../../src/domain/errors.js';
import { policyKey } from '../../src/domain/policy-keys.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { rfcSubject, timedKey } from '../../src/domain/subject.js';
import type { Category } from '../../src/domain/types.js';
import { testApp } from '../support/app.js';
import { LENIENT_ENV } from '../support/policy.js';

const H = 3_600_000;

describe('the checklist of each category', () => {
  it('is empty for standard and minor, four items for significant, five with the rollback rehearsal for major', () => {
    expect(DEFAULT_POLICY.checklist).toEqual({
      standard: [],
      minor: [],
      significant: ['release-notes', 'lab-test', 'users-informed', 'backup-verified'],
      major: ['release-notes', 'lab-test', 'users-informed', 'backup-verified', 'rollback-rehearsed'],
    });
  });

  it('is set per category in the policy, and a wrong item is refused naming the items', () => {
    const p = policyKey('checklist-minor').write(DEFAULT_POLICY, 'lab-test, backup-verified');
    expect(p.checklist.minor).toEqual(['lab-test', 'backup-verified']);
    expect(policyKey('CHECKLIST_MAJOR').write(DEFAULT_POLICY, 'none').checklist.major).toEqual([]);
    expect(() => policyKey('CHECKLIST_MINOR').write(DEFAULT_POLICY, 'lab-test,coffee')).toThrow(
      'CHECKLIST_MINOR expects a comma-separated list of release-notes, lab-test, users-informed, backup-verified, rollback-rehearsed (or none)',
    );
  });

  it('says who ticked what; users-informed ticks itself once the notice is out, and is not needed without an outage', () => {
    const at = new Date('2031-12-01T09:00:00Z');
    const ticks = [{ item: 'lab-test', by: 'cli:bob', at, note: 'run 42' }];
    const lines = (announcesOutage: boolean, noticeDeliveredAt?: Date) =>
      checklistOf(DEFAULT_CHECKLIST.significant, ticks, { announcesOutage, noticeDeliveredAt }).map((l) => [l.item, l.state, l.by ?? null]);
    expect(lines(true)).toEqual([
      ['release-notes', 'open', null],
      ['lab-test', 'ticked', 'cli:bob'],
      ['users-informed', 'open', null],
      ['backup-verified', 'open', null],
    ]);
    expect(lines(true, at)[2]).toEqual(['users-informed', 'auto', 'changebot']);
    expect(lines(false)[2]).toEqual(['users-informed', 'not-applicable', null]);
  });
});

/** A significant change on db, approved and scheduled, its window open now. */
function scheduledChange(category: Category, more: Record<string, unknown> = {}) {
  const t = testApp({ policy: { ...loadConfig(LENIENT_ENV).policy, checklist: DEFAULT_CHECKLIST } });
  const admin = t.person('admin', 'admin');
  const cm = t.person('cm', 'change-manager');
  const cab = t.person('cab', 'cab');
  const cabs = [cab, t.person('cab2', 'cab'), t.person('cab3', 'cab')];
  const bob = t.person('bob');
  addService(t.ctx, admin, { name: 'db' });
  const start = new Date(t.clock.now().getTime() + H);
  const key = raise(t.ctx, bob, { title: 'Patch db01', category, services: ['db'], backout: 'restore', test: 'smoke', start, durationMinutes: 120, ...more })
    .result.key;
  submit(t.ctx, bob, key);
  // A minor change is a change manager's to approve; the others go to the CAB (quorum 3).
  for (const who of category === 'minor' ? [cm] : cabs) {
    if (vote(t.ctx, who, key, 'approve').rfc?.state === 'approved') break;
  }
  schedule(t.ctx, bob, key, {});
  t.clock.advance(H + 60_000);
  return { t, key, bob, cm, cab };
}

function refusal(fn: () => unknown): { code: string; message: string; missing: unknown } {
  try {
    fn();
  } catch (e) {
    if (isChangebotError(e)) return { code: e.code, message: e.message, missing: e.details.missing };
    throw e;
  }
  throw new Error('not refused');
}

describe('start', () => {
  it('is refused naming every open item until all are ticked, then starts', () => {
    const { t, key, bob } = scheduledChange('significant');
    const r = refusal(() => progress(t.ctx, bob, key, 'start'));
    expect(r.code).toBe('incomplete');
    expect(r.missing).toEqual([
      'checklist: Release notes reviewed (`release-notes`)',
      'checklist: Lab test passed (`lab-test`)',
      'checklist: Backup verified and restored to a standby (`backup-verified`)',
    ]);
    for (const item of ['release-notes', 'lab-test']) tickItem(t.ctx, bob, key, item);
    expect(refusal(() => progress(t.ctx, bob, key, 'start')).missing).toEqual(['checklist: Backup verified and restored to a standby (`backup-verified`)']);
    tickItem(t.ctx, bob, key, 'backup-verified', 'restored to db02');
    expect(progress(t.ctx, bob, key, 'start').result.state).toBe('implementing');
    expect(showChecklist(t.ctx, bob, key).message).toContain('☑ Backup verified and restored to a standby: cli:bob');
    t.close();
  });

  it('names the open change tasks too', () => {
    const { t, key, bob } = scheduledChange('minor');
    t.ctx.database.sqlite
      .prepare(
        "insert into rfc_tasks (rfc_key, number, title, team, state, created_by, created_at) values (?, 1, 'Open 443 on the edge firewall', 'network', 'open', 'cli:bob', ?)",
      )
      .run(key, t.clock.now().getTime());
    expect(refusal(() => progress(t.ctx, bob, key, 'start')).missing).toEqual(['task 1: Open 443 on the edge firewall']);
    t.ctx.database.sqlite.prepare("update rfc_tasks set state = 'done' where rfc_key = ?").run(key);
    expect(progress(t.ctx, bob, key, 'start').result.state).toBe('implementing');
    t.close();
  });

  it('an emergency starts with its checklist open; a change manager overrides with a reason, and the open items are logged', () => {
    const e = scheduledChange('significant', { emergency: true });
    expect(progress(e.t.ctx, e.bob, e.key, 'start').result.state).toBe('implementing');
    e.t.close();
    const { t, key, bob, cm } = scheduledChange('significant');
    expect(refusal(() => progress(t.ctx, bob, key, 'start', undefined, { override: 'vendor on site now' })).code).toBe('forbidden');
    expect(progress(t.ctx, cm, key, 'start', undefined, { override: 'vendor on site now' }).result.state).toBe('implementing');
    const row = t.ctx.database.sqlite.prepare("select reason, detail from change_log where subject_key = ? and action = 'start'").get(key) as {
      reason: string;
      detail: string;
    };
    expect(row.reason).toBe('vendor on site now');
    expect(JSON.parse(row.detail).open).toHaveLength(3);
    t.close();
  });

  it('ticks users-informed by itself once every delivery of the notice for its window is sent (not one for another window)', () => {
    const { t, key, bob } = scheduledChange('significant', { outageMinutes: 30, outageAudience: 'everyone' });
    const db = t.ctx.database.db;
    const windowStart = (t.ctx.database.sqlite.prepare('select window_start as s from rfcs where key = ?').get(key) as { s: number }).s;
    // The stamp of a timed notice is its window's start, as 20261201T100000Z (written here, not computed by the code).
    const stamp = new Date(windowStart)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const deliver = (notificationKey: string, recipient: string, status: 'sent' | 'failed') => {
      recordDelivery(db, { notificationKey, recipient, subject: rfcSubject(key), at: t.clock.now() });
      const d = findDelivery(db, notificationKey, recipient);
      markDelivery(db, d?.id as number, status, t.clock.now());
    };
    const informed = () => showChecklist(t.ctx, bob, key).message;
    // A notice sent for an earlier window of the change does not count.
    deliver(timedKey('outage-notice', rfcSubject(key), '20261130T220000Z'), 'slack:channel:COPS', 'sent');
    expect(informed()).toContain('☐ Affected users informed (users-informed)');
    // This window's notice: one audience told, another's delivery failed: not yet.
    const notice = timedKey('outage-notice', rfcSubject(key), stamp);
    deliver(notice, 'slack:channel:COPS', 'sent');
    deliver(notice, 'slack:channel:CSALES', 'failed');
    expect(informed()).toContain('☐ Affected users informed (users-informed)');
    t.ctx.database.sqlite.prepare("update deliveries set status = 'sent', sent_at = ? where recipient = 'slack:channel:CSALES'").run(t.clock.now().getTime());
    expect(informed()).toContain('☑ Affected users informed: changebot');
    t.close();
  });
});

describe('ticking', () => {
  it('is for the requester, the owner or a change manager, before the start, and is logged; a tick can be taken back', () => {
    const { t, key, bob, cab } = scheduledChange('significant');
    expect(refusal(() => tickItem(t.ctx, cab, key, 'lab-test')).code).toBe('forbidden');
    expect(refusal(() => tickItem(t.ctx, bob, key, 'rollback-rehearsed')).message).toContain('rollback-rehearsed is not on');
    expect(refusal(() => tickItem(t.ctx, bob, key, 'coffee')).message).toContain('There is no checklist item “coffee”');
    tickItem(t.ctx, bob, key, 'lab-test', 'run 42');
    untickItem(t.ctx, bob, key, 'lab-test', 'ran on the old build');
    const actions = (t.ctx.database.sqlite.prepare('select action from change_log where subject_key = ? order by id').all(key) as { action: string }[]).map(
      (r) => r.action,
    );
    expect(actions.slice(-2)).toEqual(['checklist-tick', 'checklist-untick']);
    expect(refusal(() => untickItem(t.ctx, bob, key, 'lab-test')).message).toContain('is not ticked');
    t.close();
  });
});
