/**
 * The command language as a table: every verb, grouped by aggregate, with its help and the use
 * case it runs. parser.ts and execute.ts dispatch through it; `/rfc help` and `help <verb>` are
 * written from it.
 */
import { ADMIN_VERBS } from './admin-verbs.js';
import { ADMIN_GROUP_ALIASES } from './admin.js';
import { EXAMPLES } from './help.js';
import { RFC_VERBS } from './rfc-verbs.js';
import type { AdminCommand, Command } from './types.js';
import { type AdminVerb, type RfcVerb, type VerbHelp, rfcVerb } from './verb.js';
import { freeText } from './verbs.js';
import { badCommand, clip, didYouMean, own } from './util.js';

const HELP: RfcVerb = rfcVerb({
  aggregate: 'rfc',
  kind: 'help',
  name: 'help',
  aliases: ['?'],
  usage: 'help [topic]',
  summary: 'this list',
  args: [['[topic]', 'a command, like schedule or admin service: its arguments and an example']],
  example: EXAMPLES.help,
  overview: 'default',
  parse({ rest, input, ctx }) {
    const topic = freeText(rest, input, ctx).toLowerCase().slice(0, 100);
    return topic ? { kind: 'help', topic } : { kind: 'help' };
  },
  run: (_ctx, _actor, cmd) => ({ text: cmd.topic === undefined ? COMMAND_HELP : topicHelp(cmd.topic) }),
});

export const REGISTRY = { rfc: [HELP, ...RFC_VERBS], admin: ADMIN_VERBS } as const;

const ALL: readonly VerbHelp[] = [...REGISTRY.rfc, ...REGISTRY.admin];

/** The `rfc` verb typed first (`admin` is not one: it starts the admin verbs). */
export function rfcVerbNamed(word: string): RfcVerb | undefined {
  return REGISTRY.rfc.find((v) => v.name === word || v.aliases.includes(word));
}

/** What an unknown first word is compared with: the listed verbs, `admin`, then the shortcuts. */
export const FIRST_WORDS: readonly string[] = [
  ...REGISTRY.rfc.filter((v) => v.overview !== 'hidden').map((v) => v.name),
  'admin',
  ...REGISTRY.rfc.filter((v) => v.overview === 'hidden').map((v) => v.name),
];

/** The admin groups in order: grant, revoke, roles, service, window, blackout, cab-channel. */
export const ADMIN_GROUPS: readonly string[] = [...new Set(REGISTRY.admin.map((v) => v.name.split(' ')[1]!))];

export function adminGroupNamed(word: string): string | undefined {
  return ADMIN_GROUPS.includes(word) ? word : own(ADMIN_GROUP_ALIASES, word);
}

/** The verbs of an admin group (`service`: add, remove, list; `grant`: itself). */
export function adminVerbsOf(group: string): readonly AdminVerb[] {
  return REGISTRY.admin.filter((v) => v.name.split(' ')[1] === group);
}

export function rfcVerbFor(cmd: Command): RfcVerb {
  return REGISTRY.rfc.find((v) => v.kind === cmd.kind)!;
}

export function adminVerbFor(cmd: AdminCommand): AdminVerb {
  return REGISTRY.admin.find((v) => v.kind === cmd.kind)!;
}

const NOTES = [
  'Keys for new/edit: title, description, justification, category (standard|minor|significant|major), emergency (yes|no), services (a,b), impact, likelihood, urgency (low|medium|high), plan, backout, test, cost, resources, owner, start, end, duration, outage (none|2h), audience, problem.',
  'Values with spaces go in quotes: title="Patch db01". Times: 2026-12-05 22:00, tomorrow 22:00, sat 22:00, +2h, or ISO 8601; read in your time zone; a day without a time means 09:00. Durations: 90m, 4h, 1h30m, 2d.',
];

function overviewLine(v: VerbHelp): string | undefined {
  if (v.overview === 'hidden' || v.overview === 'shared') return undefined;
  return v.overview === 'default' ? `${v.usage} — ${v.summary}. e.g. ${v.example}` : v.overview;
}

/** `/rfc help`: one line with an example per verb (or group of verbs), then notes on values. */
export const COMMAND_HELP: string = [
  '/rfc commands (RFC-12, rfc-12, #12 and 12 all mean RFC-12):',
  ...ALL.flatMap((v) => overviewLine(v) ?? []),
  ...NOTES,
].join('\n');

function verbHelp(v: VerbHelp): string {
  return [
    `${v.usage} — ${v.summary}.`,
    ...v.args.map(([arg, text]) => `  ${arg} — ${text}`),
    ...(v.aliases.length ? [`Also: ${v.aliases.join(', ')}.`] : []),
    `Example: ${v.example}`,
  ].join('\n');
}

/** The topics `help` lists, in overview order: the verbs, `admin` and its groups (`admin service add` works too). */
export const HELP_TOPICS: readonly string[] = [...REGISTRY.rfc.map((v) => v.name), 'admin', ...ADMIN_GROUPS.map((g) => `admin ${g}`)];

/** The verbs a topic names: `schedule`, `ls`, `admin`, `admin services`, `admin service rm`. */
function topicVerbs(topic: string): readonly VerbHelp[] {
  const words = topic.trim().split(/\s+/).filter(Boolean);
  const [first, group, action, ...more] = words.map((w) => w.toLowerCase().replace(/^\/?rfc$/, ''));
  if (first === undefined || more.length) return [];
  if (first !== 'admin') {
    const v = group === undefined ? rfcVerbNamed(first) : undefined;
    return v ? [v] : [];
  }
  if (group === undefined) return REGISTRY.admin;
  const g = adminGroupNamed(group);
  const verbs = g ? adminVerbsOf(g) : [];
  if (action === undefined) return verbs;
  return verbs.filter((v) => v.name.split(' ').length > 2 && (v.name.endsWith(` ${action}`) || v.aliases.includes(action)));
}

/**
 * Help on a command as typed, e.g. `schedule RFC-1` (the CLI's `rfc schedule RFC-1 --help`): the
 * longest run of leading words that names a topic.
 */
export function helpOnCommand(words: readonly string[]): string {
  const lead = words[0] && /^\/?rfc$/i.test(words[0]) ? words.slice(1) : words;
  if (!lead.length) return COMMAND_HELP;
  for (let n = Math.min(3, lead.length); n > 0; n--) {
    const verbs = topicVerbs(lead.slice(0, n).join(' '));
    if (verbs.length) return verbs.map(verbHelp).join('\n\n');
  }
  return topicHelp(lead.slice(0, 3).join(' '));
}

/** `help <topic>`: that verb's (or group's) usage, arguments and example. */
export function topicHelp(topic: string): string {
  const words = topic.trim().replace(/^\/?rfc\s+/i, '');
  const verbs = topicVerbs(words);
  if (verbs.length) return verbs.map(verbHelp).join('\n\n');
  const near = didYouMean(words.toLowerCase(), HELP_TOPICS);
  return badCommand(`There is no help on "${clip(words, 30)}".${near} Topics: ${HELP_TOPICS.join(', ')}.`, { example: '/rfc help' });
}
