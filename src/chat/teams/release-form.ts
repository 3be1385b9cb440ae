/**
 * The "new release" form as an Adaptive Card (`release new` alone in Teams), like the RFC form
 * (form.ts): name, goal, release manager, target date, the three coordinators, and whether its
 * status message is kept in the conversation the form was opened in. Submitted with
 * Action.Execute; the values go through the command language's own parsers (people, dates)
 * onto `release new`, and invalid input comes back on the same form, each message by its field.
 */
import type { IChoiceSetInput, IDateInput } from '@microsoft/teams.cards';
import type { FormValues } from '../../commands/form.js';
import { parseDate } from '../../commands/dates.js';
import { resolvePerson } from '../../commands/people.js';
import type { ParseContext } from '../../commands/types.js';
import type { AppContext } from '../../app/context.js';
import type { ReleaseFields } from '../../app/inputs.js';
import type { Where } from '../../commands/verb.js';
import { listPeople } from '../../db/repos/people.js';
import type { Actor } from '../../domain/types.js';
import { ChangebotError, isChangebotError } from '../../domain/errors.js';
import { type AdaptiveCard, type Element, card, escapeMd, md, text } from './cards.js';
import { fieldError, inputBasics, textInput, toggleInput } from './form.js';

/** Teams-side verb of the release form's submit (not a `release_` verb: no release card button). */
export const RELEASE_FORM_SUBMIT_VERB = 'new_release_form_submit';

export type ReleaseFormFieldName = 'name' | 'goal' | 'manager' | 'target' | 'testing' | 'communications' | 'training' | 'here';

interface ReleaseFormField {
  name: ReleaseFormFieldName;
  label: string;
  kind: 'text' | 'textarea' | 'person' | 'date' | 'toggle';
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
}

export const RELEASE_FORM: readonly ReleaseFormField[] = [
  { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 150, placeholder: 'December platform' },
  { name: 'goal', label: 'Goal', kind: 'textarea', maxLength: 1000, placeholder: 'what the release is for' },
  { name: 'manager', label: 'Release manager', kind: 'person' },
  { name: 'target', label: 'Target date', kind: 'date' },
  { name: 'testing', label: 'Testing coordinator', kind: 'person' },
  { name: 'communications', label: 'Communications coordinator', kind: 'person' },
  { name: 'training', label: 'Training coordinator', kind: 'person' },
  { name: 'here', label: 'Keep its status message in this conversation', kind: 'toggle' },
];

export const RELEASE_FORM_FIELD_NAMES: readonly string[] = RELEASE_FORM.map((f) => f.name);

export interface ReleaseFormOptions {
  /** People to pick from (the Teams people changebot knows), by display name. */
  people: { id: string; name: string }[];
  /** The form was opened in a channel or group chat: offer it as the status channel. */
  inConversation: boolean;
  values?: FormValues;
  /** Field name -> message. */
  errors?: Record<string, string>;
  /** Shown at the top (an error that belongs to no field). */
  notice?: string;
}

function input(f: ReleaseFormField, opts: ReleaseFormOptions): Element[] {
  const basics = inputBasics(f, opts.values, opts.errors);
  const { common, value } = basics;
  const out: Element[] = [];
  switch (f.kind) {
    case 'text':
    case 'textarea':
      out.push(textInput(f, basics));
      break;
    case 'person': {
      const choices = opts.people.map((p) => ({ title: p.name, value: p.id }));
      if (value && !choices.some((c) => c.value === value)) choices.push({ title: value, value });
      out.push({
        type: 'Input.ChoiceSet',
        ...common,
        choices,
        style: 'compact',
        placeholder: 'nobody yet',
        ...(value ? { value } : {}),
      } satisfies IChoiceSetInput);
      break;
    }
    case 'date':
      out.push({ type: 'Input.Date', ...common, ...(value ? { value } : {}) } satisfies IDateInput);
      break;
    case 'toggle':
      out.push(toggleInput(f, basics, true));
      break;
  }
  return [...out, ...fieldError(f, opts.errors)];
}

