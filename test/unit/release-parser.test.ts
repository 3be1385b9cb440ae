import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parser.js';
import { COMMAND_HELP, RELEASE_HELP, REGISTRY, releaseTopicHelp } from '../../src/commands/registry.js';
import type { ReleaseCommand } from '../../src/commands/types.js';
import { cli, expectError, slack, teams } from './parser-helpers.js';

/** The release command `text` parses to (it must start with `release` or `/release`). */
const r = (text: string, ctx = slack): ReleaseCommand => {
  const cmd = parseCommand(text, ctx);
  if (cmd.kind !== 'release') throw new Error(`not a release command: ${cmd.kind}`);
  return cmd.command;
};
const SHA = '0123456789abcdef'.repeat(4);

describe('release: the leading word and the key', () => {
  it('release, /release and rfc release select the release verbs; empty is help', () => {
    expect(r('release')).toEqual({ kind: 'release-help' });
    expect(r('/release help wave')).toEqual({ kind: 'release-help', topic: 'wave' });
    expect(r('rfc release show REL-3')).toEqual({ kind: 'release-show', key: 'REL-3' });
    expect(r('RELEASE show rel-3')).toEqual({ kind: 'release-show', key: 'REL-3' });
    expect(parseCommand('new "release notes"', slack)).toEqual({ kind: 'new', fields: { title: 'release notes' } });
  });

  it('REL-3, rel-3, rel3 and 3 mean REL-3; release REL-n shows it', () => {
    for (const k of ['REL-3', 'rel-3', 'rel3', '3', 'REL-003']) expect(r(`release ${k}`)).toEqual({ kind: 'release-show', key: 'REL-3' });
    expect(r('release readiness REL-3')).toEqual({ kind: 'release-readiness', key: 'REL-3' });
    expect(r('release log 7')).toEqual({ kind: 'release-log', key: 'REL-7' });
    expect(r('release go REL-2')).toEqual({ kind: 'release-go', key: 'REL-2' });
    expectError(() => r('release show RFC-3'), 'bad_value', { field: 'release', message: `"RFC-3" isn't a release key. Use REL-3` });
    expectError(() => r('release go'), 'bad_value', { field: 'release', message: 'Missing release key. Example: /release go REL-3' });
    expectError(() => r('release show REL-3 now'), 'bad_command', { message: 'Unexpected "now"' });
  });

  it('unknown verbs and wave actions get a did-you-mean', () => {
    expectError(() => r('release shwo REL-1'), 'bad_command', { message: 'Unknown release command "shwo". Did you mean "show"? Try `/release help`.' });
    expectError(() => r('release singoff REL-1 security'), 'bad_command', { message: 'Did you mean "signoff"?' });
    expectError(() => r('release wave strat REL-1 1'), 'bad_command', { message: 'Unknown wave action "strat". Did you mean "start"?' });
    expectError(() => r('release wave'), 'bad_command', { message: 'Say what to do with the wave: "add", "start", "done", "fail" or "backout".' });
  });
});

