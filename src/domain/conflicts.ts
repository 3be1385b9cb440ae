/**
 * Scheduling conflicts (domain.md, "Managing the timing of changes") and the search for the next
 * free slot. Pure: the catalogue, windows and other RFCs come in as arguments.
 */
import { ACTIVE_WINDOW_STATES } from './rfc-machine.js';
import { ChangebotError } from './errors.js';
import type { BlackoutWindow, MaintenanceWindow, Rfc, Service, Window } from './types.js';
import { intersectIntervals, mergeIntervals, overlaps, subtractIntervals } from './intervals.js';
import { applicableWindows, expandWindow, formatInstant, formatRange, insideMaintenance, maintenanceOccurrences } from './windows.js';

export type ConflictKind = 'overlap' | 'dependency' | 'blackout' | 'outside-maintenance';
export interface Conflict {
  kind: ConflictKind;
  /** 'ack': blocks scheduling unless a change manager acknowledges; 'reason': needs a reason from whoever schedules. */
  needs: 'ack' | 'reason';
  /** Human sentence, e.g. "RFC-7 (Patch db cluster) also changes db from Sat 5 Dec 22:00 to Sun 6 Dec 02:00 UTC". Times in the given display zone. */
  message: string;
  otherRfcKey?: string;
  /** The other change is a wave of this release (with `otherWave`). */
  otherReleaseKey?: string;
  otherWave?: number;
  service?: string;
  blackoutId?: number;
}
/** What a check needs of another RFC: a busy week holds thousands, so no more is read. */
export type OtherChange = Pick<Rfc, 'key' | 'title' | 'state' | 'services' | 'window' | 'releaseKey'>;

export interface ScheduleContext {
  services: Service[];
  maintenance: MaintenanceWindow[];
  blackouts: BlackoutWindow[];
  /** Other RFCs that are approved, scheduled or implementing (exclude the candidate itself by key). */
  others: OtherChange[];
  /** Deployment waves of releases holding a window (planned or deploying). */
  waves?: WaveSlot[];
  displayZone: string;
}

/** A release's deployment wave as far as scheduling cares: it changes `services` during `window`. */
export interface WaveSlot {
  releaseKey: string;
  releaseName: string;
  number: number;
  pilot: boolean;
  window: Window;
  services: string[];
}

/**
 * What is being placed: an RFC (its `releaseKey`, if it belongs to a release), or a wave of
 * release `releaseKey` (`wave` set). A release's own RFCs and waves are one piece of work, so
 * they never conflict with each other; RFCs of one release still do among themselves.
 */
export interface Candidate {
  key: string;
  services: string[];
  emergency: boolean;
  releaseKey?: string | null;
  /** Set for a wave: its number (0 for one not added yet). */
  wave?: number;
}

