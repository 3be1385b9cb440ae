/**
 * Standard-change templates (issue 14, domain.md "Change models"): an approved recipe (title
 * pattern, services, plans, longest window, allowed windows, tasks, checklist) that anyone may
 * raise a pre-approved standard change from. Pure: the rules for a title, a window and an edit
 * against the template an RFC came from, and the validation of a template's fields.
 */
import { ChangebotError } from './errors.js';
import { checkName, checkText } from './text-rules.js';
import type { MaintenanceWindow, PersonId, Rfc, Window } from './types.js';
import { applicableWindows, insideMaintenance } from './windows.js';

export const TEMPLATE_WINDOWS = ['maintenance', 'any'] as const;
export type TemplateWindows = (typeof TEMPLATE_WINDOWS)[number];

/** A change task each RFC raised from the template gets: assigned to a team or a person, or to nobody yet. */
export interface TemplateTask {
  title: string;
  team?: string;
  person?: PersonId;
}

/** The content of one version of a template. */
export interface TemplateContent {
  titlePattern: string;
  description: string | null;
  services: string[];
  plan: string;
  backout: string;
  test: string | null;
  /** The longest window an RFC raised from it may have; null: no limit. */
  maxDurationMinutes: number | null;
  allowedWindows: TemplateWindows;
  tasks: TemplateTask[];
  checklist: string[];
}

export interface TemplateVersion extends TemplateContent {
  name: string;
  version: number;
  createdBy: PersonId;
  createdAt: Date;
}

export interface Template {
  name: string;
  currentVersion: number;
  retiredAt: Date | null;
  retiredBy: PersonId | null;
  createdBy: PersonId;
  createdAt: Date;
}

export const TEMPLATE_EXAMPLE = '/rfc template add add-user title="Add * users to *" services=ad plan="Create the accounts" backout="Delete them" max=2h';

/** The fields of a template version in the order `template show` and the change log use. */
export const TEMPLATE_FIELDS = [
  'titlePattern',
  'description',
  'services',
  'plan',
  'backout',
  'test',
  'maxDurationMinutes',
  'allowedWindows',
  'tasks',
  'checklist',
] as const satisfies readonly (keyof TemplateContent)[];
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** How people type each field (`title=`, `max=`...), for messages. */
export const TEMPLATE_FIELD_WORDS: Record<TemplateField, string> = {
  titlePattern: 'title',
  description: 'description',
  services: 'services',
  plan: 'plan',
  backout: 'backout',
  test: 'test',
  maxDurationMinutes: 'max',
  allowedWindows: 'windows',
  tasks: 'tasks',
  checklist: 'checklist',
};

/** A template name: lower-cased, by the names rule (letters, digits, `-`, `_`, `.`). */
export function templateName(raw: string): string {
  return checkName('template', raw, 'add-user').toLowerCase();
}

const words = (s: string): string => s.trim().replace(/\s+/g, ' ');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `title` follows `pattern`: the same words (case and spacing aside), where each `*`
 * stands for one or more words. `Add * users to *` matches `Add 3 users to Sales`.
 */
export function titleMatches(pattern: string, title: string): boolean {
  // Word by word (no backtracking regex over the whole title): ok[i][j] = the first i pattern
  // words match the first j title words.
  const pat = words(pattern).split(' ');
  const tw = words(title).split(' ').filter(Boolean);
  const wordOk = (p: string, w: string): boolean =>
    p.includes('*') ? new RegExp(`^${p.split('*').map(escapeRe).join('\\S*')}$`, 'iu').test(w) : p.toLowerCase() === w.toLowerCase();
  let row: boolean[] = tw.map(() => false);
  row.unshift(true);
  for (const p of pat) {
    const next: boolean[] = [false];
    for (let j = 1; j <= tw.length; j++) {
      // `*` takes this word and maybe more before it; a word matches this one word.
      next[j] = p === '*' ? row[j - 1]! || next[j - 1]! : row[j - 1]! && wordOk(p, tw[j - 1]!);
    }
    row = next;
  }
  return row[tw.length]!;
}