describe('release: new, edit, team', () => {
  it('new with a name and every field', () => {
    expect(r('release new "Payroll 2027.1" goal="Year-end tax tables" manager=<@U7|ana> target=2026-12-20 channel=<#C9|payroll>')).toEqual({
      kind: 'release-new',
      fields: {
        name: 'Payroll 2027.1',
        goal: 'Year-end tax tables',
        manager: 'slack:T1/U7',
        targetDate: new Date('2026-12-20T00:00:00Z'),
        slackChannel: 'C9',
      },
    });
    expect(r('release new Payroll tax tables testing=tom', cli)).toEqual({
      kind: 'release-new',
      fields: { name: 'Payroll tax tables', testing: 'cli:tom' },
    });
    expect(r('release new "Mail" channel=C0123ABC')).toEqual({ kind: 'release-new', fields: { name: 'Mail', slackChannel: 'C0123ABC' } });
    expect(r('release new "Mail" channel=here', teams)).toEqual({ kind: 'release-new', fields: { name: 'Mail' }, here: true });
    expect(r('release new "Mail" channel=teams:conversation:19:abc@thread.tacv2', teams)).toEqual({
      kind: 'release-new',
      fields: { name: 'Mail', teamsChannel: '19:abc@thread.tacv2' },
    });
  });

  it('new alone: the form in chat, an error with an example in the terminal', () => {
    expect(r('release new')).toEqual({ kind: 'release-new', fields: {} });
    expect(r('release new', teams)).toEqual({ kind: 'release-new', fields: {} });
    expectError(() => r('release new', cli), 'bad_value', {
      field: 'name',
      message: 'Give the release a name (the form opens only in Slack and Teams). Example: changebot --as alice release new "Payroll 2027.1"',
    });
  });

  it('edit and team are editRelease; none clears', () => {
    expect(r('release edit REL-3 name="Payroll 2027.2" goal=none target=2026-12-27 manager=bob', cli)).toEqual({
      kind: 'release-edit',
      key: 'REL-3',
      fields: { name: 'Payroll 2027.2', goal: null, targetDate: new Date('2026-12-27T00:00:00Z'), manager: 'cli:bob' },
    });
    expect(r('release team REL-3 testing=<@UT> communications=<@UC> training=none')).toEqual({
      kind: 'release-edit',
      key: 'REL-3',
      fields: { testing: 'slack:T1/UT', communications: 'slack:T1/UC', training: null },
    });
    expect(r('release edit REL-3 channel=none')).toEqual({ kind: 'release-edit', key: 'REL-3', fields: { slackChannel: null, teamsChannel: null } });
    expectError(() => r('release edit REL-3'), 'bad_command', { message: 'Say what to change with key=value.' });
    expectError(() => r('release edit REL-3 nmae=x'), 'bad_value', { message: 'Unknown key "nmae" — did you mean "name"?' });
    expectError(() => r('release edit REL-3 channel=here', cli), 'bad_value', { field: 'channel' });
    expectError(() => r('release edit REL-3 channel=payroll'), 'bad_value', { field: 'channel', message: 'type # and pick the channel' });
    expectError(() => r('release team REL-3 testing=Tom', teams), 'bad_value', { field: 'testing', message: '@mention the person' });
  });
});

describe('release: RFCs, plan, phase, package', () => {
  it('add and remove an RFC', () => {
    expect(r('release add REL-3 RFC-12')).toEqual({ kind: 'release-add', key: 'REL-3', rfc: 'RFC-12' });
    expect(r('release add rel-3 #12')).toEqual({ kind: 'release-add', key: 'REL-3', rfc: 'RFC-12' });
    expect(r('release remove REL-3 RFC-12 reason="not ready in time"')).toEqual({
      kind: 'release-remove',
      key: 'REL-3',
      rfc: 'RFC-12',
      reason: 'not ready in time',
    });
    expect(r('release remove REL-3 12 not ready')).toEqual({ kind: 'release-remove', key: 'REL-3', rfc: 'RFC-12', reason: 'not ready' });
    expectError(() => r('release add REL-3'), 'bad_value', { field: 'rfc', message: 'Say which RFC.' });
    expectError(() => r('release add REL-3 PRB-1'), 'bad_value', { field: 'key', message: `"PRB-1" isn't an RFC key` });
  });

  it('plan: the parts given; phase with an optional next', () => {
    expect(r('release plan REL-3 order=db first, then app training="none needed" communications="mail on Friday" backout="restore snapshots"')).toEqual({
      kind: 'release-plan',
      key: 'REL-3',
      deploymentOrder: 'db first, then app',
      training: 'none needed',
      communications: 'mail on Friday',
      backout: 'restore snapshots',
    });
    expectError(() => r('release plan REL-3'), 'bad_command', { message: 'Give a part of the plan' });
    expect(r('release phase REL-3')).toEqual({ kind: 'release-phase', key: 'REL-3' });
    expect(r('release phase REL-3 next')).toEqual({ kind: 'release-phase', key: 'REL-3' });
    expectError(() => r('release phase REL-3 deployment'), 'bad_command', { message: 'Unexpected "deployment"' });
  });

  it('package: an artifact with its checksum and link, removal, procedures', () => {
    expect(r(`release package REL-3 artifact=payroll-app version=2027.1.0 sha256=${SHA.toUpperCase()} link=https://repo.example.com/a.tgz`)).toEqual({
      kind: 'release-package',
      key: 'REL-3',
      artifact: { name: 'payroll-app', version: '2027.1.0', sha256: SHA, link: 'https://repo.example.com/a.tgz' },
    });
    expect(r('release package REL-3 install=run the playbook removal="rpm -e payroll" reason="new step"')).toEqual({
      kind: 'release-package',
      key: 'REL-3',
      install: 'run the playbook',
      removal: 'rpm -e payroll',
      reason: 'new step',
    });
    expect(r('release package REL-3 remove=payroll-app')).toEqual({ kind: 'release-package', key: 'REL-3', removeArtifact: 'payroll-app' });
    expectError(() => r('release package REL-3 artifact=a version=1 sha256=abc'), 'bad_value', {
      field: 'sha256',
      message: 'sha256 must be 64 hexadecimal digits (got 3 characters: "abc")',
    });
    expectError(() => r(`release package REL-3 artifact=a version=1 sha256=${'g'.repeat(64)}`), 'bad_value', { field: 'sha256' });
    expectError(() => r(`release package REL-3 artifact=a version=1 sha256=${SHA} link=ftp://x/a`), 'bad_value', {
      field: 'link',
      message: `link="ftp://x/a" isn't a web address: give an http or https URL.`,
    });
    expectError(() => r(`release package REL-3 artifact=a version=1 sha256=${SHA} link=repo/a.tgz`), 'bad_value', { field: 'link' });
    expectError(() => r(`release package REL-3 artifact=a sha256=${SHA}`), 'bad_value', { field: 'version' });
    expectError(() => r('release package REL-3 artifact=a version=1'), 'bad_value', { field: 'sha256', message: 'SHA-256 checksum' });
    expectError(() => r(`release package REL-3 sha256=${SHA}`), 'bad_value', { field: 'artifact', message: 'sha256 belongs to an artifact' });
    expectError(() => r('release package REL-3'), 'bad_command', { message: 'Say what to change in the package' });
  });
});

