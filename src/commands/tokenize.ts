/**
 * Splits `/rfc` command text into words and `key=value` pairs in one linear pass.
 *
 * - Words are separated by any whitespace (including the non-breaking spaces chat clients send).
 * - A quote may open a word or a value (`"a b"`, `key="a b"`): straight or smart double quotes
 *   (" “ ” „) close on any double quote; single quotes (' ‘ ’) close only on a single quote that
 *   is followed by whitespace or the end, so apostrophes (`'it’s'`) survive. A backslash escapes
 *   a quote or a backslash inside quotes. Quotes inside an unquoted word are literal (`don't`).
 * - Slack control sequences `<@U1|Jo Smith>`, `<#C1|ops>`, `<!subteam^S1|@dbas>` are kept whole,
 *   spaces included.
 */
import { badCommand, clip } from './util.js';

export interface Token {
  /** Lower-cased key as typed when the word was `key=value`. */
  key?: string;
  /** The word, or the value of `key=value`, with quotes removed. */
  value: string;
  /** True when the word or value was written in quotes. */
  quoted: boolean;
  /** Offsets of the whole word in the input. */
  start: number;
  end: number;
}

export interface TokenizeOptions {
  /** Slack escapes & < > as entities in message text; decode them in values. */
  decodeEntities?: boolean;
}

const DOUBLE = new Set(['"', '\u201c', '\u201d', '\u201e']);
const SINGLE = new Set(["'", '\u2018', '\u2019']);
const SPACE = /\s/;
const KEY_START = /[A-Za-z]/;
const KEY_CHAR = /[A-Za-z0-9_-]/;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

function isQuote(c: string | undefined): boolean {
  return c !== undefined && (DOUBLE.has(c) || SINGLE.has(c));
}

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function tokenize(input: string, opts: TokenizeOptions = {}): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  // Cached position of the next '>' (-1: none left), so a run of '<' stays linear.
  let gt = -2;
  const nextGt = (from: number): number => {
    if (gt === -1) return -1;
    if (gt < from) gt = input.indexOf('>', from);
    return gt;
  };

  let i = 0;
  while (i < n) {
    while (i < n && isSpace(input[i])) i++;
    if (i >= n) break;
    const start = i;
    let buf = '';
    let key: string | undefined;
    let quoted = false;
    let keyLike = true; // buf so far could be a key
    let atValueStart = true; // a quote here opens a quoted section

    while (i < n && !isSpace(input[i])) {
      const c = input[i]!;
      if (atValueStart && isQuote(c)) {
        const single = SINGLE.has(c);
        const openAt = i;
        i++;
        let closed = false;
        while (i < n) {
          const d = input[i]!;
          const e = input[i + 1];
          if (d === '\\' && (isQuote(e) || e === '\\')) {
            buf += e;
            i += 2;
            continue;
          }
          if (single ? SINGLE.has(d) && (i + 1 >= n || isSpace(e)) : DOUBLE.has(d)) {
            closed = true;
            i++;
            break;
          }
          buf += d;
          i++;
        }
        if (!closed) {
          const what = key ? `${key}=${input.slice(openAt, openAt + 30)}` : input.slice(openAt, openAt + 30);
          badCommand(
            `Unterminated quote in ${clip(what, 40)} — add the closing ${single ? "'" : '"'}.`,
            key ? { field: key.toLowerCase(), example: `${key.toLowerCase()}="two words"` } : { example: '"two words"' },
          );
        }
        quoted = true;
        keyLike = false;
        atValueStart = false;
        continue;
      }
      atValueStart = false;
      if (c === '=' && key === undefined && keyLike && buf.length > 0) {
        key = buf;
        buf = '';
        atValueStart = true;
        i++;
        continue;
      }
      if (c === '<' && i + 1 < n && !isSpace(input[i + 1])) {
        const j = nextGt(i + 1);
        if (j !== -1) {
          buf += input.slice(i, j + 1);
          keyLike = false;
          i = j + 1;
          continue;
        }
      }
      if (key === undefined && keyLike) {
        keyLike = buf.length === 0 ? KEY_START.test(c) : KEY_CHAR.test(c);
      }
      buf += c;
      i++;
    }
    const value = opts.decodeEntities ? decodeEntities(buf) : buf;
    const token: Token = { value, quoted, start, end: i };
    if (key !== undefined) token.key = key.toLowerCase();
    tokens.push(token);
  }
  return tokens;
}
