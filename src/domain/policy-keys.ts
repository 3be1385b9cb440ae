/**
 * The policy as named settings: what `admin policy show|set KEY VALUE` lists and changes, and
 * what the database stores (one text value per key). Names are the environment variables that
 * seed an empty database, so one name means one thing everywhere.
 */
import { CHECKLIST_ITEMS, type ChecklistItem, isChecklistItem } from './checklist.js';
import { ChangebotError } from './errors.js';
import { type Policy, REQUIRABLE_FIELDS, type RequirableField } from './policy.js';
import { CATEGORIES, type Category } from './types.js';

export interface PolicyKey {
  key: string;
  /** What the value means, for `admin policy show` and help. */
  means: string;
  example: string;
  /** Counted again on every vote, so a change applies to votes already open. */
  openVotes?: true;
  read(p: Policy): string;
  /** The policy with this key set from `raw`; throws a ChangebotError('bad_value') saying why not. */
  write(p: Policy, raw: string): Policy;
}

const cap = (c: Category) => c.toUpperCase();

function bad(key: string, raw: string, expects: string, example: string): never {
  throw new ChangebotError('bad_value', `${key} expects ${expects}, not “${raw}”. Example: ${key} ${example}`, { field: key, example: `${key} ${example}` });
}

function whole(key: string, raw: string, min: number, max: number, what: string, example: string): number {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) bad(key, raw, `${what} (a whole number from ${min} to ${max})`, example);
  return n;
}

function yesNo(key: string, raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw.trim())) return true;
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  return bad(key, raw, 'yes or no', 'yes');
}

/** "3d", "72h", "72", "0" -> hours. */
function hours(key: string, raw: string, example: string): number {
  const m = /^(\d+)\s*(d|days?|h|hours?)?$/i.exec(raw.trim());
  if (!m) bad(key, raw, 'a lead time such as 3d, 36h or 0', example);
  const n = Number(m[1]) * (m[2]?.toLowerCase().startsWith('d') ? 24 : 1);
  if (n > 24 * 90) bad(key, raw, 'a lead time of at most 90 days', example);
  return n;
}

export function hoursText(h: number): string {
  return h === 0 ? '0' : h % 24 === 0 ? `${h / 24}d` : `${h}h`;
}

