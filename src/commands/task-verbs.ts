/**
 * `task add|done|skip|list` (and `tasks RFC-n`): an RFC's change tasks (src/app/tasks.ts). One
 * verb in the registry, whose first word picks the action.
 */
import { addTask, finish, listTasks } from '../app/tasks.js';
import type { TaskAddInput, TaskFinishInput } from '../app/tasks.js';
import { collectArgs } from './args.js';
import { parseDate } from './dates.js';
import { EXAMPLES } from './help.js';
import { resolvePerson } from './people.js';
import { outcomeText, withView } from './replies.js';
import type { Token } from './tokenize.js';
import type { ParseContext, TaskCommand } from './types.js';
import { badCommand, badValue, clip, didYouMean, own } from './util.js';
import { type RfcVerb, rfcVerb } from './verb.js';
import { isKey, parseKey } from './verbs.js';

const ACTIONS: Record<string, 'add' | 'done' | 'skip' | 'list'> = {
  add: 'add',
  new: 'add',
  create: 'add',
  done: 'done',
  complete: 'done',
  finish: 'done',
  skip: 'skip',
  na: 'skip',
  'n/a': 'skip',
  'not-applicable': 'skip',
  list: 'list',
  ls: 'list',
  show: 'list',
};
const ACTION_NAMES = ['add', 'done', 'skip', 'list'];
const TIME_WORD = /^(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)$/i;

function words(tokens: readonly Token[]): string {
  return tokens
    .map((t) => t.value)
    .join(' ')
    .trim();
}

function parseNumber(token: Token | undefined, key: string, example: string): number {
  const m = token && token.key === undefined ? /^#?(\d{1,6})$/.exec(token.value.trim()) : null;
  if (!m || Number(m[1]) < 1) {
    return badValue(
      'task',
      `${token ? `"${clip(token.value, 30)}" isn't a task number` : 'Missing the task number'} (as /rfc task list ${key} shows them). Example: ${example}`,
      example,
    );
  }
  return Number(m[1]);
}

function parseAdd(rest: Token[], ctx: ParseContext): TaskCommand {
  const example = EXAMPLES['task add'];
  const a = collectArgs(rest, { keys: ['team', 'person', 'due', 'title'], aliases: { assignee: 'person', owner: 'person', by: 'due' }, example });
  const key = parseKey(a.positionals[0]?.index === 0 ? a.positionals[0].token : undefined, example);
  let due = a.pairs.get('due');
  let titleWords = a.positionals.slice(1);
  // `due=sat 20:00`: the bare time after the due date is part of it.
  const next = due && titleWords.find((p) => p.token.start > due!.start && !p.token.quoted && TIME_WORD.test(p.token.value));
  if (due && next && rest.indexOf(next.token) === rest.findIndex((t) => t.start === due!.start) + 1) {
    due = { ...due, value: `${due.value} ${next.token.value}` };
    titleWords = titleWords.filter((p) => p !== next);
  }
  const typed = a.pairs.get('title')?.value.trim();
  if (typed !== undefined && titleWords.length) badCommand(`Give the task's words once, in quotes. Example: ${example}`, { example });
  const title = typed ?? words(titleWords.map((p) => p.token));
  if (!title) badValue('title', `Say what the task is, in quotes. Example: ${example}`, example);
  const cmd: TaskCommand = { action: 'add', key, title };
  const team = a.pairs.get('team')?.value.trim();
  const person = a.pairs.get('person')?.value;
  if (team && person !== undefined) badValue('team', `Give the task to a team or to a person, not both. Example: ${example}`, example);
  if (!team && person === undefined) badValue('team', `Say who does the task: team=NAME or person=@someone. Example: ${example}`, example);
  if (team) cmd.team = team;
  if (person !== undefined) cmd.person = resolvePerson(person, ctx, 'person');
  if (due) cmd.due = parseDate(due.value, ctx, 'due');
  return cmd;
}

