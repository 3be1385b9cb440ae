/**
 * `template add|edit|retire|list|show`: the standard-change catalogue (issue 14). Change
 * managers and admins define templates; anyone lists them and raises from one with
 * `new template=NAME "title"`.
 */
import { addTemplate, editTemplate, listTemplates, retireTemplate, showTemplate } from '../app/templates.js';
import type { TemplateInput } from '../app/inputs.js';
import { TEMPLATE_WINDOWS, splitTasks } from '../domain/templates.js';
import { type Args, collectArgs, noExtraPositionals } from './args.js';
import { parseDuration } from './dates.js';
import { parseNames } from './fields.js';
import { EXAMPLES } from './help.js';
import { resolvePerson } from './people.js';
import { outcomeText } from './replies.js';
import type { Token } from './tokenize.js';
import type { ParseContext, TemplateCommand } from './types.js';
import { badCommand, badValue, clip, didYouMean } from './util.js';
import { type RfcVerb, rfcVerb } from './verb.js';

const ACTIONS = ['add', 'edit', 'retire', 'list', 'show'] as const;
const ACTION_ALIASES: Record<string, (typeof ACTIONS)[number]> = {
  new: 'add',
  create: 'add',
  change: 'edit',
  update: 'edit',
  remove: 'retire',
  rm: 'retire',
  delete: 'retire',
  ls: 'list',
  view: 'show',
  get: 'show',
};

const KEYS = ['title', 'description', 'services', 'plan', 'backout', 'test', 'max', 'windows', 'tasks', 'checklist'] as const;
const ALIASES: Record<string, string> = {
  pattern: 'title',
  desc: 'description',
  service: 'services',
  rollback: 'backout',
  tests: 'test',
  duration: 'max',
  'max-duration': 'max',
  longest: 'max',
  window: 'windows',
  task: 'tasks',
  check: 'checklist',
  checks: 'checklist',
};

const NONE = /^(none|no|-|)$/i;

function windowsOf(text: string, example: string): 'maintenance' | 'any' {
  const s = text.trim().toLowerCase();
  if (s === 'maintenance' || s === 'maint' || s === 'mw') return 'maintenance';
  if (s === 'any' || s === 'anytime' || s === 'all') return 'any';
  return badValue(
    'windows',
    `Can't read windows="${clip(text)}".${didYouMean(s, TEMPLATE_WINDOWS)} Use maintenance (inside a maintenance window of its services) or any. Example: ${example}`,
    example,
  );
}

/** The template fields given as key=value (empty optional values clear them on edit). */
function templateFields(args: Args, ctx: ParseContext, example: string, name: string): TemplateInput {
  const get = (k: string): string | undefined => args.pairs.get(k)?.value;
  const input: TemplateInput = { name };
  const title = get('title');
  if (title !== undefined) input.titlePattern = title.trim();
  for (const k of ['plan', 'backout'] as const) {
    const v = get(k);
    if (v !== undefined) input[k] = v.trim();
  }
  for (const k of ['description', 'test'] as const) {
    const v = get(k);
    if (v !== undefined) input[k] = v.trim() || null;
  }
  const services = get('services');
  if (services !== undefined) input.services = parseNames(services);
  const max = get('max');
  if (max !== undefined) input.maxDurationMinutes = NONE.test(max.trim()) ? null : parseDuration(max, 'max');
  const windows = get('windows');
  if (windows !== undefined) input.allowedWindows = windowsOf(windows, example);
  const tasks = get('tasks');
  if (tasks !== undefined) {
    input.tasks = NONE.test(tasks.trim())
      ? []
      : splitTasks(tasks).map((t) => (t.person !== undefined ? { ...t, person: resolvePerson(t.person, ctx, 'tasks') } : t));
  }
  const checklist = get('checklist');
  if (checklist !== undefined) {
    input.checklist = NONE.test(checklist.trim())
      ? []
      : checklist
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean);
  }
  return input;
}

function nameOf(args: Args, example: string): string {
  const first = args.positionals[0];
  if (first?.index !== 0) return badValue('name', `Name the template. Example: ${example}`, example);
  return first.token.value.trim();
}

