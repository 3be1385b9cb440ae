import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, parseCommand } from '../../src/commands/parser.js';
import { cli, expectError, slack, teams } from './parser-helpers.js';

const p = (text: string, ctx = slack) => parseCommand(text, ctx);

describe('parseCommand: every command form', () => {
  it('help, with and without topic and with the leading rfc word', () => {
    expect(p('')).toEqual({ kind: 'help' });
    expect(p('help')).toEqual({ kind: 'help' });
    expect(p('/rfc')).toEqual({ kind: 'help' });
    expect(p('rfc help schedule')).toEqual({ kind: 'help', topic: 'schedule' });
    expect(p('/rfc HELP Admin Window')).toEqual({ kind: 'help', topic: 'admin window' });
  });

  it('new with a quoted or unquoted title and fields', () => {
    expect(p('new "Patch db01" category=minor services=db')).toEqual({
      kind: 'new',
      fields: { title: 'Patch db01', category: 'minor', services: ['db'] },
    });
    expect(p('new Patch db01 tonight impact=high')).toEqual({
      kind: 'new',
      fields: { title: 'Patch db01 tonight', impact: 'high' },
    });
    expect(p('new')).toEqual({ kind: 'new', fields: {} });
    expect(p('new title="From key"')).toEqual({ kind: 'new', fields: { title: 'From key' } });
  });

  it('new with every key', () => {
    const cmd = p(
      'new "Upgrade mail" description="Move to v2" justification="EOL" category=major emergency=yes ' +
        'services=mail, web impact=high likelihood=low urgency=medium plan="run playbook" backout="restore snapshot" ' +
        'test="smoke tests" cost="2 days" owner=<@U7|ann> start="2026-12-05 22:00" duration=4h outage=30m ' +
        'audience="all EU users" problem=PRB-9',
    );
    expect(cmd).toEqual({
      kind: 'new',
      fields: {
        title: 'Upgrade mail',
        description: 'Move to v2',
        justification: 'EOL',
        category: 'major',
        emergency: true,
        services: ['mail', 'web'],
        impact: 'high',
        likelihood: 'low',
        urgency: 'medium',
        plan: 'run playbook',
        backout: 'restore snapshot',
        test: 'smoke tests',
        cost: '2 days',
        owner: 'slack:T1/U7',
        start: new Date('2026-12-05T22:00:00Z'),
        durationMinutes: 240,
        outageMinutes: 30,
        audience: 'all EU users',
        problem: 'PRB-9',
      },
    });
  });

  it('new accepts key aliases, outage=none and an end', () => {
    expect(p('new x desc=d why=w service=db backout-plan=b test_plan=t impl=i emergency=false outage=none end="2026-12-06 01:00"')).toEqual({
      kind: 'new',
      fields: {
        title: 'x',
        description: 'd',
        justification: 'w',
        services: ['db'],
        backout: 'b',
        test: 't',
        plan: 'i',
        emergency: false,
        outageMinutes: 0,
        end: new Date('2026-12-06T01:00:00Z'),
      },
    });
  });

  it('a free-text value swallows the bare words after it', () => {
    expect(p('new title=Patch db01 now category=minor')).toEqual({
      kind: 'new',
      fields: { title: 'Patch db01 now', category: 'minor' },
    });
  });

  it('show and other key-only commands normalise RFC keys', () => {
    for (const key of ['RFC-12', 'rfc-12', '12', '#12', 'RFC12', 'rfc-012']) {
      expect(p(`show ${key}`)).toEqual({ kind: 'show', key: 'RFC-12' });
    }
    expect(p('RFC-3')).toEqual({ kind: 'show', key: 'RFC-3' });
    expect(p('submit RFC-12')).toEqual({ kind: 'submit', key: 'RFC-12' });
    expect(p('log 4')).toEqual({ kind: 'log', key: 'RFC-4' });
    expect(p('conflicts #5')).toEqual({ kind: 'conflicts', key: 'RFC-5' });
  });

  it('list with each filter, mine by default', () => {
    expect(p('list')).toEqual({ kind: 'list', filter: 'mine' });
    for (const f of ['mine', 'pending', 'scheduled', 'all'] as const) {
      expect(p(`list ${f}`)).toEqual({ kind: 'list', filter: f });
    }
    expect(p('ls ALL')).toEqual({ kind: 'list', filter: 'all' });
  });

  it('edit', () => {
    expect(p('edit RFC-12 backout="Restore the snapshot" urgency=high')).toEqual({
      kind: 'edit',
      key: 'RFC-12',
      fields: { backout: 'Restore the snapshot', urgency: 'high' },
    });
  });

  it('vote in both orders, with a comment, and the approve/reject shortcuts', () => {
    expect(p('vote RFC-12 approve')).toEqual({ kind: 'vote', key: 'RFC-12', choice: 'approve' });
    expect(p('vote reject RFC-12 needs a test plan')).toEqual({
      kind: 'vote',
      key: 'RFC-12',
      choice: 'reject',
      comment: 'needs a test plan',
    });
    expect(p('vote 12 abstain "not my area"')).toEqual({
      kind: 'vote',
      key: 'RFC-12',
      choice: 'abstain',
      comment: 'not my area',
    });
    expect(p('vote 3 approve ok, test=done')).toEqual({
      kind: 'vote',
      key: 'RFC-3',
      choice: 'approve',
      comment: 'ok, test=done',
    });
    expect(p('approve RFC-9 lgtm')).toEqual({ kind: 'vote', key: 'RFC-9', choice: 'approve', comment: 'lgtm' });
  });

  it('schedule and reschedule', () => {
    expect(p('schedule RFC-12 start="2026-12-05 22:00" end="2026-12-06 02:00"')).toEqual({
      kind: 'schedule',
      key: 'RFC-12',
      start: new Date('2026-12-05T22:00:00Z'),
      end: new Date('2026-12-06T02:00:00Z'),
    });
    expect(p('schedule 12 start=2026-12-05 22:00 duration=2h reason=vendor window ack')).toEqual({
      kind: 'schedule',
      key: 'RFC-12',
      start: new Date('2026-12-05T22:00:00Z'),
      durationMinutes: 120,
      reason: 'vendor window',
      ack: true,
    });
    expect(p('reschedule RFC-1 start="tomorrow 22:00" duration=90m reason="vendor delay" ack=yes')).toEqual({
      kind: 'reschedule',
      key: 'RFC-1',
      start: new Date('2026-12-04T22:00:00Z'),
      durationMinutes: 90,
      reason: 'vendor delay',
      ack: true,
    });
    expect(p('reschedule RFC-1 duration=3h')).toEqual({ kind: 'reschedule', key: 'RFC-1', durationMinutes: 180 });
  });

  it('lifecycle verbs with and without a reason', () => {
    for (const verb of ['start', 'done', 'fail', 'backout', 'close', 'cancel', 'withdraw'] as const) {
      expect(p(`${verb} RFC-2`)).toEqual({ kind: verb, key: 'RFC-2' });
      expect(p(`${verb} RFC-2 reason="disk full"`)).toEqual({ kind: verb, key: 'RFC-2', reason: 'disk full' });
      expect(p(`${verb} 2 no longer needed`)).toEqual({ kind: verb, key: 'RFC-2', reason: 'no longer needed' });
    }
    expect(p('review RFC-4')).toEqual({ kind: 'review', key: 'RFC-4' });
    expect(p('review RFC-4 notes="went to plan"')).toEqual({ kind: 'review', key: 'RFC-4', notes: 'went to plan' });
  });

  it('clone: a key and nothing else', () => {
    expect(p('clone RFC-7')).toEqual({ kind: 'clone', key: 'RFC-7' });
    expect(p('copy #7')).toEqual({ kind: 'clone', key: 'RFC-7' });
    expect(expectError(() => p('clone'), 'bad_value', { field: 'key' }).message).toBe('Missing RFC key. Example: /rfc clone RFC-12');
    expect(expectError(() => p('clone RFC-7 now'), 'bad_command').message).toBe(
      'Unexpected "now". Put values with spaces in quotes, like reason="two words". Example: /rfc clone RFC-12',
    );
  });

  it('review: outcome, incident, problem and notes', () => {
    expect(p('review RFC-7 outcome=failed incident=yes problem=PRB-12 notes="disk full"')).toEqual({
      kind: 'review',
      key: 'RFC-7',
      outcome: 'failed',
      causedIncident: true,
      problem: 'PRB-12',
      notes: 'disk full',
    });
    expect(p('review 7 outcome=issues incident=no slow but fine')).toEqual({
      kind: 'review',
      key: 'RFC-7',
      outcome: 'successful-with-issues',
      causedIncident: false,
      notes: 'slow but fine',
    });
    const outcomeOf = (word: string) => (p(`review RFC-7 outcome=${word}`) as { outcome?: string }).outcome;
    expect(outcomeOf('successful')).toBe('successful');
    expect(outcomeOf('Successful-With-Issues')).toBe('successful-with-issues');
    expect(outcomeOf('with-issues')).toBe('successful-with-issues');
    expect(outcomeOf('"successful with issues"')).toBe('successful-with-issues');
    expect(outcomeOf('backed_out')).toBe('backed-out');
    expect(outcomeOf('backed-out')).toBe('backed-out');
    expect(p('review RFC-7 problem=PRB-12')).toEqual({ kind: 'review', key: 'RFC-7', problem: 'PRB-12' });
  });

  it('review: refuses an outcome or incident it cannot read', () => {
    expect(expectError(() => p('review RFC-7 outcome=faild'), 'bad_value', { field: 'outcome' }).message).toBe(
      'Can\'t read outcome="faild". Did you mean "failed"? Use successful, successful-with-issues, failed or backed-out. Example: /rfc review RFC-12 outcome=backed-out problem=PRB-12 notes="errors after the patch"',
    );
    expect(expectError(() => p('review RFC-7 incident=maybe'), 'bad_value', { field: 'incident' }).message).toBe(
      'Can\'t read incident="maybe". Use yes or no. Example: /rfc review RFC-12 outcome=backed-out problem=PRB-12 notes="errors after the patch"',
    );
  });

  it('calendar and slot', () => {
    expect(p('calendar')).toEqual({ kind: 'calendar', days: 14 });
    expect(p('calendar days=7 service=db')).toEqual({ kind: 'calendar', days: 7, service: 'db' });
    expect(p('slot service=db duration=2h')).toEqual({ kind: 'slot', service: 'db', durationMinutes: 120 });
    expect(p('slot db duration=1h30m')).toEqual({ kind: 'slot', service: 'db', durationMinutes: 90 });
  });

  it('calendar feeds: the links, and rotating one or every feed', () => {
    expect(p('calendar feeds')).toEqual({ kind: 'calendar', feeds: 'list' });
    expect(p('cal feed')).toEqual({ kind: 'calendar', feeds: 'list' });
    expect(p('calendar feeds rotate')).toEqual({ kind: 'calendar', feeds: 'rotate' });
    expect(p('calendar feeds rotate all')).toEqual({ kind: 'calendar', feeds: 'rotate', which: { feed: 'all' } });
    expect(p('calendar feeds rotate Mine')).toEqual({ kind: 'calendar', feeds: 'rotate', which: { feed: 'mine' } });
    expect(p('calendar feeds rotate service=db')).toEqual({ kind: 'calendar', feeds: 'rotate', which: { service: 'db' } });
    // A service called "feeds" is still reachable by key.
    expect(p('calendar service=feeds')).toEqual({ kind: 'calendar', days: 14, service: 'feeds' });
  });

  it('calendar feeds: bad input says what was wrong, with an example', () => {
    expect(expectError(() => p('calendar feeds show'), 'bad_command').message).toBe(
      '`calendar feeds` lists your feed links, and `calendar feeds rotate` replaces them; "show" is neither. Examples: /rfc calendar feeds, /rfc calendar feeds rotate mine',
    );
    expect(expectError(() => p('calendar feeds rotat'), 'bad_command').message).toContain('Did you mean "rotate"?');
    expect(expectError(() => p('calendar feeds rotate mien'), 'bad_value', { field: 'feed' }).message).toBe(
      'There is no feed "mien". Rotate all, mine or service=NAME, or nothing after rotate for every feed. Did you mean "mine"? Example: /rfc calendar feeds rotate mine',
    );
    expect(expectError(() => p('calendar feeds rotate all mine'), 'bad_command').message).toContain('Unexpected "mine"');
    expect(expectError(() => p('calendar feeds rotate mine service=db'), 'bad_command').message).toContain('Unexpected "mine"');
    expect(expectError(() => p('calendar feeds rotate service='), 'bad_value', { field: 'service' }).message).toContain('like service=db');
    expect(expectError(() => p('calendar feeds rotate days=3'), 'bad_value', { field: 'days' }).message).toContain('Unknown key "days"');
  });

  it('admin roles', () => {
    const admin = (text: string, ctx = slack) => {
      const cmd = parseCommand(text, ctx);
      expect(cmd.kind).toBe('admin');
      return cmd.kind === 'admin' ? cmd.command : undefined;
    };
    expect(admin('admin grant <@U1|Jo Smith> cab')).toEqual({ kind: 'grant', person: 'slack:T1/U1', role: 'cab' });
    expect(admin('admin grant change_manager <@U1>')).toEqual({ kind: 'grant', person: 'slack:T1/U1', role: 'change-manager' });
    expect(admin('admin revoke bob release-manager', cli)).toEqual({ kind: 'revoke', person: 'cli:bob', role: 'release-manager' });
    expect(admin('admin grant teams:aad-1 admin', teams)).toEqual({ kind: 'grant', person: 'teams:aad-1', role: 'admin' });
    expect(admin('admin roles')).toEqual({ kind: 'roles' });
    expect(admin('admin roles @bob', cli)).toEqual({ kind: 'roles', person: 'cli:bob' });
  });

  it('admin services, windows, blackouts and the CAB channel', () => {
    const admin = (text: string) => {
      const cmd = parseCommand(text, slack);
      return cmd.kind === 'admin' ? cmd.command : cmd;
    };
    expect(admin('admin service add db owner=<@U1> audience=<#C1|ops>,<!subteam^S1|@dbas> depends=storage,network')).toEqual({
      kind: 'service-add',
      name: 'db',
      owner: 'slack:T1/U1',
      audience: ['slack:channel:C1', 'slack:usergroup:S1'],
      dependsOn: ['storage', 'network'],
    });
    expect(admin('admin service add web')).toEqual({ kind: 'service-add', name: 'web' });
    expect(admin('admin service remove db')).toEqual({ kind: 'service-remove', name: 'db' });
    expect(admin('admin service list')).toEqual({ kind: 'service-list' });
    expect(admin('admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h')).toEqual({
      kind: 'window-add',
      service: 'db',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=22',
      durationMinutes: 240,
    });
    expect(admin('admin window add rrule=FREQ=DAILY;BYHOUR=2 duration=1h')).toEqual({
      kind: 'window-add',
      rrule: 'FREQ=DAILY;BYHOUR=2',
      durationMinutes: 60,
    });
    expect(admin('admin window remove 3')).toEqual({ kind: 'window-remove', id: 3 });
    expect(admin('admin window list')).toEqual({ kind: 'window-list' });
    expect(admin('admin blackout add start=2026-12-20 end=2027-01-04 reason="year-end freeze"')).toEqual({
      kind: 'blackout-add',
      start: new Date('2026-12-20T00:00:00Z'),
      end: new Date('2027-01-04T00:00:00Z'),
      reason: 'year-end freeze',
    });
    expect(admin('admin blackout remove #2')).toEqual({ kind: 'blackout-remove', id: 2 });
    expect(admin('admin blackout list')).toEqual({ kind: 'blackout-list' });
    expect(admin('admin cab-channel')).toEqual({ kind: 'cab-channel' });
    expect(admin('admin cab-channel <#C9|cab>')).toEqual({ kind: 'cab-channel', channel: 'slack:channel:C9' });
    expect(admin('admin cab-channel #cab')).toEqual({ kind: 'cab-channel', channel: 'channel:cab' });
  });
});

