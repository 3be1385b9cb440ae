/** A real SQLite (in memory) migrated through the real migrations, and the use-case context on it. */
import { type AppContext, type Clock, createContext, loadActor } from '../../src/app/context.js';
import { openDatabase } from '../../src/db/client.js';
import { grantRole } from '../../src/db/repos/people.js';
import type { Policy } from '../../src/domain/policy.js';
import { LENIENT_POLICY } from './policy.js';
import type { Actor, Role } from '../../src/domain/types.js';

export class TestClock implements Clock {
  constructor(public current: Date = new Date('2026-12-01T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  ctx: AppContext;
  clock: TestClock;
  /** A person with roles, granted directly in the database. */
  person(name: string, ...roles: Role[]): Actor;
  close(): void;
}

export function testApp(opts: { path?: string; policy?: Policy; timezone?: string } = {}): TestApp {
  const database = openDatabase(opts.path ?? ':memory:');
  const clock = new TestClock();
  const ctx = createContext(database, { clock, policy: opts.policy ?? LENIENT_POLICY, timezone: opts.timezone ?? 'UTC' });
  return {
    ctx,
    clock,
    person(name, ...roles) {
      const id = name.includes(':') ? name : `cli:${name}`;
      for (const r of roles) grantRole(database.db, id, r, 'test', clock.now());
      return loadActor(ctx, id);
    },
    close: () => database.close(),
  };
}
