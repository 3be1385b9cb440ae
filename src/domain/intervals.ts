/** Half-open time intervals [start, end) and sorted interval lists. Pure. */
import type { Window } from './types.js';

/** Half-open intervals [start, end) overlap. */
export function overlaps(a: Window, b: Window): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** `inner` lies entirely inside `outer`. */
export function contains(outer: Window, inner: Window): boolean {
  return outer.start.getTime() <= inner.start.getTime() && inner.end.getTime() <= outer.end.getTime();
}

// ---------------------------------------------------------------------------------------------
// Interval lists (sorted, disjoint after merge)

/** Sort and merge overlapping or touching intervals. */
export function mergeIntervals(list: Window[]): Window[] {
  const sorted = [...list].filter((w) => w.end.getTime() > w.start.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.start.getTime() <= last.end.getTime()) {
      if (w.end.getTime() > last.end.getTime()) last.end = w.end;
    } else {
      out.push({ start: w.start, end: w.end });
    }
  }
  return out;
}

/** Intersection of two merged interval lists. */
export function intersectIntervals(a: Window[], b: Window[]): Window[] {
  const out: Window[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const s = Math.max(x.start.getTime(), y.start.getTime());
    const e = Math.min(x.end.getTime(), y.end.getTime());
    if (s < e) out.push({ start: new Date(s), end: new Date(e) });
    if (x.end.getTime() < y.end.getTime()) i++;
    else j++;
  }
  return out;
}

/** `a` minus `b`; both merged. */
export function subtractIntervals(a: Window[], b: Window[]): Window[] {
  const out: Window[] = [];
  let j = 0;
  for (const x of a) {
    let cur = x.start.getTime();
    const end = x.end.getTime();
    while (j < b.length && b[j]!.end.getTime() <= cur) j++;
    let k = j;
    while (k < b.length && b[k]!.start.getTime() < end) {
      const y = b[k]!;
      if (y.start.getTime() > cur) out.push({ start: new Date(cur), end: y.start });
      cur = Math.max(cur, y.end.getTime());
      k++;
    }
    if (cur < end) out.push({ start: new Date(cur), end: new Date(end) });
  }
  return out;
}