describe('parseCommand: errors', () => {
  it('unknown verb suggests the closest command', () => {
    const e = expectError(() => p('sumbit RFC-12'), 'bad_command');
    expect(e.message).toBe('Unknown command "sumbit". Did you mean "submit"? Try `/rfc help`.');
    expectError(() => p('frobnicate'), 'bad_command', { message: 'Try `/rfc help`' });
    expectError(() => p('title=x'), 'bad_command');
    expectError(() => p('admin sevice list'), 'bad_command', { message: 'Did you mean "service"?' });
  });

  it('unknown key suggests the closest key and shows an example', () => {
    const e = expectError(() => p('new "Patch db01" titel=x'), 'bad_value', { field: 'titel' });
    expect(e.message).toBe('Unknown key "titel" — did you mean "title"? Example: /rfc new "Patch db01" category=minor services=db');
    expect(e.details.example).toBe('/rfc new "Patch db01" category=minor services=db');
    expectError(() => p('schedule RFC-1 strat=tomorrow'), 'bad_value', { message: 'did you mean "start"?' });
  });

  it('bad date names the key and shows the accepted forms', () => {
    const e = expectError(() => p('schedule RFC-1 start="next blursday"'), 'bad_value', { field: 'start' });
    expect(e.message).toBe('Can\'t read start="next blursday". Use 2026-12-05 22:00, tomorrow 22:00 or an ISO 8601 time.');
  });

  it('missing or malformed RFC key', () => {
    const e = expectError(() => p('submit'), 'bad_value', { field: 'key' });
    expect(e.message).toBe('Missing RFC key. Example: /rfc submit RFC-12');
    expectError(() => p('show foo'), 'bad_value', { field: 'key', message: "isn't an RFC key" });
    expectError(() => p('edit category=minor'), 'bad_value', { field: 'key' });
    expectError(() => p('show RFC-0'), 'bad_value', { field: 'key' });
  });

  it('bad level, category, duration, boolean, role, list filter, vote choice', () => {
    expectError(() => p('edit 1 impact=hgh'), 'bad_value', { field: 'impact', message: 'Did you mean "high"?' });
    expectError(() => p('edit 1 category=huge'), 'bad_value', { field: 'category', message: 'standard, minor, significant or major' });
    expectError(() => p('edit 1 duration=forever'), 'bad_value', { field: 'duration' });
    expectError(() => p('edit 1 emergency=maybe'), 'bad_value', { field: 'emergency' });
    expectError(() => p('admin grant <@U1> boss'), 'bad_value', { field: 'role' });
    expectError(() => p('list mien'), 'bad_value', { field: 'filter', message: 'Did you mean "mine"?' });
    expectError(() => p('vote RFC-1 aprove'), 'bad_value', { field: 'choice', message: 'Did you mean "approve"?' });
    expectError(() => p('vote RFC-1'), 'bad_value', { field: 'choice' });
    expectError(() => p('admin window add rrule=WEEKLY duration=1h'), 'bad_value', { field: 'rrule' });
    expectError(() => p('calendar days=0'), 'bad_value', { field: 'days' });
  });

  it('unterminated quote', () => {
    expectError(() => p('new "Patch db01 category=minor'), 'bad_command', { message: 'Unterminated quote' });
    const e = expectError(() => p('edit 1 plan=“run it'), 'bad_command', { message: 'plan=' });
    expect(e.details.field).toBe('plan');
  });

  it('end before start, end with duration, nothing to reschedule', () => {
    expectError(() => p('schedule RFC-1 start="2026-12-05 22:00" end="2026-12-05 21:00"'), 'bad_value', { field: 'end' });
    expectError(() => p('new x start=2026-12-05 22:00 end=2026-12-05 22:00'), 'bad_value', { field: 'end' });
    expectError(() => p('schedule RFC-1 start=tomorrow end=tomorrow 10:00 duration=1h'), 'bad_value', { field: 'duration' });
    expectError(() => p('reschedule RFC-1'), 'bad_value', { field: 'start' });
    // schedule alone (or with only a duration) keeps the window planned on the RFC
    expect(p('schedule RFC-1')).toEqual({ kind: 'schedule', key: 'RFC-1' });
    expect(p('schedule RFC-1 duration=1h')).toEqual({ kind: 'schedule', key: 'RFC-1', durationMinutes: 60 });
    expectError(() => p('admin blackout add start=2026-12-20'), 'bad_value', { field: 'end' });
  });

  it('inherited property names are not commands or values', () => {
    const cases: [string, 'bad_command' | 'bad_value'][] = [
      ['__proto__', 'bad_command'],
      ['constructor', 'bad_command'],
      ['toString', 'bad_command'],
      ['admin __proto__', 'bad_command'],
      ['admin service __proto__', 'bad_command'],
      ['vote 1 constructor', 'bad_value'],
      ['list __proto__', 'bad_value'],
      ['admin grant <@U1> constructor', 'bad_value'],
      ['edit 1 impact=__proto__', 'bad_value'],
      ['schedule 1 start="constructor 10:00"', 'bad_value'],
      ['edit 1 duration=1constructor', 'bad_value'],
      ['edit 1 __proto__=x', 'bad_command'],
      ['edit 1 constructor=x', 'bad_value'],
    ];
    for (const [text, code] of cases) expectError(() => p(text), code);
  });

  it('structure: duplicate keys, stray words, empty edit', () => {
    expectError(() => p('new "a" title=b'), 'bad_value', { field: 'title' });
    expectError(() => p('edit 1 impact=low impact=high'), 'bad_value', { field: 'impact' });
    expectError(() => p('submit RFC-1 RFC-2'), 'bad_command', { message: 'Unexpected "RFC-2"' });
    expectError(() => p('new x category=minor stray'), 'bad_command', { message: 'Unexpected "stray"' });
    expectError(() => p('edit RFC-1'), 'bad_command');
    expectError(() => p('submit RFC-1 reason=x'), 'bad_value', { field: 'reason' });
    expectError(() => p('x'.repeat(30_000)), 'bad_command', { message: 'too long' });
  });
});