function fields(key: string, raw: string, example: string): RequirableField[] {
  const s = raw.trim().toLowerCase();
  if (s === 'none' || s === '-') return [];
  const names = s
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((n) => (n === 'backout-plan' ? 'backout' : n === 'test-plan' ? 'test' : n === 'implementation' ? 'plan' : n));
  const unknown = names.filter((n) => !(REQUIRABLE_FIELDS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) bad(key, raw, `a comma-separated list of ${REQUIRABLE_FIELDS.join(', ')} (or none)`, example);
  return REQUIRABLE_FIELDS.filter((f) => names.includes(f));
}

function checklistItems(key: string, raw: string, example: string): ChecklistItem[] {
  const s = raw.trim().toLowerCase();
  if (s === 'none' || s === '-') return [];
  const names = s.split(/[,\s]+/).filter(Boolean);
  const unknown = names.filter((n) => !isChecklistItem(n));
  if (unknown.length || names.length === 0) bad(key, raw, `a comma-separated list of ${CHECKLIST_ITEMS.join(', ')} (or none)`, example);
  return CHECKLIST_ITEMS.filter((i) => names.includes(i));
}

const vote = (which: 'cab' | 'emergency', prefix: string, who: string): PolicyKey[] => [
  {
    key: `${prefix}_QUORUM`,
    means: `votes cast (abstentions count) before ${who} vote decides`,
    example: '3',
    openVotes: true,
    read: (p) => String(p[which].quorum),
    write: (p, raw) => ({ ...p, [which]: { ...p[which], quorum: whole(`${prefix}_QUORUM`, raw, 1, 100, 'a number of votes', '3') } }),
  },
  {
    key: `${prefix}_MIN_APPROVALS`,
    means: `approve votes ${who} vote needs to approve`,
    example: '2',
    openVotes: true,
    read: (p) => String(p[which].minApprovals),
    write: (p, raw) => ({ ...p, [which]: { ...p[which], minApprovals: whole(`${prefix}_MIN_APPROVALS`, raw, 1, 100, 'a number of votes', '2') } }),
  },
  {
    key: `${prefix}_DEADLINE_HOURS`,
    means: `hours ${who} vote stays open before a change manager decides (never later than an hour before the window)`,
    example: which === 'cab' ? '48' : '2',
    read: (p) => String(p[which].deadlineHours),
    write: (p, raw) => ({
      ...p,
      [which]: { ...p[which], deadlineHours: whole(`${prefix}_DEADLINE_HOURS`, raw, 1, 24 * 30, 'a number of hours', which === 'cab' ? '48' : '2') },
    }),
  },
];

export const POLICY_KEYS: readonly PolicyKey[] = [
  ...vote('cab', 'CAB', 'a CAB'),
  {
    key: 'CAB_VETO',
    means: 'a change manager’s reject ends a CAB vote as rejected',
    example: 'yes',
    openVotes: true,
    read: (p) => (p.cab.veto ? 'yes' : 'no'),
    write: (p, raw) => {
      const veto = yesNo('CAB_VETO', raw);
      return { ...p, cab: { ...p.cab, veto }, emergency: { ...p.emergency, veto } };
    },
  },
  ...vote('emergency', 'EMERGENCY', 'an emergency CAB'),
  ...CATEGORIES.map(
    (c): PolicyKey => ({
      key: `LEAD_TIME_${cap(c)}`,
      means: `notice a ${c} change needs between submission and its window (emergencies are exempt)`,
      example: hoursText(72),
      read: (p) => hoursText(p.leadHours[c]),
      write: (p, raw) => ({ ...p, leadHours: { ...p.leadHours, [c]: hours(`LEAD_TIME_${cap(c)}`, raw, '3d') } }),
    }),
  ),
  ...CATEGORIES.map(
    (c): PolicyKey => ({
      key: `CHECKLIST_${cap(c)}`,
      means: `what a ${c} change must tick before it starts (emergencies and a change manager's override with a reason excepted)`,
      example: 'release-notes,lab-test,users-informed,backup-verified',
      read: (p) => (p.checklist[c].length ? p.checklist[c].join(',') : 'none'),
      write: (p, raw) => ({ ...p, checklist: { ...p.checklist, [c]: checklistItems(`CHECKLIST_${cap(c)}`, raw, 'lab-test,backup-verified') } }),
    }),
  ),
  ...CATEGORIES.map(
    (c): PolicyKey => ({
      key: `REQUIRED_${cap(c)}`,
      means: `what a ${c} change must fill in before approval (besides title, services and window)`,
      example: 'justification,plan,test,backout',
      read: (p) => (p.required[c].length ? p.required[c].join(',') : 'none'),
      write: (p, raw) => ({ ...p, required: { ...p.required, [c]: fields(`REQUIRED_${cap(c)}`, raw, 'justification,plan,test,backout') } }),
    }),
  ),
  {
    key: 'HIGH_RISK_MINOR_TO_CAB',
    means: 'a minor change with high risk goes to the CAB instead of one change manager',
    example: 'yes',
    read: (p) => (p.highRiskMinorToCab ? 'yes' : 'no'),
    write: (p, raw) => ({ ...p, highRiskMinorToCab: yesNo('HIGH_RISK_MINOR_TO_CAB', raw) }),
  },
  {
    key: 'HIGH_RISK_MAJOR_SIGNOFF_FIRST',
    means: 'a major change with high risk needs a change manager’s sign-off before the CAB votes',
    example: 'yes',
    read: (p) => (p.highRiskMajorSignoffFirst ? 'yes' : 'no'),
    write: (p, raw) => ({ ...p, highRiskMajorSignoffFirst: yesNo('HIGH_RISK_MAJOR_SIGNOFF_FIRST', raw) }),
  },
  {
    key: 'WEB_PUBLIC_CALENDAR',
    means: 'the web calendar is shown, read-only, to visitors who have not signed in (off: the sign-in page)',
    example: 'on',
    read: (p) => (p.webPublicCalendar ? 'yes' : 'no'),
    write: (p, raw) => ({ ...p, webPublicCalendar: yesNo('WEB_PUBLIC_CALENDAR', raw) }),
  },
];

/** The key named (any case, `-`, `.` or `_`: `web.public-calendar` is WEB_PUBLIC_CALENDAR), or a refusal listing the keys. */
export function policyKey(name: string): PolicyKey {
  const n = name.trim().toUpperCase().replace(/[-.]/g, '_');
  const found = POLICY_KEYS.find((k) => k.key === n);
  if (!found) {
    throw new ChangebotError('bad_value', `There is no policy setting “${name}”. Settings: ${POLICY_KEYS.map((k) => k.key).join(', ')}.`, { field: 'key' });
  }
  return found;
}

/** Every setting's stored text. */
export function policyEntries(p: Policy): Record<string, string> {
  return Object.fromEntries(POLICY_KEYS.map((k) => [k.key, k.read(p)]));
}

/**
 * The policy from stored entries over `base` (for keys not stored yet). A stored value that no
 * longer parses (an older version wrote it) keeps the base value rather than stopping the bot.
 */
export function policyFrom(base: Policy, entries: Readonly<Record<string, string>>): Policy {
  let p = base;
  for (const k of POLICY_KEYS) {
    const raw = entries[k.key];
    if (raw === undefined) continue;
    try {
      p = k.write(p, raw);
    } catch {
      // keep the base value
    }
  }
  return p;
}
