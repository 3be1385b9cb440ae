/** Loading a known person writes nothing; a new name or zone is still stored. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { ensurePerson, findPerson } from '../../src/db/repos/people.js';

describe('ensurePerson', () => {
  let database: AppDatabase;
  const at = new Date('2026-12-01T09:00:00Z');
  const changes = () => (database.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  beforeEach(() => {
    database = openDatabase(':memory:');
  });
  afterEach(() => database.close());

  it('stores a new person, then a changed zone and name, and writes nothing when nothing changed', () => {
    ensurePerson(database.db, 'slack:T1/U1', at, { displayName: 'rita', timezone: 'Europe/London' });
    const before = changes();
    ensurePerson(database.db, 'slack:T1/U1', at, { displayName: 'rita', timezone: 'Europe/London' });
    ensurePerson(database.db, 'slack:T1/U1', at);
    expect(changes()).toBe(before);
    ensurePerson(database.db, 'slack:T1/U1', at, { timezone: 'Asia/Tokyo' });
    expect(findPerson(database.db, 'slack:T1/U1')).toMatchObject({ displayName: 'rita', timezone: 'Asia/Tokyo' });
    ensurePerson(database.db, 'slack:T1/U1', at, { displayName: 'Rita B' });
    expect(findPerson(database.db, 'slack:T1/U1')).toMatchObject({ displayName: 'Rita B', timezone: 'Asia/Tokyo' });
  });
});
