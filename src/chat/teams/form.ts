/**
 * The "new RFC" form as an Adaptive Card: the fields of RFC_FORM (shared with the Slack
 * modal), submitted with Action.Execute. Invalid input comes back on the same form with the
 * values kept and each message next to its field (`errorMessage` plus a TextBlock).
 */
import { type FormField, type FormValues, RFC_FORM } from '../../commands/form.js';
import type { IChoiceSetInput, IDateInput, ITextInput, ITimeInput, IToggleInput } from '@microsoft/teams.cards';
import { shorten } from '../../domain/text.js';
import { type AdaptiveCard, type Element, card, escapeMd, text } from './cards.js';

/** Teams-side verb of the form's submit button (Slack's modal uses its own callback id). */
export const FORM_SUBMIT_VERB = 'rfc_form_submit';
const TIME_SUFFIX = '_time';

export interface FormOptions {
  /** Options for the services multi-select (the catalogue). */
  services: string[];
  values?: FormValues;
  /** Field name -> message, from ChangebotError details. */
  errors?: Record<string, string>;
  /** Shown at the top (e.g. an error that belongs to no field). */
  notice?: string;
}

function str(v: FormValues[string]): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** What every input of a form shares: its id, label, required mark and error, and its current value. */
export interface InputBasics {
  common: { id: string; label: string; isRequired?: boolean; errorMessage?: string };
  value: string | undefined;
}

type BasicField = { name: string; label: string; kind: string; required?: boolean; placeholder?: string; maxLength?: number };

export function inputBasics(f: BasicField, values: FormValues | undefined, errors: Record<string, string> | undefined): InputBasics {
  const error = errors?.[f.name];
  return {
    value: str(values?.[f.name]),
    common: {
      id: f.name,
      label: f.label,
      ...(f.required ? { isRequired: true, errorMessage: error ?? `${f.label} is required.` } : error ? { errorMessage: error } : {}),
    },
  };
}

/** A text or textarea field as an Input.Text. */
export function textInput(f: BasicField, { common, value }: InputBasics): ITextInput {
  return {
    type: 'Input.Text',
    ...common,
    ...(f.kind === 'textarea' ? { isMultiline: true } : {}),
    ...(f.placeholder ? { placeholder: f.placeholder } : {}),
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(value ? { value } : {}),
  };
}

/** A yes/no field as an Input.Toggle; `byDefault` when the form holds no value for it yet. */
export function toggleInput(f: BasicField, { common, value }: InputBasics, byDefault: boolean): IToggleInput {
  const on = value === undefined ? byDefault : value === 'true';
  return { type: 'Input.Toggle', ...common, title: f.label, valueOn: 'true', valueOff: 'false', value: on ? 'true' : 'false' };
}

/** The field's error under it, when it has one. */
export function fieldError(f: BasicField, errors: Record<string, string> | undefined): Element[] {
  const error = errors?.[f.name];
  return error ? [text(escapeMd(`${f.label}: ${error}`), { color: 'Attention', spacing: 'None' })] : [];
}

function input(f: FormField, opts: FormOptions): Element[] {
  const basics = inputBasics(f, opts.values, opts.errors);
  const { common, value } = basics;
  const out: Element[] = [];
  switch (f.kind) {
    case 'text':
    case 'textarea':
      out.push(textInput(f, basics));
      break;
    case 'select':
    case 'multiselect': {
      const choices =
        f.name === 'services' ? opts.services.map((s) => ({ title: s, value: s })) : (f.options ?? []).map((o) => ({ title: o.label, value: o.value }));
      if (!choices.length) {
        out.push({ type: 'Input.Text', ...common, placeholder: 'comma-separated, e.g. db,web', ...(value ? { value } : {}) } satisfies ITextInput);
        break;
      }
      out.push({
        type: 'Input.ChoiceSet',
        ...common,
        choices,
        style: 'compact',
        ...(f.kind === 'multiselect' ? { isMultiSelect: true } : {}),
        ...(value ? { value } : {}),
      } satisfies IChoiceSetInput);
      break;
    }
    case 'toggle':
      out.push(toggleInput(f, basics, false));
      break;
    case 'datetime': {
      const [date, time] = splitDateTime(value);
      out.push({ type: 'Input.Date', ...common, ...(date ? { value: date } : {}) } satisfies IDateInput);
      out.push({ type: 'Input.Time', id: `${f.name}${TIME_SUFFIX}`, label: `${f.label} (time)`, ...(time ? { value: time } : {}) } satisfies ITimeInput);
      break;
    }
  }
  return [...out, ...fieldError(f, opts.errors)];
}

