/**
 * Change tasks (issue 14): an RFC's pieces of work for teams or people. Adding one tells its team
 * (or assignee); finishing the last open one tells the owner. Every change is in the RFC's change
 * log. The rules are in src/domain/tasks.ts, who may do what in src/domain/permissions.ts.
 */
import type { Db } from '../db/client.js';
import { appendLog } from '../db/repos/log.js';
import * as repo from '../db/repos/tasks.js';
import { ChangebotError } from '../domain/errors.js';
import type { Notification } from '../domain/notifications.js';
import { authorizeTask } from '../domain/permissions.js';
import { rfcSubject } from '../domain/subject.js';
import {
  type Task,
  type TaskFinish,
  TASK_STATE_LABELS,
  allFinished,
  dueOf,
  effectiveDue,
  finishTask,
  openTasksOf,
  taskRecipients,
  tasksOpenIn,
} from '../domain/tasks.js';
import { checkText } from '../domain/text-rules.js';
import type { Actor, PersonId, Rfc } from '../domain/types.js';
import { formatInstant } from '../domain/windows.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { getRfc } from './support.js';
import { getTeam } from './teams.js';

export type { Task } from '../domain/tasks.js';

export interface TaskAddInput {
  key: string;
  title: string;
  /** Exactly one of team and person. */
  team?: string;
  person?: PersonId;
  due?: Date;
}

export interface TaskFinishInput {
  key: string;
  number: number;
  finish: TaskFinish;
}

/** The open tasks of RFC `rfcKey`, in order: what `start` must name while any is open. */
export function openTasks(tx: Db, rfcKey: string): Task[] {
  return repo.openTasks(tx, rfcKey);
}

/** The people a task's rule counts as its own: its team's listed members, or its assignee. */
function taskPeople(tx: Db, task: Task): PersonId[] {
  if (task.assignee) return [task.assignee];
  if (!task.team) return [];
  try {
    return getTeam(tx, task.team).members;
  } catch {
    return []; // the team was removed since
  }
}

function assignedTo(task: Pick<Task, 'team' | 'assignee'>): string {
  return task.team ? `team ${task.team}` : (task.assignee ?? 'nobody');
}

/** One line about a task: "#2 Open 443 on the edge firewall — team network, due Sat 5 Dec 20:00 UTC — Done by x: note". */
export function taskLine(task: Task, rfc: Pick<Rfc, 'window'>, zone: string): string {
  const due = effectiveDue(task, rfc);
  const when = due ? `, due ${formatInstant(due, zone)}` : ', due before the window';
  const state =
    task.state === 'open'
      ? 'open'
      : `${TASK_STATE_LABELS[task.state].toLowerCase()} by ${task.doneBy}${task.doneAt ? ` ${formatInstant(task.doneAt, zone)}` : ''}${task.note ? `: ${task.note}` : ''}`;
  return `#${task.number} ${task.title} — ${assignedTo(task)}${when} — ${state}`;
}

export function addTask(ctx: AppContext, actor: Actor, input: TaskAddInput): Outcome<Task> {
  const title = checkText('title', input.title, 'task');
  if (!title)
    throw new ChangebotError('bad_value', `Say what the task is, in quotes. Example: /rfc task add ${input.key} team=network "Open 443 on the edge firewall"`, {
      field: 'title',
    });
  if (!!input.team === !!input.person) {
    throw new ChangebotError('bad_value', `Give the task to a team (team=network) or to a person (person=@alice), not ${input.team ? 'both' : 'neither'}.`, {
      field: 'team',
    });
  }
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, input.key);
    authorizeTask(actor, rfc, 'add-task');
    if (!tasksOpenIn(rfc))
      throw new ChangebotError('invalid_transition', `${rfc.key} is ${rfc.state.replace('_', ' ')}: it takes no new tasks.`, { state: rfc.state });
    const now = ctx.clock.now();
    const team = input.team ? getTeam(tx, input.team).name : null;
    const dueAt = dueOf(rfc, input.due, now);
    const { task, told } = recordTask(tx, ctx, actor, rfc, { title, team, assignee: input.person ?? null, dueAt: input.due ? dueAt : null });
    return {
      result: task,
      rfc,
      message: `Added task ${task.number} to ${rfc.key} for ${assignedTo(task)}: ${taskLine(task, rfc, actor.timezone)}.`,
      notifications: told,
    };
  });
}

