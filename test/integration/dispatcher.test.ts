import type { Subject } from '../../src/domain/subject.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { deliveries } from '../../src/db/schema.js';
import type { Recipient } from '../../src/domain/notifications.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import { DeliveryError, type Notifier, type OutboundMessage, type Target } from '../../src/notify/types.js';
import { type TestApp, testApp } from '../support/app.js';

/** The platform side is the only thing faked: a notifier that records what it is asked to send. */
class RecordingNotifier implements Notifier {
  readonly platform = 'slack' as const;
  sent: { target: Target; message: OutboundMessage }[] = [];
  refreshed: string[] = [];
  failNext = 0;
  findSent?: Notifier['findSent'];
  async resolve(r: Recipient): Promise<Target[]> {
    if (r.kind === 'cab-channel') return [{ platform: 'slack', kind: 'channel', id: 'CCAB' }];
    if (r.kind === 'person' && r.id.startsWith('cli:')) return [{ platform: 'slack', kind: 'user', id: `T1/${r.id.slice(4)}` }];
    return [];
  }
  async send(target: Target, message: OutboundMessage) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new DeliveryError('rate limited', true, 10);
    }
    this.sent.push({ target, message });
    return { messageRef: `ts-${this.sent.length}` };
  }
  async refreshCards(subject: Subject) {
    this.refreshed.push(subject.key);
  }
}

const silent = createLogger('silent');
let t: TestApp;
afterEach(() => t?.close());

function ready(app: TestApp) {
  const root = app.person('root', 'admin');
  addService(app.ctx, root, { name: 'db' });
  // The CAB of the vote is the CAB at submission.
  for (const m of ['a', 'b', 'c']) app.person(m, 'cab');
  const req = app.person('req');
  const key = raise(app.ctx, req, {
    title: 'Patch',
    category: 'significant',
    services: ['db'],
    backout: 'Restore the snapshot',
    test: 'Run the smoke tests',
    start: new Date('2026-12-05T22:00:00Z'),
    durationMinutes: 60,
  }).result.key;
  return { req, key };
}

