/**
 * The change log as people read it: what an edit changed (old and new values, stored JSON-safe)
 * and one line per row, in the reader's time zone. Pure: the rows come from src/db.
 */
import { shorten } from './text.js';
import type { ChangeLogEntry, Rfc } from './types.js';
import { formatInstant, formatRange } from './windows.js';

/** A value as stored in a change-log row's detail: JSON, dates as ISO strings. */
export type LogValue = string | number | boolean | null | LogValue[] | { [key: string]: LogValue };

/** One edited field: `{ field: 'backout', from: 'x', to: 'Restore the snapshot' }`. */
export interface FieldChange {
  field: string;
  from: LogValue;
  to: LogValue;
}

/** `value` made JSON-safe: dates become ISO strings, `undefined` becomes null. */
export function logValue(value: unknown): LogValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(logValue);
  if (typeof value === 'object') {
    const out: { [key: string]: LogValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = logValue(v);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** The old and new value of each of `fields` (names of RFC fields) from `before` to `after`. */
export function fieldChanges(before: Rfc, after: Rfc, fields: readonly string[]): FieldChange[] {
  const from = before as unknown as Record<string, unknown>;
  const to = after as unknown as Record<string, unknown>;
  return fields.map((field) => ({ field, from: logValue(from[field]), to: logValue(to[field]) }));
}

/** The fields of a log row that its line shows (deployment-wide rows have no subject). */
export type LogRow = Pick<ChangeLogEntry, 'at' | 'actor' | 'action' | 'fromState' | 'toState' | 'reason' | 'detail'>;

const VALUE_MAX = 60;
const REASON_MAX = 200;
const LIST_MAX = 120;

/** `Sat 5 Dec 22:00 UTC  cli:bob  edit backout: “x” → “Restore the snapshot”` */
export function logLine(row: LogRow, zone: string): string {
  return `${formatInstant(row.at, zone)}  ${row.actor}  ${logWhat(row, zone)}`;
}

/** What a row records, without when and who. */
export function logWhat(row: LogRow, zone: string): string {
  const d = row.detail ?? {};
  const move = row.toState && row.fromState !== row.toState ? ` ${row.fromState ?? '∅'} → ${row.toState}` : '';
  const why = row.reason ?? ((row.action === 'blackout-add' || row.action === 'template-retire') && typeof d.reason === 'string' ? d.reason : null);
  const reason = why ? ` — ${shorten(why, REASON_MAX)}` : '';
  return `${row.action}${actionDetail(row.action, d, zone)}${move}${windowOf(d, zone)}${conflictsOf(d)}${reason}`;
}

/** The words after the action for the rows whose detail says more than the state move. */
function actionDetail(action: string, d: Record<string, unknown>, zone: string): string {
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  switch (action) {
    case 'edit': {
      const changes = Array.isArray(d.changes) ? (d.changes as FieldChange[]) : [];
      if (changes.length) return ` ${changes.map((c) => `${c.field}: ${valueText(c.from, zone)} → ${valueText(c.to, zone)}`).join('; ')}`;
      // Rows written before edits kept their values name only the fields.
      return Array.isArray(d.fields) ? ` ${(d.fields as unknown[]).join(', ')}` : '';
    }
    case 'checklist-tick':
    case 'checklist-untick': {
      const item = str('item');
      const note = str('note');
      return item ? ` ${item}${note ? `: ${shorten(note, REASON_MAX)}` : ''}` : '';
    }
    case 'vote':
    case 'vote-changed': {
      const choice = str('choice');
      const previous = str('previous');
      const capacity = d.capacity === 'change-manager' ? ' as change manager' : '';
      return choice ? ` ${choice}${capacity}${previous ? ` (was ${previous})` : ''}` : '';
    }
    case 'notify':
    case 'notified': {
      const event = str('event') ?? '';
      const to = Array.isArray(d.to) ? (d.to as unknown[]).map(String) : null;
      const count = to ? to.length : typeof d.recipients === 'number' ? d.recipients : null;
      if (count === null) return event ? ` ${event}` : '';
      if (count === 0) return ` ${event}: nobody to tell`;
      const names = to ? `: ${shorten(to.join(', '), LIST_MAX)}` : '';
      return ` ${event} to ${count} recipient${count === 1 ? '' : 's'}${names}`;
    }
    case 'grant':
      return ` ${str('role') ?? '?'} to ${str('person') ?? '?'}`;
    case 'revoke':
      return ` ${str('role') ?? '?'} from ${str('person') ?? '?'}`;
    case 'cab-channel':
      return ` ${str('platform') ?? '?'}: ${str('channel') ?? '?'}`;
    case 'service-add':
    case 'service-update': {
      const parts = [
        str('owner') ? `owner ${str('owner')}` : '',
        listOf(d.audience) ? `audience ${listOf(d.audience)}` : '',
        listOf(d.dependsOn) ? `depends on ${listOf(d.dependsOn)}` : '',
      ].filter(Boolean);
      return ` ${str('name') ?? '?'}${parts.length ? ` (${parts.join('; ')})` : ''}`;
    }
    case 'service-remove':
      return ` ${str('name') ?? '?'}`;
    case 'window-add': {
      const service = str('service') ? `, ${str('service')}` : ', all services';
      return ` #${String(d.id ?? '?')} ${str('rrule') ?? ''} for ${String(d.durationMinutes ?? '?')} min${service}`;
    }
    case 'window-remove':
    case 'blackout-remove':
      return ` #${String(d.id ?? '?')}`;
    case 'blackout-add':
      // The blackout's range is printed with the window (start/end) below.
      return ` #${String(d.id ?? '?')}`;
    case 'template-add':
    case 'template-edit':
    case 'template-retire': {
      const changes = Array.isArray(d.changes) ? (d.changes as FieldChange[]) : [];
      const values = changes.map((c) =>
        action === 'template-add' ? `${c.field}: ${valueText(c.to, zone)}` : `${c.field}: ${valueText(c.from, zone)} → ${valueText(c.to, zone)}`,
      );
      return ` ${str('template') ?? '?'} v${String(d.version ?? '?')}${values.length && action !== 'template-retire' ? ` ${values.join('; ')}` : ''}`;
    }
    // Teams and change tasks (src/app/teams.ts, tasks.ts).
    case 'team-add': {
      const parts = [
        listOf(d.members) ? `members ${listOf(d.members)}` : '',
        str('usergroup') ? `Slack user group ${str('usergroup')}` : '',
        str('teamsChannel') ? 'a Teams channel' : '',
      ].filter(Boolean);
      return ` ${str('team') ?? '?'}${parts.length ? ` (${parts.join('; ')})` : ''}`;
    }
    case 'team-remove':
      return ` ${str('team') ?? '?'}`;
    case 'team-members':
      return ` ${str('team') ?? '?'}:${listOf(d.added) ? ` added ${listOf(d.added)}` : ''}${listOf(d.removed) ? ` removed ${listOf(d.removed)}` : ''}`;
    case 'task-add':
      return ` #${String(d.task ?? '?')} ${str('title') ?? ''} for ${str('team') ? `team ${str('team')}` : (str('assignee') ?? '?')}`;
    case 'task-done':
      return ` #${String(d.task ?? '?')} ${str('title') ?? ''}${str('note') ? `: ${str('note')}` : ''}`;
    case 'task-skip':
      return ` #${String(d.task ?? '?')} ${str('title') ?? ''} (not applicable)`;
    case 'policy-seed':
      return ` from the environment or the defaults: ${Object.keys(d).length} settings`;
    case 'policy-set':
      return ` ${str('key') ?? '?'}: ${valueText(logValue(d.from), zone)} → ${valueText(logValue(d.to), zone)}`;
    default:
      return '';
  }
}

/** Schedule, reschedule and blackout rows carry the window they set. */
function windowOf(d: Record<string, unknown>, zone: string): string {
  const w = asWindow(d);
  return w ? ` ${formatRange(w, zone)}` : '';
}

function conflictsOf(d: Record<string, unknown>): string {
  if (!Array.isArray(d.conflicts) || !d.conflicts.length) return '';
  const n = d.conflicts.length;
  return ` (${n} conflict${n === 1 ? '' : 's'}${d.acknowledged ? ', acknowledged' : ''})`;
}

function listOf(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join(', ') : '';
}

function asWindow(v: unknown): { start: Date; end: Date } | null {
  if (!v || typeof v !== 'object') return null;
  const { start, end } = v as Record<string, unknown>;
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const w = { start: new Date(start), end: new Date(end) };
  return Number.isNaN(w.start.getTime()) || Number.isNaN(w.end.getTime()) ? null : w;
}

/** A stored value as a reader sees it: “text”, none, yes/no, a window, a list. */
export function valueText(v: LogValue, zone: string): string {
  if (v === null || v === '') return 'none';
  if (typeof v === 'string') return `“${shorten(v, VALUE_MAX)}”`;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? shorten(v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', '), VALUE_MAX) : 'none';
  const w = asWindow(v);
  if (w) return formatRange(w, zone);
  if (typeof v.minutes === 'number') {
    // An expected outage: { minutes, audience }.
    const audience = typeof v.audience === 'string' && v.audience ? ` for “${shorten(v.audience, VALUE_MAX)}”` : '';
    return `${v.minutes} min${audience}`;
  }
  return shorten(JSON.stringify(v), VALUE_MAX);
}
