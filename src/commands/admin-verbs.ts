/** The `admin` verbs, in the order of the `/rfc help` overview. */
import { grantRole, listRoles, revokeRole, setCabChannel, showCabChannel } from '../app/admin.js';
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
} from '../app/catalogue.js';
import { changeLogExport, deploymentLog, headLine } from '../app/audit.js';
import type { Outcome } from '../app/context.js';
import { setPolicy, showPolicy } from '../app/policy.js';
import {
  parseAdminList,
  parseAdminLog,
  parseBlackoutAdd,
  exportPath,
  parseCabChannel,
  parseExport,
  parseGrant,
  parseIdRemove,
  parsePolicySet,
  parseRoles,
  parseServiceAdd,
  parseServiceRemove,
  parseWindowAdd,
} from './admin.js';
import { EXAMPLES } from './help.js';
import { addTeam, changeMembers, listTeams, removeTeam } from '../app/teams.js';
import { ChangebotError } from '../domain/errors.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { resolvePerson, splitList } from './people.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, ParseContext } from './types.js';
import { badValue, clip } from './util.js';
import { type Reply, outcomeText } from './replies.js';
import { type AdminVerb, adminVerb } from './verb.js';

const reply = (o: Outcome<unknown>): Reply => ({ text: outcomeText(o), outcome: o });
const ROLE_NAMES = 'cab, change-manager, release-manager, admin';
const PERSON = ['<person>', 'a mention (@alice), a platform id (slack:T/U, teams:...) or, on the CLI, a name'] as const;
const ROLE = ['<role>', ROLE_NAMES] as const;
const ID = ['<id>', 'its number, as listed (3 or #3)'] as const;

type TeamOf<K extends AdminCommand['kind']> = Extract<AdminCommand, { kind: K }>;
const SLACK_USERGROUP = /^<!subteam\^([A-Za-z0-9]+)(?:\|[^<>]*)?>$/;

function teamName(token: Token | undefined, example: string): string {
  if (!token || token.key !== undefined || !token.value.trim()) return badValue('name', `Missing the team's name. Example: ${example}`, example);
  return token.value.trim();
}

function people(list: string, ctx: ParseContext, field: string): string[] {
  return [...new Set(splitList(list).map((p) => resolvePerson(p, ctx, field)))];
}

/** A Slack user group as typed: picked from the @ list (`<!subteam^S123|@net>`) or its id, S123. */
export function parseUsergroup(text: string, example: string): string {
  const s = text.trim();
  const m = SLACK_USERGROUP.exec(s);
  if (m) return m[1]!.toUpperCase();
  if (/^S[A-Z0-9]{2,}$/i.test(s)) return s.toUpperCase();
  return badValue(
    'usergroup',
    `Can't read the user group "${clip(s, 30)}": type @ and pick the Slack user group from the list, or give its id (S0123). Example: ${example}`,
    example,
  );
}

export function parseTeamAdd(rest: Token[], ctx: ParseContext): TeamOf<'team-add'> {
  const example = EXAMPLES['admin team add'];
  const a = collectArgs(rest, {
    keys: ['members', 'usergroup', 'channel'],
    aliases: { member: 'members', people: 'members', group: 'usergroup', subteam: 'usergroup' },
    example,
  });
  noExtraPositionals(a, 1, example);
  const cmd: TeamOf<'team-add'> = { kind: 'team-add', name: teamName(a.positionals[0]?.token, example) };
  const members = a.pairs.get('members');
  if (members) cmd.members = people(members.value, ctx, 'members');
  const group = a.pairs.get('usergroup');
  if (group) cmd.usergroup = parseUsergroup(group.value, '/rfc admin team add network usergroup=@network-team');
  const channel = a.pairs.get('channel');
  if (channel) {
    if (channel.value.trim().toLowerCase() !== 'here')
      badValue('channel', 'Type channel=here in the Teams channel the team works in. Example: /rfc admin team add network channel=here', 'channel=here');
    cmd.here = true;
  }
  return cmd;
}

export function parseTeamMembers(rest: Token[], ctx: ParseContext): TeamOf<'team-members'> {
  const example = EXAMPLES['admin team members'];
  const a = collectArgs(rest, { keys: ['add', 'remove'], aliases: { rm: 'remove', del: 'remove', delete: 'remove' }, example });
  noExtraPositionals(a, 1, example);
  const add = a.pairs.get('add');
  const remove = a.pairs.get('remove');
  return {
    kind: 'team-members',
    name: teamName(a.positionals[0]?.token, example),
    add: add ? people(add.value, ctx, 'add') : [],
    remove: remove ? people(remove.value, ctx, 'remove') : [],
  };
}

