/**
 * The standard-change catalogue (issue 14): change managers (and admins) add, edit (a new
 * version each time) and retire templates; anyone lists and reads them and raises a
 * pre-approved standard change from one (`raise` in rfcs.ts, through `templateForRaise`).
 * Every change to a template is a deployment-wide change-log row with the old and new values.
 */
import type { Db } from '../db/client.js';
import { listMaintenance } from '../db/repos/catalogue.js';
import * as repo from '../db/repos/templates.js';
import { type FieldChange, logValue } from '../domain/changelog.js';
import { ChangebotError } from '../domain/errors.js';
import { authorizeDeployment } from '../domain/permissions.js';
import {
  TEMPLATE_EXAMPLE,
  TEMPLATE_FIELD_WORDS,
  type Template,
  type TemplateContent,
  type TemplateTask,
  type TemplateVersion,
  changedFields,
  checkTemplateContent,
  durationText,
  retiredRefusal,
  templateName,
  templateWindowProblem,
} from '../domain/templates.js';
import { checkText } from '../domain/text-rules.js';
import type { Actor, Rfc, Window } from '../domain/types.js';
import { formatInstant } from '../domain/windows.js';
import { adminLog, done } from './admin.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { checkServices, knownOwner } from './fields.js';
import type { RfcFields, TemplateInput } from './inputs.js';

const RAISE_EXAMPLE = (name: string, pattern: string) => `/rfc new template=${name} "${pattern}"`;

function notFound(tx: Db, typed: string): never {
  const names = repo
    .listTemplates(tx)
    .filter((t) => !t.retiredAt)
    .map((t) => t.name);
  throw new ChangebotError(
    'not_found',
    `There is no template "${typed}".${names.length ? ` Templates: ${names.join(', ')}.` : ' None is defined yet: a change manager adds one with /rfc template add.'}`,
    { field: 'template', example: '/rfc template list' },
  );
}

function current(tx: Db, typed: string): { template: Template; version: TemplateVersion } {
  const template = repo.findTemplate(tx, typed.trim());
  if (!template) notFound(tx, typed);
  const version = repo.findTemplateVersion(tx, template.name, template.currentVersion)!;
  return { template, version };
}

/** The content `input` gives on top of `base` (null for a new template), services and task people checked. */
function contentFrom(tx: Db, actor: Actor, now: Date, input: TemplateInput, base: TemplateContent | null): TemplateContent {
  const need = <T>(v: T | undefined, word: string): T => {
    if (v !== undefined) return v;
    throw new ChangebotError('bad_value', `A template needs ${word}. Example: ${TEMPLATE_EXAMPLE}`, { field: word.split('=')[0]!, example: TEMPLATE_EXAMPLE });
  };
  const tasks = input.tasks?.map((t) => {
    const out: TemplateTask = { title: t.title };
    if (t.team !== undefined) out.team = t.team;
    if (t.person !== undefined) out.person = knownOwner(tx, t.person, actor, now, 'tasks');
    return out;
  });
  const content: TemplateContent = {
    titlePattern: input.titlePattern ?? need(base?.titlePattern, 'a title pattern (title="Add * users to *")'),
    description: input.description !== undefined ? input.description : (base?.description ?? null),
    services: input.services ? checkServices(tx, input.services) : need(base?.services, 'its services (services=ad)'),
    plan: input.plan ?? need(base?.plan, 'its plan (plan="...")'),
    backout: input.backout ?? need(base?.backout, 'its backout plan (backout="...")'),
    test: input.test !== undefined ? input.test : (base?.test ?? null),
    maxDurationMinutes: input.maxDurationMinutes !== undefined ? input.maxDurationMinutes : (base?.maxDurationMinutes ?? null),
    allowedWindows: input.allowedWindows ?? base?.allowedWindows ?? 'maintenance',
    tasks: tasks ?? base?.tasks ?? [],
    checklist: input.checklist ?? base?.checklist ?? [],
  };
  return checkTemplateContent(content);
}

