/**
 * The pure scheduling part of the domain: maintenance windows, blackouts, conflicts and the next
 * free slot. Implemented in intervals.ts (interval helpers), windows.ts (RRULE expansion,
 * formatting) and conflicts.ts (conflict rules, next free slot); this is the public entry point.
 */
export type { Candidate, Conflict, ConflictKind, OtherChange, Relation, ScheduleContext, WaveSlot } from './conflicts.js';
export { dependencyPaths, findConflicts, nextFreeSlot, relate, relatedServices, roundUpToSlot, waveName } from './conflicts.js';
export { contains, intersectIntervals, mergeIntervals, overlaps, subtractIntervals } from './intervals.js';
export {
  applicableWindows,
  expandWindow,
  formatInstant,
  formatRange,
  insideMaintenance,
  maintenanceOccurrences,
  RRULE_EXAMPLE,
  validateRrule,
  validateTimezone,
} from './windows.js';