/** "REL-2 wave 1 (Spring rollout)", "REL-2 pilot wave 1 (Spring rollout)". */
export function waveName(w: Pick<WaveSlot, 'releaseKey' | 'releaseName' | 'number' | 'pilot'>): string {
  return `${w.releaseKey} ${w.pilot ? 'pilot ' : ''}wave ${w.number} (${w.releaseName})`;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SLOT = 15 * MINUTE;

// ---------------------------------------------------------------------------------------------
// Dependencies

/**
 * Shortest dependency path from `from` to every service it depends on, directly or transitively
 * (`path[0] === from`, last element the dependency). Cycles in the catalogue are harmless.
 */
export function dependencyPaths(catalogue: Service[], from: string): Map<string, string[]> {
  const byName = new Map(catalogue.map((s) => [s.name, s] as const));
  const paths = new Map<string, string[]>([[from, [from]]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    for (const dep of byName.get(cur)?.dependsOn ?? []) {
      if (paths.has(dep)) continue;
      paths.set(dep, [...paths.get(cur)!, dep]);
      queue.push(dep);
    }
  }
  paths.delete(from);
  return paths;
}

/**
 * Every service a change on `services` can conflict through: those, what they depend on, and
 * what depends on them (directly or not). Only changes on these need to be read for a check.
 */
export function relatedServices(catalogue: Service[], services: string[]): string[] {
  const out = new Set(services);
  for (const s of services) for (const dep of dependencyPaths(catalogue, s).keys()) out.add(dep);
  for (const c of catalogue) {
    if (out.has(c.name)) continue;
    const deps = dependencyPaths(catalogue, c.name);
    if (services.some((s) => deps.has(s))) out.add(c.name);
  }
  return [...out];
}

export type Relation =
  | { kind: 'shared'; services: string[] }
  /** `path` runs from the dependent service to the one it depends on; `theirs` is the other change's service. */
  | { kind: 'dependency'; ours: string; theirs: string; path: string[]; weDepend: boolean };

/**
 * Each service's dependency paths, worked out once per service: one check relates its change
 * to every change in its window, and they share a handful of services.
 */
export function pathsOf(catalogue: Service[]): (from: string) => Map<string, string[]> {
  const memo = new Map<string, Map<string, string[]>>();
  return (from) => {
    let paths = memo.get(from);
    if (!paths) memo.set(from, (paths = dependencyPaths(catalogue, from)));
    return paths;
  };
}

/** How a change on `ours` relates to one on `theirs`: shared services, a dependency, or nothing. */
export function relate(ours: string[], theirs: string[], catalogue: Service[], paths = pathsOf(catalogue)): Relation | null {
  const shared = ours.filter((s) => theirs.includes(s));
  if (shared.length > 0) return { kind: 'shared', services: shared };
  const found: Extract<Relation, { kind: 'dependency' }>[] = [];
  for (const o of ours) {
    const mine = paths(o);
    for (const t of theirs) {
      const p = mine.get(t);
      if (p) found.push({ kind: 'dependency', ours: o, theirs: t, path: p, weDepend: true });
    }
  }
  for (const t of theirs) {
    const deps = paths(t);
    for (const o of ours) {
      const p = deps.get(o);
      if (p) found.push({ kind: 'dependency', ours: o, theirs: t, path: p, weDepend: false });
    }
  }
  // The shortest chain explains the conflict best; ties keep the first found.
  return found.reduce<Relation | null>((best, r) => (best && best.kind === 'dependency' && best.path.length <= r.path.length ? best : r), null);
}

function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function occupying(others: OtherChange[], key: string): (OtherChange & { window: Window })[] {
  return others.filter((o): o is OtherChange & { window: Window } => o.key !== key && o.window !== null && ACTIVE_WINDOW_STATES.includes(o.state));
}

// ---------------------------------------------------------------------------------------------
// Conflicts

/**
 * How many clashing changes a check names one by one; the rest are counted in one more
 * conflict. A window that overlaps thousands of changes still needs the same acknowledgement,
 * and a message naming them all would be unreadable and cost seconds to write.
 */
export const MAX_NAMED_CLASHES = 25;

/** Every conflict of `rfc` placed in `window`. Empty array = clean. */
export function findConflicts(rfc: Candidate, window: Window, ctx: ScheduleContext): Conflict[] {
  const zone = ctx.displayZone;
  const out: Conflict[] = [];
  const ownRelease = rfc.releaseKey ?? null;
  const paths = pathsOf(ctx.services);
  let named = 0;
  let unnamed = 0;

  const clash = (who: string, other: { services: string[]; window: Window }, ref: Pick<Conflict, 'otherRfcKey' | 'otherReleaseKey' | 'otherWave'>) => {
    if (!overlaps(window, other.window)) return;
    const rel = relate(rfc.services, other.services, ctx.services, paths);
    if (!rel) return;
    if (named === MAX_NAMED_CLASHES) {
      unnamed++;
      return;
    }
    named++;
    const when = formatRange(other.window, zone);
    if (rel.kind === 'shared') {
      out.push({ kind: 'overlap', needs: 'ack', message: `${who} also changes ${listing(rel.services)} ${when}`, ...ref, service: rel.services[0]! });
    } else {
      const chain = rel.path.join(' → ');
      const message = rel.weDepend
        ? `${who} changes ${rel.theirs}, which ${rel.ours} depends on (${chain}), ${when}`
        : `${who} changes ${rel.theirs}, which depends on ${rel.ours} (${chain}), ${when}`;
      out.push({ kind: 'dependency', needs: 'ack', message, ...ref, service: rel.theirs });
    }
  };

  for (const other of occupying(ctx.others, rfc.key)) {
    // A wave and its own release's RFCs are the same work.
    if (rfc.wave !== undefined && ownRelease && other.releaseKey === ownRelease) continue;
    clash(`${other.key} (${other.title})`, other, { otherRfcKey: other.key });
  }
  for (const w of ctx.waves ?? []) {
    if (ownRelease && w.releaseKey === ownRelease) continue;
    clash(waveName(w), w, { otherReleaseKey: w.releaseKey, otherWave: w.number });
  }
  if (unnamed > 0) {
    const message = `${unnamed} more change${unnamed === 1 ? '' : 's'} on these services, or on services they depend on or that depend on them, overlap the window`;
    out.push({ kind: 'overlap', needs: 'ack', message });
  }

  for (const b of ctx.blackouts) {
    if (!overlaps(window, b)) continue;
    const why = b.reason ? ` (${b.reason})` : '';
    const message = rfc.emergency
      ? `The window overlaps the blackout ${formatRange(b, zone)}${why}; an emergency change may run then with a reason`
      : `The window overlaps the blackout ${formatRange(b, zone)}${why}; only emergency changes may run then`;
    out.push({ kind: 'blackout', needs: rfc.emergency ? 'reason' : 'ack', message, blackoutId: b.id });
  }

  for (const s of rfc.services) {
    if (applicableWindows(ctx.maintenance, s).length === 0) continue;
    if (insideMaintenance(ctx.maintenance, [s], window)) continue;
    const next = nextOccurrenceStart(ctx.maintenance, s, window);
    const tail = next ? `; the next one starts ${formatInstant(next, zone)}` : '; there is no maintenance window for it in the next year';
    out.push({
      kind: 'outside-maintenance',
      needs: 'reason',
      message: `The window is outside the maintenance windows for ${s}${tail}`,
      service: s,
    });
  }
  return out;
}

/** Start of the next occurrence at or after `window.start` (preferring one long enough for the window). */
function nextOccurrenceStart(windows: MaintenanceWindow[], service: string, window: Window): Date | null {
  const from = window.start;
  const need = window.end.getTime() - window.start.getTime();
  // Each rule stops at its first occurrence long enough; touching ones are merged below.
  const fits = (o: Window) => o.start.getTime() >= from.getTime() && o.end.getTime() - o.start.getTime() >= need;
  const occ = applicableWindows(windows, service)
    .flatMap((w) => expandWindow(w, from, new Date(from.getTime() + 366 * DAY), fits))
    .filter((o) => o.start.getTime() >= from.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const fit = mergeIntervals(occ).find((o) => o.end.getTime() - o.start.getTime() >= need);
  return fit?.start ?? occ[0]?.start ?? null;
}

// ---------------------------------------------------------------------------------------------
// Next free slot

/** Round up to the next 15-minute boundary (unchanged if already on one). */
export function roundUpToSlot(ms: number): number {
  return Math.ceil(ms / SLOT) * SLOT;
}

/**
 * The earliest window of `durationMinutes` starting at or after `after` (rounded up to the next
 * 15 minutes) and ending within `horizonDays` (default 60) that has no conflict needing an
 * acknowledgement and lies inside maintenance windows; null if none. Works on interval lists:
 * allowed time (maintenance occurrences of every restricted service) minus busy time (related
 * RFCs' windows, and blackouts unless emergency).
 */
export function nextFreeSlot(
  services: string[],
  durationMinutes: number,
  after: Date,
  ctx: ScheduleContext & { emergency?: boolean; horizonDays?: number },
): Window | null {
  if (!(durationMinutes > 0) || !Number.isFinite(durationMinutes)) {
    throw new ChangebotError('bad_value', `The duration must be a positive number of minutes, not ${durationMinutes}.`, {
      field: 'duration',
      example: '120',
    });
  }
  const dur = durationMinutes * MINUTE;
  const start0 = roundUpToSlot(after.getTime());
  const horizonEnd = start0 + (ctx.horizonDays ?? 60) * DAY;
  const from = new Date(start0);
  const to = new Date(horizonEnd);

  const paths = pathsOf(ctx.services);
  const busy: Window[] = occupying(ctx.others, '')
    .filter((o) => relate(services, o.services, ctx.services, paths) !== null)
    .map((o) => o.window);
  for (const w of ctx.waves ?? []) if (relate(services, w.services, ctx.services, paths) !== null) busy.push(w.window);
  if (!ctx.emergency) busy.push(...ctx.blackouts);

  let allowed: Window[] = [{ start: from, end: to }];
  for (const s of services) {
    if (applicableWindows(ctx.maintenance, s).length === 0) continue;
    allowed = intersectIntervals(allowed, mergeIntervals(maintenanceOccurrences(ctx.maintenance, s, from, to)));
    if (allowed.length === 0) return null;
  }

  for (const free of subtractIntervals(allowed, mergeIntervals(busy))) {
    const s = roundUpToSlot(Math.max(free.start.getTime(), start0));
    if (s + dur <= free.end.getTime()) return { start: new Date(s), end: new Date(s + dur) };
  }
  return null;
}