describe('quoting', () => {
  it('straight, single and smart quotes, spaces and escapes', () => {
    const title = (text: string) => {
      const cmd = p(text);
      return cmd.kind === 'new' ? cmd.fields.title : undefined;
    };
    expect(title('new "two  spaces"')).toBe('two  spaces');
    expect(title("new 'single quoted'")).toBe('single quoted');
    expect(title('new “smart double”')).toBe('smart double');
    expect(title('new ‘smart single’')).toBe('smart single');
    expect(title('new title=“Patch db01” category=minor')).toBe('Patch db01');
    expect(title('new title=‘Don’t panic’')).toBe('Don’t panic');
    expect(title("new title='it's fine'")).toBe("it's fine");
    expect(title('new title="say \\"hi\\""')).toBe('say "hi"');
    expect(title("new don't panic")).toBe("don't panic");
    expect(title('new\u00a0"nbsp\u00a0title"\u00a0impact=low')).toBe('nbsp\u00a0title');
  });

  it('Slack entities are decoded on Slack only', () => {
    const cmd = p('new "R&amp;D &lt;db&gt;"');
    expect(cmd.kind === 'new' && cmd.fields.title).toBe('R&D <db>');
    const raw = parseCommand('new "R&amp;D"', cli);
    expect(raw.kind === 'new' && raw.fields.title).toBe('R&amp;D');
  });
});

