/** The verb registry: every verb documented, `/rfc help` unchanged, `help <verb>` and unknown topics. */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/commands/execute.js';
import { COMMAND_HELP, parseCommand } from '../../src/commands/parser.js';
import { REGISTRY, helpOnCommand, topicHelp } from '../../src/commands/registry.js';
import { type TestApp, testApp } from '../support/app.js';
import { slack } from './parser-helpers.js';

/** The `/rfc help` text as it was before the registry, line for line. */
const HELP_BEFORE = [
  '/rfc commands (RFC-12, rfc-12, #12 and 12 all mean RFC-12):',
  'help [topic] — this list. e.g. /rfc help schedule',
  'new ["title"] [key=value ...] — raise an RFC (a draft). e.g. /rfc new "Patch db01" category=minor services=db',
  'show RFC-n — show an RFC. e.g. /rfc show RFC-12',
  'list [mine|pending|scheduled|all] — list RFCs (default mine). e.g. /rfc list pending',
  'edit RFC-n key=value ... — change fields of a draft. e.g. /rfc edit RFC-12 backout="Restore the snapshot"',
  'submit RFC-n — send a draft for approval. e.g. /rfc submit RFC-12',
  'vote RFC-n approve|reject|abstain [comment] — vote as CAB member or change manager. e.g. /rfc vote RFC-12 approve looks good',
  'schedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes] [override="..."] — plan the window. e.g. /rfc schedule RFC-12 start="2026-12-05 22:00" duration=2h',
  'reschedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes] [override="..."] — move the window. e.g. /rfc reschedule RFC-12 start="tomorrow 22:00" duration=2h reason="vendor delay"',
  'start RFC-n [override="..."] — begin implementing (inside its window). e.g. /rfc start RFC-12',
  'done RFC-n — implemented successfully. e.g. /rfc done RFC-12',
  'fail RFC-n [reason="..."] — implementation failed. e.g. /rfc fail RFC-12 reason="disk full"',
  'backout RFC-n [reason="..."] — the change was backed out. e.g. /rfc backout RFC-12 reason="errors after the patch"',
  'review RFC-n [outcome=...] [incident=yes|no] [problem=...] [notes="..."] — post-implementation review (run it again to amend it). e.g. /rfc review RFC-12 outcome=backed-out problem=PRB-12 notes="errors after the patch"',
  'close RFC-n — close after review. e.g. /rfc close RFC-12',
  'cancel RFC-n [reason="..."] — cancel before implementation. e.g. /rfc cancel RFC-12 reason="no longer needed"',
  'withdraw RFC-n [reason="..."] — withdraw your own RFC before approval. e.g. /rfc withdraw RFC-12 reason="duplicate of RFC-11"',
  'clone RFC-n — a new draft from a rejected, closed, withdrawn or cancelled RFC. e.g. /rfc clone RFC-12',
  'log RFC-n — the change log (audit trail). e.g. /rfc log RFC-12',
  'conflicts RFC-n — overlapping changes, dependencies and blackouts. e.g. /rfc conflicts RFC-12',
  'calendar [days=14] [service=NAME] | calendar feeds [rotate [all|mine|service=NAME]] — upcoming changes, maintenance windows and blackouts, and your calendar feed links. e.g. /rfc calendar days=14 service=db',
  'slot service=NAME duration=2h — next free slot in a maintenance window. e.g. /rfc slot service=db duration=2h',
  'web — a personal link that signs you in to the web calendar and RFC pages. e.g. /rfc web',
  'check RFC-n ITEM [note="..."] — tick an item of the pre-implementation checklist. e.g. /rfc check RFC-12 backup-verified note="restored to db02 standby"',
  'uncheck RFC-n ITEM [reason="..."] — take a checklist tick back. e.g. /rfc uncheck RFC-12 lab-test reason="the test ran on the old build"',
  'checklist RFC-n — what must be done before it starts: checklist items and open tasks. e.g. /rfc checklist RFC-12',
  'template add|edit|retire|list|show — standard-change templates anyone raises a pre-approved change from: /rfc new template=add-user "Add 3 users to Sales" start="sat 22:00" duration=1h. e.g. /rfc template list',
  'task add RFC-n team=NAME|person=@x "what" [due=...] | done RFC-n <n> [note="..."] | skip RFC-n <n> reason="..." | list RFC-n — change tasks. e.g. /rfc task add RFC-12 team=network "Open 443 on the edge firewall" due="2026-12-05 20:00"',
  'admin grant|revoke <person> <role> — roles: cab, change-manager, release-manager, admin. e.g. /rfc admin grant @alice cab',
  'admin roles [person] — who holds which role. e.g. /rfc admin roles @alice',
  'admin log [person] — deployment-wide changes: roles, CAB channel, services, windows, policy. e.g. /rfc admin log @alice',
  "admin export from=DAY to=DAY [service=NAME] [rfc=RFC-n] [release=REL-n] [format=csv|json] — the change log of a date range as CSV or JSON, with each row's hash (the CLI writes the file; chat answers with its web link). e.g. /rfc admin export from=2026-12-01 to=2026-12-31 service=db format=csv",
  'admin service add NAME [owner=...] [audience=a,b] [depends=a,b] | remove NAME | list. e.g. /rfc admin service add db owner=@alice audience=#ops depends=storage,network',
  'admin window add [service=NAME] rrule="..." duration=4h | remove <id> | list. e.g. /rfc admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h',
  'admin blackout add start=... end=... [reason="..."] | remove <id> | list. e.g. /rfc admin blackout add start=2026-12-20 end=2027-01-04 reason="year-end freeze"',
  'admin cab-channel [#channel] — show or set the CAB channel. e.g. /rfc admin cab-channel #cab',
  'admin policy show | set KEY VALUE — the approval policy, the same for the bot and the CLI. e.g. /rfc admin policy set CAB_MIN_APPROVALS 2',
  'admin team add NAME members=@a,@b|usergroup=@group|channel=here | remove NAME | members NAME add=@x remove=@y | list. e.g. /rfc admin team add network members=@alice',
  'Keys for new/edit: title, description, justification, category (standard|minor|significant|major), emergency (yes|no), services (a,b), impact, likelihood, urgency (low|medium|high), plan, backout, test, cost, resources, owner, start, end, duration, outage (none|2h), audience, problem.',
  'Releases (approved RFCs deployed together, in waves): `/release help`.',
  'Values with spaces go in quotes: title="Patch db01". Times: 2026-12-05 22:00, tomorrow 22:00, sat 22:00, +2h, or ISO 8601; read in your time zone; a day without a time means 09:00. Durations: 90m, 4h, 1h30m, 2d.',
].join('\n');

