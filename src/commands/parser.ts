/**
 * The `/rfc` command language: text -> Command, shared by Slack, Teams and the CLI. The verbs and
 * their argument parsers are the registry (registry.ts); this reads the words that pick one.
 * Every refusal is a ChangebotError (`bad_command` for structure, `bad_value` for a value, with
 * `details.field` and `details.example`); parsing is linear in the input length.
 */
import { ChangebotError, isChangebotError } from '../domain/errors.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { EXAMPLES } from './help.js';
import { ADMIN_GROUPS, FIRST_WORDS, RELEASE_FIRST_WORDS, WAVE_ACTIONS, adminGroupNamed, adminVerbsOf, releaseVerbNamed, rfcVerbNamed } from './registry.js';
import { isReleaseKey, parseReleaseKey } from './release-parse.js';
import { tokenize } from './tokenize.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, Command, ParseContext, ReleaseCommand } from './types.js';
import { badCommand, clip, didYouMean, quoteList } from './util.js';
import { isKey, parseKey } from './verbs.js';

export { parseDate, parseDuration } from './dates.js';
export { parseAudience, resolvePerson } from './people.js';
export { COMMAND_HELP } from './registry.js';

/** Longer input is refused outright (Slack caps slash commands well below this). */
export const MAX_COMMAND_LENGTH = 20_000;

/** `admin <group> [<action>] ...`: picks the admin verb, then its parser reads the rest. */
function parseAdmin(tokens: Token[], input: string, ctx: ParseContext): AdminCommand {
  const example = EXAMPLES.admin;
  const first = tokens[0];
  if (!first || first.key !== undefined) {
    return badCommand(`Say what to administer: ${ADMIN_GROUPS.join(', ')}. Example: ${example}`, { example });
  }
  const word = first.value.toLowerCase();
  const group = adminGroupNamed(word);
  if (!group) {
    return badCommand(
      `Unknown admin command "${clip(first.value, 30)}".${didYouMean(word, ADMIN_GROUPS)} Try: ${ADMIN_GROUPS.join(', ')}. Example: ${example}`,
      { example },
    );
  }
  let rest = tokens.slice(1);
  const verbs = adminVerbsOf(group);
  if (verbs.length === 1) return verbs[0]!.parse({ rest, input, ctx });

  // service | window | blackout, then add | remove | list (default list)
  const actionToken = rest[0];
  // The group's listing is the default: `admin service` lists services, `admin policy` shows it.
  let action: string = verbs.some((v) => v.name.endsWith(' show')) ? 'show' : 'list';
  if (actionToken && actionToken.key === undefined) {
    const w = actionToken.value.toLowerCase();
    const named = verbs.find((v) => v.name.endsWith(` ${w}`) || v.aliases.includes(w));
    if (!named) {
      const ex = EXAMPLES[`admin ${group}` as keyof typeof EXAMPLES];
      const actions = verbs.map((v) => v.name.split(' ')[2]!);
      return badCommand(
        `Unknown action "${clip(actionToken.value, 30)}" for admin ${group}.${didYouMean(w, actions)} Use ${quoteList(actions)}. Example: ${ex}`,
        { example: ex },
      );
    }
    action = named.name.split(' ')[2]!;
    rest = rest.slice(1);
  } else if (actionToken && verbs.some((v) => v.name === `admin ${group} add`)) {
    action = 'add'; // `admin window rrule=...`: key=value pairs only make sense for add
  }
  return verbs.find((v) => v.name === `admin ${group} ${action}`)!.parse({ rest, input, ctx });
}

/** `release <verb> ...` (`release wave <action> ...`, `release REL-3`): picks the release verb, whose parser reads the rest. */
function parseRelease(tokens: Token[], input: string, ctx: ParseContext): ReleaseCommand {
  const head = tokens[0];
  if (!head) return { kind: 'release-help' };
  const example = EXAMPLES['release new'];
  if (head.key !== undefined) badCommand(`Start with a release command, like ${example}. Try \`/release help\`.`, { example });
  const rest = tokens.slice(1);
  if (isReleaseKey(head)) {
    const show = EXAMPLES['release show'];
    noExtraPositionals(collectArgs(rest, { keys: [], example: show }), 0, show);
    return { kind: 'release-show', key: parseReleaseKey(head, show) };
  }
  const word = head.value.toLowerCase();
  if (word === 'wave' || word === 'waves') {
    const action = rest[0]?.key === undefined ? rest[0]?.value.toLowerCase() : undefined;
    const verb = action === undefined ? undefined : releaseVerbNamed('wave', action);
    if (!verb) {
      const ex = EXAMPLES['release wave add'];
      const what = action === undefined ? 'Say what to do with the wave:' : `Unknown wave action "${clip(action, 30)}".${didYouMean(action, WAVE_ACTIONS)} Use`;
      return badCommand(`${what} ${quoteList(WAVE_ACTIONS)}. Example: ${ex}`, { example: ex });
    }
    return verb.parse({ rest: rest.slice(1), input, ctx });
  }
  const verb = releaseVerbNamed(word);
  if (!verb) {
    return badCommand(`Unknown release command "${clip(head.value, 30)}".${didYouMean(word, RELEASE_FIRST_WORDS)} Try \`/release help\`.`, {
      example: '/release help',
    });
  }
  return verb.parse({ rest, input, ctx });
}

const isWord = (t: Token | undefined, re: RegExp): boolean => t !== undefined && t.key === undefined && !t.quoted && re.test(t.value);

function parseTokens(input: string, ctx: ParseContext): Command {
  let tokens = tokenize(input, { decodeEntities: ctx.platform === 'slack' });
  if (isWord(tokens[0], /^\/?rfc$/i)) tokens = tokens.slice(1);
  if (isWord(tokens[0], /^\/?releases?$/i)) return { kind: 'release', command: parseRelease(tokens.slice(1), input, ctx) };
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
  if (word === 'admin') return { kind: 'admin', command: parseAdmin(rest, input, ctx) };
  const verb = rfcVerbNamed(word);
  if (verb === undefined) {
    const near = didYouMean(word, FIRST_WORDS);
    return badCommand(`Unknown command "${clip(head.value, 30)}".${near} Try \`/rfc help\`.`, {
      example: '/rfc help',
    });
  }
  return verb.parse({ rest, input, ctx });
}

/**
 * Parses what follows `/rfc` (a leading `rfc` or `/rfc` word is ignored; empty text is `help`);
 * a leading `release` or `/release` word selects the release verbs (`/release` on Slack sends
 * its text with that word put first).
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