describe('release: tests, sign-offs, pilot, readiness, go', () => {
  it('test results and sign-offs', () => {
    expect(r('release test REL-3 "payroll smoke tests" pass')).toEqual({ kind: 'release-test', key: 'REL-3', name: 'payroll smoke tests', passed: true });
    expect(r('release test REL-3 load fail note="p95 over 2s"')).toEqual({
      kind: 'release-test',
      key: 'REL-3',
      name: 'load',
      passed: false,
      note: 'p95 over 2s',
    });
    expectError(() => r('release test REL-3 "load"'), 'bad_value', { field: 'result', message: `Can't read the result "load": use pass or fail.` });
    expectError(() => r('release test REL-3 pass'), 'bad_value', { field: 'name', message: 'Name the test' });
    expect(r('release signoff REL-3 operations note="runbook reviewed"')).toEqual({
      kind: 'release-signoff',
      key: 'REL-3',
      cluster: 'operations',
      note: 'runbook reviewed',
    });
    expect(r('release signoff REL-3 service-level')).toEqual({ kind: 'release-signoff', key: 'REL-3', cluster: 'service-level' });
    expect(r('release signoff REL-3 sla all fine')).toEqual({ kind: 'release-signoff', key: 'REL-3', cluster: 'service-level', note: 'all fine' });
    expectError(() => r('release signoff REL-3 securty'), 'bad_value', { field: 'cluster', message: 'Did you mean "security"?' });
  });

  it('pilot proven or approved', () => {
    expect(r('release pilot REL-3 proven note="restored in test"')).toEqual({ kind: 'release-pilot', key: 'REL-3', what: 'proven', note: 'restored in test' });
    expect(r('release pilot REL-3 approve')).toEqual({ kind: 'release-pilot', key: 'REL-3', what: 'approve' });
    expectError(() => r('release pilot REL-3 aprove'), 'bad_value', { field: 'what', message: `Can't read "aprove". Did you mean "approve"` });
  });

  it('tick an item by id or number, or mark it not applicable', () => {
    expect(r('release tick REL-3 deployment-order')).toEqual({ kind: 'release-tick', key: 'REL-3', item: 'deployment-order' });
    expect(r('release tick REL-3 10 note="backup verified Friday"')).toEqual({
      kind: 'release-tick',
      key: 'REL-3',
      item: 'production-ready',
      note: 'backup verified Friday',
    });
    expect(r('release tick REL-3 training na=no new screens')).toEqual({
      kind: 'release-tick',
      key: 'REL-3',
      item: 'training',
      notApplicable: 'no new screens',
    });
    const err = expectError(() => r('release tick REL-3 12'), 'bad_value', { field: 'item', message: 'There is no readiness item "12".' });
    expect(err.message).toContain(
      'Items: 1 deployment-order, 2 business-alignment, 3 deployment-plans, 4 action-ownership, 5 target-group-issues, 6 plans-signed-off, 7 resources, 8 communications, 9 training, 10 production-ready, 11 related-changes.',
    );
    expectError(() => r('release tick REL-3 traning'), 'bad_value', { message: 'Did you mean "training"?' });
    expectError(() => r('release tick REL-3 training na=yes'), 'bad_value', { field: 'na', message: 'Say why training does not apply' });
  });

  it('nogo needs where to and why', () => {
    expect(r('release nogo REL-3 to=acceptance-testing reason=the load test failed')).toEqual({
      kind: 'release-nogo',
      key: 'REL-3',
      to: 'acceptance_testing',
      reason: 'the load test failed',
    });
    expect(r('release no-go REL-3 to=cancelled reason="replaced"')).toEqual({ kind: 'release-nogo', key: 'REL-3', to: 'cancelled', reason: 'replaced' });
    expectError(() => r('release nogo REL-3 to=building'), 'bad_value', { field: 'reason', message: 'Say why it is no-go' });
    expectError(() => r('release nogo REL-3 reason=x'), 'bad_value', { field: 'to' });
    expectError(() => r('release nogo REL-3 to=deploymnt reason=x'), 'bad_value', {
      field: 'to',
      message: 'Use planning, building, acceptance-testing, suspended or cancelled.',
    });
  });
});