describe('COMMAND_HELP', () => {
  it('has one line with an example for every command', () => {
    const verbs = [
      'help',
      'new',
      'show',
      'list',
      'edit',
      'submit',
      'vote',
      'schedule',
      'reschedule',
      'start',
      'done',
      'fail',
      'backout',
      'review',
      'close',
      'cancel',
      'withdraw',
      'clone',
      'log',
      'conflicts',
      'calendar',
      'slot',
      'admin grant|revoke',
      'admin roles',
      'admin service',
      'admin window',
      'admin blackout',
      'admin cab-channel',
    ];
    const lines = COMMAND_HELP.split('\n');
    for (const verb of verbs) {
      const line = lines.find((l) => l.startsWith(`${verb} `));
      expect(line, verb).toBeDefined();
      expect(line).toContain(`e.g. /rfc ${verb.split('|')[0]}`);
    }
  });

  it('every example in the help parses', () => {
    const examples = COMMAND_HELP.split('\n').flatMap((l) => (l.includes('e.g. /rfc ') ? [l.split('e.g. /rfc ')[1]!] : []));
    expect(examples.length).toBeGreaterThan(20);
    for (const ex of examples) {
      expect(typeof parseCommand(ex.replace('@alice', '<@U1>'), slack).kind).toBe('string');
    }
  });
});
