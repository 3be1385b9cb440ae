/** Change tasks (issue 14): per RFC, numbered 1, 2, ... within it. */
import { and, asc, eq, max } from 'drizzle-orm';
import type { Task, TaskState } from '../../domain/tasks.js';
import type { Db } from '../client.js';
import { rfcTasks } from '../schema.js';

type Row = typeof rfcTasks.$inferSelect;

function taskOf(r: Row): Task {
  return {
    rfcKey: r.rfcKey,
    number: r.number,
    title: r.title,
    team: r.team,
    assignee: r.assignee,
    dueAt: r.dueAt,
    state: r.state as TaskState,
    note: r.note,
    doneBy: r.doneBy,
    doneAt: r.doneAt,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  };
}

export function listTasks(db: Db, rfcKey: string): Task[] {
  return db.select().from(rfcTasks).where(eq(rfcTasks.rfcKey, rfcKey)).orderBy(asc(rfcTasks.number)).all().map(taskOf);
}

export function findTask(db: Db, rfcKey: string, number: number): Task | null {
  const r = db
    .select()
    .from(rfcTasks)
    .where(and(eq(rfcTasks.rfcKey, rfcKey), eq(rfcTasks.number, number)))
    .get();
  return r ? taskOf(r) : null;
}

/** The open tasks of an RFC, in order (for `start`'s pre-implementation gate). */
export function openTasks(db: Db, rfcKey: string): Task[] {
  return db
    .select()
    .from(rfcTasks)
    .where(and(eq(rfcTasks.rfcKey, rfcKey), eq(rfcTasks.state, 'open')))
    .orderBy(asc(rfcTasks.number))
    .all()
    .map(taskOf);
}

/** Adds a task with the next number of its RFC. */
export function insertTask(db: Db, t: Omit<Task, 'number' | 'state' | 'note' | 'doneBy' | 'doneAt'>): Task {
  const last =
    db
      .select({ n: max(rfcTasks.number) })
      .from(rfcTasks)
      .where(eq(rfcTasks.rfcKey, t.rfcKey))
      .get()?.n ?? 0;
  const row = db
    .insert(rfcTasks)
    .values({ ...t, number: last + 1, state: 'open' })
    .returning()
    .get();
  return taskOf(row);
}

export function updateTask(db: Db, t: Task): void {
  db.update(rfcTasks)
    .set({ state: t.state, note: t.note, doneBy: t.doneBy, doneAt: t.doneAt })
    .where(and(eq(rfcTasks.rfcKey, t.rfcKey), eq(rfcTasks.number, t.number)))
    .run();
}

/** Every open task of the given RFCs, by RFC key (the scheduler's reminders). */
export function openTasksByRfc(db: Db, keys: readonly string[]): Map<string, Task[]> {
  const out = new Map<string, Task[]>();
  if (!keys.length) return out;
  const want = new Set(keys);
  for (const r of db.select().from(rfcTasks).where(eq(rfcTasks.state, 'open')).orderBy(asc(rfcTasks.number)).all()) {
    if (!want.has(r.rfcKey)) continue;
    out.set(r.rfcKey, [...(out.get(r.rfcKey) ?? []), taskOf(r)]);
  }
  return out;
}
