/**
 * The "new RFC" form, once for both platforms: the Slack modal and the Teams Adaptive Card form
 * render these fields, and send their values back through `formToFields`, which reuses the
 * command language's value parsers and reports every bad field at once.
 */
import { ChangebotError, isChangebotError } from '../domain/errors.js';
import { CATEGORIES, LEVELS } from '../domain/types.js';
import { parseDate } from './dates.js';
import { parseCategory, parseLevel, parseOutage } from './fields.js';
import type { ParseContext, RfcFields } from './types.js';

export type FormFieldKind = 'text' | 'textarea' | 'select' | 'multiselect' | 'datetime' | 'toggle';

export interface FormField {
  name: string;
  label: string;
  kind: FormFieldKind;
  required?: boolean;
  /** Fixed options; `services` gets its options from the catalogue at render time. */
  options?: { value: string; label: string }[];
  placeholder?: string;
  maxLength?: number;
}

const levels = LEVELS.map((l) => ({ value: l, label: l[0]!.toUpperCase() + l.slice(1) }));

export const RFC_FORM: readonly FormField[] = [
  { name: 'title', label: 'Title', kind: 'text', required: true, maxLength: 150, placeholder: 'Patch db01 to 15.4' },
  { name: 'description', label: 'Description', kind: 'textarea', maxLength: 3000 },
  { name: 'justification', label: 'Business justification', kind: 'textarea', maxLength: 3000 },
  {
    name: 'category',
    label: 'Category',
    kind: 'select',
    required: true,
    options: CATEGORIES.map((c) => ({ value: c, label: c[0]!.toUpperCase() + c.slice(1) })),
  },
  { name: 'emergency', label: 'Emergency change', kind: 'toggle' },
  { name: 'services', label: 'Affected services', kind: 'multiselect' },
  { name: 'impact', label: 'Impact', kind: 'select', options: levels },
  { name: 'likelihood', label: 'Likelihood', kind: 'select', options: levels },
  { name: 'start', label: 'Window start', kind: 'datetime' },
  { name: 'end', label: 'Window end', kind: 'datetime' },
  { name: 'plan', label: 'Implementation plan', kind: 'textarea', maxLength: 3000 },
  { name: 'backout', label: 'Backout plan', kind: 'textarea', maxLength: 3000 },
  { name: 'test', label: 'Test plan', kind: 'textarea', maxLength: 3000 },
  { name: 'outage', label: 'Expected outage', kind: 'text', placeholder: 'none, 30m, 2h', maxLength: 20 },
  { name: 'audience', label: 'Outage audience', kind: 'text', placeholder: 'all EU users', maxLength: 200 },
];

/** Raw values as the platform returns them: strings (dates as ISO or "YYYY-MM-DD HH:mm"), lists for multi-selects. */
export type FormValues = Record<string, string | string[] | boolean | undefined>;

/**
 * Form values -> RfcFields. Throws one ChangebotError('bad_value') whose `details.errors` maps
 * every bad field name to its message, so the form can show them all inline.
 */
export function formToFields(values: FormValues, ctx: ParseContext): RfcFields {
  const errors: Record<string, string> = {};
  const fields: RfcFields = {};
  const str = (k: string): string | undefined => {
    const v = values[k];
    if (typeof v !== 'string') return undefined;
    return v.trim() === '' ? undefined : v.trim();
  };
  const attempt = (name: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!isChangebotError(e)) throw e;
      errors[name] = e.message;
    }
  };
  for (const f of RFC_FORM) {
    const v = str(f.name);
    if (f.maxLength && v && v.length > f.maxLength) errors[f.name] = `${f.label} is too long: keep it under ${f.maxLength} characters.`;
  }
  const title = str('title');
  if (!title) errors.title = 'Give the change a title, e.g. “Patch db01 to 15.4”.';
  else fields.title = title;
  for (const k of ['description', 'justification', 'plan', 'backout', 'test', 'audience'] as const) {
    const v = str(k);
    if (v) fields[k] = v;
  }
  attempt('category', () => {
    const v = str('category');
    if (v) fields.category = parseCategory(v);
  });
  for (const k of ['impact', 'likelihood'] as const) {
    attempt(k, () => {
      const v = str(k);
      if (v) fields[k] = parseLevel(v, k);
    });
  }
  const emergency = values.emergency;
  if (emergency === true || (typeof emergency === 'string' && /^(true|yes|on|1)$/i.test(emergency))) fields.emergency = true;
  const services = values.services;
  const list = Array.isArray(services) ? services : typeof services === 'string' && services ? services.split(',') : [];
  if (list.length) fields.services = list.map((s) => s.trim()).filter(Boolean);
  attempt('outage', () => {
    const v = str('outage');
    if (v) fields.outageMinutes = parseOutage(v);
  });
  attempt('start', () => {
    const v = str('start');
    if (v) fields.start = parseDate(v, ctx, 'start');
  });
  attempt('end', () => {
    const v = str('end');
    if (v) fields.end = parseDate(v, ctx, 'end');
  });
  if (fields.end && !fields.start && !errors.start) errors.start = 'Give the window start too.';
  if (fields.start && !fields.end && !errors.end) errors.end = 'Give the window end too.';
  if (fields.start && fields.end && fields.end <= fields.start) errors.end = 'The window must end after it starts.';
  const names = Object.keys(errors);
  if (names.length) {
    const first = names[0] as string;
    throw new ChangebotError('bad_value', names.map((n) => errors[n]).join(' '), { field: first, errors });
  }
  return fields;
}
