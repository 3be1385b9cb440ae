/**
 * A release's change log as people read it (like changelog.ts for RFCs): one line per row, in
 * the reader's zone, the action followed by what its detail says (the item ticked, the wave,
 * the RFC, the artifact, a phase move with its labels) and the reason. Pure: rows come from src/db.
 */
import { type FieldChange, type LogRow, valueText } from './changelog.js';
import { READINESS_LABELS, RELEASE_PHASE_LABELS, type ReadinessFactor, type ReleasePhase, SIGNOFF_LABELS, type SignoffCluster } from './release.js';
import { shorten } from './text.js';
import { formatInstant, formatRange } from './windows.js';

const REASON_MAX = 200;
const NOTE_MAX = 120;

function phaseWord(p: unknown): string {
  return typeof p === 'string' ? (RELEASE_PHASE_LABELS[p as ReleasePhase] ?? p) : '∅';
}

function windowText(v: unknown, zone: string): string | null {
  if (!v || typeof v !== 'object') return null;
  const { start, end } = v as Record<string, unknown>;
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const w = { start: new Date(start), end: new Date(end) };
  return Number.isNaN(w.start.getTime()) || Number.isNaN(w.end.getTime()) ? null : formatRange(w, zone);
}

/** The words after the action, from the detail keys the release use cases write. */
function detailWords(d: Record<string, unknown>, zone: string): string[] {
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  const out: string[] = [];
  if (Array.isArray(d.changes)) {
    const changes = d.changes as FieldChange[];
    if (changes.length) out.push(changes.map((c) => `${c.field}: ${valueText(c.from, zone)} → ${valueText(c.to, zone)}`).join('; '));
  }
  const item = str('item');
  if (item) out.push(READINESS_LABELS[item as ReadinessFactor] ?? item);
  if (str('notApplicable')) out.push(`not applicable: ${shorten(str('notApplicable') as string, NOTE_MAX)}`);
  if (typeof d.wave === 'number') out.push(`wave ${d.wave}${d.pilot === true ? ' (pilot)' : ''}`);
  const w = windowText(d.window ?? d, zone);
  if (w) out.push(w);
  if (str('rfc')) out.push(str('rfc') as string);
  const cluster = str('cluster');
  if (cluster) out.push(SIGNOFF_LABELS[cluster as SignoffCluster] ?? cluster);
  const artifact = d.artifact && typeof d.artifact === 'object' ? (d.artifact as Record<string, unknown>) : null;
  if (artifact && typeof artifact.name === 'string') out.push(`${artifact.name}${typeof artifact.version === 'string' ? ` ${artifact.version}` : ''}`);
  if (str('removeArtifact')) out.push(`removed ${str('removeArtifact')}`);
  if (str('name') && typeof d.passed === 'boolean') out.push(`${str('name')} ${d.passed ? 'passed' : 'failed'}`);
  if (str('as')) out.push(`as ${(str('as') as string).replace('-', ' ')}`);
  if (str('what')) out.push(str('what') === 'proven' ? 'backout proven in test' : str('what') === 'approve' ? 'pilot approved' : (str('what') as string));
  if (str('to') && !d.changes) out.push(`to ${phaseWord(str('to'))}`);
  if (str('override')) out.push(`outside its window: ${shorten(str('override') as string, NOTE_MAX)}`);
  if (str('note')) out.push(`“${shorten(str('note') as string, NOTE_MAX)}”`);
  return out;
}

/** What a release row records, without when and who. */
export function releaseLogWhat(row: LogRow, zone: string): string {
  const d = row.detail ?? {};
  const from = row.fromState as unknown;
  const to = row.toState as unknown;
  const move = to && from !== to ? ` ${phaseWord(from)} → ${phaseWord(to)}` : '';
  const words = detailWords(d, zone);
  const reason = row.reason ? ` — ${shorten(row.reason, REASON_MAX)}` : '';
  return `${row.action}${words.length ? ` ${words.join(', ')}` : ''}${move}${reason}`;
}

/** `Sat 5 Dec 22:00 UTC  cli:ann  release-tick production environment ready, … — restored` */
export function releaseLogLine(row: LogRow, zone: string): string {
  return `${formatInstant(row.at, zone)}  ${row.actor}  ${releaseLogWhat(row, zone)}`;
}
