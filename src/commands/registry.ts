/**
 * The command language as a table: every verb, grouped by aggregate, with its help and the use
 * case it runs. parser.ts and execute.ts dispatch through it; `/rfc help` and `help <verb>` are
 * written from it.
 */
import { ADMIN_VERBS } from './admin-verbs.js';
import { ADMIN_GROUP_ALIASES } from './admin.js';
import { EXAMPLES } from './help.js';
import { RELEASE_VERBS } from './release-verbs.js';
import { RFC_VERBS } from './rfc-verbs.js';
import { CHECKLIST_VERBS } from './checklist-verbs.js';
import { TEMPLATE_VERBS } from './template-verbs.js';
import { TASK_VERBS } from './task-verbs.js';
import type { AdminCommand, Command, ReleaseCommand } from './types.js';
import { type AdminVerb, type ReleaseVerb, type RfcVerb, type VerbHelp, releaseVerb, rfcVerb } from './verb.js';
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

const RELEASE_HELP_VERB: ReleaseVerb = releaseVerb({
  aggregate: 'release',
  kind: 'release-help',
  name: 'help',
  aliases: ['?'],
  usage: 'help [topic]',
  summary: 'this list',
  args: [['[topic]', 'a release command, like tick or wave start: its arguments and an example']],
  example: EXAMPLES['release help'],
  overview: 'default',
  parse({ rest, input, ctx }) {
    const topic = freeText(rest, input, ctx).toLowerCase().slice(0, 100);
    return topic ? { kind: 'release-help', topic } : { kind: 'release-help' };
  },
  run: (_ctx, _actor, cmd) => ({ text: cmd.topic === undefined ? RELEASE_HELP : releaseTopicHelp(cmd.topic) }),
});

export const REGISTRY = {
  // The shortcuts (approve, reject, abstain) last: they have no line of their own in the overview.
  rfc: [
    HELP,
    ...RFC_VERBS.filter((v) => v.overview !== 'hidden'),
    ...CHECKLIST_VERBS,
    ...TEMPLATE_VERBS,
    ...TASK_VERBS,
    ...RFC_VERBS.filter((v) => v.overview === 'hidden'),
  ],
  admin: ADMIN_VERBS,
  release: [RELEASE_HELP_VERB, ...RELEASE_VERBS],
} as const;

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

/** A release verb by its words: `show`, `ls`; `wave` + `start`. */
export function releaseVerbNamed(word: string, action?: string): ReleaseVerb | undefined {
  if (word === 'wave') {
    if (action === undefined) return undefined;
    return REGISTRY.release.find((v) => v.name === `wave ${action}` || (v.name.startsWith('wave ') && v.aliases.includes(action)));
  }
  return REGISTRY.release.find((v) => !v.name.startsWith('wave ') && (v.name === word || v.aliases.includes(word)));
}

/** The wave actions: add, start, done, fail, backout. */
export const WAVE_ACTIONS: readonly string[] = REGISTRY.release.filter((v) => v.name.startsWith('wave ')).map((v) => v.name.slice('wave '.length));

/** What an unknown first word after `release` is compared with. */
export const RELEASE_FIRST_WORDS: readonly string[] = [
  ...new Set(REGISTRY.release.filter((v) => v.overview !== 'hidden').map((v) => v.name.split(' ')[0]!)),
  ...REGISTRY.release.filter((v) => v.overview === 'hidden').map((v) => v.name),
];

export function releaseVerbFor(cmd: ReleaseCommand): ReleaseVerb {
  return REGISTRY.release.find((v) => v.kind === cmd.kind)!;
}

const NOTES = [
  'Keys for new/edit: title, description, justification, category (standard|minor|significant|major), emergency (yes|no), services (a,b), impact, likelihood, urgency (low|medium|high), plan, backout, test, cost, resources, owner, start, end, duration, outage (none|2h), audience, problem.',
  'Releases (approved RFCs deployed together, in waves): `/release help`.',
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
  if (words[0] && /^\/?releases?$/i.test(words[0])) return releaseHelpOnCommand(words.slice(1));
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

/** `release help`: one line with an example per release verb (or group), then notes. */
export const RELEASE_HELP: string = [
  '/release commands (REL-3, rel-3 and 3 all mean REL-3; in Teams and the terminal type release ...):',
  ...REGISTRY.release.flatMap((v) => overviewLine(v) ?? []),
  'A release moves planning → building → acceptance testing → readiness review → deployment → review → closed; `/release show REL-n` says what each step still needs.',
  'People: @mentions (a user name in the terminal). Dates and durations as for RFCs: 2026-12-12 22:00, sat 22:00, +2h; 90m, 2h. Values with spaces go in quotes.',
].join('\n');

/** `release help <topic>`: `tick`, `wave`, `wave start`. */
export function releaseTopicHelp(topic: string): string {
  const words = topic
    .trim()
    .toLowerCase()
    .replace(/^\/?release\s+/, '')
    .split(/\s+/)
    .filter(Boolean);
  const [first, action] = words;
  let verbs: readonly ReleaseVerb[] = [];
  if (first === 'wave')
    verbs = action === undefined ? REGISTRY.release.filter((v) => v.name.startsWith('wave ')) : [releaseVerbNamed('wave', action)].flatMap((v) => v ?? []);
  else if (first !== undefined && words.length === 1) verbs = [releaseVerbNamed(first)].flatMap((v) => v ?? []);
  if (verbs.length) return verbs.map((v) => verbHelp({ ...v, usage: `release ${v.usage}` })).join('\n\n');
  const topics = [...REGISTRY.release.map((v) => v.name)];
  const said = words.join(' ');
  return badCommand(`There is no help on "${clip(said, 30)}".${didYouMean(said, topics)} Topics: ${topics.join(', ')}.`, { example: '/release help' });
}

/** `release wave start REL-3 1 --help`: the longest run of leading words naming a release verb. */
function releaseHelpOnCommand(words: readonly string[]): string {
  const lead = words.map((w) => w.toLowerCase());
  if (!lead.length || lead[0] === 'help') return lead.length > 1 ? releaseTopicHelp(lead.slice(1).join(' ')) : RELEASE_HELP;
  const [first, action] = lead;
  const verb = first === 'wave' || first === 'waves' ? undefined : releaseVerbNamed(first!);
  if (verb) return releaseTopicHelp(verb.name);
  if (action !== undefined && releaseVerbNamed('wave', action)) return releaseTopicHelp(`wave ${action}`);
  return releaseTopicHelp(lead.slice(0, 2).join(' '));
}