function changesOf(before: TemplateContent | null, after: TemplateContent): FieldChange[] {
  // A new template's row names only what it says (no "description: none").
  const fields = changedFields(before, after).filter((f) => before !== null || !isEmpty(after[f]));
  return fields.map((f) => ({ field: TEMPLATE_FIELD_WORDS[f], from: before ? logValue(before[f]) : null, to: logValue(after[f]) }));
}

const isEmpty = (v: unknown): boolean => v === null || (Array.isArray(v) && v.length === 0);

const contentOf = (v: TemplateVersion): TemplateContent => {
  const { name: _n, version: _v, createdBy: _b, createdAt: _a, ...content } = v;
  return content;
};

export function addTemplate(ctx: AppContext, actor: Actor, input: TemplateInput): Outcome<TemplateVersion> {
  authorizeDeployment(actor, 'manage-templates');
  const name = templateName(input.name);
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    const existing = repo.findTemplate(tx, name);
    if (existing) {
      throw new ChangebotError(
        'bad_value',
        existing.retiredAt
          ? `There is already a template ${name}, retired: its name stays with its history. Pick another name.`
          : `There is already a template ${name}. Change it with /rfc template edit ${name} plan="..." (a new version), or pick another name.`,
        { field: 'name', example: `/rfc template edit ${name} plan="..."` },
      );
    }
    const content = contentFrom(tx, actor, now, input, null);
    repo.insertTemplate(tx, { name, currentVersion: 1, retiredAt: null, retiredBy: null, createdBy: actor.id, createdAt: now });
    const version: TemplateVersion = { ...content, name, version: 1, createdBy: actor.id, createdAt: now };
    repo.insertTemplateVersion(tx, version);
    adminLog(tx, now, actor, 'template-add', { template: name, version: 1, changes: changesOf(null, content) });
    return done(
      version,
      `Added template ${name} v1: anyone can now raise a pre-approved standard change from it, e.g. ${RAISE_EXAMPLE(name, content.titlePattern)}.`,
    );
  });
}

/** A new version with the fields given changed; RFCs raised earlier keep the version they came from. */
export function editTemplate(ctx: AppContext, actor: Actor, input: TemplateInput): Outcome<TemplateVersion> {
  authorizeDeployment(actor, 'manage-templates');
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    const { template, version: was } = current(tx, input.name);
    if (template.retiredAt) {
      throw new ChangebotError(
        'invalid_transition',
        `Template ${template.name} is retired, so it can't be changed. Add a new one under another name with /rfc template add.`,
        {
          field: 'template',
        },
      );
    }
    const before = contentOf(was);
    const after = contentFrom(tx, actor, now, input, before);
    const changes = changesOf(before, after);
    if (!changes.length) {
      throw new ChangebotError('bad_value', `That is what template ${template.name} v${was.version} says already: nothing to change.`, {
        field: 'template',
        example: `/rfc template edit ${template.name} max=3h`,
      });
    }
    const version: TemplateVersion = { ...after, name: template.name, version: was.version + 1, createdBy: actor.id, createdAt: now };
    repo.insertTemplateVersion(tx, version);
    adminLog(tx, now, actor, 'template-edit', { template: template.name, version: version.version, changes });
    return done(
      version,
      `Template ${template.name} is now v${version.version} (changed ${changes.map((c) => c.field).join(', ')}). Changes raised from v${was.version} keep it.`,
    );
  });
}

export function retireTemplate(ctx: AppContext, actor: Actor, name: string, reason?: string): Outcome<Template> {
  authorizeDeployment(actor, 'manage-templates');
  const why = reason === undefined ? undefined : checkText('reason', reason) || undefined;
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    const { template } = current(tx, name);
    if (template.retiredAt) throw new ChangebotError('invalid_transition', `Template ${template.name} is retired already.`, { field: 'template' });
    repo.retireTemplate(tx, template.name, actor.id, now);
    adminLog(tx, now, actor, 'template-retire', {
      template: template.name,
      version: template.currentVersion,
      changes: [{ field: 'retired', from: false, to: true }],
      ...(why ? { reason: why } : {}),
    });
    return done(
      { ...template, retiredAt: now, retiredBy: actor.id },
      `Retired template ${template.name}: no new change can be raised from it. Changes raised from it already keep their plan.`,
    );
  });
}