describe('release: waves', () => {
  it('wave add with a window in the typist’s zone', () => {
    expect(r('release wave add REL-3 pilot start="2026-12-12 22:00" duration=2h services=payroll, web audience=<#C5|payroll> outage=30m')).toEqual({
      kind: 'wave-add',
      key: 'REL-3',
      pilot: true,
      start: new Date('2026-12-12T22:00:00Z'),
      durationMinutes: 120,
      services: ['payroll', 'web'],
      audience: 'slack:channel:C5',
      outageMinutes: 30,
    });
    expect(r('release wave add REL-3 start=sat 22:00 end=sun 01:00 reason="clashes with RFC-9" ack=yes')).toEqual({
      kind: 'wave-add',
      key: 'REL-3',
      start: new Date('2026-12-05T22:00:00Z'),
      end: new Date('2026-12-06T01:00:00Z'),
      reason: 'clashes with RFC-9',
      ack: true,
    });
    expectError(() => r('release wave add REL-3 duration=2h'), 'bad_value', { field: 'start' });
    expectError(() => r('release wave add REL-3 start=tomorrow'), 'bad_value', { field: 'duration', message: "Give the wave's end or duration." });
    expectError(() => r('release wave add REL-3 start=tomorrow duration=2h end=+3h'), 'bad_value', {
      field: 'duration',
      message: 'Give end or duration, not both.',
    });
  });

  it('wave start, done, fail and backout by number; backout all is the release', () => {
    expect(r('release wave start REL-3 1')).toEqual({ kind: 'wave-start', key: 'REL-3', wave: 1 });
    expect(r('release wave start REL-3 2 override="vendor moved the window"')).toEqual({
      kind: 'wave-start',
      key: 'REL-3',
      wave: 2,
      override: 'vendor moved the window',
    });
    expect(r('release wave done REL-3 1 note="all green"')).toEqual({ kind: 'wave-finish', key: 'REL-3', outcome: 'successful', wave: 1, note: 'all green' });
    expect(r('release wave fail REL-3 #2 app did not start')).toEqual({
      kind: 'wave-finish',
      key: 'REL-3',
      outcome: 'failed',
      wave: 2,
      note: 'app did not start',
    });
    expect(r('release wave backout REL-3 2')).toEqual({ kind: 'wave-finish', key: 'REL-3', outcome: 'backed_out', wave: 2 });
    expect(r('release wave backout REL-3 all note="totals wrong"')).toEqual({ kind: 'release-backout', key: 'REL-3', reason: 'totals wrong' });
    expect(r('release backout REL-3 totals wrong')).toEqual({ kind: 'release-backout', key: 'REL-3', reason: 'totals wrong' });
    expectError(() => r('release wave start REL-3'), 'bad_value', { field: 'wave', message: 'Say which wave, by its number.' });
    expectError(() => r('release wave done REL-3 first'), 'bad_value', { field: 'wave', message: `"first" isn't a wave number.` });
  });
});

