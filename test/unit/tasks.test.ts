/** Change tasks: states and moves, who may add and finish them, the due rule, and their reminders. */
import { describe, expect, it } from 'vitest';
import type { ChangebotError } from '../../src/domain/errors.js';
import { authorizeTask, canTask } from '../../src/domain/permissions.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { type Task, allFinished, dueOf, finishTask, taskOfStamp, taskRecipients, taskTimersFor } from '../../src/domain/tasks.js';
import { firedKey, parseTimerId } from '../../src/domain/timers.js';
import type { Role, Rfc, RfcState } from '../../src/domain/types.js';
import { parseCommand } from '../../src/commands/parser.js';
import { slack } from './parser-helpers.js';

const START = new Date('2026-12-12T22:00:00Z');
const END = new Date('2026-12-13T00:00:00Z');
const NOW = new Date('2026-12-10T09:00:00Z');

function rfc(state: RfcState = 'scheduled', window = true): Rfc {
  const r = draftRfc('cli:req', new Date('2026-12-01T09:00:00Z'), { id: 1, key: 'RFC-1', title: 'Edge firewall', owner: 'cli:own' } as never);
  return { ...r, state, window: window ? { start: START, end: END } : null };
}

function task(over: Partial<Task> = {}): Task {
  return {
    rfcKey: 'RFC-1',
    number: 2,
    title: 'Open 443',
    team: 'network',
    assignee: null,
    dueAt: null,
    state: 'open',
    note: null,
    doneBy: null,
    doneAt: null,
    createdBy: 'cli:own',
    createdAt: NOW,
    ...over,
  };
}

const actor = (id: string, ...roles: Role[]) => ({ id, roles: new Set<Role>(roles) });
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as ChangebotError).code;
  }
  return 'no error';
};

describe('task states', () => {
  it('moves open -> done with the note, by whom and when', () => {
    const at = new Date('2026-12-11T10:00:00Z');
    const t = finishTask(task(), { to: 'done', note: ' opened on both edges ' }, 'cli:bob', at);
    expect(t).toMatchObject({ state: 'done', note: 'opened on both edges', doneBy: 'cli:bob', doneAt: at });
    expect(finishTask(task(), { to: 'done' }, 'cli:bob', at).note).toBeNull();
  });

  it('moves open -> not applicable only with a reason', () => {
    const t = finishTask(task(), { to: 'not_applicable', reason: 'no change needed' }, 'cli:own', NOW);
    expect(t).toMatchObject({ state: 'not_applicable', note: 'no change needed', doneBy: 'cli:own' });
    expect(code(() => finishTask(task(), { to: 'not_applicable', reason: '  ' }, 'cli:own', NOW))).toBe('bad_value');
  });

  it('refuses to finish a task twice, saying how it stands', () => {
    const done = finishTask(task(), { to: 'done' }, 'cli:bob', NOW);
    expect(() => finishTask(done, { to: 'done' }, 'cli:bob', NOW)).toThrow('Task 2 of RFC-1 is already done.');
    const skipped = finishTask(task(), { to: 'not_applicable', reason: 'x' }, 'cli:bob', NOW);
    expect(() => finishTask(skipped, { to: 'done' }, 'cli:bob', NOW)).toThrow('already marked not applicable');
  });

  it('counts every task finished only when none is open (and there is one)', () => {
    expect(allFinished([])).toBe(false);
    expect(allFinished([{ state: 'done' }, { state: 'not_applicable' }])).toBe(true);
    expect(allFinished([{ state: 'done' }, { state: 'open' }])).toBe(false);
  });
});

describe('who may do what with tasks', () => {
  const r = rfc();
  it('lets the requester, the owner and change managers add tasks, nobody else', () => {
    expect(canTask(actor('cli:req'), r, 'add-task')).toBe(true);
    expect(canTask(actor('cli:own'), r, 'add-task')).toBe(true);
    expect(canTask(actor('cli:cm', 'change-manager'), r, 'add-task')).toBe(true);
    expect(canTask(actor('cli:admin', 'admin'), r, 'add-task')).toBe(false);
    expect(canTask(actor('cli:cab', 'cab'), r, 'add-task')).toBe(false);
    expect(() => authorizeTask(actor('cli:x'), r, 'add-task')).toThrow('Only its requester, its change owner or a change manager can add tasks to RFC-1.');
  });

  it("lets the task's team or assignee, the owner and change managers finish it; not the requester or others", () => {
    const team = ['cli:bob', 'cli:ann'];
    expect(canTask(actor('cli:bob'), r, 'finish-task', team)).toBe(true);
    expect(canTask(actor('cli:own'), r, 'finish-task', team)).toBe(true);
    expect(canTask(actor('cli:cm', 'change-manager'), r, 'finish-task', team)).toBe(true);
    expect(canTask(actor('cli:req'), r, 'finish-task', team)).toBe(false);
    expect(canTask(actor('cli:eve'), r, 'finish-task', team)).toBe(false);
    expect(code(() => authorizeTask(actor('cli:eve'), r, 'finish-task', team))).toBe('forbidden');
  });
});