describe('outbox dispatcher', () => {
  it('delivers each notification once per recipient, and refreshes cards on every change', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    const n = new RecordingNotifier();
    const d = new Dispatcher(t.ctx, [n], silent);
    await d.drain();
    expect(n.sent.map((s) => [s.message.event, s.target.id])).toEqual([['vote-requested', 'CCAB']]);
    expect(n.sent[0]?.message.text).toBe('CAB vote needed on RFC-1 “Patch”: significant change to db, from Sat 5 Dec 22:00 to Sat 5 Dec 23:00 UTC.');
    await d.drain();
    expect(n.sent).toHaveLength(1);
    for (const m of ['a', 'b', 'c']) vote(t.ctx, t.person(m, 'cab'), key, 'approve');
    await d.drain();
    expect(n.sent.map((s) => `${s.message.event} ${s.target.id}`).sort()).toEqual(['decided CCAB', 'decided T1/req', 'vote-requested CCAB']);
    expect(n.refreshed.filter((k) => k === key).length).toBeGreaterThanOrEqual(4);
    expect(
      t.ctx.database.db
        .select()
        .from(deliveries)
        .all()
        .map((r) => r.status),
    ).toEqual(['sent', 'sent', 'sent']);
    const notes = t.ctx.database.sqlite.prepare(`select actor, detail from change_log where action = 'notify' order by id`).all();
    expect(notes).toEqual([
      { actor: 'changebot', detail: JSON.stringify({ event: 'vote-requested', to: ['slack:channel:CCAB'] }) },
      { actor: 'changebot', detail: JSON.stringify({ event: 'decided', to: ['slack:user:T1/req', 'slack:channel:CCAB'] }) },
    ]);
  });

  it('delivers changes made by another process (the CLI) on the same database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'changebot-outbox-'));
    const path = join(dir, 'shared.db');
    const cli = testApp({ path });
    const { req, key } = ready(cli);
    submit(cli.ctx, req, key);
    cli.close();
    t = testApp({ path });
    const n = new RecordingNotifier();
    await new Dispatcher(t.ctx, [n], silent).drain();
    expect(n.sent.map((s) => s.message.event)).toEqual(['vote-requested']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends, after a restart, deliveries recorded but not sent before the process stopped', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    const crashed = new RecordingNotifier();
    crashed.send = () => new Promise(() => {}); // the process dies while sending
    void new Dispatcher(t.ctx, [crashed], silent).drain();
    await vi.waitFor(() =>
      expect(
        t.ctx.database.db
          .select()
          .from(deliveries)
          .all()
          .map((r) => r.status),
      ).toEqual(['sending']),
    );
    const n = new RecordingNotifier();
    await new Dispatcher(t.ctx, [n], silent).resumeUnsent();
    expect(n.sent.map((s) => s.message.event)).toEqual(['vote-requested']);
    expect(
      t.ctx.database.db
        .select()
        .from(deliveries)
        .all()
        .map((r) => r.status),
    ).toEqual(['sent']);
  });

  it('asks before retrying a send that timed out, so a message that did go out is not sent again', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    const n = new RecordingNotifier();
    let timeouts = 1;
    const send = n.send.bind(n);
    n.send = async (target, message) => {
      const posted = await send(target, message);
      if (timeouts-- > 0) throw new DeliveryError('timed out waiting for Slack', true); // posted, but no answer
      return posted;
    };
    const asked: string[] = [];
    n.findSent = async (target, message) => {
      asked.push(message.deliveryKey ?? '');
      return n.sent.some((s) => s.target.id === target.id && s.message.subject.key === message.subject.key) ? { messageRef: 'found' } : null;
    };
    await new Dispatcher(t.ctx, [n], silent).drain();
    expect(n.sent).toHaveLength(1);
    expect(asked).toHaveLength(1);
    expect(
      t.ctx.database.db
        .select()
        .from(deliveries)
        .all()
        .map((r) => [r.status, r.messageRef]),
    ).toEqual([['sent', 'found']]);
  });

  it('updates a card again when the platform failed the first refresh', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    const n = new RecordingNotifier();
    let failures = 2;
    const refresh = n.refreshCards.bind(n);
    n.refreshCards = async (rfcKey) => {
      if (failures-- > 0) throw new DeliveryError('503 from the platform', true);
      return refresh(rfcKey);
    };
    const d = new Dispatcher(t.ctx, [n], silent, undefined, 1000, 5);
    await d.drain();
    await vi.waitFor(() => expect(n.refreshed).toContain(key)); // a later try got through
    expect(failures).toBeLessThan(0);
    await d.stop();
  });

  it('holds a notification whose recipients could not be resolved, and the later ones of that RFC', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    for (const m of ['a', 'b', 'c']) vote(t.ctx, t.person(m, 'cab'), key, 'approve');
    const n = new RecordingNotifier();
    const resolve = n.resolve.bind(n);
    let down = true;
    n.resolve = async (r) => {
      if (down) throw new DeliveryError('usergroups.users.list timed out', true);
      return resolve(r);
    };
    const d = new Dispatcher(t.ctx, [n], silent);
    await d.drain();
    expect(n.sent).toEqual([]);
    down = false;
    await d.drain();
    expect(n.sent.map((s) => s.message.event)).toEqual(['vote-requested', 'decided', 'decided']);
  });

  it('retries a retryable failure and still records one delivery', async () => {
    t = testApp();
    const { req, key } = ready(t);
    submit(t.ctx, req, key);
    const n = new RecordingNotifier();
    n.failNext = 2;
    await new Dispatcher(t.ctx, [n], silent).drain();
    expect(n.sent).toHaveLength(1);
    expect(n.failNext).toBe(0); // both failures were met, and retried
    const rows = t.ctx.database.db.select().from(deliveries).all();
    expect(rows.map((r) => r.status)).toEqual(['sent']);
  });
});
