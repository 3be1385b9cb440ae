/**
 * The `/rfc` command language: text -> Command, shared by Slack, Teams and the CLI.
 * Every refusal is a ChangebotError (`bad_command` for structure, `bad_value` for a value, with
 * `details.field` and `details.example`); parsing is linear in the input length.
 */
import { ChangebotError, isChangebotError } from '../domain/errors.js';
import type { VoteChoice } from '../domain/types.js';
import { parseAdmin } from './admin.js';
import { collectArgs, noExtraPositionals, unexpected } from './args.js';
import { parseRfcFields, rfcFieldSpec } from './fields.js';
import { EXAMPLES } from './help.js';
import { tokenize } from './tokenize.js';
import type { Token } from './tokenize.js';
import type { Command, ParseContext } from './types.js';
import { badCommand, badValue, clip, didYouMean, own } from './util.js';
import type { KeyVerb, ReasonVerb } from './verbs.js';
import {
  freeText, isKey, keyAndText, parseCalendar, parseKey, parseList, parseSchedule, parseSlot, parseVote,
} from './verbs.js';

export { parseDate, parseDuration } from './dates.js';
export { parseAudience, resolvePerson } from './people.js';
export { COMMAND_HELP } from './help.js';

/** Longer input is refused outright (Slack caps slash commands well below this). */
export const MAX_COMMAND_LENGTH = 20_000;

const VERBS = [
  'help', 'new', 'show', 'list', 'edit', 'submit', 'vote', 'schedule', 'reschedule', 'start', 'done',
  'fail', 'backout', 'review', 'close', 'cancel', 'withdraw', 'log', 'conflicts', 'calendar', 'slot',
  'admin',
] as const;
type Verb = (typeof VERBS)[number];
type Shortcut = Verb | VoteChoice;

const VERB_ALIASES: Record<string, Shortcut> = {
  '?': 'help', create: 'new', view: 'show', get: 'show', ls: 'list', history: 'log', cal: 'calendar',
  complete: 'done', implemented: 'done', approve: 'approve', reject: 'reject', abstain: 'abstain',
};

function parseNewOrEdit(verb: 'new' | 'edit', rest: Token[], ctx: ParseContext): Command {
  const example = EXAMPLES[verb];
  const args = collectArgs(rest, rfcFieldSpec(example));
  if (verb === 'new') {
    const titleWords = args.positionals.filter((p) => p.index < args.firstKey).map((p) => p.token);
    const stray = args.positionals.find((p) => p.index > args.firstKey);
    if (stray) unexpected(stray.token, example);
    if (titleWords.length) {
      if (args.pairs.has('title')) badValue('title', `title is given twice. Example: ${example}`, example);
      const first = titleWords[0]!;
      args.pairs.set('title', { ...first, key: 'title', value: titleWords.map((t) => t.value).join(' ') });
    }
    return { kind: 'new', fields: parseRfcFields(args, ctx, example) };
  }
  const key = parseKey(args.positionals[0]?.index === 0 ? args.positionals[0].token : undefined, example);
  noExtraPositionals(args, 1, example);
  if (args.pairs.size === 0) {
    badCommand(`Say what to change with key=value. Example: ${example}`, { example });
  }
  return { kind: 'edit', key, fields: parseRfcFields(args, ctx, example) };
}

function parseTokens(input: string, ctx: ParseContext): Command {
  let tokens = tokenize(input, { decodeEntities: ctx.platform === 'slack' });
  const lead = tokens[0];
  if (lead && lead.key === undefined && !lead.quoted && /^\/?rfc$/i.test(lead.value)) tokens = tokens.slice(1);
  const head = tokens[0];
  if (!head) return { kind: 'help' };
  const rest = tokens.slice(1);
  if (head.key !== undefined) {
    badCommand(`Start with a command, like ${EXAMPLES.new}. Try \`/rfc help\`.`, { example: EXAMPLES.new });
  }
  const word = head.value.toLowerCase();
  if (isKey(head)) {
    noExtraPositionals(collectArgs(rest, { keys: [], example: EXAMPLES.show }), 0, EXAMPLES.show);
    return { kind: 'show', key: parseKey(head, EXAMPLES.show) };
  }
  const verb: Shortcut | undefined = (VERBS as readonly string[]).includes(word) ? (word as Verb) : own(VERB_ALIASES, word);
  if (verb === undefined) {
    const near = didYouMean(word, [...VERBS, 'approve', 'reject', 'abstain']);
    return badCommand(`Unknown command "${clip(head.value, 30)}".${near} Try \`/rfc help\`.`, {
      example: '/rfc help',
    });
  }
  switch (verb) {
    case 'help': {
      const topic = freeText(rest, input, ctx).toLowerCase().slice(0, 100);
      return topic ? { kind: 'help', topic } : { kind: 'help' };
    }
    case 'new':
    case 'edit':
      return parseNewOrEdit(verb, rest, ctx);
    case 'list':
      return parseList(rest);
    case 'show':
    case 'submit':
    case 'log':
    case 'conflicts': {
      const example = EXAMPLES[verb as KeyVerb];
      const args = collectArgs(rest, { keys: [], example });
      const key = parseKey(args.positionals[0]?.token, example);
      noExtraPositionals(args, 1, example);
      return { kind: verb, key };
    }
    case 'vote':
      return parseVote(rest, input, ctx);
    case 'approve':
    case 'reject':
    case 'abstain':
      return parseVote(rest, input, ctx, verb);
    case 'schedule':
    case 'reschedule':
      return parseSchedule(verb, rest, ctx);
    case 'review': {
      const r = keyAndText('notes', { note: 'notes', reason: 'notes', comment: 'notes' }, rest, EXAMPLES.review);
      return r.text ? { kind: 'review', key: r.key, notes: r.text } : { kind: 'review', key: r.key };
    }
    case 'start':
    case 'done':
    case 'fail':
    case 'backout':
    case 'close':
    case 'cancel':
    case 'withdraw': {
      const v: ReasonVerb = verb;
      const r = keyAndText('reason', { why: 'reason', comment: 'reason' }, rest, EXAMPLES[v]);
      return r.text ? { kind: v, key: r.key, reason: r.text } : { kind: v, key: r.key };
    }
    case 'calendar':
      return parseCalendar(rest);
    case 'slot':
      return parseSlot(rest);
    case 'admin':
      return { kind: 'admin', command: parseAdmin(rest, ctx) };
  }
}

/**
 * Parses what follows `/rfc` (a leading `rfc` or `/rfc` word is ignored; empty text is `help`).
 * Throws only ChangebotError.
 */
export function parseCommand(text: string, ctx: ParseContext): Command {
  try {
    const input = typeof text === 'string' ? text : String(text ?? '');
    if (input.length > MAX_COMMAND_LENGTH) {
      badCommand(`That command is too long (${input.length} characters, at most ${MAX_COMMAND_LENGTH}).`);
    }
    return parseTokens(input, ctx);
  } catch (e) {
    if (isChangebotError(e)) throw e;
    // A bug, not the user's fault; still never leak a non-ChangebotError to adapters.
    throw new ChangebotError('bad_command', "Sorry, I couldn't read that command. Try `/rfc help`.", {
      internal: true,
      error: e instanceof Error ? e.message : String(e),
    });
  }
}