describe('when a task is due', () => {
  it('defaults to the window start, and to nothing while there is no window', () => {
    expect(dueOf(rfc(), undefined, NOW)).toEqual(START);
    expect(dueOf(rfc('draft', false), undefined, NOW)).toBeNull();
  });

  it('accepts a time before the window or during it, refuses one after its end or already past', () => {
    const before = new Date('2026-12-12T18:00:00Z');
    const during = new Date('2026-12-12T23:00:00Z');
    expect(dueOf(rfc(), before, NOW)).toEqual(before);
    expect(dueOf(rfc(), during, NOW)).toEqual(during);
    expect(dueOf(rfc(), END, NOW)).toEqual(END);
    expect(() => dueOf(rfc(), new Date('2026-12-13T00:01:00Z'), NOW)).toThrow('must be done by the end of its window');
    expect(() => dueOf(rfc(), new Date('2026-12-09T00:00:00Z'), NOW)).toThrow('already passed');
  });
});

describe('task reminders', () => {
  it('reminds the team 2 h before the task is due, with the task in the stamp', () => {
    const [t, ...more] = taskTimersFor(rfc(), [task()], NOW);
    expect(more).toEqual([]);
    expect(t!.kind).toBe('task-due');
    expect(t!.dueAt).toEqual(new Date('2026-12-12T20:00:00Z'));
    expect(t!.id).toBe('RFC-1.task-due.20261212T220000Z-t2');
    expect(t!.recipients).toEqual([{ kind: 'team', name: 'network' }]);
    expect(parseTimerId(t!.id)).toEqual({ subject: { type: 'rfc', key: 'RFC-1' }, kind: 'task-due', stamp: '20261212T220000Z-t2' });
    expect(taskOfStamp(t!.stamp)).toBe(2);
  });

  it('reminds a person task its assignee, at its own due time', () => {
    const due = new Date('2026-12-12T12:00:00Z');
    const [t] = taskTimersFor(rfc(), [task({ team: null, assignee: 'cli:ann', dueAt: due })], NOW);
    expect(t!.dueAt).toEqual(new Date('2026-12-12T10:00:00Z'));
    expect(t!.recipients).toEqual([{ kind: 'person', id: 'cli:ann' }]);
    expect(taskRecipients({ team: null, assignee: 'cli:ann' })).toEqual([{ kind: 'person', id: 'cli:ann' }]);
  });

  it('has none for finished tasks, once fired, after the due time, when added within 2 h, or once the change is over', () => {
    const t = taskTimersFor(rfc(), [task()], NOW)[0]!;
    expect(taskTimersFor(rfc(), [task({ state: 'done' })], NOW)).toEqual([]);
    expect(taskTimersFor(rfc(), [task()], NOW, new Set([firedKey(t)]))).toEqual([]);
    expect(taskTimersFor(rfc(), [task()], new Date('2026-12-12T22:30:00Z'))).toEqual([]);
    expect(taskTimersFor(rfc(), [task({ createdAt: new Date('2026-12-12T21:00:00Z') })], new Date('2026-12-12T21:00:00Z'))).toEqual([]);
    expect(taskTimersFor(rfc('cancelled'), [task()], NOW)).toEqual([]);
    expect(taskTimersFor(rfc('implemented'), [task()], NOW)).toEqual([]);
    expect(taskTimersFor(rfc('draft', false), [task()], NOW)).toEqual([]);
  });
});

describe('the task commands', () => {
  it('parse add with a team or a person, a due time, and the words', () => {
    expect(parseCommand('task add RFC-12 team=network "Open 443 on the edge firewall" due="2026-12-05 20:00"', slack)).toMatchObject({
      kind: 'task',
      command: { action: 'add', key: 'RFC-12', team: 'network', title: 'Open 443 on the edge firewall', due: expect.any(Date) },
    });
    expect(parseCommand('task add 12 person=<@U7> "Restore the backup"', slack)).toMatchObject({
      command: { action: 'add', key: 'RFC-12', person: 'slack:T1/U7', title: 'Restore the backup' },
    });
  });

  it('parse done, skip and list (and `tasks RFC-n`)', () => {
    expect(parseCommand('task done RFC-12 2 note="opened"', slack)).toMatchObject({
      command: { action: 'finish', key: 'RFC-12', number: 2, finish: { to: 'done', note: 'opened' } },
    });
    expect(parseCommand('task done RFC-12 #3', slack)).toMatchObject({ command: { action: 'finish', number: 3, finish: { to: 'done' } } });
    expect(parseCommand('task skip RFC-12 2 reason="not needed"', slack)).toMatchObject({
      command: { action: 'finish', finish: { to: 'not_applicable', reason: 'not needed' } },
    });
    expect(parseCommand('tasks RFC-12', slack)).toEqual({ kind: 'task', command: { action: 'list', key: 'RFC-12' } });
    expect(parseCommand('task list 12', slack)).toEqual({ kind: 'task', command: { action: 'list', key: 'RFC-12' } });
  });

  it('refuse what is missing or wrong, saying how to fix it', () => {
    expect(() => parseCommand('task add RFC-12 "Open 443"', slack)).toThrow('Say who does the task: team=NAME or person=@someone.');
    expect(() => parseCommand('task add RFC-12 team=network person=<@U1> "x"', slack)).toThrow('not both');
    expect(() => parseCommand('task add RFC-12 team=network', slack)).toThrow('Say what the task is');
    expect(() => parseCommand('task skip RFC-12 2', slack)).toThrow('Say why the task does not apply.');
    expect(() => parseCommand('task done RFC-12 two', slack)).toThrow(`"two" isn't a task number`);
    expect(() => parseCommand('task finsh RFC-12 2', slack)).toThrow('Unknown task action "finsh"');
  });
});
