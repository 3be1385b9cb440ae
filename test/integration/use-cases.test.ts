/**
 * The use cases called directly with their own inputs (no parser), as an HTTP API will: messages
 * carry no `/rfc` syntax, next steps come as data, and the command layer still says today's text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantRole, listRoles, revokeRole, setCabChannel, showCabChannel } from '../../src/app/admin.js';
import {
  addBlackout,
  addMaintenanceWindow,
  addService,
  listBlackouts,
  listMaintenanceWindows,
  listServices,
  removeBlackout,
  removeMaintenanceWindow,
  removeService,
} from '../../src/app/catalogue.js';
import { progress } from '../../src/app/implementation.js';
import { list, show } from '../../src/app/queries.js';
import { raise, submit } from '../../src/app/rfcs.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { cliCommand, refusal } from '../support/commands.js';

let t: TestApp;
let root: Actor;
let bob: Actor;

const command = (actor: Actor, text: string) => cliCommand(t, actor, text);

beforeEach(() => {
  t = testApp();
  root = t.person('root', 'admin');
  bob = t.person('bob');
});
afterEach(() => t.close());

describe('admin use cases with app inputs', () => {
  it('grant, list and revoke roles', () => {
    expect(grantRole(t.ctx, root, { person: 'cli:carol', role: 'cab' }).message).toBe('Granted cab to cli:carol.');
    expect(grantRole(t.ctx, root, { person: 'cli:carol', role: 'cab' }).message).toBe('cli:carol already has cab.');
    expect(listRoles(t.ctx, root, { person: 'cli:carol' }).message).toBe('cli:carol: cab');
    expect(revokeRole(t.ctx, root, { person: 'cli:carol', role: 'cab' }).message).toBe('Revoked cab from cli:carol.');
    expect(refusal(() => grantRole(t.ctx, bob, { person: 'cli:bob', role: 'admin' })).code).toBe('forbidden');
  });

  it('services: the empty list says what is missing and names the next step as data', () => {
    const empty = listServices(t.ctx, root);
    expect(empty.message).toBe('No services yet.');
    expect(empty.next).toEqual([{ step: 'add-service', because: 'none-yet' }]);
    expect(command(root, 'admin service list').text).toBe('No services yet. Add one with `/rfc admin service add NAME`.');

    const ghost = refusal(() => addService(t.ctx, root, { name: 'api', dependsOn: ['ghost'] }));
    expect(ghost.message).toBe('Unknown service(s) in depends=: ghost.');
    expect(ghost.details).toEqual({ field: 'depends', next: [{ step: 'add-service', because: 'unknown-dependencies' }] });
    expect(refusal(() => command(root, 'admin service add api depends=ghost')).message).toBe(
      'Unknown service(s) in depends=: ghost. Add them first with `/rfc admin service add NAME`.',
    );

    expect(addService(t.ctx, root, { name: 'db', owner: 'cli:dba' }).message).toBe('Added service db.');
    expect(addService(t.ctx, root, { name: 'DB', audience: ['channel:ops'] }).result).toEqual({
      name: 'db',
      owner: 'cli:dba',
      audience: ['channel:ops'],
      dependsOn: [],
    });
    expect(removeService(t.ctx, root, { name: 'db' }).message).toBe('Removed service db.');
  });

  it('maintenance windows and blackouts', () => {
    const w = addMaintenanceWindow(t.ctx, root, { rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22', durationMinutes: 240 });
    expect(w.message).toBe('Added maintenance window #1 (FREQ=WEEKLY;BYDAY=SA;BYHOUR=22, 240 min, UTC, all services).');
    expect(listMaintenanceWindows(t.ctx, root).message).toBe('#1 all services: FREQ=WEEKLY;BYDAY=SA;BYHOUR=22 for 240 min (UTC)');
    expect(removeMaintenanceWindow(t.ctx, root, { id: 1 }).message).toBe('Removed maintenance window #1.');
    expect(refusal(() => removeMaintenanceWindow(t.ctx, root, { id: 1 })).message).toBe('There is no maintenance window #1.');

    const start = new Date('2026-12-20T00:00:00Z');
    const end = new Date('2027-01-04T00:00:00Z');
    expect(addBlackout(t.ctx, root, { start, end, reason: 'freeze' }).result).toMatchObject({ id: 1, start, end, reason: 'freeze' });
    expect(listBlackouts(t.ctx, root).result).toHaveLength(1);
    expect(removeBlackout(t.ctx, root, { id: 1 }).message).toBe('Removed blackout #1.');
    expect(refusal(() => addBlackout(t.ctx, root, { start: end, end: start })).message).toBe('A blackout must end after it starts.');
  });

  it('the CAB channel: set per platform, shown without /rfc', () => {
    expect(setCabChannel(t.ctx, root, { platform: 'slack', channel: 'slack:channel:C9' }).message).toBe('CAB voting cards will be posted to slack:channel:C9.');
    const shown = showCabChannel(t.ctx, root, { platforms: ['slack', 'teams'] });
    expect(shown.message).toBe('CAB channel (slack: slack:channel:C9; teams: not set).');
    expect(command(root, 'admin cab-channel').text).toBe(
      'CAB channel (slack: slack:channel:C9; teams: not set). To set it, run `/rfc admin cab-channel` in the CAB channel.',
    );
  });
});

describe('RFC use cases: messages without /rfc, the command layer with today’s hints', () => {
  beforeEach(() => {
    addService(t.ctx, root, { name: 'db' });
  });

  it('raise', () => {
    const start = new Date('2026-12-05T22:00:00Z');
    const direct = raise(t.ctx, bob, {
      title: 'Patch db01',
      category: 'minor',
      services: ['db'],
      backout: 'restore',
      test: 'smoke',
      start,
      durationMinutes: 60,
    });
    expect(direct.message).toBe('Raised RFC-1 “Patch db01” as a draft.');
    expect(direct.next).toEqual([{ step: 'submit', key: 'RFC-1' }]);
    expect(command(bob, 'new "Patch db02" category=minor services=db backout=restore test=smoke start="2026-12-05 22:00" duration=1h').text).toBe(
      'Raised RFC-2 “Patch db02” as a draft. Submit it with `/rfc submit RFC-2`.',
    );
  });

  it('refusals: an unknown key, a missing title, an incomplete draft', () => {
    const missing = refusal(() => show(t.ctx, bob, 'RFC-9'));
    expect(missing.message).toBe('There is no RFC-9.');
    expect(refusal(() => command(bob, 'show RFC-9')).message).toBe('There is no RFC-9. Check the key with `/rfc list all`.');

    const untitled = refusal(() => raise(t.ctx, bob, {}));
    expect(untitled.message).toBe('An RFC needs a title.');
    expect(untitled.details).toEqual({ field: 'title', next: [{ step: 'give-title' }] });
    const typed = refusal(() => command(bob, 'new category=minor'));
    expect(typed.message).toBe('An RFC needs a title. Example: /rfc new "Patch db01 to 15.4" category=minor');
    expect(typed.details).toEqual({ field: 'title', example: '/rfc new "Patch db01 to 15.4" category=minor' });

    raise(t.ctx, bob, { title: 'Thin' });
    const incomplete = refusal(() => submit(t.ctx, bob, 'RFC-1'));
    expect(incomplete.message).not.toContain('/rfc');
    expect(refusal(() => command(bob, 'submit RFC-1')).message).toMatch(/Add them with `\/rfc edit RFC-1 \.\.\.` and submit again\.$/);
  });

  it('no message of a whole lifecycle names /rfc', () => {
    const mgr = t.person('mgr', 'change-manager');
    const messages = [
      raise(t.ctx, mgr, {
        title: 'Std',
        category: 'standard',
        services: ['db'],
        backout: 'Restore the snapshot',
        test: 'Run the smoke tests',
        start: new Date('2026-12-05T22:00:00Z'),
        durationMinutes: 60,
      }).message,
      submit(t.ctx, mgr, 'RFC-1').message,
      list(t.ctx, bob, 'mine').message,
    ];
    expect(messages).toEqual(['Raised RFC-1 “Std” as a draft.', 'RFC-1 is a standard change and is approved.', 'You have no open RFCs.']);
    expect(command(bob, 'list').text).toBe('You have no open RFCs. Raise one with `/rfc new "Title"`.');
    command(mgr, 'schedule RFC-1');
    t.clock.current = new Date('2026-12-05T22:00:00Z'); // the window opens
    expect(progress(t.ctx, mgr, 'RFC-1', 'start').message).toBe('RFC-1 is now implementing.');
    expect(command(mgr, 'done RFC-1').text).toBe('RFC-1 is implemented. Start its review with `/rfc review RFC-1`.');
  });
});

describe('layering', () => {
  it('src/app and src/domain import nothing from src/commands', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const offenders = ['app', 'domain'].flatMap((dir) => {
      const root = new URL(`../../src/${dir}/`, import.meta.url).pathname;
      return readdirSync(root)
        .filter((f) => f.endsWith('.ts') && /from\s+['"]\.\.\/commands\//.test(readFileSync(root + f, 'utf8')))
        .map((f) => `${dir}/${f}`);
    });
    expect(offenders).toEqual([]);
  });
});