/** Refuses a title that does not follow the template's pattern, with the pattern as the example. */
export function checkTemplateTitle(v: Pick<TemplateVersion, 'name' | 'version' | 'titlePattern'>, title: string): void {
  if (titleMatches(v.titlePattern, title)) return;
  const example = `/rfc new template=${v.name} "${v.titlePattern}"`;
  throw new ChangebotError(
    'bad_value',
    `“${title}” does not follow template ${v.name}'s title “${v.titlePattern}” (each * is one or more words). Example: ${example}`,
    { field: 'title', example, pattern: v.titlePattern },
  );
}

const duration = (minutes: number): string =>
  minutes % 1440 === 0
    ? `${minutes / 1440}d`
    : minutes % 60 === 0
      ? `${minutes / 60}h`
      : minutes > 60
        ? `${Math.floor(minutes / 60)}h${minutes % 60}m`
        : `${minutes}m`;
export { duration as durationText };

/**
 * Why `window` does not fit the template, or null: longer than its longest window, or (with
 * windows=maintenance) not inside a maintenance window of every service it changes. A service
 * without any maintenance window cannot hold a maintenance-only change.
 */
export function templateWindowProblem(
  v: Pick<TemplateVersion, 'name' | 'version' | 'maxDurationMinutes' | 'allowedWindows'>,
  services: readonly string[],
  window: Window,
  maintenance: MaintenanceWindow[],
): string | null {
  const minutes = Math.round((window.end.getTime() - window.start.getTime()) / 60_000);
  const of = `template ${v.name} v${v.version}`;
  if (v.maxDurationMinutes !== null && minutes > v.maxDurationMinutes) {
    return `The window is ${duration(minutes)} long, and ${of} allows at most ${duration(v.maxDurationMinutes)}. Give a shorter one, e.g. duration=${duration(v.maxDurationMinutes)}, or raise a normal change (without template=) for a longer one.`;
  }
  if (v.allowedWindows === 'maintenance') {
    const bare = services.filter((s) => applicableWindows(maintenance, s).length === 0);
    if (bare.length) {
      return `${of} runs only inside maintenance windows, and ${bare.join(', ')} ${bare.length > 1 ? 'have' : 'has'} none. Ask an admin to add one (admin window add), or raise a normal change.`;
    }
    if (!insideMaintenance(maintenance, [...services], window)) {
      return `${of} runs only inside a maintenance window of ${services.join(', ')}, and this window is outside it. Find one with /rfc slot service=${services[0] ?? 'NAME'} duration=${duration(minutes)}, or raise a normal change (without template=).`;
    }
  }
  return null;
}

/** The fields a template fixes: changing any of them on an RFC makes it a normal change. */
export const TEMPLATE_BOUND = ['plan', 'backout', 'test', 'services'] as const;

/**
 * The "edited plan is a normal change" rule: which of the plan, backout, test and services of
 * an RFC raised from a template differ after an edit (none: it still follows the template).
 */
export function leavesTemplate(before: Pick<Rfc, (typeof TEMPLATE_BOUND)[number]>, after: Pick<Rfc, (typeof TEMPLATE_BOUND)[number]>): string[] {
  return TEMPLATE_BOUND.filter((k) =>
    k === 'services' ? before.services.join('\n').toLowerCase() !== after.services.join('\n').toLowerCase() : (before[k] ?? '') !== (after[k] ?? ''),
  );
}

const MAX_TASKS = 30;
const MAX_CHECKLIST = 30;
const MAX_WINDOW_MINUTES = 366 * 1440;

function bad(field: string, message: string, example = TEMPLATE_EXAMPLE): never {
  throw new ChangebotError('bad_value', `${message} Example: ${example}`, { field, example });
}

/** One `tasks=` item as typed: `team=network:Open 443`, `person=@ana:Check the logs` or just `Update the wiki`. */
export interface TypedTask {
  title: string;
  team?: string;
  person?: string;
}

const TASKS_EXAMPLE = 'tasks="team=network:Open 443 on the edge firewall;Update the wiki"';

/** Splits `tasks=` text into items (`;` between them); each may start with `team=NAME:` or `person=WHO:`. */
export function splitTasks(text: string): TypedTask[] {
  const items = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.map((item) => {
    const m = /^(team|person)\s*=\s*([^:]+?)\s*:\s*(.*)$/is.exec(item);
    if (!m) {
      if (/^(team|person)\s*=/i.test(item)) bad('tasks', `Can't read the task "${item}": put a colon between whom it is for and what to do.`, TASKS_EXAMPLE);
      return { title: item };
    }
    const who = m[1]!.toLowerCase() as 'team' | 'person';
    return who === 'team' ? { title: m[3]!, team: m[2]! } : { title: m[3]!, person: m[2]! };
  });
}