describe('the verb registry', () => {
  const verbs = [...REGISTRY.rfc, ...REGISTRY.admin];

  it('groups the verbs by aggregate, with every verb of the command language', () => {
    expect(REGISTRY.rfc.map((v) => v.name)).toEqual([
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
      'web',
      'check',
      'uncheck',
      'checklist',
      'template',
      'task',
      'approve',
      'reject',
      'abstain',
    ]);
    expect(REGISTRY.admin.map((v) => v.name)).toEqual([
      'admin grant',
      'admin revoke',
      'admin roles',
      'admin log',
      'admin export',
      'admin service add',
      'admin service remove',
      'admin service list',
      'admin window add',
      'admin window remove',
      'admin window list',
      'admin blackout add',
      'admin blackout remove',
      'admin blackout list',
      'admin cab-channel',
      'admin policy show',
      'admin policy set',
      'admin team add',
      'admin team remove',
      'admin team members',
      'admin team list',
    ]);
  });

  it('gives every verb a usage, a summary and an example that parses to that verb', () => {
    for (const v of verbs) {
      expect(v.usage.startsWith(`${v.name}`), v.name).toBe(true);
      expect(v.summary.length, v.name).toBeGreaterThan(5);
      expect(v.example.startsWith(`/rfc ${v.name}`), v.name).toBe(true);
      const cmd = parseCommand(v.example.replace('@alice', '<@U1>'), slack);
      expect(cmd.kind === 'admin' ? cmd.command.kind : cmd.kind, v.name).toBe(v.kind);
    }
  });

  it('writes /rfc help exactly as before', () => {
    expect(COMMAND_HELP).toBe(HELP_BEFORE);
  });
});