describe('release: review and the ends', () => {
  it('review with a follow-up RFC', () => {
    expect(r('release review REL-3 outcome="one wave backed out" workarounds="manual totals" lessons=test the backout followup="Fix app start-up"')).toEqual({
      kind: 'release-review',
      key: 'REL-3',
      outcome: 'one wave backed out',
      workarounds: 'manual totals',
      lessons: 'test the backout',
      followUp: 'Fix app start-up',
    });
    expect(r('release review REL-3')).toEqual({ kind: 'release-review', key: 'REL-3' });
  });

  it('close, suspend, resume, cancel with an optional reason; list filters', () => {
    expect(r('release close REL-3')).toEqual({ kind: 'release-close', key: 'REL-3' });
    expect(r('release suspend REL-3 waiting for the vendor')).toEqual({ kind: 'release-suspend', key: 'REL-3', reason: 'waiting for the vendor' });
    expect(r('release resume REL-3 reason="vendor fixed it"')).toEqual({ kind: 'release-resume', key: 'REL-3', reason: 'vendor fixed it' });
    expect(r('release cancel REL-3')).toEqual({ kind: 'release-cancel', key: 'REL-3' });
    expect(r('release list')).toEqual({ kind: 'release-list', filter: { which: 'mine' } });
    expect(r('release ls all')).toEqual({ kind: 'release-list', filter: { which: 'all' } });
    expect(r('release list open')).toEqual({ kind: 'release-list', filter: { which: 'open' } });
    expectError(() => r('release list opne'), 'bad_value', { field: 'filter', message: 'Did you mean "open"' });
  });
});

describe('release help', () => {
  it('lists every verb of the issue, each once, with an example', () => {
    const names = REGISTRY.release.filter((v) => v.overview !== 'hidden').map((v) => v.name);
    expect(names).toEqual([
      'help',
      'new',
      'show',
      'list',
      'edit',
      'team',
      'add',
      'remove',
      'plan',
      'phase',
      'package',
      'test',
      'signoff',
      'pilot',
      'readiness',
      'tick',
      'go',
      'nogo',
      'wave add',
      'wave start',
      'wave done',
      'wave fail',
      'wave backout',
      'review',
      'close',
      'suspend',
      'resume',
      'cancel',
      'log',
    ]);
    for (const v of REGISTRY.release) expect(v.example, v.name).toMatch(/^\/release /);
    expect(RELEASE_HELP).toContain('tick REL-n ITEM [note="..."] [na="reason"] — tick a readiness item');
    expect(RELEASE_HELP).toContain('wave start REL-n N [override="..."]');
    expect(COMMAND_HELP).toContain('`/release help`');
  });

  it('help on one verb or the wave group', () => {
    expect(releaseTopicHelp('wave start')).toContain('release wave start REL-n N [override="..."] — start deploying a wave');
    expect(releaseTopicHelp('wave').split('\n\n')).toHaveLength(5);
    expect(releaseTopicHelp('tick')).toContain('1 deployment-order (deployment order to the target group)');
    expectError(() => releaseTopicHelp('tik'), 'bad_command', { message: 'There is no help on "tik". Did you mean "tick"?' });
  });

  it('every example in the help parses (in a terminal, where @ana is cli:ana)', () => {
    for (const v of REGISTRY.release) {
      const cmd = r(v.example, cli);
      expect(cmd.kind, v.example).toBe(v.kind);
    }
  });
});