const TEAM_VERBS: readonly AdminVerb[] = [
  adminVerb({
    aggregate: 'admin',
    kind: 'team-add',
    name: 'admin team add',
    aliases: ['new', 'create'],
    usage: 'admin team add NAME members=@a,@b | usergroup=@group | channel=here',
    summary: 'add a team that takes change tasks (admins and change managers; logged)',
    args: [
      ['NAME', 'the team: 1–64 letters, digits, -, _ or ., e.g. network'],
      ['members=@a,@b', 'its members'],
      ['usergroup=@group', "bound to a Slack user group: its members are the group's, asked of Slack when the team is told something"],
      ['channel=here', 'in a Teams channel: the team is told in that channel'],
    ],
    example: EXAMPLES['admin team add'],
    overview: `admin team add NAME members=@a,@b|usergroup=@group|channel=here | remove NAME | members NAME add=@x remove=@y | list. e.g. ${EXAMPLES['admin team add']}`,
    parse: ({ rest, ctx }) => parseTeamAdd(rest, ctx),
    run(ctx, actor, { kind: _kind, here, ...input }, where) {
      if (here) {
        if (where.platform !== 'teams' || !where.channel) {
          throw new ChangebotError(
            'bad_value',
            'channel=here binds the team to the Teams channel it is typed in: type it in that Teams channel (on Slack, use usergroup=@group).',
            {
              field: 'channel',
            },
          );
        }
        return reply(addTeam(ctx, actor, { ...input, channel: where.channel }));
      }
      return reply(addTeam(ctx, actor, input));
    },
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'team-remove',
    name: 'admin team remove',
    aliases: ['rm', 'delete', 'del'],
    usage: 'admin team remove NAME',
    summary: 'remove a team (its tasks keep its name)',
    args: [['NAME', 'the team']],
    example: EXAMPLES['admin team remove'],
    overview: 'shared',
    parse: ({ rest }) => {
      const example = EXAMPLES['admin team remove'];
      const a = collectArgs(rest, { keys: [], example });
      noExtraPositionals(a, 1, example);
      return { kind: 'team-remove', name: teamName(a.positionals[0]?.token, example) };
    },
    run: (ctx, actor, { name }) => reply(removeTeam(ctx, actor, { name })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'team-members',
    name: 'admin team members',
    aliases: ['member'],
    usage: 'admin team members NAME add=@x,@y remove=@z',
    summary: "change a team's members",
    args: [
      ['NAME', 'the team'],
      ['add=@x,@y', 'who joins'],
      ['remove=@z', 'who leaves'],
    ],
    example: EXAMPLES['admin team members'],
    overview: 'shared',
    parse: ({ rest, ctx }) => parseTeamMembers(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(changeMembers(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'team-list',
    name: 'admin team list',
    aliases: ['ls'],
    usage: 'admin team list',
    summary: 'the teams and their members',
    args: [],
    example: EXAMPLES['admin team'],
    overview: 'shared',
    parse: ({ rest }) => {
      noExtraPositionals(collectArgs(rest, { keys: [], example: EXAMPLES['admin team'] }), 0, EXAMPLES['admin team']);
      return { kind: 'team-list' };
    },
    run: (ctx, actor) => reply(listTeams(ctx, actor)),
  }),
];

export const ADMIN_VERBS: readonly AdminVerb[] = [
  adminVerb({
    aggregate: 'admin',
    kind: 'grant',
    name: 'admin grant',
    aliases: [],
    usage: 'admin grant <person> <role>',
    summary: 'give a person a role',
    args: [PERSON, ROLE],
    example: EXAMPLES['admin grant'],
    overview: `admin grant|revoke <person> <role> — roles: ${ROLE_NAMES}. e.g. ${EXAMPLES['admin grant']}`,
    parse: ({ rest, ctx }) => parseGrant('grant', rest, ctx),
    run: (ctx, actor, { person, role }) => reply(grantRole(ctx, actor, { person, role })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'revoke',
    name: 'admin revoke',
    aliases: [],
    usage: 'admin revoke <person> <role>',
    summary: 'take a role away (not the last admin)',
    args: [PERSON, ROLE],
    example: EXAMPLES['admin revoke'],
    overview: 'shared',
    parse: ({ rest, ctx }) => parseGrant('revoke', rest, ctx),
    run: (ctx, actor, { person, role }) => reply(revokeRole(ctx, actor, { person, role })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'roles',
    name: 'admin roles',
    aliases: [],
    usage: 'admin roles [person]',
    summary: 'who holds which role',
    args: [['[person]', 'only this person']],
    example: EXAMPLES['admin roles'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseRoles(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(listRoles(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'log',
    name: 'admin log',
    aliases: [],
    usage: 'admin log [person]',
    summary: 'deployment-wide changes: roles, CAB channel, services, windows, policy',
    args: [['[person]', 'only what this person did, or was granted or revoked']],
    example: EXAMPLES['admin log'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseAdminLog(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(deploymentLog(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'export',
    name: 'admin export',
    aliases: [],
    usage: 'admin export from=DAY to=DAY [service=NAME] [rfc=RFC-n] [release=REL-n] [format=csv|json]',
    summary: "the change log of a date range as CSV or JSON, with each row's hash (the CLI writes the file; chat answers with its web link)",
    args: [
      ['from=DAY', 'the first day, 2026-12-01, in your time zone (or an ISO 8601 time)'],
      ['to=DAY', 'the last day, included (or an ISO 8601 time, excluded)'],
      ['service=NAME', "only rows about RFCs (and releases) on this service, and the catalogue's rows about it"],
      ['rfc=RFC-n', 'only rows about this RFC'],
      ['release=REL-n', 'only rows about this release'],
      ['format=csv|json', 'csv (default) or json'],
    ],
    example: EXAMPLES['admin export'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseExport(rest, ctx),
    run(ctx, actor, cmd) {
      // A chat reply cannot carry a file: the same export's web address, and what it holds.
      const exp = changeLogExport(ctx, actor, cmd);
      const n = exp.count();
      const about = [cmd.service && `service ${exp.filter.service}`, cmd.rfc, cmd.release].filter(Boolean).join(', ');
      const rows = `${n} row${n === 1 ? '' : 's'}`;
      const text = [
        `The change log from ${cmd.typed.from} to ${cmd.typed.to}${about ? ` (${about})` : ''}: ${rows}, as ${cmd.format.toUpperCase()}: ${ctx.publicUrl}${exportPath(cmd)}`,
        'The link opens in your web session (type `/rfc web` first if it asks you to sign in).',
        headLine(exp.head),
      ].join('\n');
      return { text };
    },
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'service-add',
    name: 'admin service add',
    aliases: ['new', 'create'],
    usage: 'admin service add NAME [owner=...] [audience=a,b] [depends=a,b]',
    summary: 'add a service, or update the one of that name',
    args: [
      ['NAME', 'the service: 1–64 letters, digits, -, _ or ., e.g. db-primary'],
      ['owner=...', 'the person who owns it'],
      ['audience=a,b', 'channels, user groups or people told about its outages'],
      ['depends=a,b', 'services it depends on (added first)'],
    ],
    example: EXAMPLES['admin service add'],
    overview: `admin service add NAME [owner=...] [audience=a,b] [depends=a,b] | remove NAME | list. e.g. ${EXAMPLES['admin service add']}`,
    parse: ({ rest, ctx }) => parseServiceAdd(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addService(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'service-remove',
    name: 'admin service remove',
    aliases: ['rm', 'delete', 'del'],
    usage: 'admin service remove NAME',
    summary: 'remove a service no open RFC or other service uses',
    args: [['NAME', 'the service']],
    example: EXAMPLES['admin service remove'],
    overview: 'shared',
    parse: ({ rest }) => parseServiceRemove(rest),
    run: (ctx, actor, { name }) => reply(removeService(ctx, actor, { name })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'service-list',
    name: 'admin service list',
    aliases: ['ls'],
    usage: 'admin service list',
    summary: 'the service catalogue',
    args: [],
    example: EXAMPLES['admin service'],
    overview: 'shared',
    parse: ({ rest }) => parseAdminList('service', rest),
    run: (ctx, actor) => reply(listServices(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'window-add',
    name: 'admin window add',
    aliases: ['new', 'create'],
    usage: 'admin window add [service=NAME] rrule="..." duration=4h',
    summary: 'add a recurring maintenance window, in your time zone',
    args: [
      ['service=NAME', 'only for this service (default: all services)'],
      ['rrule="..."', 'when it opens, an RFC 5545 rule like FREQ=WEEKLY;BYDAY=SA;BYHOUR=22'],
      ['duration=4h', 'how long it stays open'],
    ],
    example: EXAMPLES['admin window add'],
    overview: `admin window add [service=NAME] rrule="..." duration=4h | remove <id> | list. e.g. ${EXAMPLES['admin window add']}`,
    parse: ({ rest }) => parseWindowAdd(rest),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addMaintenanceWindow(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'window-remove',
    name: 'admin window remove',
    aliases: ['rm', 'delete', 'del'],
    usage: 'admin window remove <id>',
    summary: 'remove a maintenance window',
    args: [ID],
    example: EXAMPLES['admin window remove'],
    overview: 'shared',
    parse: ({ rest }) => parseIdRemove('window', rest),
    run: (ctx, actor, { id }) => reply(removeMaintenanceWindow(ctx, actor, { id })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'window-list',
    name: 'admin window list',
    aliases: ['ls'],
    usage: 'admin window list',
    summary: 'the maintenance windows',
    args: [],
    example: EXAMPLES['admin window'],
    overview: 'shared',
    parse: ({ rest }) => parseAdminList('window', rest),
    run: (ctx, actor) => reply(listMaintenanceWindows(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'blackout-add',
    name: 'admin blackout add',
    aliases: ['new', 'create'],
    usage: 'admin blackout add start=... end=... [reason="..."]',
    summary: 'add a blackout (change freeze)',
    args: [
      ['start=...', 'when the freeze starts, in your time zone'],
      ['end=... | duration=...', 'when it ends'],
      ['reason="..."', 'why, shown with it'],
    ],
    example: EXAMPLES['admin blackout add'],
    overview: `admin blackout add start=... end=... [reason="..."] | remove <id> | list. e.g. ${EXAMPLES['admin blackout add']}`,
    parse: ({ rest, ctx }) => parseBlackoutAdd(rest, ctx),
    run: (ctx, actor, { kind: _kind, ...input }) => reply(addBlackout(ctx, actor, input)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'blackout-remove',
    name: 'admin blackout remove',
    aliases: ['rm', 'delete', 'del'],
    usage: 'admin blackout remove <id>',
    summary: 'remove a blackout',
    args: [ID],
    example: EXAMPLES['admin blackout remove'],
    overview: 'shared',
    parse: ({ rest }) => parseIdRemove('blackout', rest),
    run: (ctx, actor, { id }) => reply(removeBlackout(ctx, actor, { id })),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'blackout-list',
    name: 'admin blackout list',
    aliases: ['ls'],
    usage: 'admin blackout list',
    summary: 'the blackouts',
    args: [],
    example: EXAMPLES['admin blackout'],
    overview: 'shared',
    parse: ({ rest }) => parseAdminList('blackout', rest),
    run: (ctx, actor) => reply(listBlackouts(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'cab-channel',
    name: 'admin cab-channel',
    aliases: [],
    usage: 'admin cab-channel [#channel]',
    summary: 'show or set the CAB channel',
    args: [['[#channel]', 'where CAB voting cards go (default: the channel you type this in; on the CLI, shows the current ones)']],
    example: EXAMPLES['admin cab-channel'],
    overview: 'default',
    parse: ({ rest, ctx }) => parseCabChannel(rest, ctx),
    run(ctx, actor, cmd, where) {
      const channel = cmd.channel ?? where.channel;
      if (channel) return reply(setCabChannel(ctx, actor, { platform: where.platform, channel }));
      // Nothing to set (the CLI): say where the cards go now.
      return reply(showCabChannel(ctx, actor, { platforms: where.platform === 'cli' ? ['slack', 'teams'] : [where.platform] }));
    },
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'policy-list',
    name: 'admin policy show',
    aliases: ['list', 'ls'],
    usage: 'admin policy show',
    summary: 'the approval policy: quorum, approvals, deadlines, lead times, required fields, risk routing',
    args: [],
    example: EXAMPLES['admin policy'],
    overview: `admin policy show | set KEY VALUE — the approval policy, the same for the bot and the CLI. e.g. ${EXAMPLES['admin policy set']}`,
    parse: ({ rest }) => parseAdminList('policy', rest),
    run: (ctx, actor) => reply(showPolicy(ctx, actor)),
  }),
  adminVerb({
    aggregate: 'admin',
    kind: 'policy-set',
    name: 'admin policy set',
    aliases: [],
    usage: 'admin policy set KEY VALUE',
    summary: 'change one setting of the approval policy (admins; logged)',
    args: [
      ['KEY', 'a setting as admin policy show lists it, e.g. CAB_QUORUM, LEAD_TIME_MINOR, REQUIRED_MAJOR'],
      ['VALUE', 'a number (3), a lead time (3d, 36h, 0), yes|no, or a field list (justification,plan,test)'],
    ],
    example: EXAMPLES['admin policy set'],
    overview: 'shared',
    parse: ({ rest }) => parsePolicySet(rest),
    run: (ctx, actor, { key, value }) => reply(setPolicy(ctx, actor, { key, value })),
  }),
  ...TEAM_VERBS,
];