/** The templates in use (and the retired ones, marked), for anyone. */
export function listTemplates(ctx: AppContext, _actor: Actor): Outcome<TemplateVersion[]> {
  return inTransaction(ctx, (tx) => {
    const all = repo.listTemplates(tx).map((t) => ({ t, v: repo.findTemplateVersion(tx, t.name, t.currentVersion)! }));
    if (!all.length) return done([], `No standard-change templates yet. A change manager adds one: ${TEMPLATE_EXAMPLE}`);
    const lines = all.map(
      ({ t, v }) => `• ${t.name} v${v.version}${t.retiredAt ? ' (retired)' : ''}: “${v.titlePattern}” on ${v.services.join(', ')}${limits(v)}`,
    );
    const live = all.find(({ t }) => !t.retiredAt);
    const hint = live ? `\nRaise one: ${RAISE_EXAMPLE(live.t.name, live.v.titlePattern)} (pre-approved: approved when you submit it).` : '';
    return done(
      all.map(({ v }) => v),
      `Standard-change templates:\n${lines.join('\n')}${hint}`,
    );
  });
}

function limits(v: TemplateVersion): string {
  const max = v.maxDurationMinutes === null ? '' : `, at most ${durationText(v.maxDurationMinutes)}`;
  return `${max}, ${v.allowedWindows === 'maintenance' ? 'inside maintenance windows' : 'any window'}`;
}

/** The current version in full, and every version's line of history (who, when, what changed). */
export function showTemplate(ctx: AppContext, actor: Actor, name: string): Outcome<TemplateVersion[]> {
  return inTransaction(ctx, (tx) => {
    const { template, version: v } = current(tx, name);
    const history = repo.templateHistory(tx, template.name);
    const tasks = v.tasks.map((t, i) => `  ${i + 1}. ${t.team ? `team ${t.team}: ` : t.person ? `${t.person}: ` : ''}${t.title}`);
    const checklist = v.checklist.map((c, i) => `  ${i + 1}. ${c}`);
    const lines = [
      `Template ${template.name} v${v.version}${template.retiredAt ? ` — retired ${formatInstant(template.retiredAt, actor.timezone)} by ${template.retiredBy}` : ' — a pre-approved standard change'}`,
      `Title: ${v.titlePattern} (each * is one or more words)`,
      `Services: ${v.services.join(', ')}`,
      ...(v.description ? [`Description: ${v.description}`] : []),
      `Plan: ${v.plan}`,
      `Backout: ${v.backout}`,
      `Test: ${v.test ?? '—'}`,
      `Window: ${v.maxDurationMinutes === null ? 'any length' : `at most ${durationText(v.maxDurationMinutes)}`}, ${v.allowedWindows === 'maintenance' ? 'inside a maintenance window of its services' : 'any time'}`,
      ...(tasks.length ? ['Tasks:', ...tasks] : ['Tasks: none']),
      ...(checklist.length ? ['Checklist:', ...checklist] : ['Checklist: none']),
      'History:',
      ...history.map((h, i) => {
        const prev = i > 0 ? contentOf(history[i - 1]!) : null;
        const what = prev
          ? `changed ${changedFields(prev, contentOf(h))
              .map((f) => TEMPLATE_FIELD_WORDS[f])
              .join(', ')}`
          : 'added';
        return `  v${h.version} ${formatInstant(h.createdAt, actor.timezone)} by ${h.createdBy}: ${what}`;
      }),
      ...(template.retiredAt ? [] : [`Raise one: ${RAISE_EXAMPLE(template.name, v.titlePattern)}`]),
    ];
    return done(history, lines.join('\n'));
  });
}

/** The fields `new template=...` may not give: the template fixes them. */
const FIXED: readonly (keyof RfcFields)[] = ['plan', 'backout', 'test', 'services'];