function splitDateTime(v: string | undefined): [string | undefined, string | undefined] {
  if (!v) return [undefined, undefined];
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(v.trim());
  return m ? [m[1], m[2]] : [undefined, undefined];
}

export function formCard(opts: FormOptions): AdaptiveCard {
  const body: Element[] = [text(escapeMd('New request for change'), { size: 'Large', weight: 'Bolder' })];
  const errors = Object.entries(opts.errors ?? {});
  if (opts.notice) body.push(text(escapeMd(opts.notice), { color: 'Attention', weight: 'Bolder' }));
  if (errors.length) {
    const labels = errors.map(([name]) => RFC_FORM.find((f) => f.name === name)?.label ?? name);
    body.push(text(escapeMd(`Please fix: ${labels.join(', ')}.`), { color: 'Attention', weight: 'Bolder' }));
  }
  for (const f of RFC_FORM) body.push(...input(f, opts));
  return card(body, [{ type: 'Action.Execute', title: 'Create RFC', verb: FORM_SUBMIT_VERB, style: 'positive', data: { form: 'rfc-new' } }], {
    fallbackText: 'New request for change: type `rfc new "Title" category=... services=...` instead.',
  });
}

/** The submitted card data -> FormValues for `formToFields` (date + time joined). */
export function readForm(data: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of RFC_FORM) {
    const raw = data[f.name];
    const v = typeof raw === 'string' ? raw : typeof raw === 'boolean' ? String(raw) : undefined;
    if (f.kind === 'datetime') {
      const time = typeof data[`${f.name}${TIME_SUFFIX}`] === 'string' ? (data[`${f.name}${TIME_SUFFIX}`] as string).trim() : '';
      const date = v?.trim() ?? '';
      if (date) values[f.name] = `${date} ${time || '00:00'}`;
      else if (time) values[f.name] = time;
      continue;
    }
    if (v !== undefined) values[f.name] = v;
  }
  return values;
}

/** Teams-side verb of the reschedule form's submit button (Slack's modal has its own callback id). */
export const RESCHEDULE_SUBMIT_VERB = 'rfc_reschedule_submit';
const RESCHEDULE_FIELDS: readonly FormField[] = [
  { name: 'start', label: 'New window start', kind: 'datetime', required: true },
  { name: 'end', label: 'New window end', kind: 'datetime', required: true },
  { name: 'reason', label: 'Reason (needed outside maintenance windows or over conflicts)', kind: 'textarea', maxLength: 1000 },
];
export const RESCHEDULE_FIELD_NAMES: readonly string[] = RESCHEDULE_FIELDS.map((f) => f.name);

export interface RescheduleFormOptions {
  key: string;
  title: string;
  /** The window now, in the viewer's zone. */
  window: string | null;
  /** The card the form was opened from, shown again once the change is rescheduled. */
  from: string;
  values?: FormValues;
  errors?: Record<string, string>;
  notice?: string;
}

/** The reschedule form, like Slack's modal: new start and end, and a reason. */
export function rescheduleCard(opts: RescheduleFormOptions): AdaptiveCard {
  const body: Element[] = [
    text(escapeMd(`Reschedule ${opts.key}`), { size: 'Large', weight: 'Bolder' }),
    text(escapeMd(`${shorten(opts.title, 200)} — now ${opts.window ?? 'not planned'}`), { isSubtle: true }),
  ];
  if (opts.notice) body.push(text(escapeMd(opts.notice), { color: 'Attention', weight: 'Bolder' }));
  const formOpts: FormOptions = { services: [], ...(opts.values ? { values: opts.values } : {}), ...(opts.errors ? { errors: opts.errors } : {}) };
  for (const f of RESCHEDULE_FIELDS) body.push(...input(f, formOpts));
  return card(
    body,
    [{ type: 'Action.Execute', title: 'Reschedule', verb: RESCHEDULE_SUBMIT_VERB, style: 'positive', data: { key: opts.key, card: opts.from } }],
    {
      fallbackText: `Reschedule ${opts.key}: type \`rfc reschedule ${opts.key} start="YYYY-MM-DD HH:mm" duration=2h\` instead.`,
    },
  );
}

/** The reschedule form's submitted data -> form values (dates joined with their times). */
export function readRescheduleForm(data: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of RESCHEDULE_FIELDS) {
    const raw = data[f.name];
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (f.kind === 'datetime') {
      const time = typeof data[`${f.name}${TIME_SUFFIX}`] === 'string' ? (data[`${f.name}${TIME_SUFFIX}`] as string).trim() : '';
      if (v) values[f.name] = `${v} ${time || '00:00'}`;
      else if (time) values[f.name] = time;
    } else if (v) values[f.name] = v;
  }
  return values;
}
