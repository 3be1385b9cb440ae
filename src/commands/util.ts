/**
 * Small helpers shared by the command parser: error constructors, "did you mean" suggestions and
 * clipping of user text echoed back in messages.
 */
import { ChangebotError } from '../domain/errors.js';

/** Shortens user text for an error message (messages must stay readable on any input). */
export function clip(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "a", "a or b", "a, b or c" */
export function orList(items: readonly string[], conj = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`;
}

export function quoteList(items: readonly string[], conj = 'or'): string {
  return orList(
    items.map((i) => `"${i}"`),
    conj,
  );
}

/** Optimal string alignment distance (Damerau with adjacent transpositions); inputs are short. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * Candidates close to `word`: small edit distance, or `word` is a prefix (at least 3 letters).
 * `norm` maps both sides before comparing (e.g. lower-case, drop dashes). At most three, best first.
 */
export function closest(word: string, candidates: readonly string[], norm: (s: string) => string = (s) => s.toLowerCase()): string[] {
  const w = norm(word).slice(0, 40);
  if (w.length === 0) return [];
  const limit = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3;
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const n = norm(c);
    if (Math.abs(n.length - w.length) > limit && !(w.length >= 3 && n.startsWith(w))) continue;
    let d = editDistance(w, n);
    if (w.length >= 3 && n.startsWith(w)) d = Math.min(d, 1);
    if (d <= limit) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d);
  const out: string[] = [];
  for (const s of scored) if (!out.includes(s.c)) out.push(s.c);
  return out.slice(0, 3);
}

/** " Did you mean "x"?" or "" */
export function didYouMean(word: string, candidates: readonly string[], norm?: (s: string) => string): string {
  const near = closest(word, candidates, norm);
  return near.length ? ` Did you mean ${quoteList(near)}?` : '';
}

export function badValue(field: string, message: string, example: string): never {
  throw new ChangebotError('bad_value', message, { field, example });
}

export function badCommand(message: string, details: Record<string, unknown> = {}): never {
  throw new ChangebotError('bad_command', message, details);
}

/** `record[key]` for user-typed keys, ignoring inherited properties (`__proto__`, `constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
