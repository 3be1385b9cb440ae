/** The audit trail: edits keep old and new values, `rfc log` reads well, `admin log` shows deployment-wide rows. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploymentLog } from '../../src/app/audit.js';
import { addService } from '../../src/app/catalogue.js';
import { edit, raise } from '../../src/app/rfcs.js';
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import { appendLog, listLog } from '../../src/db/repos/log.js';
import { findPerson } from '../../src/db/repos/people.js';
import { findRfc } from '../../src/db/repos/rfcs.js';
import { rfcSubject } from '../../src/domain/subject.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { cliCommand, refusal } from '../support/commands.js';

let t: TestApp;
let root: Actor;
let bob: Actor;

const command = (actor: Actor, text: string) => cliCommand(t, actor, text).text;

/** The deployment log without its last line, which must be the chain head (checked in chain-*.test.ts). */
function logBody(message: string): string {
  const lines = message.split('\n');
  expect(lines.at(-1)).toMatch(/^Chain head: row \d+, sha256 [0-9a-f]{64}$/);
  return lines.slice(0, -1).join('\n');
}

beforeEach(() => {
  t = testApp();
  root = t.person('root', 'admin');
  bob = t.person('bob');
  addService(t.ctx, root, { name: 'db' });
});
afterEach(() => t.close());

describe('edits in the change log', () => {
  it('stores each changed field with its old and new value, JSON-safe', () => {
    const rfc = raise(t.ctx, bob, { title: 'Patch db01', services: ['db'], backout: 'x' }).result;
    edit(t.ctx, bob, rfc.key, { backout: 'Restore the snapshot', start: new Date('2026-12-05T22:00:00Z'), durationMinutes: 120, emergency: true });
    const row = listLog(t.ctx.database.db, rfcSubject(rfc.key)).find((e) => e.action === 'edit');
    expect(row?.detail).toEqual({
      changes: [
        { field: 'backout', from: 'x', to: 'Restore the snapshot' },
        { field: 'emergency', from: false, to: true },
        { field: 'window', from: null, to: { start: '2026-12-05T22:00:00.000Z', end: '2026-12-06T00:00:00.000Z' } },
      ],
    });
  });
});

describe('rfc log', () => {
  it('prints one readable line per row: edits old → new, votes, state moves, windows, reasons', () => {
    const carol = t.person('carol', 'cab');
    const dave = t.person('dave', 'cab');
    const erin = t.person('erin', 'cab');
    const london = { ...bob, timezone: 'Europe/London' };
    command(bob, 'new "Patch db01" category=significant services=db backout=x test="smoke tests"');
    t.clock.advance(60_000);
    command(bob, 'edit RFC-1 backout="Restore the snapshot" start="2026-12-05 22:00" duration=2h');
    t.clock.advance(60_000);
    command(bob, `edit RFC-1 plan="${'step '.repeat(30).trim()}" start="2026-12-06 21:00"`);
    command(bob, 'submit RFC-1');
    command(carol, 'vote RFC-1 reject');
    command(carol, 'vote RFC-1 approve changed my mind');
    command(dave, 'vote RFC-1 approve');
    command(erin, 'vote RFC-1 approve');
    t.clock.advance(3_600_000);
    command(bob, 'schedule RFC-1');
    command(bob, 'reschedule RFC-1 start="2026-12-06 21:30" duration=1h reason="vendor delay"'); // inside the approved window
    expect(
      execute(t.ctx, london, parseCommand('log RFC-1', { platform: 'cli', workspace: '', timezone: 'Europe/London', now: t.clock.now() }), { platform: 'cli' })
        .text,
    ).toBe(
      [
        'Change log of RFC-1:',
        'Tue 1 Dec 09:00 GMT  cli:bob  raise ∅ → draft',
        'Tue 1 Dec 09:01 GMT  cli:bob  edit backout: “x” → “Restore the snapshot”; window: none → from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 GMT',
        'Tue 1 Dec 09:02 GMT  cli:bob  edit plan: none → “step step step step step step step step step step step step…”; window: from Sat 5 Dec 22:00 to Sun 6 Dec 00:00 GMT → from Sun 6 Dec 21:00 to Sun 6 Dec 23:00 GMT',
        'Tue 1 Dec 09:02 GMT  cli:bob  submit draft → submitted',
        'Tue 1 Dec 09:02 GMT  cli:bob  evaluate submitted → awaiting_approval — evaluation passed',
        'Tue 1 Dec 09:02 GMT  cli:carol  vote reject',
        'Tue 1 Dec 09:02 GMT  cli:carol  vote-changed approve (was reject) — changed my mind',
        'Tue 1 Dec 09:02 GMT  cli:dave  vote approve',
        'Tue 1 Dec 09:02 GMT  cli:erin  vote approve',
        'Tue 1 Dec 09:02 GMT  cli:erin  approve awaiting_approval → approved — approved by the CAB (3–0)',
        'Tue 1 Dec 10:02 GMT  cli:bob  schedule approved → scheduled from Sun 6 Dec 21:00 to Sun 6 Dec 23:00 GMT',
        'Tue 1 Dec 10:02 GMT  cli:bob  reschedule from Sun 6 Dec 21:30 to Sun 6 Dec 22:30 GMT — vendor delay',
      ].join('\n'),
    );
  });
});