describe('help <verb>', () => {
  it('prints one verb: usage, arguments, other spellings and its example', () => {
    expect(topicHelp('done')).toBe(
      [
        'done RFC-n — implemented successfully.',
        '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12',
        '  reason="..." — why, for the change log (optional; plain words after the key work too)',
        'Also: complete, implemented.',
        'Example: /rfc done RFC-12',
      ].join('\n'),
    );
    expect(topicHelp('schedule')).toBe(
      [
        'schedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes] [override="..."] — plan the window.',
        '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12',
        '  start=... — when it starts, read in your time zone: 2026-12-05 22:00, tomorrow 22:00, sat 22:00, +2h',
        '  end=... | duration=... — when it ends, or how long it takes: 90m, 4h, 1h30m',
        '  reason="..." — why this window; needed when it conflicts',
        '  ack=yes — a change manager goes ahead despite the listed conflicts',
        '  override="..." — a change manager accepts a window outside the approved one, with this reason',
        'Example: /rfc schedule RFC-12 start="2026-12-05 22:00" duration=2h',
      ].join('\n'),
    );
  });

  it('explains the review outcome, its default, the incident and the problem reference', () => {
    expect(topicHelp('review')).toBe(
      [
        'review RFC-n [outcome=...] [incident=yes|no] [problem=...] [notes="..."] — post-implementation review (run it again to amend it).',
        '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12',
        '  outcome=... — successful, successful-with-issues (or issues), failed or backed-out; by default what was reported: done is successful, fail failed, backout backed-out',
        '  incident=yes|no — whether the change caused an incident (default no)',
        '  problem=... — the problem record, e.g. PRB-12; a failed or backed-out change needs one before its review can be closed',
        '  notes="..." — how it went (plain words after the key work too)',
        'Example: /rfc review RFC-12 outcome=backed-out problem=PRB-12 notes="errors after the patch"',
      ].join('\n'),
    );
  });

  it('prints a group of admin verbs, by name or alias', () => {
    const window = [
      'admin window add [service=NAME] rrule="..." duration=4h — add a recurring maintenance window, in your time zone.',
      '  service=NAME — only for this service (default: all services)',
      '  rrule="..." — when it opens, an RFC 5545 rule like FREQ=WEEKLY;BYDAY=SA;BYHOUR=22',
      '  duration=4h — how long it stays open',
      'Also: new, create.',
      'Example: /rfc admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h',
      '',
      'admin window remove <id> — remove a maintenance window.',
      '  <id> — its number, as listed (3 or #3)',
      'Also: rm, delete, del.',
      'Example: /rfc admin window remove 3',
      '',
      'admin window list — the maintenance windows.',
      'Also: ls.',
      'Example: /rfc admin window list',
    ].join('\n');
    expect(topicHelp('admin window')).toBe(window);
    expect(topicHelp('admin windows')).toBe(window);
    expect(topicHelp('admin service rm')).toBe(
      [
        'admin service remove NAME — remove a service no open RFC or other service uses.',
        '  NAME — the service',
        'Also: rm, delete, del.',
        'Example: /rfc admin service remove db',
      ].join('\n'),
    );
    expect(topicHelp('ls')).toContain('list [mine|pending|scheduled|all] — list RFCs (default mine).');
  });

  it('refuses an unknown topic with the closest one and the list', () => {
    let message = '';
    try {
      topicHelp('sheduel');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'There is no help on "sheduel". Did you mean "schedule"? Topics: help, new, show, list, edit, submit, vote, schedule, ' +
        'reschedule, start, done, fail, backout, review, close, cancel, withdraw, clone, log, conflicts, calendar, slot, web, check, uncheck, checklist, template, task, approve, reject, ' +
        'abstain, admin, admin grant, admin revoke, admin roles, admin log, admin export, admin service, admin window, admin blackout, admin cab-channel, admin policy, admin team.',
    );
  });

  it('reads the verb from a command as typed (the CLI`s --help)', () => {
    expect(helpOnCommand(['rfc', 'submit', 'RFC-1'])).toBe(
      ['submit RFC-n — send a draft for approval.', '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12', 'Example: /rfc submit RFC-12'].join('\n'),
    );
    expect(helpOnCommand([])).toBe(HELP_BEFORE);
  });

  describe('through the command layer', () => {
    let t: TestApp;
    it('`help` is the overview, `help <verb>` that verb, an unknown topic a refusal', () => {
      t = testApp();
      const bob = t.person('bob');
      const run = (text: string) => execute(t.ctx, bob, parseCommand(text, slack), { platform: 'slack' }).text;
      expect(run('help')).toBe(HELP_BEFORE);
      expect(run('help submit')).toBe(
        ['submit RFC-n — send a draft for approval.', '  RFC-n — the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12', 'Example: /rfc submit RFC-12'].join(
          '\n',
        ),
      );
      expect(() => run('help frobnicate')).toThrow('There is no help on "frobnicate".');
      t.close();
    });
  });
});