/**
 * The current version of the template `fields.template` names, for raising a change from it:
 * refused when unknown or retired, or when the fields try to change what the template fixes.
 */
export function templateForRaise(tx: Db, fields: RfcFields): TemplateVersion {
  const { template, version } = current(tx, fields.template ?? '');
  const retired = retiredRefusal(template);
  if (retired) throw retired;
  const fixed = FIXED.filter((k) => fields[k] !== undefined);
  const example = RAISE_EXAMPLE(template.name, version.titlePattern);
  if (fixed.length) {
    throw new ChangebotError(
      'bad_value',
      `A change from template ${template.name} keeps the template's plan, backout, test and services, so leave out ${fixed.map((k) => `${k}=`).join(', ')}. To change them raise a normal change (without template=). Example: ${example}`,
      { field: fixed[0]!, example },
    );
  }
  if ((fields.category !== undefined && fields.category !== 'standard') || fields.emergency) {
    throw new ChangebotError(
      'bad_value',
      `A change from template ${template.name} is a standard change${fields.emergency ? ', not an emergency' : ''}. Leave out ${fields.emergency ? 'emergency=' : 'category='}, or raise a normal change without template=. Example: ${example}`,
      { field: fields.emergency ? 'emergency' : 'category', example },
    );
  }
  return version;
}

/** The version an RFC was raised from (null for a normal change). */
export function templateOf(tx: Db, rfc: Pick<Rfc, 'templateName' | 'templateVersion'>): TemplateVersion | null {
  if (!rfc.templateName || rfc.templateVersion === null) return null;
  return repo.findTemplateVersion(tx, rfc.templateName, rfc.templateVersion);
}

/** Refuses a window that the template the RFC came from does not allow (too long, outside maintenance). */
export function checkTemplateWindow(tx: Db, rfc: Pick<Rfc, 'templateName' | 'templateVersion' | 'services'>, window: Window | null): void {
  const v = templateOf(tx, rfc);
  if (!v || !window) return;
  const problem = templateWindowProblem(v, rfc.services, window, listMaintenance(tx));
  if (problem) throw new ChangebotError('bad_value', problem, { field: 'start', template: v.name, version: v.version });
}

/**
 * Refused at submit (the approval) when the template an RFC came from was retired since, or has
 * a newer version: a manager replaced the recipe, so the old one pre-approves nothing now.
 */
export function checkTemplateLive(tx: Db, rfc: Pick<Rfc, 'key' | 'templateName' | 'templateVersion' | 'title'>): void {
  if (!rfc.templateName) return;
  const t = repo.findTemplate(tx, rfc.templateName);
  if (t && !t.retiredAt && rfc.templateVersion !== null && rfc.templateVersion !== t.currentVersion) {
    throw new ChangebotError(
      'invalid_transition',
      `${rfc.key} was raised from template ${t.name} v${rfc.templateVersion}, and the template is v${t.currentVersion} now: the old recipe pre-approves nothing. Raise it again from the current version (/rfc new template=${t.name} "${rfc.title}"), or edit its plan to make it a normal change that goes for approval.`,
      { field: 'template' },
    );
  }
  if (t?.retiredAt) {
    throw new ChangebotError(
      'invalid_transition',
      `${rfc.key} was raised from template ${t.name}, which is retired now, so it is no longer pre-approved. Edit its plan to make it a normal change that goes for approval (/rfc edit ${rfc.key} plan="..."), or cancel it.`,
      { field: 'template' },
    );
  }
}

/** The tasks the template an RFC came from lists (for the change tasks built from it). */
export function templateTasks(ctx: AppContext, rfc: Pick<Rfc, 'templateName' | 'templateVersion'>): TemplateTask[] {
  return templateOf(ctx.database.db, rfc)?.tasks ?? [];
}

/** The checklist items the template an RFC came from adds. */
export function templateChecklist(ctx: AppContext, rfc: Pick<Rfc, 'templateName' | 'templateVersion'>): string[] {
  return templateOf(ctx.database.db, rfc)?.checklist ?? [];
}