export function releaseFormCard(opts: ReleaseFormOptions): AdaptiveCard {
  const body: Element[] = [text(escapeMd('New release'), { size: 'Large', weight: 'Bolder' })];
  if (opts.notice) body.push(text(escapeMd(opts.notice), { color: 'Attention', weight: 'Bolder' }));
  const errors = Object.keys(opts.errors ?? {});
  if (errors.length) {
    const labels = errors.map((name) => RELEASE_FORM.find((f) => f.name === name)?.label ?? name);
    body.push(text(escapeMd(`Please fix: ${labels.join(', ')}.`), { color: 'Attention', weight: 'Bolder' }));
  }
  for (const f of RELEASE_FORM) if (f.kind !== 'toggle' || opts.inConversation) body.push(...input(f, opts));
  body.push(text(md`Only people who have used changebot are listed; name others later with \`release team REL-n testing=@Name\`.`, { isSubtle: true }));
  return card(body, [{ type: 'Action.Execute', title: 'Open release', verb: RELEASE_FORM_SUBMIT_VERB, style: 'positive', data: { form: 'release-new' } }], {
    fallbackText: 'New release: type `release new "Name" goal="..." target=YYYY-MM-DD` instead.',
  });
}

/** The submitted card data -> form values. */
export function readReleaseForm(data: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of RELEASE_FORM) {
    const raw = data[f.name];
    const v = typeof raw === 'string' ? raw.trim() : typeof raw === 'boolean' ? String(raw) : '';
    if (v) values[f.name] = v;
  }
  return values;
}

/**
 * Form values -> the fields of `release new` and whether the status channel is here. Throws one
 * ChangebotError('bad_value') whose `details.errors` maps every bad field to its message.
 */
export function releaseFormToFields(values: FormValues, ctx: ParseContext): { fields: ReleaseFields; here: boolean } {
  const errors: Record<string, string> = {};
  const fields: ReleaseFields = {};
  const get = (k: ReleaseFormFieldName): string | undefined => {
    const v = values[k];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const attempt = (name: ReleaseFormFieldName, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!isChangebotError(e)) throw e;
      errors[name] = e.message;
    }
  };
  for (const f of RELEASE_FORM) {
    const v = get(f.name);
    if (f.maxLength && v && v.length > f.maxLength) errors[f.name] = `${f.label} is too long: keep it under ${f.maxLength} characters.`;
  }
  const name = get('name');
  if (!name) errors.name = 'Give the release a name, e.g. “December platform”.';
  else if (!errors.name) fields.name = name;
  const goal = get('goal');
  if (goal && !errors.goal) fields.goal = goal;
  for (const role of ['manager', 'testing', 'communications', 'training'] as const) {
    const v = get(role);
    if (v) attempt(role, () => (fields[role] = resolvePerson(v, ctx, role)));
  }
  const target = get('target');
  if (target) attempt('target', () => (fields.targetDate = parseDate(target, ctx, 'target')));
  const names = Object.keys(errors);
  if (names.length) throw new ChangebotError('bad_value', names.map((n) => errors[n]).join(' '), { field: names[0], errors });
  return { fields, here: values.here === 'true' };
}

/** The form's options in this app: the Teams people changebot knows, the release manager preset to the one opening it. */
export function releaseFormOptions(
  app: AppContext,
  actor: Pick<Actor, 'id'>,
  where: Where,
  extra: Pick<ReleaseFormOptions, 'values' | 'errors' | 'notice'> = {},
): ReleaseFormOptions {
  const people = listPeople(app.database.db, 'teams:').map((p) => ({ id: p.id, name: p.displayName ?? p.id }));
  return {
    people,
    inConversation: !!where.channel,
    values: extra.values ?? { manager: actor.id },
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...(extra.notice ? { notice: extra.notice } : {}),
  };
}
