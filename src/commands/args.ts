/**
 * Turns the words after a command into positional words and known `key=value` pairs, with the
 * forgiving joins people expect from chat:
 * - a date key's value followed by a bare time joins it (`start=2026-12-05 22:00`,
 *   `start=tomorrow 10pm`, `start=in 2h`);
 * - a free-text key's unquoted value swallows the bare words after it (`reason=vendor delay`);
 * - a list value ending in a comma takes the next word (`services=db, web`).
 */
import type { Token } from './tokenize.js';
import { badCommand, badValue, clip, closest, own, quoteList } from './util.js';

export interface ArgSpec {
  /** Canonical keys this command accepts. */
  keys: readonly string[];
  /** Other spellings (compared without case, dashes or underscores) -> canonical key. */
  aliases?: Readonly<Record<string, string>>;
  /** A correct example of the command, for error messages. */
  example: string;
  /** Bare words a free-text value must not swallow (e.g. `ack` after `reason=...`). */
  stopWords?: readonly string[];
  /** More keys whose unquoted value swallows the bare words after it (like `reason=`). */
  textKeys?: readonly string[];
}

export interface Args {
  /** Words that are not key=value, with their position in the token list. */
  positionals: { token: Token; index: number }[];
  /** Canonical key -> its token (value possibly joined with following words). */
  pairs: Map<string, Token>;
  /** Token index of the first key=value, or the token count when there is none. */
  firstKey: number;
}

const DATE_KEYS = new Set(['start', 'end']);
const TEXT_KEYS = new Set([
  'title',
  'description',
  'justification',
  'plan',
  'backout',
  'test',
  'cost',
  'resources',
  'audience',
  'problem',
  'reason',
  'notes',
  'comment',
  'override',
]);
const LIST_KEYS = new Set(['services', 'depends', 'audience']);
const TIME_WORD = /^(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)$/i;
const DURATION_WORD = /^\d/;

export const normKey = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');

function lookup(spec: ArgSpec): Map<string, string> {
  const map = new Map<string, string>();
  for (const k of spec.keys) map.set(normKey(k), k);
  for (const [alias, k] of Object.entries(spec.aliases ?? {})) map.set(normKey(alias), k);
  return map;
}

export function unknownKey(key: string, spec: ArgSpec): never {
  const names = [...spec.keys, ...Object.keys(spec.aliases ?? {})];
  const near = closest(key, names, normKey).map((n) => own(spec.aliases ?? {}, n) ?? n);
  const unique = [...new Set(near)];
  const hint = unique.length
    ? ` — did you mean ${quoteList(unique)}?`
    : spec.keys.length
      ? `. Keys: ${spec.keys.join(', ')}.`
      : '. This command takes no key=value options.';
  return badValue(key, `Unknown key "${clip(key, 30)}"${hint} Example: ${spec.example}`, spec.example);
}

export function unexpected(token: Token, example: string): never {
  return badCommand(`Unexpected "${clip(token.value, 30)}". Put values with spaces in quotes, like reason="two words". Example: ${example}`, { example });
}

export function collectArgs(tokens: readonly Token[], spec: ArgSpec): Args {
  const map = lookup(spec);
  const positionals: Args['positionals'] = [];
  const pairs = new Map<string, Token>();
  let firstKey = tokens.length;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.key === undefined) {
      positionals.push({ token, index: i });
      i++;
      continue;
    }
    const key = map.get(normKey(token.key));
    if (key === undefined) unknownKey(token.key, spec);
    if (pairs.has(key)) {
      badValue(key, `${key} is given twice. Example: ${spec.example}`, spec.example);
    }
    if (firstKey === tokens.length) firstKey = i;
    let value = token.value;
    let end = token.end;
    i++;
    const bare = (t: Token | undefined): t is Token => t !== undefined && t.key === undefined && !t.quoted;
    if (!token.quoted && DATE_KEYS.has(key)) {
      const next = tokens[i];
      const joins = bare(next) && (TIME_WORD.test(next.value) || (value.toLowerCase() === 'in' && DURATION_WORD.test(next.value)));
      if (joins) {
        value = `${value} ${next.value}`;
        end = next.end;
        i++;
      }
    } else if (!token.quoted && (TEXT_KEYS.has(key) || spec.textKeys?.includes(key))) {
      const stop = new Set(spec.stopWords ?? []);
      while (i < tokens.length && tokens[i]!.key === undefined && !stop.has(tokens[i]!.value.toLowerCase())) {
        const next = tokens[i]!;
        value = value.length ? `${value} ${next.value}` : next.value;
        end = next.end;
        i++;
      }
    } else if (LIST_KEYS.has(key)) {
      while (value.endsWith(',') && tokens[i] !== undefined && tokens[i]!.key === undefined) {
        const next = tokens[i]!;
        value = `${value}${next.value}`;
        end = next.end;
        i++;
      }
    }
    pairs.set(key, { ...token, key, value, end });
  }
  return { positionals, pairs, firstKey };
}

/** Refuses words beyond the first `max` positionals. */
export function noExtraPositionals(args: Args, max: number, example: string): void {
  const extra = args.positionals[max];
  if (extra) unexpected(extra.token, example);
}

const YES = new Set(['yes', 'y', 'true', 'on', '1']);
const NO = new Set(['no', 'n', 'false', 'off', '0']);

export function parseBool(text: string, field: string, example: string): boolean {
  const s = text.trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return badValue(field, `Can't read ${field}="${clip(text)}". Use yes or no. Example: ${example}`, example);
}
