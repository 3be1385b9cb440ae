import { addTeam, changeMembers, listTeams, removeTeam } from '../app/teams.js';
import { ChangebotError } from '../domain/errors.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { EXAMPLES } from './help.js';
import { resolvePerson, splitList } from './people.js';
import { outcomeReply } from './replies.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, ParseContext } from './types.js';
import { badValue, clip } from './util.js';
import { type AdminVerb, adminVerb } from './verb.js';

const reply = outcomeReply;

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

export const TEAM_VERBS: readonly AdminVerb[] = [
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
