/**
 * A release's change log as people read it (like changelog.ts for RFCs): one line per row, in
 * the reader's zone, the action followed by what its detail says (the item ticked, the wave,
 * the RFC, the artifact, a phase move with its labels) and the reason. Pure: rows come from src/db.
 */
import { type FieldChange, type LogRow, type LogValue, valueText } from './changelog.js';
import { READINESS_LABELS, RELEASE_PHASE_LABELS, type ReadinessFactor, type ReleasePhase, SIGNOFF_LABELS, type SignoffCluster } from './release.js';
import { shorten } from './text.js';
import { formatInstant, formatRange } from './windows.js';

const REASON_MAX = 200;
const NOTE_MAX = 120;

function phaseWord(p: unknown): string {
  return typeof p === 'string' ? (RELEASE_PHASE_LABELS[p as ReleasePhase] ?? p) : '∅';
}

function windowText(d: Record<string, unknown>, zone: string): string | null {
  const { start, end } = d;
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const w = { start: new Date(start), end: new Date(end) };
  return Number.isNaN(w.start.getTime()) || Number.isNaN(w.end.getTime()) ? null : formatRange(w, zone);
}

/** An artifact's changed parts (`{ version: '4.2.1' }`) as `version 4.2.1`; anything else as the RFC log shows it. */
function changeValue(v: LogValue, zone: string): string {
  if (v && typeof v === 'object' && !Array.isArray(v) && !('start' in v) && !('minutes' in v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k} ${typeof x === 'string' ? shorten(x, NOTE_MAX) : JSON.stringify(x)}`);
    if (parts.length) return parts.join(', ');
  }
  return valueText(v, zone);
}

/** The words after the action, from the detail keys the release use cases write (src/app/releases.ts). */
function detailWords(d: Record<string, unknown>, zone: string, moved: boolean): string[] {
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  const out: string[] = [];
  if (Array.isArray(d.changes)) {
    const changes = d.changes as FieldChange[];
    if (changes.length) out.push(changes.map((c) => `${c.field}: ${changeValue(c.from, zone)} → ${changeValue(c.to, zone)}`).join('; '));
  }
  if (d.afterGo === true) out.push('after go');
  const item = str('item');
  if (item) out.push(`${READINESS_LABELS[item as ReadinessFactor] ?? item}${d.kind === 'not-applicable' ? ' (not applicable)' : ''}`);
  if (typeof d.wave === 'number') out.push(`wave ${d.wave}${d.pilot === true ? ' (pilot)' : ''}`);
  if (Array.isArray(d.waves) && d.waves.length) out.push(`waves ${d.waves.join(', ')}`);
  const w = windowText(d, zone);
  if (w) out.push(w);
  if (Array.isArray(d.services) && d.services.length) out.push(d.services.join(', '));
  if (d.override === true) out.push('outside its window');
  if (str('rfc')) out.push(str('rfc') as string);
  if (str('why')) out.push(str('why') as string);
  const cluster = str('cluster');
  if (cluster) out.push(SIGNOFF_LABELS[cluster as SignoffCluster] ?? cluster);
  if (str('name') && typeof d.passed === 'boolean') out.push(`${str('name')} ${d.passed ? 'passed' : 'failed'}`);
  if (str('as')) out.push(`as ${(str('as') as string).replace('-', ' ')}`);
  if (Array.isArray(d.stillNeeded) && d.stillNeeded.length) out.push(`still needs ${d.stillNeeded.join(' and ')}`);
  if (d.backoutProven === true) out.push('backout proven in test');
  if (d.pilotApproved === true) out.push('pilot approved');
  if (str('to') && !moved) out.push(`to ${phaseWord(str('to'))}`);
  if (str('note')) out.push(`“${shorten(str('note') as string, NOTE_MAX)}”`);
  if (Array.isArray(d.conflicts) && d.conflicts.length)
    out.push(`${d.conflicts.length} conflict${d.conflicts.length === 1 ? '' : 's'}${d.acknowledged ? ', acknowledged' : ''}`);
  return out;
}

/** What a release row records, without when and who. */
export function releaseLogWhat(row: LogRow, zone: string): string {
  const d = row.detail ?? {};
  const from = row.fromState as unknown;
  const to = row.toState as unknown;
  const move = to && from !== to ? (from ? ` ${phaseWord(from)} → ${phaseWord(to)}` : ` in ${phaseWord(to)}`) : '';
  const words = detailWords(d, zone, !!move);
  const reason = row.reason ? ` — ${shorten(row.reason, REASON_MAX)}` : '';
  return `${row.action}${words.length ? ` ${words.join(', ')}` : ''}${move}${reason}`;
}

/** `Sat 5 Dec 22:00 UTC  cli:ann  release-tick production environment ready, … — restored` */
export function releaseLogLine(row: LogRow, zone: string): string {
  return `${formatInstant(row.at, zone)}  ${row.actor}  ${releaseLogWhat(row, zone)}`;
}