function parseFinish(to: 'done' | 'skip', rest: Token[]): TaskCommand {
  const example = EXAMPLES[to === 'done' ? 'task done' : 'task skip'];
  const field = to === 'done' ? 'note' : 'reason';
  const a = collectArgs(rest, {
    keys: [field],
    aliases: to === 'done' ? { notes: 'note', comment: 'note' } : { why: 'reason', comment: 'reason', note: 'reason' },
    textKeys: [field],
    example,
  });
  const key = parseKey(a.positionals[0]?.index === 0 ? a.positionals[0].token : undefined, example);
  const number = parseNumber(a.positionals[1]?.token, key, example);
  const extra = words(a.positionals.slice(2).map((p) => p.token));
  const given = a.pairs.get(field)?.value.trim();
  if (extra && given !== undefined) badCommand(`Give the ${field} once, in quotes: ${field}="...". Example: ${example}`, { example });
  const text = given ?? extra;
  if (to === 'skip') {
    if (!text) badValue('reason', `Say why the task does not apply. Example: ${example}`, example);
    return { action: 'finish', key, number, finish: { to: 'not_applicable', reason: text } };
  }
  return { action: 'finish', key, number, finish: text ? { to: 'done', note: text } : { to: 'done' } };
}

export function parseTask(rest: Token[], ctx: ParseContext): TaskCommand {
  const example = EXAMPLES['task add'];
  const first = rest[0];
  if (!first) return badCommand(`Say what to do with tasks: ${ACTION_NAMES.join(', ')}. Example: ${example}`, { example });
  if (isKey(first)) {
    const key = parseKey(first, EXAMPLES['task list']);
    if (rest.length > 1) badCommand(`To list tasks type just: /rfc task list ${key}. To add one: ${example}`, { example });
    return { action: 'list', key };
  }
  const word = first.key === undefined ? first.value.toLowerCase() : '';
  const action = own(ACTIONS, word);
  if (!action) {
    return badCommand(`Unknown task action "${clip(first.value, 30)}".${didYouMean(word, ACTION_NAMES)} Use ${ACTION_NAMES.join(', ')}. Example: ${example}`, {
      example,
    });
  }
  const tail = rest.slice(1);
  if (action === 'add') return parseAdd(tail, ctx);
  if (action === 'list') {
    const key = parseKey(tail[0], EXAMPLES['task list']);
    if (tail.length > 1) badCommand(`\`task list\` takes only the RFC. Example: ${EXAMPLES['task list']}`, { example: EXAMPLES['task list'] });
    return { action: 'list', key };
  }
  return parseFinish(action, tail);
}

export const TASK_VERBS: readonly RfcVerb[] = [
  rfcVerb({
    aggregate: 'rfc',
    kind: 'task',
    name: 'task',
    aliases: ['tasks'],
    usage: 'task add RFC-n team=NAME|person=@x "what" [due=...] | done RFC-n <n> [note="..."] | skip RFC-n <n> reason="..." | list RFC-n',
    summary: "an RFC's change tasks for teams or people, due before (or during) its window; each is told when assigned and reminded 2 h before it is due",
    args: [
      ['add RFC-n', 'add a task: team=NAME (a team, see /rfc admin team list) or person=@someone, and what to do, in quotes'],
      ['due=...', 'when it must be done (default: when the window opens); a time before the window or during it, in your time zone'],
      ['done RFC-n <n>', 'mark task n done (its team, its assignee, the change owner or a change manager), with an optional note="..."'],
      ['skip RFC-n <n>', 'mark task n not applicable, with reason="..."'],
      ['list RFC-n', 'the tasks and who did what (also: /rfc tasks RFC-n)'],
    ],
    example: EXAMPLES['task add'],
    overview: `task add RFC-n team=NAME|person=@x "what" [due=...] | done RFC-n <n> [note="..."] | skip RFC-n <n> reason="..." | list RFC-n — change tasks. e.g. ${EXAMPLES['task add']}`,
    parse: ({ rest, ctx }) => ({ kind: 'task', command: parseTask(rest, ctx) }),
    run(ctx, actor, { command: c }) {
      if (c.action === 'list') {
        const o = listTasks(ctx, actor, c.key);
        return { text: outcomeText(o), outcome: o };
      }
      const { action: _a, ...input } = c;
      return c.action === 'add'
        ? withView(ctx, actor, addTask(ctx, actor, input as TaskAddInput))
        : withView(ctx, actor, finish(ctx, actor, input as TaskFinishInput));
    },
  }),
];
