/**
 * The `key=value` fields of `new` and `edit`, and the shared window checks (start/end/duration).
 */
import { CATEGORIES, LEVELS } from '../domain/types.js';
import type { Category, Level } from '../domain/types.js';
import type { ArgSpec, Args } from './args.js';
import { parseBool } from './args.js';
import { parseDate, parseDuration } from './dates.js';
import { resolvePerson, splitList } from './people.js';
import type { ParseContext, RfcFields } from './types.js';
import { badValue, clip, didYouMean, orList, own } from './util.js';

export const RFC_KEYS = [
  'title',
  'description',
  'justification',
  'category',
  'emergency',
  'services',
  'impact',
  'likelihood',
  'urgency',
  'plan',
  'backout',
  'test',
  'cost',
  'resources',
  'owner',
  'start',
  'end',
  'duration',
  'outage',
  'audience',
  'problem',
  'template',
] as const;

export const RFC_KEY_ALIASES: Readonly<Record<string, string>> = {
  desc: 'description',
  why: 'justification',
  service: 'services',
  'backout-plan': 'backout',
  rollback: 'backout',
  'test-plan': 'test',
  tests: 'test',
  impl: 'plan',
  implementation: 'plan',
  'implementation-plan': 'plan',
  cat: 'category',
  resource: 'resources',
  tpl: 'template',
};

export function rfcFieldSpec(example: string): ArgSpec {
  return { keys: RFC_KEYS, aliases: RFC_KEY_ALIASES, example };
}

const LEVEL_ALIASES: Record<string, Level> = { med: 'medium', mid: 'medium', lo: 'low', hi: 'high' };

export function parseLevel(text: string, field: string): Level {
  const s = text.trim().toLowerCase();
  if ((LEVELS as readonly string[]).includes(s)) return s as Level;
  const alias = own(LEVEL_ALIASES, s);
  if (alias) return alias;
  const example = `${field}=high`;
  return badValue(field, `Can't read ${field}="${clip(text)}".${didYouMean(s, LEVELS)} Use ${orList([...LEVELS])}. Example: ${example}`, example);
}

export function parseCategory(text: string): Category {
  const s = text.trim().toLowerCase();
  if ((CATEGORIES as readonly string[]).includes(s)) return s as Category;
  const example = 'category=minor';
  const hint = s === 'emergency' ? ' Emergency is a flag: emergency=yes with a category.' : didYouMean(s, CATEGORIES);
  return badValue('category', `Can't read category="${clip(text)}".${hint} Use ${orList([...CATEGORIES])}. Example: ${example}`, example);
}

const NO_OUTAGE = new Set(['none', 'no', '0', 'false', 'n/a', 'na', '-']);

export function parseOutage(text: string): number {
  if (NO_OUTAGE.has(text.trim().toLowerCase())) return 0;
  try {
    return parseDuration(text, 'outage');
  } catch {
    return badValue('outage', `Can't read outage="${clip(text)}". Use none or a duration like 30m or 2h. Example: outage=2h`, 'outage=2h');
  }
}

/** Comma list of service names, trimmed, without empties or duplicates. */
export function parseNames(text: string): string[] {
  return [...new Set(splitList(text))];
}

/** Dates from start/end/duration pairs; refuses end before start and end with duration. */
export function parseWindow(args: Args, ctx: ParseContext, example: string): { start?: Date; end?: Date; durationMinutes?: number } {
  const out: { start?: Date; end?: Date; durationMinutes?: number } = {};
  const start = args.pairs.get('start');
  const end = args.pairs.get('end');
  const duration = args.pairs.get('duration');
  if (start) out.start = parseDate(start.value, ctx, 'start');
  if (end) out.end = parseDate(end.value, ctx, 'end');
  if (duration) out.durationMinutes = parseDuration(duration.value, 'duration');
  if (out.end && out.durationMinutes !== undefined) {
    badValue('duration', `Give end or duration, not both. Example: ${example}`, example);
  }
  if (out.start && out.end && out.end.getTime() <= out.start.getTime()) {
    badValue('end', `end must be after start (start=${start!.value}, end=${end!.value}). Example: ${example}`, example);
  }
  return out;
}

const STRING_KEYS = ['description', 'justification', 'plan', 'backout', 'test', 'cost', 'resources', 'audience', 'problem'] as const;
const LEVEL_KEYS = ['impact', 'likelihood', 'urgency'] as const;

export function parseRfcFields(args: Args, ctx: ParseContext, example: string): RfcFields {
  const fields: RfcFields = {};
  const get = (k: string): string | undefined => args.pairs.get(k)?.value;
  const title = get('title');
  if (title !== undefined) {
    if (title.trim().length === 0) badValue('title', `title can't be empty. Example: ${example}`, example);
    fields.title = title.trim();
  }
  for (const k of STRING_KEYS) {
    const v = get(k);
    if (v !== undefined) fields[k] = v.trim();
  }
  for (const k of LEVEL_KEYS) {
    const v = get(k);
    if (v !== undefined) fields[k] = parseLevel(v, k);
  }
  const template = get('template');
  if (template !== undefined) {
    if (!template.trim())
      badValue(
        'template',
        `Name the template, like template=add-user (see /rfc template list). Example: /rfc new template=add-user "Add 3 users to Sales"`,
        example,
      );
    fields.template = template.trim();
  }
  const category = get('category');
  if (category !== undefined) fields.category = parseCategory(category);
  const emergency = get('emergency');
  if (emergency !== undefined) fields.emergency = parseBool(emergency, 'emergency', 'emergency=yes');
  const services = get('services');
  if (services !== undefined) fields.services = parseNames(services);
  const owner = get('owner');
  if (owner !== undefined) fields.owner = resolvePerson(owner, ctx, 'owner');
  const outage = get('outage');
  if (outage !== undefined) fields.outageMinutes = parseOutage(outage);
  Object.assign(fields, parseWindow(args, ctx, example));
  return fields;
}
