/**
 * Issue 12 item 4: with 10,000 RFCs, lists drop nothing silently. The calendar shows the soonest
 * changes (not "the 500 newest"), a cut list says the true total and how to see the rest, and
 * removing a service counts every open RFC, however old. Data inserted directly in one
 * transaction; commands through the real command path as a CLI user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { listBlocks } from '../../src/chat/slack/blocks/home.js';
import { teamsList } from '../../src/chat/teams/cards.js';
import { listCard } from '../../src/domain/cards.js';
import { raise } from '../../src/app/rfcs.js';
import { findRfc, insertRfc } from '../../src/db/repos/rfcs.js';
import type { Rfc } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { cliCommand, refusal } from '../support/commands.js';

const MIN = 60_000;
const SCHEDULED = 1952;
const DRAFTS = 8047; // after RFC-1 and the scheduled ones: 10,000 in all

let t: TestApp;
beforeAll(() => {
  t = testApp();
  const root = t.person('root', 'admin');
  for (const name of ['db', 'legacy']) addService(t.ctx, root, { name });
  const req = t.person('req');
  // RFC-1: an old draft, the only one on legacy.
  raise(t.ctx, req, { title: 'Old legacy draft', category: 'minor', services: ['legacy'], backout: 'undo' });
  const { id: _id, key: _key, ...template } = findRfc(t.ctx.database.db, 'RFC-1') as Rfc;
  const now = t.clock.now().getTime();
  t.ctx.database.db.transaction((tx) => {
    // RFC-2 .. RFC-1953: scheduled, the oldest the soonest (RFC-2 in 30 minutes, then every 10).
    for (let k = 0; k < SCHEDULED; k++) {
      const start = new Date(now + 30 * MIN + k * 10 * MIN);
      insertRfc(tx, {
        ...template,
        title: `Scheduled ${k}`,
        services: ['db'],
        state: 'scheduled',
        window: { start, end: new Date(start.getTime() + 5 * MIN) },
      });
    }
    // RFC-1954 .. RFC-10000: newer drafts with no window.
    for (let k = 0; k < DRAFTS; k++) insertRfc(tx, { ...template, title: `Draft ${k}`, services: ['db'] });
  });
});
afterAll(() => t.close());

describe('lists with 10,000 RFCs', () => {
  it('the calendar shows the soonest changes: every one in the range', () => {
    const text = cliCommand(t, t.person('req'), 'calendar days=1').text;
    const keys = text.match(/RFC-\d+/g) ?? [];
    // Windows start at +30 min, every 10 min: those starting before +24 h are k = 0..140.
    expect(keys).toHaveLength(141);
    expect(keys[0]).toBe('RFC-2');
    expect(keys.at(-1)).toBe('RFC-142');
  });

  it('the scheduled list is soonest first and says the true total and how to see the rest', () => {
    const text = cliCommand(t, t.person('req'), 'list scheduled').text;
    const lines = text.split('\n');
    expect(lines).toHaveLength(41);
    expect(lines[0]).toMatch(/^RFC-2 /);
    expect(lines[39]).toMatch(/^RFC-41 /);
    expect(lines[40]).toBe(
      'Showing 40 of 1,952, soonest first: 1,912 more. See them day by day with `/rfc calendar days=7` (any number of days), or for one service with `service=NAME`.',
    );
  });

  it('Slack and Teams show that line under the items they list', () => {
    const reply = cliCommand(t, t.person('req'), 'list scheduled');
    const card = listCard(reply.text, reply.list ?? []);
    const note = 'Showing 40 of 1,952, soonest first: 1,912 more.';
    expect(JSON.stringify(listBlocks(card))).toContain(note);
    expect(JSON.stringify(teamsList(card))).toContain(note);
  });

  it('"mine" counts every open RFC of the person, not the newest 500', () => {
    const text = cliCommand(t, t.person('req'), 'list mine').text;
    expect(text.split('\n').at(-1)).toMatch(/^Showing 40 of 10,000, newest first: 9,960 more\./);
    expect(text.split('\n')[0]).toMatch(/^RFC-10000 /);
  });

  it('refuses to remove a service a single old draft still uses', () => {
    const e = refusal(() => cliCommand(t, t.person('root'), 'admin service remove legacy'));
    expect(e.message).toBe('legacy is used by 1 open RFC (RFC-1); close or cancel them first.');
    expect(cliCommand(t, t.person('root'), 'admin service list').text).toContain('legacy');
  });
});
