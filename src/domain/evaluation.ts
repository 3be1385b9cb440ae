/**
 * Evaluation: what an RFC still lacks before it may go to approval, by the policy's list for
 * its category, and whether its window leaves the notice the category needs. Placeholder
 * values ("x", "tbd", "-", "n/a") count as missing: a plan nobody wrote is not a plan.
 */
import type { Policy, RequirableField } from './policy.js';
import type { Rfc } from './types.js';
import { formatInstant } from './windows.js';

export type MissingField = RequirableField | 'title' | 'services' | 'window';

export interface MissingItem {
  field: MissingField;
  /** "a backout plan", or `a backout plan (“x” is a placeholder)`. */
  what: string;
  /** The command key=value that fills it. */
  example: string;
}

const WHAT: Record<MissingField, [string, string]> = {
  title: ['a title', 'title="Patch db01 to 15.4"'],
  services: ['the affected services', 'services=db,web'],
  window: ['a planned window', 'start="tomorrow 22:00" duration=1h'],
  description: ['a description', 'description="What changes, and where"'],
  justification: ['a business justification', 'justification="Fixes the checkout timeouts customers report"'],
  plan: ['an implementation plan', 'plan="Drain db01, upgrade, run checks, put it back"'],
  test: ['a test plan', 'test="Run the smoke suite against db01"'],
  backout: ['a backout plan', 'backout="Restore the snapshot taken before the change"'],
  impact: ['the impact', 'impact=medium'],
  likelihood: ['the likelihood of failure', 'likelihood=low'],
  cost: ['the cost', 'cost="2 engineer-days"'],
  resources: ['the resources it needs', 'resources="A DBA on call, 2 engineers"'],
};

const PLACEHOLDERS = new Set([
  'x',
  'xx',
  'xxx',
  'y',
  'tbd',
  'tba',
  'tbc',
  'todo',
  'to do',
  'n/a',
  'na',
  'none',
  '-',
  '--',
  '?',
  '...',
  '…',
  'asdf',
  'test',
  'later',
]);

/** A value written to fill a field rather than to say anything. Costs may be short ("0", "£5"). */
export function isPlaceholder(value: string, field: MissingField): boolean {
  const v = value.trim().toLowerCase();
  if (!v || PLACEHOLDERS.has(v)) return true;
  if (field === 'cost') return false;
  return (v.match(/[\p{L}\p{N}]/gu) ?? []).length < 3;
}

const TEXT_FIELDS = new Set<MissingField>(['title', 'description', 'justification', 'plan', 'test', 'backout', 'cost', 'resources']);

export function requiredFields(rfc: Pick<Rfc, 'category' | 'emergency'>, policy: Policy): RequirableField[] {
  const list = [...policy.required[rfc.category]];
  // An emergency skips the notice, not the testing.
  if (rfc.emergency && !list.includes('test')) list.push('test');
  return list;
}

type Evaluated = Pick<Rfc, 'category' | 'emergency' | 'title' | 'services' | 'window'> & Partial<Record<RequirableField, string | null>>;

/**
 * Everything missing before `rfc` may go to approval at `now`, in the order a person fills
 * them in. Empty = ready. `zone` shows a window that already started.
 */
export function missingForApproval(rfc: Evaluated, policy: Policy, now: Date, zone = 'UTC'): MissingItem[] {
  const out: MissingItem[] = [];
  const item = (field: MissingField, value?: string | null): void => {
    const [what, example] = WHAT[field];
    if (value === undefined || value === null || !value.trim()) out.push({ field, what, example });
    else if (TEXT_FIELDS.has(field) && isPlaceholder(value, field)) {
      out.push({ field, what: `${what} (“${value.trim()}” is a placeholder)`, example });
    }
  };
  if (!rfc.title.trim()) item('title', null);
  if (rfc.services.length === 0) item('services', null);
  for (const field of requiredFields(rfc, policy)) item(field, rfc[field] ?? null);
  if (!rfc.window) item('window', null);
  else if (rfc.window.start.getTime() <= now.getTime()) {
    out.push({
      field: 'window',
      what: `a window that has not started (the planned one started ${formatInstant(rfc.window.start, zone)})`,
      example: WHAT.window[1],
    });
  }
  return out;
}

/** The refusal text: every missing item with an example. */
export function missingText(key: string, missing: readonly MissingItem[]): string {
  return `${key} can't go to approval yet. Missing:\n${missing.map((m) => `• ${m.what}, e.g. ${m.example}`).join('\n')}`;
}

const H = 3_600_000;

/** "3 days", "36 hours", "1 day". */
export function noticeWords(hours: number): string {
  if (hours % 24 === 0) return `${hours / 24} day${hours === 24 ? '' : 's'}`;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * The earliest window start the category's lead time allows when submitted at `now`, or null when the window leaves enough notice (or none is needed).
 */
export function leadTimeShortfall(rfc: Pick<Rfc, 'category' | 'emergency' | 'window'>, policy: Policy, now: Date): { earliest: Date; hours: number } | null {
  const hours = policy.leadHours[rfc.category];
  if (rfc.emergency || hours <= 0 || !rfc.window) return null;
  // Counted from the minute of submission, so the earliest start reads as a whole minute.
  const earliest = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + hours * H);
  return rfc.window.start.getTime() >= earliest.getTime() ? null : { earliest, hours };
}

export function leadTimeText(rfc: Pick<Rfc, 'key' | 'category'>, shortfall: { earliest: Date; hours: number }, zone: string): string {
  return `${rfc.key} is a ${rfc.category} change, which needs ${noticeWords(shortfall.hours)}${shortfall.hours === 24 || shortfall.hours === 1 ? "'s" : "'"} notice: its window may start from ${formatInstant(shortfall.earliest, zone)} at the earliest.`;
}
