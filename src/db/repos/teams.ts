/** Teams (issue 14) and their listed members. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { teamMembers, teams } from '../schema.js';

export interface TeamRow {
  name: string;
  slackUsergroup: string | null;
  teamsChannel: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface Team extends TeamRow {
  /** Listed members (a Slack user group's come from Slack when the team is told something). */
  members: string[];
}

function withMembers(db: Db, row: TeamRow): Team {
  return { ...row, members: membersOf(db, row.name) };
}

/** Team names are matched without regard to case (`Network` finds `network`). */
export function findTeam(db: Db, name: string): Team | null {
  const row = db.select().from(teams).where(sql`lower(${teams.name}) = lower(${name})`).get();
  return row ? withMembers(db, row) : null;
}

export function listTeams(db: Db): Team[] {
  return db
    .select()
    .from(teams)
    .orderBy(asc(teams.name))
    .all()
    .map((r) => withMembers(db, r));
}

export function insertTeam(db: Db, t: TeamRow): void {
  db.insert(teams).values(t).run();
}

export function deleteTeam(db: Db, name: string): boolean {
  db.delete(teamMembers).where(eq(teamMembers.team, name)).run();
  return (db.delete(teams).where(eq(teams.name, name)).run() as { changes: number }).changes > 0;
}

export function membersOf(db: Db, team: string): string[] {
  return db
    .select({ id: teamMembers.personId })
    .from(teamMembers)
    .where(eq(teamMembers.team, team))
    .orderBy(asc(teamMembers.personId))
    .all()
    .map((r) => r.id);
}

/** Adds a member; false when they already were one. */
export function addMember(db: Db, team: string, personId: string, by: string, at: Date): boolean {
  const r = db.insert(teamMembers).values({ team, personId, addedBy: by, addedAt: at }).onConflictDoNothing().run() as { changes: number };
  return r.changes > 0;
}

export function removeMember(db: Db, team: string, personId: string): boolean {
  return (
    (
      db
        .delete(teamMembers)
        .where(and(eq(teamMembers.team, team), eq(teamMembers.personId, personId)))
        .run() as { changes: number }
    ).changes > 0
  );
}
