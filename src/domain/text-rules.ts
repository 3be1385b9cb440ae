/**
 * What people's text may hold once it enters changebot: invisible characters, length caps and
 * the rule for names. Pure; the app layer's use cases apply it to every text input (so the
 * command language, forms, buttons and a later HTTP API all get the same treatment).
 *
 * Two kinds of text:
 * - **line** (titles, names, keys, references, links): one line of visible text. Removed: bidi
 *   controls (embeddings, overrides, isolates U+202A–U+202E, U+2066–U+2069, and the marks
 *   U+200E, U+200F, U+061C), zero-width and invisible characters (U+200B, U+2060, U+FEFF, U+00AD,
 *   U+180E, U+034F, U+2061–U+2064, U+FFF9–U+FFFB, the Hangul fillers U+115F, U+1160, U+3164,
 *   U+FFA0, noncharacters U+FFFE/U+FFFF), every C0 and C1 control, lone surrogates. Line breaks,
 *   tabs and other spaces become one space; runs of spaces collapse; the ends are trimmed.
 * - **text** (descriptions, plans, comments, reasons, notes): many lines. Neutralised: the bidi
 *   embeddings, overrides and isolates (which reorder the text after them, the "Trojan source"
 *   trick) and the zero-width characters above are removed, as are C0/C1 controls except
 *   newline and tab; CR LF, CR, U+2028 and U+2029 become a newline. The bidi marks LRM, RLM and
 *   ALM stay: they reorder nothing after them and Hebrew and Arabic writers need them to place
 *   punctuation in mixed text.
 *
 * ZWJ and ZWNJ (U+200D, U+200C) stay, in both kinds, only where they join something: ZWJ between
 * two emoji (👩‍💻, 🏳️‍🌈), ZWJ/ZWNJ between two letters of a script that shapes with them (Arabic,
 * Syriac, the Indic scripts, Sinhala, Khmer, Myanmar). Anywhere else (between Latin letters, next
 * to a space, at the ends) they are invisible padding and go; a run of them joins once. Tag characters
 * (U+E0000–U+E007F, "ASCII smuggling") go too, except inside an emoji tag sequence (🏴 flags).
 *
 * Every text input has a cap (TEXT_CAPS, counted in code points after cleaning); one over it is
 * refused with a message naming the field, its length and the cap. Names of things people
 * type to pick them (services now, teams later) follow NAME_RULE.
 */
import { ChangebotError } from './errors.js';

export type TextKind = 'line' | 'text';

/** Every text field by the name people type it under: its kind and cap (characters). */
export const TEXT_CAPS = {
  // One line: titles, names, references.
  title: { kind: 'line', max: 200 }, // RFC title
  followup: { kind: 'line', max: 200 }, // title of a follow-up RFC raised from a release review
  name: { kind: 'line', max: 200 }, // release name, test name
  artifact: { kind: 'line', max: 200 }, // artifact name in a release package
  version: { kind: 'line', max: 100 },
  sha256: { kind: 'line', max: 100 },
  link: { kind: 'line', max: 2000 },
  problem: { kind: 'line', max: 200 }, // problem record reference, e.g. PRB-12
  audience: { kind: 'line', max: 500 }, // who an RFC's outage affects, in words
  value: { kind: 'line', max: 200 }, // an admin policy value
  channel: { kind: 'line', max: 200 }, // an admin CAB channel id
  // Free text: what a change is and how it is done.
  description: { kind: 'text', max: 10_000 },
  justification: { kind: 'text', max: 10_000 },
  plan: { kind: 'text', max: 10_000 },
  backout: { kind: 'text', max: 10_000 },
  test: { kind: 'text', max: 10_000 },
  cost: { kind: 'text', max: 2000 },
  resources: { kind: 'text', max: 2000 },
  // Free text: a release's goal, plan, procedures and review.
  goal: { kind: 'text', max: 2000 },
  order: { kind: 'text', max: 10_000 }, // deployment order
  training: { kind: 'text', max: 10_000 },
  communications: { kind: 'text', max: 10_000 },
  install: { kind: 'text', max: 10_000 },
  removal: { kind: 'text', max: 10_000 },
  outcome: { kind: 'text', max: 10_000 },
  workarounds: { kind: 'text', max: 10_000 },
  lessons: { kind: 'text', max: 10_000 },
  // Free text: what people say when they act.
  comment: { kind: 'text', max: 2000 }, // a vote comment
  reason: { kind: 'text', max: 2000 }, // withdraw, cancel, fail, backout, close, reschedule, suspend, no-go, blackout...
  override: { kind: 'text', max: 2000 }, // a change manager's reason to start outside the window
  notes: { kind: 'text', max: 2000 }, // review notes
  note: { kind: 'text', max: 2000 }, // test result, sign-off, pilot, readiness, wave notes
  na: { kind: 'text', max: 2000 }, // why a readiness item does not apply
} as const satisfies Record<string, { kind: TextKind; max: number }>;

export type TextField = keyof typeof TEXT_CAPS;

