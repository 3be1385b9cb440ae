import { and, eq, like, sql } from 'drizzle-orm';
import type { PersonId, Role } from '../../domain/types.js';
import type { Db } from '../client.js';
import { preparedPer } from '../prepared.js';
import { people, roleGrants } from '../schema.js';

export function ensurePerson(db: Db, id: PersonId, at: Date, info: { displayName?: string; timezone?: string } = {}): void {
  const set: Partial<typeof people.$inferInsert> = {};
  if (info.displayName) set.displayName = info.displayName;
  if (info.timezone) set.timezone = info.timezone;
  // Every command loads its actor: a person already stored as given costs a read, not a write.
  const known = findPerson(db, id);
  if (known && (set.displayName ?? known.displayName) === known.displayName && (set.timezone ?? known.timezone) === known.timezone) return;
  const insert = db.insert(people).values({ id, createdAt: at, ...set });
  (Object.keys(set).length ? insert.onConflictDoUpdate({ target: people.id, set }) : insert.onConflictDoNothing()).run();
}

const personById = preparedPer((db) =>
  db
    .select()
    .from(people)
    .where(eq(people.id, sql.placeholder('id')))
    .prepare(),
);
const rolesById = preparedPer((db) =>
  db
    .select({ role: roleGrants.role })
    .from(roleGrants)
    .where(eq(roleGrants.personId, sql.placeholder('id')))
    .prepare(),
);

export function findPerson(db: Db, id: PersonId) {
  return personById(db).get({ id }) ?? null;
}

export function rolesOf(db: Db, id: PersonId): Set<Role> {
  return new Set(
    rolesById(db)
      .all({ id })
      .map((r) => r.role as Role),
  );
}

export function grantRole(db: Db, id: PersonId, role: Role, by: PersonId, at: Date): boolean {
  ensurePerson(db, id, at);
  const res = db.insert(roleGrants).values({ personId: id, role, grantedBy: by, grantedAt: at }).onConflictDoNothing().run() as {
    changes: number;
  };
  return res.changes > 0;
}

export function revokeRole(db: Db, id: PersonId, role: Role): boolean {
  const res = db
    .delete(roleGrants)
    .where(and(eq(roleGrants.personId, id), eq(roleGrants.role, role)))
    .run() as { changes: number };
  return res.changes > 0;
}

export function listGrants(db: Db, id?: PersonId): { personId: string; role: Role }[] {
  const q = db.select({ personId: roleGrants.personId, role: roleGrants.role }).from(roleGrants);
  return (id ? q.where(eq(roleGrants.personId, id)) : q)
    .orderBy(roleGrants.personId, roleGrants.role)
    .all()
    .map((g) => ({ personId: g.personId, role: g.role as Role }));
}

export function peopleWithRole(db: Db, role: Role): PersonId[] {
  return db
    .select({ id: roleGrants.personId })
    .from(roleGrants)
    .where(eq(roleGrants.role, role))
    .all()
    .map((r) => r.id);
}

/** The people whose id starts with `prefix` (e.g. `teams:`), by display name: a form's people picker. */
export function listPeople(db: Db, prefix: string): { id: PersonId; displayName: string | null }[] {
  return db
    .select({ id: people.id, displayName: people.displayName })
    .from(people)
    .where(like(people.id, `${prefix.replace(/[%_]/g, '')}%`))
    .all()
    .sort((a, b) => (a.displayName ?? a.id).localeCompare(b.displayName ?? b.id));
}