/** The tasks, checked: each has a title (at most 200 characters), a team by the names rule; at most 30. */
export function checkTasks(tasks: readonly TemplateTask[]): TemplateTask[] {
  if (tasks.length > MAX_TASKS) bad('tasks', `A template has at most ${MAX_TASKS} tasks; these are ${tasks.length}.`, TASKS_EXAMPLE);
  return tasks.map((t) => {
    const title = checkText('title', t.title, 'task');
    if (!title) bad('tasks', 'Each task needs words saying what to do.', TASKS_EXAMPLE);
    const out: TemplateTask = { title };
    if (t.team !== undefined) out.team = checkName('team', t.team, 'network', 'tasks').toLowerCase();
    if (t.person !== undefined) out.person = t.person;
    return out;
  });
}

const CHECKLIST_EXAMPLE = 'checklist="Backup verified;Users told"';

/** `checklist=` items, `;` between them; each at most 200 characters, at most 30 items. */
export function checkChecklist(items: readonly string[]): string[] {
  const out = items.map((i) => checkText('title', i, 'checklist item')).filter(Boolean);
  if (out.length > MAX_CHECKLIST) bad('checklist', `A template's checklist has at most ${MAX_CHECKLIST} items; this one has ${out.length}.`, CHECKLIST_EXAMPLE);
  return [...new Set(out)];
}

/**
 * A template version's content, checked: a title pattern with at least one word besides `*`,
 * services, a plan and a backout (a standard change is well understood and documented), a
 * longest window from a minute to a year, and the windows it may run in.
 */
export function checkTemplateContent(c: TemplateContent): TemplateContent {
  const titlePattern = checkText('title', c.titlePattern, 'title');
  if (!titlePattern) bad('title', 'A template needs a title pattern: the words every title raised from it has, with * for the words that change.');
  if (!/[^\s*]/.test(titlePattern))
    bad('title', `The title pattern “${titlePattern}” has no words besides *: say what the change does, e.g. "Add * users to *".`);
  if (!c.services.length) bad('services', 'A template names the services its changes touch, e.g. services=ad.');
  const plan = checkText('plan', c.plan);
  if (!plan) bad('plan', 'A template needs its implementation plan (plan="..."): that is what makes the change standard.');
  const backout = checkText('backout', c.backout);
  if (!backout) bad('backout', 'A template needs its backout plan (backout="...").');
  const test = c.test === null ? null : checkText('test', c.test) || null;
  const description = c.description === null ? null : checkText('description', c.description) || null;
  if (c.maxDurationMinutes !== null && (c.maxDurationMinutes < 1 || c.maxDurationMinutes > MAX_WINDOW_MINUTES)) {
    bad('max', 'The longest window (max=) is from 1 minute to a year, e.g. max=2h.');
  }
  if (!(TEMPLATE_WINDOWS as readonly string[]).includes(c.allowedWindows)) bad('windows', 'windows= is maintenance or any.');
  return {
    titlePattern,
    description,
    services: [...c.services],
    plan,
    backout,
    test,
    maxDurationMinutes: c.maxDurationMinutes,
    allowedWindows: c.allowedWindows,
    tasks: checkTasks(c.tasks),
    checklist: checkChecklist(c.checklist),
  };
}

/** The fields that differ between two versions (for the change log and `template show`). */
export function changedFields(before: TemplateContent | null, after: TemplateContent): TemplateField[] {
  return TEMPLATE_FIELDS.filter((f) => before === null || JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/** Why an RFC cannot be raised from `t`: it is retired. Null when it can. */
export function retiredRefusal(t: Pick<Template, 'name' | 'retiredAt'>): ChangebotError | null {
  if (!t.retiredAt) return null;
  return new ChangebotError(
    'invalid_transition',
    `Template ${t.name} is retired, so no change can be raised from it. Raise a normal change instead (e.g. /rfc new "..." category=minor services=...), or see /rfc template list for the templates in use.`,
    { field: 'template', example: '/rfc template list' },
  );
}
