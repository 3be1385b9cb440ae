import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { ChangebotError } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';

let t: TestApp;
let root: Actor;
let bob: Actor;
let mgr: Actor;

function run(actor: Actor, text: string, platform: 'cli' | 'slack' = 'cli') {
  const cmd = parseCommand(text, { platform, workspace: platform === 'slack' ? 'T1' : '', timezone: actor.timezone, now: t.clock.now() });
  return execute(t.ctx, actor, cmd, { platform, channel: platform === 'slack' ? 'C42' : undefined });
}

function refusal(actor: Actor, text: string): ChangebotError {
  try {
    run(actor, text);
  } catch (e) {
    if (e instanceof ChangebotError) return e;
    throw e;
  }
  throw new Error(`expected "${text}" to be refused`);
}

beforeEach(() => {
  t = testApp({ timezone: 'Europe/London' });
  root = t.person('root', 'admin');
  bob = t.person('bob');
  mgr = t.person('mgr', 'change-manager');
  for (const m of ['c1', 'c2', 'c3']) t.person(m, 'cab');
  run(root, 'admin service add db');
  run(root, 'admin service add web depends=db');
});
afterEach(() => t.close());

describe('the command language through the use cases', () => {
  it('opens the form for a bare `new` in chat, and needs a title on the CLI', () => {
    expect(run(bob, 'new', 'slack').openForm).toBe(true);
    expect(refusal(bob, 'new').message).toBe('An RFC needs a title. Example: /rfc new "Patch db01 to 15.4" category=minor');
  });

  it('shows the RFC, its conflicts, the calendar and the next free slot', () => {
    run(bob, 'new "Patch db" category=minor services=db backout=undo start="2026-12-05 22:00" duration=2h');
    run(bob, 'submit RFC-1');
    run(mgr, 'vote RFC-1 approve');
    expect(run(bob, 'schedule RFC-1').text).toBe('Scheduled RFC-1.');
    run(bob, 'new "Deploy web" category=minor services=web backout=undo start="2026-12-05 23:00" duration=1h');
    expect(run(bob, 'show RFC-2').view?.conflicts).toEqual([expect.stringContaining('RFC-1')]);
    expect(run(bob, 'conflicts RFC-2').text).toMatch(/^• .*RFC-1.*\(needs a change manager’s ack\)$/);
    const feed = '(http://localhost:3000/calendar/feeds/[0-9a-f]{64}\\.ics)';
    const links = `\n\nSubscribe in your calendar app \\(personal links: the link is the password, so do not share it\\):\n• all changes: ${feed}\n• your changes, waves and votes due: ${feed}$`;
    const calendarText = run(bob, 'calendar days=7').text;
    expect(calendarText).toMatch(
      new RegExp(`^Saturday 5 December\n  RFC-1 Patch db \\[db\\] from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 GMT \\(scheduled\\)${links}`),
    );
    expect(run(bob, 'slot service=web duration=1h').text).toBe('Next free slot for web: from Tue 1 Dec 09:00 to Tue 1 Dec 10:00 GMT.');
    run(root, 'admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h');
    // The calendar now shows the window (once, with its next opening), and the same links as before.
    const withWindow = run(bob, 'calendar days=14').text;
    expect(withWindow.split('\n').slice(0, 4)).toEqual([
      'Saturday 5 December',
      '  RFC-1 Patch db [db] from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 GMT (scheduled)',
      'Maintenance windows:',
      '  #1 db: FREQ=WEEKLY;BYDAY=SA;BYHOUR=22 for 240 min (Europe/London); next from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 GMT, 2 times in these 14 days',
    ]);
    expect(withWindow.slice(withWindow.indexOf('\n\n'))).toBe(calendarText.slice(calendarText.indexOf('\n\n')));
    expect(run(bob, 'slot service=db duration=3h').text).toBe('Next free slot for db: from Sat 12 Dec 22:00 to Sun 13 Dec 01:00 GMT.');
  });

  it('lists, logs and helps', () => {
    run(bob, 'new "One"');
    expect(run(bob, 'list').text).toMatch(/^RFC-1 {2}Draft/);
    expect(run(bob, 'list pending').text).toBe('No RFCs are waiting for approval.');
    expect(run(bob, 'log RFC-1').text).toMatch(/cli:bob {2}raise ∅ → draft$/m);
    expect(run(bob, 'help').text).toContain('submit');
  });

  it('sets the CAB channel where the command is typed', () => {
    expect(run(root, 'admin cab-channel', 'slack').text).toBe('CAB voting cards will be posted to C42.');
    expect(run(root, 'admin cab-channel').text).toBe('CAB channel (slack: C42; teams: not set). To set it, run `/rfc admin cab-channel` in the CAB channel.');
    expect(refusal(bob, 'admin cab-channel #cab').code).toBe('forbidden');
  });

  it('names what is wrong for bad input and changes nothing', () => {
    expect(refusal(bob, 'new "x" services=nosuch').message).toBe('Unknown service "nosuch". Known services: db, web.');
    expect(refusal(bob, 'show RFC-9').message).toBe('There is no RFC-9. Check the key with `/rfc list all`.');
    expect(refusal(root, 'admin window add rrule="FREQ=HOURLY;BYHOUR=99" duration=1h').code).toBe('bad_value');
    expect(run(bob, 'list all').text).toBe('No RFCs yet.');
  });
});
