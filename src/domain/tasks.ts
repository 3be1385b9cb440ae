/**
 * Change tasks (issue 14): the pieces of work one change needs from teams or people (open 443
 * on the edge firewall, restore the backup to a standby), each with a due time before the
 * window (or during it) and a state. Pure rules: states and their moves, the due rule, who may
 * do what (the table is in permissions.ts), and the reminder timers a task has.
 */
import { ChangebotError } from './errors.js';
import type { Recipient } from './notifications.js';
import { rfcSubject, timerJobId } from './subject.js';
import { TIMED_STATES, type Timer, firedKey, stampOf } from './timers.js';
import type { PersonId, Rfc } from './types.js';
import { TERMINAL_STATES } from './rfc-machine.js';

export const TASK_STATES = ['open', 'done', 'not_applicable'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TASK_STATE_LABELS: Record<TaskState, string> = { open: 'Open', done: 'Done', not_applicable: 'Not applicable' };

export interface Task {
  rfcKey: string;
  number: number;
  title: string;
  /** The team it is assigned to, or null when it is a person's. */
  team: string | null;
  /** The person it is assigned to, or null when it is a team's. */
  assignee: PersonId | null;
  /** When it must be done; null: before the window opens. */
  dueAt: Date | null;
  state: TaskState;
  /** The note given when done, or the reason it does not apply. */
  note: string | null;
  doneBy: PersonId | null;
  doneAt: Date | null;
  createdBy: PersonId;
  createdAt: Date;
}

/** What a finished task became: `done` (with an optional note) or `not_applicable` (with a reason). */
export type TaskFinish = { to: 'done'; note?: string } | { to: 'not_applicable'; reason: string };

/** RFC states in which tasks may be added or finished: not once the change is over. */
export function tasksOpenIn(rfc: Pick<Rfc, 'state'>): boolean {
  return !TERMINAL_STATES.includes(rfc.state);
}

/**
 * When a task is due: `due` if given (before the window's end; a time already past is refused),
 * else the window's start; null when there is no window yet (due before it opens, whenever that is).
 */
export function dueOf(rfc: Pick<Rfc, 'key' | 'window'>, due: Date | undefined, now: Date): Date | null {
  if (due === undefined) return rfc.window ? rfc.window.start : null;
  if (due.getTime() <= now.getTime()) {
    throw new ChangebotError('bad_value', 'That due time has already passed: give a time in the future, before or during the window.', { field: 'due' });
  }
  if (rfc.window && due.getTime() > rfc.window.end.getTime()) {
    throw new ChangebotError(
      'bad_value',
      `A task of ${rfc.key} must be done by the end of its window; that due time is after it. Give a time before or during the window, or leave due= out (due when the window opens).`,
      { field: 'due' },
    );
  }
  return due;
}

/** The due time in force: the stored one, else the window's start (the window may have moved since). */
export function effectiveDue(task: Pick<Task, 'dueAt'>, rfc: Pick<Rfc, 'window'>): Date | null {
  return task.dueAt ?? rfc.window?.start ?? null;
}

/** The task after `finish`, or a refusal saying why it cannot move. */
export function finishTask(task: Task, finish: TaskFinish, by: PersonId, at: Date): Task {
  if (task.state !== 'open') {
    const was = task.state === 'done' ? 'already done' : 'already marked not applicable';
    throw new ChangebotError('invalid_transition', `Task ${task.number} of ${task.rfcKey} is ${was}.`, { task: task.number, state: task.state });
  }
  if (finish.to === 'not_applicable' && !finish.reason.trim()) {
    throw new ChangebotError(
      'bad_value',
      `Say why task ${task.number} does not apply. Example: /rfc task skip ${task.rfcKey} ${task.number} reason="no firewall change needed"`,
      {
        field: 'reason',
      },
    );
  }
  const note = finish.to === 'done' ? (finish.note?.trim() ?? null) || null : finish.reason.trim();
  return { ...task, state: finish.to, note, doneBy: by, doneAt: at };
}

/** Whether every task is finished (done or not applicable); false when there are none. */
export function allFinished(tasks: readonly Pick<Task, 'state'>[]): boolean {
  return tasks.length > 0 && tasks.every((t) => t.state !== 'open');
}

export function openTasksOf<T extends Pick<Task, 'state'>>(tasks: readonly T[]): T[] {
  return tasks.filter((t) => t.state === 'open');
}

/** Who is told about a task: its team, or its assignee. */
export function taskRecipients(task: Pick<Task, 'team' | 'assignee'>): Recipient[] {
  if (task.team) return [{ kind: 'team', name: task.team }];
  return task.assignee ? [{ kind: 'person', id: task.assignee }] : [];
}

/** How long before a task is due its team (or assignee) is reminded. */
export const TASK_REMINDER_HOURS = 2;
const H = 3_600_000;

/** The stamp of a task's reminder: its due time and its number, `20261205T200000Z-t2`. */
export function taskStamp(due: Date, number: number): string {
  return `${stampOf(due)}-t${number}`;
}

/** The task a timer stamp names, or null for any other stamp. */
export function taskOfStamp(stamp: string): number | null {
  const m = /^\d{8}T\d{6}Z-t([1-9]\d*)$/.exec(stamp);
  return m ? Number(m[1]) : null;
}

/**
 * The reminders an RFC's open tasks must have at `now`: TASK_REMINDER_HOURS before each is due,
 * to its team or assignee, while the change is not over and the task is still open. A reminder
 * missed (the bot was off) is sent at once until the task is due; one already past when the task
 * was added is skipped (it was just assigned).
 */
export function taskTimersFor(rfc: Pick<Rfc, 'key' | 'state' | 'window'>, tasks: readonly Task[], now: Date, fired: ReadonlySet<string> = new Set()): Timer[] {
  // Only while the change is ahead (the states the reconciler reads, less those after implementation).
  const ahead: readonly string[] = TIMED_STATES.filter((s) => s === 'awaiting_approval' || s === 'approved' || s === 'scheduled' || s === 'implementing');
  if (!ahead.includes(rfc.state)) return [];
  const subject = rfcSubject(rfc.key);
  const out: Timer[] = [];
  for (const task of tasks) {
    if (task.state !== 'open') continue;
    const due = effectiveDue(task, rfc);
    if (!due) continue;
    const at = due.getTime() - TASK_REMINDER_HOURS * H;
    if (at <= task.createdAt.getTime() || now.getTime() >= due.getTime()) continue;
    const stamp = taskStamp(due, task.number);
    const timer: Timer = {
      kind: 'task-due',
      subject,
      stamp,
      id: timerJobId('task-due', subject, stamp),
      dueAt: new Date(at),
      recipients: taskRecipients(task),
    };
    if (!fired.has(firedKey(timer))) out.push(timer);
  }
  return out;
}