// Character classes (code points). See the module comment for why each is where it is.
const isBidiFormatting = (c: number) => (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
const isBidiMark = (c: number) => c === 0x200e || c === 0x200f || c === 0x061c;
const INVISIBLE = new Set([0x200b, 0x2060, 0xfeff, 0x00ad, 0x180e, 0x034f, 0x2061, 0x2062, 0x2063, 0x2064, 0x115f, 0x1160, 0x3164, 0xffa0, 0xfffe, 0xffff]);
const isInvisible = (c: number) => INVISIBLE.has(c) || (c >= 0xfff9 && c <= 0xfffb);
const isJoiner = (c: number) => c === 0x200c || c === 0x200d;
const isTag = (c: number) => c >= 0xe0000 && c <= 0xe007f;
const isSurrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;
/** C0, DEL and C1 controls (tab, newline and the other breaks are handled before this). */
const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f);
const isBreak = (c: number) => c === 0x0a || c === 0x0b || c === 0x0c || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const BLACK_FLAG = 0x1f3f4;
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{fe0f})$/u;
const EMOJI_NEXT = /^\p{Extended_Pictographic}$/u;
const JOINING_SCRIPT =
  /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Mongolian}]$/u;
const SPACE = /^\s$/u;

function joins(prev: string | undefined, next: string | undefined, joiner: number): boolean {
  if (prev === undefined || next === undefined) return false;
  if (joiner === 0x200d && EMOJI.test(prev) && EMOJI_NEXT.test(next)) return true;
  return JOINING_SCRIPT.test(prev) && JOINING_SCRIPT.test(next);
}

/** Cleans `s` as one line or as multi-line text (see the module comment). Linear in its length. */
export function cleanText(s: string, kind: TextKind): string {
  const cps = Array.from(s); // code points; a lone surrogate comes out on its own
  const out: string[] = [];
  let inFlag = false; // inside a 🏴 tag sequence
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const c = ch.codePointAt(0)!;
    if (isTag(c)) {
      if (inFlag) {
        out.push(ch);
        if (c === 0xe007f) inFlag = false;
      }
      continue;
    }
    inFlag = c === BLACK_FLAG;
    if (isSurrogate(c) || isBidiFormatting(c) || isInvisible(c)) continue;
    if (isBidiMark(c)) {
      if (kind === 'text') out.push(ch);
      continue;
    }
    if (isJoiner(c)) {
      if (joins(out[out.length - 1], cps[i + 1], c)) out.push(ch);
      continue;
    }
    if (kind === 'line' && (c === 0x09 || isBreak(c) || SPACE.test(ch))) {
      if (out.length && out[out.length - 1] !== ' ') out.push(' ');
      continue;
    }
    if (isBreak(c)) {
      if (c !== 0x0d || cps[i + 1] !== '\n') out.push('\n'); // CR LF is one newline
      continue;
    }
    if (c !== 0x09 && isControl(c)) continue;
    out.push(ch);
  }
  return out.join('').trim();
}

/** Code points, as people count characters (an emoji is one). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Cleans a value of `field` by its kind and refuses it over the field's cap:
 * "comment is 15000 characters long; keep it to 2000 or fewer." `label` is the name the person
 * typed when it differs from the table's (e.g. `followup`). Empty after cleaning gives "".
 */
export function checkText(field: TextField, value: string, label: string = field): string {
  const { kind, max } = TEXT_CAPS[field];
  // Very long input is refused before it is cleaned (invisible characters can't make it fit).
  const raw = value.length > max * 4 + 1000 ? charCount(value) : -1;
  const cleaned = raw >= 0 ? '' : cleanText(value, kind);
  const n = raw >= 0 ? raw : charCount(cleaned);
  if (n > max) {
    throw new ChangebotError('bad_value', `${label} is ${n} characters long; keep it to ${max} or fewer.`, { field: label, length: n, max });
  }
  return cleaned;
}

/** `checkText` for an optional value: undefined stays undefined, empty after cleaning becomes null. */
export function optionalText(field: TextField, value: string | null | undefined, label: string = field): string | null | undefined {
  if (value === undefined || value === null) return value;
  return checkText(field, value, label) || null;
}

/**
 * Names of things people pick by typing them (services; teams later): letters, digits, `-`, `_`
 * and `.`, 1–64 characters, starting with a letter or a digit. ASCII only, so a name can't
 * hide a look-alike letter. Names stored before this rule still resolve; only new ones follow it.
 */
export const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NAME_MAX = 64;

/** The name `raw` (cleaned as a line), or a refusal saying the rule with an example. */
export function checkName(what: string, raw: string, example: string, field = 'name'): string {
  const name = cleanText(raw, 'line');
  if (NAME_RULE.test(name)) return name;
  const shown = name.length > 40 ? `${Array.from(name).slice(0, 40).join('')}…` : name;
  const why = !name
    ? `Give the ${what} a name.`
    : charCount(name) > NAME_MAX
      ? `A ${what} name is at most ${NAME_MAX} characters; "${shown}" is ${charCount(name)}.`
      : `"${shown}" can't be a ${what} name.`;
  throw new ChangebotError(
    'bad_value',
    `${why} A ${what} name is 1–${NAME_MAX} letters, digits, "-", "_" or "." and starts with a letter or digit, e.g. ${example}.`,
    { field, example },
  );
}