export function finish(ctx: AppContext, actor: Actor, input: TaskFinishInput): Outcome<Task> {
  const f: TaskFinish =
    input.finish.to === 'done'
      ? { to: 'done', ...(input.finish.note !== undefined ? { note: checkText('note', input.finish.note) } : {}) }
      : { to: 'not_applicable', reason: checkText('reason', input.finish.reason) };
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, input.key);
    const task = repo.findTask(tx, rfc.key, input.number);
    if (!task) {
      const n = repo.listTasks(tx, rfc.key).length;
      throw new ChangebotError(
        'not_found',
        `${rfc.key} has no task ${input.number}${n ? `; its tasks are 1 to ${n} (/rfc task list ${rfc.key})` : ': it has no tasks'}.`,
        {
          field: 'task',
        },
      );
    }
    authorizeTask(actor, rfc, 'finish-task', taskPeople(tx, task));
    if (!tasksOpenIn(rfc))
      throw new ChangebotError('invalid_transition', `${rfc.key} is ${rfc.state.replace('_', ' ')}: its tasks can no longer change.`, { state: rfc.state });
    const now = ctx.clock.now();
    const after = finishTask(task, f, actor.id, now);
    repo.updateTask(tx, after);
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: now,
      actor: actor.id,
      action: after.state === 'done' ? 'task-done' : 'task-skip',
      reason: after.state === 'not_applicable' ? after.note : null,
      detail: { task: task.number, title: task.title, note: after.state === 'done' ? after.note : null },
    });
    const tasks = repo.listTasks(tx, rfc.key);
    const notifications: Notification[] = [];
    const left = openTasksOf(tasks).length;
    if (allFinished(tasks)) {
      notifications.push({ event: 'tasks-done', subject: rfcSubject(rfc.key), recipients: [{ kind: 'person', id: rfc.owner }], detail: `${tasks.length}` });
    }
    const word = after.state === 'done' ? 'done' : 'not applicable';
    return {
      result: after,
      rfc,
      message: `Marked task ${task.number} of ${rfc.key} ${word}. ${left ? `${left} task${left === 1 ? '' : 's'} still open.` : 'Every task is finished.'}`,
      notifications,
    };
  });
}

export function listTasks(ctx: AppContext, actor: Actor, key: string): Outcome<Task[]> {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  const tasks = repo.listTasks(db, rfc.key);
  const text = tasks.length
    ? [`Tasks of ${rfc.key} “${rfc.title}”:`, ...tasks.map((t) => taskLine(t, rfc, actor.timezone))].join('\n')
    : `${rfc.key} has no tasks. Add one with /rfc task add ${rfc.key} team=network "Open 443 on the edge firewall"`;
  return { result: tasks, message: text, notifications: [] };
}

/**
 * The tasks a standard-change template lists, given to a change raised from it (in the raise's
 * transaction: the requester needs no right to add tasks for that). Each is logged as
 * `task-add` with the template named; their teams or people are told.
 */
export function tasksFromTemplate(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  template: { name: string; version: number; tasks: readonly { title: string; team?: string; person?: PersonId }[] },
): Notification[] {
  const from = { template: template.name, templateVersion: template.version };
  return template.tasks.flatMap(
    (t) => recordTask(tx, ctx, actor, rfc, { title: t.title, team: t.team ?? null, assignee: t.person ?? null, dueAt: null }, from).told,
  );
}

/** Stores a new task of `rfc`, logs it (`task-add`, with `more` in the detail), and says whom to tell. */
function recordTask(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  rfc: Rfc,
  t: { title: string; team: string | null; assignee: PersonId | null; dueAt: Date | null },
  more: Record<string, unknown> = {},
): { task: Task; told: Notification[] } {
  const now = ctx.clock.now();
  const task = repo.insertTask(tx, { rfcKey: rfc.key, ...t, createdBy: actor.id, createdAt: now });
  appendLog(tx, {
    subject: rfcSubject(rfc.key),
    at: now,
    actor: actor.id,
    action: 'task-add',
    detail: { task: task.number, title: task.title, team: task.team, assignee: task.assignee, dueAt: task.dueAt?.toISOString() ?? null, ...more },
  });
  const recipients = taskRecipients(task);
  const told: Notification[] = recipients.length
    ? [{ event: 'task-assigned', subject: rfcSubject(rfc.key), recipients, detail: taskLine(task, rfc, ctx.timezone) }]
    : [];
  return { task, told };
}
