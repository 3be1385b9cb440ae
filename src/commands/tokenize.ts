/**
 * Splits `/rfc` command text into words and `key=value` pairs in one linear pass.
 *
 * - Words are separated by any whitespace (including the non-breaking spaces chat clients send).
 * - A quote may open a word or a value (`"a b"`, `key="a b"`). Chat clients and keyboards turn
 *   straight quotes into typographic ones, and people write their own language's, so:
 *   - double quotes (" “ ” „ ‟) close on any double quote (`“a b”`, `„a b“`, `"a b”`);
 *   - guillemets close on their partner: « on », ‹ on ›; » and › (Danish, Swedish) on either;
 *   - single quotes (' ‘ ’ ‚ ‛) close only on a single quote followed by whitespace or the end,
 *     so apostrophes survive (`‘it’s fine’`); one that nothing could close is a literal
 *     apostrophe (`’cause`).
 *   A backslash escapes a quote or a backslash inside quotes. Quotes inside an unquoted word are
 *   literal (`don't`, `a«b`).
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

const DOUBLES = '"\u201c\u201d\u201e\u201f'; // " “ ” „ ‟
const SINGLES = "'\u2018\u2019\u201a\u201b"; // ' ‘ ’ ‚ ‛
/** Opening quote -> the quotes that close it. */
const CLOSERS: ReadonlyMap<string, string> = new Map([
  ...[...DOUBLES].map((q) => [q, DOUBLES] as const),
  ...[...SINGLES].map((q) => [q, SINGLES] as const),
  ['\u00ab', '\u00bb'], // « »
  ['\u00bb', '\u00ab\u00bb'], // » « and » »
  ['\u2039', '\u203a'], // ‹ ›
  ['\u203a', '\u2039\u203a'], // › ‹ and › ›
]);
/** The closing quote an unterminated-quote message asks for. */
const USUAL_CLOSE: Readonly<Record<string, string>> = {
  '\u201c': '\u201d', // “ ”
  '\u201e': '\u201c', // „ “
  '\u201f': '\u201d', // ‟ ”
  '\u2018': '\u2019', // ‘ ’
  '\u201a': '\u2018', // ‚ ‘
  '\u201b': '\u2019', // ‛ ’
  '\u00ab': '\u00bb', // « »
  '\u00bb': '\u00ab', // » «
  '\u2039': '\u203a', // ‹ ›
  '\u203a': '\u2039', // › ‹
};
const SINGLE = new Set(SINGLES);
const SPACE = /\s/;
const KEY_START = /[A-Za-z]/;
const KEY_CHAR = /[A-Za-z0-9_-]/;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

function isQuote(c: string | undefined): boolean {
  return c !== undefined && CLOSERS.has(c);
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

  // The last single quote that could close one (followed by whitespace or the end): a single
  // quote after it opens nothing.
  let lastSingleClose = -1;
  for (let j = n - 1; j >= 0; j--) {
    if (SINGLE.has(input[j]!) && (j + 1 >= n || isSpace(input[j + 1]))) {
      lastSingleClose = j;
      break;
    }
  }

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
      if (atValueStart && isQuote(c) && !(SINGLE.has(c) && lastSingleClose <= i)) {
        const single = SINGLE.has(c);
        const closers = CLOSERS.get(c)!;
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
          if (closers.includes(d) && (!single || i + 1 >= n || isSpace(e))) {
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
            `Unterminated quote in ${clip(what, 40)} — add the closing ${USUAL_CLOSE[c] ?? c}.`,
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

/**
 * `arg` (one argument of the CLI, after the shell split the line) as one word that tokenize
 * reads back as that argument: unchanged when it has no whitespace or already is one quoted
 * word (`“Patch db03”`, `plan=«a b»`: its quotes are the quotes); otherwise put in straight
 * double quotes, escaping backslashes and every quote that would close them.
 */
export function asWord(arg: string): string {
  if (!/\s/.test(arg)) return arg;
  try {
    const tokens = tokenize(arg);
    if (tokens.length === 1 && tokens[0]!.quoted && tokens[0]!.end === arg.length) return arg;
  } catch {
    // an unterminated quote: quote the whole argument
  }
  const esc = (s: string) => s.replace(/[\\"\u201c\u201d\u201e\u201f]/g, '\\$&');
  const eq = arg.indexOf('=');
  if (eq > 0 && /^[A-Za-z][A-Za-z0-9_-]*$/.test(arg.slice(0, eq))) return `${arg.slice(0, eq)}="${esc(arg.slice(eq + 1))}"`;
  return `"${esc(arg)}"`;
}
