/**
 * Teams (issue 14): named groups of people that take change tasks. Members are listed, or come
 * from a Slack user group the team is bound to (resolved when the team is told something), or
 * the team is told in the Teams channel it is bound to. Admins and change managers manage them;
 * every change is a deployment-wide change-log row.
 */
import type { Db } from '../db/client.js';
import * as repo from '../db/repos/teams.js';
import { ChangebotError } from '../domain/errors.js';
import { authorizeDeployment } from '../domain/permissions.js';
import { checkName } from '../domain/text-rules.js';
import type { Actor, PersonId } from '../domain/types.js';
import { adminLog, done } from './admin.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';

export type { Team } from '../db/repos/teams.js';

export interface TeamAddInput {
  name: string;
  members?: PersonId[];
  /** A Slack user group id (S0123). */
  usergroup?: string;
  /** A Teams conversation (`teams:conversation:<id>`, or the id): the team is told there. */
  channel?: string;
}

export interface TeamNameInput {
  name: string;
}

export interface TeamMembersInput {
  name: string;
  add: PersonId[];
  remove: PersonId[];
}

const EXAMPLE = '/rfc admin team add network members=@alice,@bob';
const TEAMS_CONVERSATION = 'teams:conversation:';

/** A team by name, or a refusal naming the teams there are. */
export function getTeam(db: Db, name: string): repo.Team {
  const team = repo.findTeam(db, name);
  if (team) return team;
  const names = repo.listTeams(db).map((t) => t.name);
  throw new ChangebotError(
    'not_found',
    `There is no team "${name}".${names.length ? ` Teams: ${names.join(', ')}.` : ' No team exists yet.'} An admin adds one with ${EXAMPLE}`,
    { field: 'team' },
  );
}

/** How a team is made up, in words: "members a, b", "Slack user group S1", "Teams channel". */
export function describeTeam(t: repo.Team): string {
  const parts = [
    t.members.length ? `members ${t.members.join(', ')}` : null,
    t.slackUsergroup ? `Slack user group ${t.slackUsergroup}` : null,
    t.teamsChannel ? 'its Teams channel' : null,
  ].filter((p): p is string => !!p);
  return `${t.name}: ${parts.length ? parts.join('; ') : 'no members yet'}`;
}

export function addTeam(ctx: AppContext, actor: Actor, input: TeamAddInput): Outcome<repo.Team> {
  authorizeDeployment(actor, 'manage-teams');
  const name = checkName('team', input.name, EXAMPLE);
  const members = [...new Set(input.members ?? [])];
  if (!members.length && !input.usergroup && !input.channel) {
    throw new ChangebotError(
      'bad_value',
      `Say who is in team ${name}: members=@a,@b, usergroup=@group (a Slack user group), or channel=here (in a Teams channel). Example: ${EXAMPLE}`,
      { field: 'members', example: EXAMPLE },
    );
  }
  return inTransaction(ctx, (tx) => {
    const existing = repo.findTeam(tx, name);
    if (existing) {
      throw new ChangebotError(
        'bad_value',
        `Team ${existing.name} already exists. Change its members with /rfc admin team members ${existing.name} add=@x remove=@y.`,
        {
          field: 'name',
        },
      );
    }
    const now = ctx.clock.now();
    const channel = input.channel ? input.channel.replace(TEAMS_CONVERSATION, '') : null;
    repo.insertTeam(tx, { name, slackUsergroup: input.usergroup ?? null, teamsChannel: channel, createdBy: actor.id, createdAt: now });
    for (const m of members) repo.addMember(tx, name, m, actor.id, now);
    adminLog(tx, now, actor, 'team-add', { team: name, members, usergroup: input.usergroup ?? null, teamsChannel: channel });
    const team = repo.findTeam(tx, name)!;
    return done(team, `Added team ${describeTeam(team)}.`);
  });
}

export function removeTeam(ctx: AppContext, actor: Actor, input: TeamNameInput): Outcome<string> {
  authorizeDeployment(actor, 'manage-teams');
  return inTransaction(ctx, (tx) => {
    const team = getTeam(tx, input.name);
    repo.deleteTeam(tx, team.name);
    adminLog(tx, ctx.clock.now(), actor, 'team-remove', { team: team.name });
    return done(team.name, `Removed team ${team.name}. Tasks already given to it keep its name.`);
  });
}

export function listTeams(ctx: AppContext, _actor: Actor): Outcome<repo.Team[]> {
  const teams = repo.listTeams(ctx.database.db);
  return done(teams, teams.length ? teams.map(describeTeam).join('\n') : `No teams yet. An admin adds one with ${EXAMPLE}`);
}

export function changeMembers(ctx: AppContext, actor: Actor, input: TeamMembersInput): Outcome<repo.Team> {
  authorizeDeployment(actor, 'manage-teams');
  if (!input.add.length && !input.remove.length) {
    throw new ChangebotError('bad_value', `Say who joins or leaves: add=@x remove=@y. Example: /rfc admin team members ${input.name} add=@carol`, {
      field: 'add',
    });
  }
  return inTransaction(ctx, (tx) => {
    const team = getTeam(tx, input.name);
    const now = ctx.clock.now();
    const added = input.add.filter((p) => repo.addMember(tx, team.name, p, actor.id, now));
    const removed = input.remove.filter((p) => repo.removeMember(tx, team.name, p));
    if (added.length || removed.length) adminLog(tx, now, actor, 'team-members', { team: team.name, added, removed });
    const after = repo.findTeam(tx, team.name)!;
    const said = [added.length ? `added ${added.join(', ')}` : null, removed.length ? `removed ${removed.join(', ')}` : null].filter(Boolean).join(', ');
    return done(after, `${said ? `Team ${team.name}: ${said}.` : `Team ${team.name} is unchanged.`} Now ${describeTeam(after)}.`);
  });
}

/** Whether `person` is a listed member of team `name` (a user group's members are Slack's; see `teamPeople`). */
export function isListedMember(db: Db, name: string, person: PersonId): boolean {
  const team = repo.findTeam(db, name);
  return !!team && team.members.includes(person);
}