describe('admin log', () => {
  it('shows deployment-wide rows, newest last, and only those by or about a person when asked', () => {
    const carol = t.person('carol', 'change-manager');
    t.clock.advance(60_000);
    command(root, 'admin grant dave cab');
    command(root, 'admin cab-channel #cab');
    t.clock.advance(60_000);
    command(root, 'admin revoke dave cab');
    command(carol, 'admin cab-channel #cab-2');
    command(root, 'admin service add web audience=#shop depends=db');
    expect(logBody(command(carol, 'admin log'))).toBe(
      [
        'Deployment change log:',
        'Tue 1 Dec 09:00 UTC  config  policy-seed from the environment or the defaults: 22 settings',
        'Tue 1 Dec 09:00 UTC  cli:root  service-add db',
        'Tue 1 Dec 09:01 UTC  cli:root  grant cab to cli:dave',
        'Tue 1 Dec 09:01 UTC  cli:root  cab-channel cli: channel:cab',
        'Tue 1 Dec 09:02 UTC  cli:root  revoke cab from cli:dave',
        'Tue 1 Dec 09:02 UTC  cli:carol  cab-channel cli: channel:cab-2',
        'Tue 1 Dec 09:02 UTC  cli:root  service-add web (audience channel:shop; depends on db)',
      ].join('\n'),
    );
    expect(logBody(command(root, 'admin log dave'))).toBe(
      [
        'Deployment change log by or about cli:dave:',
        'Tue 1 Dec 09:01 UTC  cli:root  grant cab to cli:dave',
        'Tue 1 Dec 09:02 UTC  cli:root  revoke cab from cli:dave',
      ].join('\n'),
    );
    expect(logBody(command(root, 'admin audit carol'))).toBe(
      ['Deployment change log by or about cli:carol:', 'Tue 1 Dec 09:02 UTC  cli:carol  cab-channel cli: channel:cab-2'].join('\n'),
    );
    expect(command(root, 'admin log erin')).toBe('No deployment-wide changes by or about cli:erin in the change log.');
  });

  it('prints policy changes as key: from → to', () => {
    appendLog(t.ctx.database.db, { subject: null, at: t.clock.now(), actor: 'cli:root', action: 'policy-set', detail: { key: 'quorum', from: 3, to: 4 } });
    expect(logBody(deploymentLog(t.ctx, root, { person: 'cli:root' }).message)).toBe(
      [
        'Deployment change log by or about cli:root:',
        'Tue 1 Dec 09:00 UTC  cli:root  service-add db',
        'Tue 1 Dec 09:00 UTC  cli:root  policy-set quorum: 3 → 4',
      ].join('\n'),
    );
  });

  it('is for admins and change managers only', () => {
    const byBob = refusal(() => command(bob, 'admin log'));
    expect([byBob.code, byBob.message]).toEqual(['forbidden', 'Only an admin or a change manager can read the deployment-wide change log.']);
    const byCab = refusal(() => deploymentLog(t.ctx, t.person('cabby', 'cab')));
    expect([byCab.code, byCab.message]).toEqual(['forbidden', 'Only an admin or a change manager can read the deployment-wide change log.']);
  });
});

describe('the change owner must be a person changebot knows', () => {
  const UNKNOWN =
    'owner="cli:nobody": changebot doesn\'t know that person yet. The owner must have used changebot (in Slack, Teams or the CLI) or hold a role.';

  it('refuses an unknown owner, says how to fix it, and stores nothing', () => {
    const raised = refusal(() => command(bob, 'new "Patch db01" services=db owner=nobody'));
    expect([raised.code, raised.message]).toEqual(['bad_value', `${UNKNOWN} Ask them to run \`/rfc help\` once, or pick someone else.`]);
    expect(raised.details).toEqual({ field: 'owner' });
    expect(command(bob, 'list all')).toBe('No RFCs yet.');

    const rfc = raise(t.ctx, bob, { title: 'Patch db01', services: ['db'] }).result;
    const edited = refusal(() => edit(t.ctx, bob, rfc.key, { owner: 'cli:nobody', backout: 'restore' }));
    expect([edited.code, edited.message]).toEqual(['bad_value', UNKNOWN]);
    expect(edited.details).toEqual({ field: 'owner', next: [{ step: 'introduce', person: 'cli:nobody' }] });
    expect(listLog(t.ctx.database.db, rfcSubject(rfc.key)).map((e) => e.action)).toEqual(['raise']);
    expect(findPerson(t.ctx.database.db, 'cli:nobody')).toBeNull();
    expect(command(bob, `show ${rfc.key}`)).toContain('Owner: cli:bob');
  });

  it('accepts someone who used changebot or holds a role', () => {
    t.person('carol', 'cab');
    command(t.person('dave'), 'help');
    const rfc = raise(t.ctx, bob, { title: 'Patch db01', services: ['db'], owner: 'cli:carol' }).result;
    expect(rfc.owner).toBe('cli:carol');
    expect(edit(t.ctx, bob, rfc.key, { owner: 'cli:dave' }).result.owner).toBe('cli:dave');
  });

  it('takes a Slack mention of a member of the actor’s workspace (Slack vouches) and records the person', () => {
    const ann = t.person('slack:T1/UANN');
    const slack = { platform: 'slack' as const, workspace: 'T1', timezone: 'UTC', now: t.clock.now() };
    const run = (text: string) => execute(t.ctx, ann, parseCommand(text, slack), { platform: 'slack' }).text;
    run('new "Patch db01" services=db owner=<@U5|jo>');
    expect(findPerson(t.ctx.database.db, 'slack:T1/U5')?.id).toBe('slack:T1/U5');
    expect(findRfc(t.ctx.database.db, 'RFC-1')?.owner).toBe('slack:T1/U5');
    const other = refusal(() => edit(t.ctx, ann, 'RFC-1', { owner: 'slack:T9/U5' }));
    expect(other.message).toBe(
      'owner="slack:T9/U5": changebot doesn\'t know that person yet. The owner must have used changebot (in Slack, Teams or the CLI) or hold a role.',
    );
  });
});