export function parseTemplate(rest: Token[], ctx: ParseContext): { kind: 'template'; command: TemplateCommand } {
  const word = rest[0];
  const usage = `/rfc template add|edit|retire|list|show. Example: ${EXAMPLES['template add']}`;
  if (!word || word.key !== undefined) badCommand(`Say what to do with templates: ${usage}`, { example: EXAMPLES['template list'] });
  const typed = word.value.toLowerCase();
  const action = (ACTIONS as readonly string[]).includes(typed) ? (typed as (typeof ACTIONS)[number]) : ACTION_ALIASES[typed];
  if (!action) badCommand(`There is no "template ${clip(word.value, 30)}".${didYouMean(typed, ACTIONS)} Use ${usage}`, { example: EXAMPLES['template list'] });
  const tail = rest.slice(1);
  const example = EXAMPLES[`template ${action}`];
  const wrap = (command: TemplateCommand) => ({ kind: 'template' as const, command });
  switch (action) {
    case 'list': {
      noExtraPositionals(collectArgs(tail, { keys: [], example }), 0, example);
      return wrap({ action: 'list' });
    }
    case 'show': {
      const args = collectArgs(tail, { keys: [], example });
      const name = nameOf(args, example);
      noExtraPositionals(args, 1, example);
      return wrap({ action: 'show', name });
    }
    case 'retire': {
      const args = collectArgs(tail, { keys: ['reason'], aliases: { why: 'reason' }, example });
      const name = nameOf(args, example);
      const words = args.positionals
        .slice(1)
        .map((p) => p.token.value)
        .join(' ')
        .trim();
      const given = args.pairs.get('reason')?.value.trim();
      if (words && given !== undefined) badCommand(`Give the reason once, in quotes: reason="...". Example: ${example}`, { example });
      const reason = given ?? words;
      return wrap(reason ? { action: 'retire', name, reason } : { action: 'retire', name });
    }
    case 'add':
    case 'edit': {
      const args = collectArgs(tail, { keys: KEYS, aliases: ALIASES, example, textKeys: ['tasks', 'checklist'] });
      const name = nameOf(args, example);
      noExtraPositionals(args, 1, example);
      if (action === 'edit' && args.pairs.size === 0) badCommand(`Say what to change with key=value. Example: ${example}`, { example });
      return wrap({ action, input: templateFields(args, ctx, example, name) });
    }
  }
}

export const TEMPLATE_VERBS: readonly RfcVerb[] = [
  rfcVerb({
    aggregate: 'rfc',
    kind: 'template',
    name: 'template',
    aliases: ['templates'],
    usage:
      'template add|edit NAME title="..." services=a,b plan="..." backout="..." [test="..."] [max=2h] [windows=maintenance|any] [tasks="..."] [checklist="..."] | retire NAME | list | show NAME',
    summary:
      'standard-change templates: pre-approved recipes anyone raises a change from (new template=NAME "title"); change managers add, edit and retire them',
    args: [
      ['add NAME', 'a new template (change managers and admins): NAME is 1–64 letters, digits, -, _ or .'],
      ['edit NAME key=value ...', 'a new version with these fields changed; changes raised earlier keep their version'],
      ['retire NAME [reason="..."]', 'no new change can be raised from it'],
      ['list', 'the templates'],
      ['show NAME', 'the current version in full and its history'],
      ['title="Add * users to *"', 'the title every change from it has; each * is one or more words'],
      ['services=a,b', 'the services its changes touch'],
      ['plan="..." backout="..." test="..."', 'its implementation, backout and test plans (the changes keep them; editing them makes a normal change)'],
      ['max=2h', 'the longest window (max=none: no limit)'],
      ['windows=maintenance|any', 'maintenance (default): only inside a maintenance window of its services; any: any time'],
      ['tasks="team=network:Open 443;person=@ana:Check the logs;Update the wiki"', 'the change tasks of each change from it, ; between them'],
      ['checklist="Backup verified;Users told"', 'pre-implementation checklist items, ; between them'],
    ],
    example: EXAMPLES['template add'],
    overview: `template add|edit|retire|list|show — standard-change templates anyone raises a pre-approved change from: ${EXAMPLES['new template']}. e.g. ${EXAMPLES['template list']}`,
    parse: ({ rest, ctx }) => parseTemplate(rest, ctx),
    run(ctx, actor, { command: c }) {
      const o =
        c.action === 'add'
          ? addTemplate(ctx, actor, c.input)
          : c.action === 'edit'
            ? editTemplate(ctx, actor, c.input)
            : c.action === 'retire'
              ? retireTemplate(ctx, actor, c.name, c.reason)
              : c.action === 'show'
                ? showTemplate(ctx, actor, c.name)
                : listTemplates(ctx, actor);
      return { text: outcomeText(o), outcome: o };
    },
  }),
];
