import type { NoGoInput, PackageInput, ReleaseFields, ReleaseListFilter, ReleasePlanInput, WaveInput } from '../app/inputs.js';
import { READINESS_FACTORS, SIGNOFF_CLUSTERS } from '../domain/release.js';
import type { ReadinessFactor, SignoffCluster } from '../domain/release.js';
import { type Args, collectArgs, noExtraPositionals, parseBool, unexpected } from './args.js';
import { parseDate } from './dates.js';
import { parseNames, parseOutage, parseWindow } from './fields.js';
import { EXAMPLES } from './help.js';
import { parseAudience, resolvePerson } from './people.js';
import type { Token } from './tokenize.js';
import type { ParseContext, ReleaseCommand } from './types.js';
import type { Where } from './verb.js';
import { badCommand, badValue, clip, didYouMean, orList, own } from './util.js';
import { parseKey } from './verbs.js';

export type Of<K extends ReleaseCommand['kind']> = Extract<ReleaseCommand, { kind: K }>;
export type Arg = readonly [string, string];
export type Ex = keyof typeof EXAMPLES & `release ${string}`;

export const RELEASE_KEY = /^(?:rel-?)?0*([1-9]\d{0,8})$/i;

export function isReleaseKey(token: Token | undefined): boolean {
  return token !== undefined && token.key === undefined && RELEASE_KEY.test(token.value.trim());
}

export function parseReleaseKey(token: Token | undefined, example: string): string {
  if (!token || token.key !== undefined) return badValue('release', `Missing release key. Example: ${example}`, example);
  const m = RELEASE_KEY.exec(token.value.trim());
  if (!m) return badValue('release', `"${clip(token.value, 30)}" isn't a release key. Use REL-3 (or just 3). Example: ${example}`, example);
  return `REL-${Number(m[1])}`;
}

/** The key, which must be the first word. */
export function leadKey(args: Args, example: string): string {
  const first = args.positionals[0];
  return parseReleaseKey(first?.index === 0 ? first.token : undefined, example);
}

/** Free words after the first `skip` positionals, or the `field=` pair; not both. */
export function textOf(args: Args, field: string, skip: number, example: string): string | undefined {
  const words = args.positionals
    .slice(skip)
    .map((p) => p.token.value)
    .join(' ')
    .trim();
  const given = args.pairs.get(field)?.value.trim();
  if (words && given !== undefined) badCommand(`Give the ${field} once, in quotes: ${field}="...". Example: ${example}`, { example });
  const text = given ?? words;
  return text ? text : undefined;
}

export const NOTE_ALIASES = { notes: 'note', comment: 'note', reason: 'note' };
export const REASON_ALIASES = { why: 'reason', comment: 'reason', note: 'reason' };

// --- release fields (new, edit, team) -------------------------------------------------------

export const FIELD_KEYS = ['name', 'goal', 'manager', 'target', 'channel', 'testing', 'communications', 'training'] as const;
export const FIELD_ALIASES: Record<string, string> = {
  title: 'name',
  owner: 'manager',
  'release-manager': 'manager',
  date: 'target',
  'target-date': 'target',
  test: 'testing',
  tester: 'testing',
  comms: 'communications',
  trainer: 'training',
};
export const CLEAR = new Set(['', 'none', '-']);
export const SLACK_CHANNEL = /^<#([A-Za-z0-9]+)(?:\|[^<>]*)?>$/;
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{4,}$/;

/** A `channel=` value onto slackChannel / teamsChannel; `here` is resolved when the command runs. */
export function parseChannel(text: string, ctx: ParseContext, fields: ReleaseFields, example: string): boolean {
  const s = text.trim();
  if (CLEAR.has(s.toLowerCase())) {
    fields.slackChannel = null;
    fields.teamsChannel = null;
    return false;
  }
  if (s.toLowerCase() === 'here') {
    if (ctx.platform === 'cli')
      badValue(
        'channel',
        `channel=here names the chat channel the command is typed in; in a terminal give slack:C123 or teams:<conversation id>. Example: ${example}`,
        example,
      );
    return true;
  }
  const mention = SLACK_CHANNEL.exec(s);
  if (mention) fields.slackChannel = mention[1]!.toUpperCase();
  else if (/^slack:(?:channel:)?[CG][A-Z0-9]{4,}$/.test(s)) fields.slackChannel = s.replace(/^slack:(?:channel:)?/, '');
  else if (/^teams:(?:conversation:)?\S+$/.test(s)) fields.teamsChannel = s.replace(/^teams:(?:conversation:)?/, '');
  else if (ctx.platform === 'slack' && SLACK_CHANNEL_ID.test(s)) fields.slackChannel = s;
  else {
    const how =
      ctx.platform === 'slack'
        ? 'type # and pick the channel'
        : ctx.platform === 'teams'
          ? 'use channel=here in that channel'
          : 'give slack:C123 or teams:<conversation id>';
    badValue('channel', `Can't read channel="${clip(s)}": ${how}. Example: ${example}`, example);
  }
  return false;
}

/** The fields of `new`, `edit` and `team`; `here` says `channel=here` was given. */
export function parseFields(args: Args, ctx: ParseContext, example: string): { fields: ReleaseFields; here: boolean } {
  const fields: ReleaseFields = {};
  const get = (k: string): string | undefined => args.pairs.get(k)?.value;
  const name = get('name');
  if (name !== undefined) {
    if (!name.trim()) badValue('name', `name can't be empty. Example: ${example}`, example);
    fields.name = name.trim();
  }
  const goal = get('goal');
  if (goal !== undefined) fields.goal = CLEAR.has(goal.trim().toLowerCase()) ? null : goal.trim();
  const manager = get('manager');
  if (manager !== undefined) fields.manager = resolvePerson(manager, ctx, 'manager');
  const target = get('target');
  if (target !== undefined) fields.targetDate = CLEAR.has(target.trim().toLowerCase()) ? null : parseDate(target, ctx, 'target');
  for (const role of ['testing', 'communications', 'training'] as const) {
    const v = get(role);
    if (v !== undefined) fields[role] = CLEAR.has(v.trim().toLowerCase()) ? null : resolvePerson(v, ctx, role);
  }
  const channel = get('channel');
  const here = channel !== undefined && parseChannel(channel, ctx, fields, example);
  return { fields, here };
}

export const fieldSpec = (example: string) => ({ keys: FIELD_KEYS, aliases: FIELD_ALIASES, example, textKeys: ['name', 'goal'] });

/** `channel=here`: the channel the command was typed in, on the platform it was typed on. */
export function withHere(fields: ReleaseFields, here: boolean | undefined, where: Where): ReleaseFields {
  if (!here) return fields;
  const ch = where.channel ?? '';
  const slack = ch.startsWith('slack:channel:') ? ch.slice('slack:channel:'.length) : '';
  // A direct message (D...) is no place for a release's status message.
  if (where.platform === 'slack' && SLACK_CHANNEL_ID.test(slack)) return { ...fields, slackChannel: slack };
  if (where.platform === 'teams' && ch.startsWith('teams:conversation:')) return { ...fields, teamsChannel: ch.slice('teams:conversation:'.length) };
  return badValue('channel', 'channel=here only works in a channel or group chat; type the command there.', 'channel=here');
}

export function parseNewRelease(rest: Token[], ctx: ParseContext): Of<'release-new'> {
  const example = EXAMPLES['release new'];
  const args = collectArgs(rest, fieldSpec(example));
  const nameWords = args.positionals.filter((p) => p.index < args.firstKey).map((p) => p.token);
  const stray = args.positionals.find((p) => p.index > args.firstKey);
  if (stray) unexpected(stray.token, example);
  if (nameWords.length) {
    if (args.pairs.has('name')) badValue('name', `name is given twice. Example: ${example}`, example);
    args.pairs.set('name', { ...nameWords[0]!, key: 'name', value: nameWords.map((t) => t.value).join(' ') });
  }
  if (args.pairs.size === 0 && ctx.platform === 'cli') {
    const cli = example.replace('/release', 'changebot --as alice release').replace('@ana', 'ana');
    badValue('name', `Give the release a name (the form opens only in Slack and Teams). Example: ${cli}`, cli);
  }
  const { fields, here } = parseFields(args, ctx, example);
  return here ? { kind: 'release-new', fields, here } : { kind: 'release-new', fields };
}

export function parseEditRelease(rest: Token[], ctx: ParseContext, ex: 'release edit' | 'release team'): Of<'release-edit'> {
  const example = EXAMPLES[ex];
  const args = collectArgs(rest, fieldSpec(example));
  const key = leadKey(args, example);
  noExtraPositionals(args, 1, example);
  if (args.pairs.size === 0) badCommand(`Say what to change with key=value. Example: ${example}`, { example });
  const { fields, here } = parseFields(args, ctx, example);
  return here ? { kind: 'release-edit', key, fields, here } : { kind: 'release-edit', key, fields };
}

// --- the other verbs --------------------------------------------------------------------------

/** `verb REL-n` and nothing else. */
export function keyOnly<K extends 'release-show' | 'release-readiness' | 'release-log' | 'release-go'>(
  kind: K,
  ex: Ex,
  rest: Token[],
): { kind: K; key: string } {
  const example = EXAMPLES[ex];
  const args = collectArgs(rest, { keys: [], example });
  const key = parseReleaseKey(args.positionals[0]?.token, example);
  noExtraPositionals(args, 1, example);
  return { kind, key };
}

/** `verb REL-n [reason]` */
export function keyReason<K extends 'release-close' | 'release-suspend' | 'release-resume' | 'release-cancel'>(kind: K, ex: Ex, rest: Token[]): Of<K> {
  const example = EXAMPLES[ex];
  const args = collectArgs(rest, { keys: ['reason'], aliases: REASON_ALIASES, example });
  const key = leadKey(args, example);
  const reason = textOf(args, 'reason', 1, example);
  return (reason ? { kind, key, reason } : { kind, key }) as Of<K>;
}

export const LIST_FILTERS: readonly ReleaseListFilter['which'][] = ['mine', 'open', 'all'];

export function parseReleaseList(rest: Token[]): Of<'release-list'> {
  const example = EXAMPLES['release list'];
  const args = collectArgs(rest, { keys: [], example });
  noExtraPositionals(args, 1, example);
  const word = args.positionals[0]?.token.value.toLowerCase();
  if (word === undefined) return { kind: 'release-list', filter: { which: 'mine' } };
  const which = (LIST_FILTERS as readonly string[]).includes(word)
    ? (word as ReleaseListFilter['which'])
    : own<ReleaseListFilter['which']>({ my: 'mine', me: 'mine', everything: 'all', active: 'open' }, word);
  if (!which)
    return badValue(
      'filter',
      `Can't list "${clip(word, 30)}".${didYouMean(word, LIST_FILTERS)} Use ${orList([...LIST_FILTERS])}. Example: ${example}`,
      example,
    );
  return { kind: 'release-list', filter: { which } };
}

export function parseRfcMember<K extends 'release-add' | 'release-remove'>(kind: K, rest: Token[]): Of<K> {
  const example = EXAMPLES[kind === 'release-add' ? 'release add' : 'release remove'];
  const args = collectArgs(rest, { keys: ['rfc', 'reason'], aliases: REASON_ALIASES, example });
  const key = leadKey(args, example);
  const rfcPair = args.pairs.get('rfc');
  const rfcToken = rfcPair ? { ...rfcPair, key: undefined } : args.positionals[1]?.token;
  if (!rfcToken) badValue('rfc', `Say which RFC. Example: ${example}`, example);
  const rfc = parseKey(rfcToken, example);
  const reason = textOf(args, 'reason', rfcPair ? 1 : 2, example);
  return (reason ? { kind, key, rfc, reason } : { kind, key, rfc }) as Of<K>;
}

export const PLAN_PARTS: Record<string, keyof ReleasePlanInput> = {
  order: 'deploymentOrder',
  training: 'training',
  communications: 'communications',
  backout: 'backout',
};

export function parsePlan(rest: Token[]): Of<'release-plan'> {
  const example = EXAMPLES['release plan'];
  const args = collectArgs(rest, {
    keys: Object.keys(PLAN_PARTS),
    aliases: { 'deployment-order': 'order', deployment: 'order', comms: 'communications', rollback: 'backout' },
    example,
    textKeys: ['order', 'training', 'communications'],
  });
  const key = leadKey(args, example);
  noExtraPositionals(args, 1, example);
  if (args.pairs.size === 0) badCommand(`Give a part of the plan: order, training, communications or backout. Example: ${example}`, { example });
  const cmd: Of<'release-plan'> = { kind: 'release-plan', key };
  for (const [k, part] of Object.entries(PLAN_PARTS)) {
    const v = args.pairs.get(k)?.value.trim();
    if (v === undefined) continue;
    if (!v) badValue(k, `${k} can't be empty. Example: ${example}`, example);
    cmd[part] = v;
  }
  return cmd;
}

export function parsePhase(rest: Token[]): Of<'release-phase'> {
  const example = EXAMPLES['release phase'];
  const args = collectArgs(rest, { keys: [], example });
  const key = leadKey(args, example);
  const next = args.positionals[1];
  if (next && next.token.value.toLowerCase() !== 'next') unexpected(next.token, example);
  noExtraPositionals(args, 2, example);
  return { kind: 'release-phase', key };
}

export const SHA256 = /^[0-9a-f]{64}$/i;

export function parseLink(text: string, example: string): string {
  const s = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(s);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    badValue('link', `link="${clip(s)}" isn't a web address: give an http or https URL. Example: ${example}`, example);
  }
  return s;
}

export function parsePackage(rest: Token[]): Of<'release-package'> {
  const example = EXAMPLES['release package'];
  const args = collectArgs(rest, {
    keys: ['artifact', 'version', 'sha256', 'link', 'install', 'removal', 'remove', 'reason'],
    aliases: { name: 'artifact', sha: 'sha256', checksum: 'sha256', hash: 'sha256', url: 'link', uninstall: 'removal', why: 'reason' },
    example,
    textKeys: ['install', 'removal'],
  });
  const key = leadKey(args, example);
  noExtraPositionals(args, 1, example);
  const get = (k: string): string | undefined => args.pairs.get(k)?.value.trim();
  const input: PackageInput = {};
  const artifact = get('artifact');
  const version = get('version');
  const sha = get('sha256');
  const link = get('link');
  if (artifact !== undefined) {
    if (!artifact) badValue('artifact', `Give the artifact's name. Example: ${example}`, example);
    if (!version) badValue('version', `Give the artifact's version, like version=1.2.3. Example: ${example}`, example);
    if (sha === undefined) badValue('sha256', `Give the artifact's SHA-256 checksum (sha256sum prints it). Example: ${example}`, example);
    if (!SHA256.test(sha)) {
      badValue('sha256', `sha256 must be 64 hexadecimal digits (got ${sha.length} characters: "${clip(sha, 20)}"). Example: ${example}`, example);
    }
    input.artifact = { name: artifact, version, sha256: sha.toLowerCase(), ...(link !== undefined ? { link: parseLink(link, example) } : {}) };
  } else if (version !== undefined || sha !== undefined || link !== undefined) {
    const which = version !== undefined ? 'version' : sha !== undefined ? 'sha256' : 'link';
    badValue('artifact', `${which} belongs to an artifact: give artifact=NAME too. Example: ${example}`, example);
  }
  const remove = get('remove');
  if (remove !== undefined) {
    if (!remove) badValue('remove', `Say which artifact to remove: remove=NAME. Example: /release package REL-3 remove=payroll-app`, example);
    input.removeArtifact = remove;
  }
  const install = get('install');
  if (install !== undefined) input.install = install;
  const removal = get('removal');
  if (removal !== undefined) input.removal = removal;
  const reason = get('reason');
  if (reason) input.reason = reason;
  if (input.artifact === undefined && input.removeArtifact === undefined && install === undefined && removal === undefined) {
    badCommand(`Say what to change in the package: artifact=NAME version=... sha256=..., remove=NAME, install="..." or removal="...". Example: ${example}`, {
      example,
    });
  }
  return { kind: 'release-package', key, ...input };
}

export const PASS: Record<string, boolean> = { pass: true, passed: true, ok: true, green: true, fail: false, failed: false, red: false };

export function parseTest(rest: Token[]): Of<'release-test'> {
  const example = EXAMPLES['release test'];
  const args = collectArgs(rest, { keys: ['name', 'result', 'note'], aliases: { ...NOTE_ALIASES, test: 'name', passed: 'result' }, example });
  const key = leadKey(args, example);
  const words = args.positionals.slice(1).map((p) => p.token);
  const resultText = args.pairs.get('result')?.value ?? words.at(-1)?.value;
  const passed = resultText === undefined ? undefined : own(PASS, resultText.trim().toLowerCase());
  if (passed === undefined) {
    const said = resultText === undefined ? 'Say whether the test passed: pass or fail.' : `Can't read the result "${clip(resultText, 20)}": use pass or fail.`;
    return badValue('result', `${said} Example: ${example}`, example);
  }
  const nameWords = args.pairs.has('result') ? words : words.slice(0, -1);
  const given = args.pairs.get('name')?.value.trim();
  if (given !== undefined && nameWords.length) badCommand(`Give the test's name once, in quotes. Example: ${example}`, { example });
  const name =
    given ??
    nameWords
      .map((t) => t.value)
      .join(' ')
      .trim();
  if (!name) return badValue('name', `Name the test, in quotes. Example: ${example}`, example);
  const note = args.pairs.get('note')?.value.trim();
  return note ? { kind: 'release-test', key, name, passed, note } : { kind: 'release-test', key, name, passed };
}

export const CLUSTER_ALIASES: Record<string, SignoffCluster> = {
  ops: 'operations',
  sec: 'security',
  sla: 'service-level',
  servicelevel: 'service-level',
  service: 'service-level',
};

export function parseSignoff(rest: Token[]): Of<'release-signoff'> {
  const example = EXAMPLES['release signoff'];
  const args = collectArgs(rest, { keys: ['note'], aliases: NOTE_ALIASES, example });
  const key = leadKey(args, example);
  const word = args.positionals[1]?.token.value.toLowerCase().replace(/_/g, '-');
  if (word === undefined) return badValue('cluster', `Say who signs off: ${orList([...SIGNOFF_CLUSTERS])}. Example: ${example}`, example);
  const cluster = (SIGNOFF_CLUSTERS as readonly string[]).includes(word) ? (word as SignoffCluster) : own(CLUSTER_ALIASES, word.replace(/-/g, ''));
  if (!cluster) {
    return badValue(
      'cluster',
      `Can't sign off "${clip(word, 30)}".${didYouMean(word, SIGNOFF_CLUSTERS)} Use ${orList([...SIGNOFF_CLUSTERS])}. Example: ${example}`,
      example,
    );
  }
  const note = textOf(args, 'note', 2, example);
  return note ? { kind: 'release-signoff', key, cluster, note } : { kind: 'release-signoff', key, cluster };
}

export const PILOT_WORDS: Record<string, 'proven' | 'approve'> = {
  proven: 'proven',
  proved: 'proven',
  'backout-proven': 'proven',
  approve: 'approve',
  approved: 'approve',
  yes: 'approve',
};

export function parsePilot(rest: Token[]): Of<'release-pilot'> {
  const example = EXAMPLES['release pilot'];
  const args = collectArgs(rest, { keys: ['note'], aliases: NOTE_ALIASES, example });
  const key = leadKey(args, example);
  const word = args.positionals[1]?.token.value.toLowerCase();
  const what = word === undefined ? undefined : own(PILOT_WORDS, word);
  if (!what) {
    const said =
      word === undefined
        ? 'Say proven (the backout was proven in test) or approve (a change manager approves the pilot).'
        : `Can't read "${clip(word, 30)}".${didYouMean(word, ['proven', 'approve'])} Use proven or approve.`;
    return badValue('what', `${said} Example: ${example}`, example);
  }
  const note = textOf(args, 'note', 2, example);
  return note ? { kind: 'release-pilot', key, what, note } : { kind: 'release-pilot', key, what };
}

/** A readiness item by id (`deployment-order`) or number (1..11). */
export function parseReadinessItem(text: string | undefined, example: string): ReadinessFactor {
  const list = READINESS_FACTORS.map((f, i) => `${i + 1} ${f}`).join(', ');
  if (text === undefined) return badValue('item', `Say which readiness item: ${list}. Example: ${example}`, example);
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (/^\d{1,2}$/.test(s)) {
    const f = READINESS_FACTORS[Number(s) - 1];
    if (f) return f;
  }
  if ((READINESS_FACTORS as readonly string[]).includes(s)) return s as ReadinessFactor;
  return badValue('item', `There is no readiness item "${clip(text, 30)}".${didYouMean(s, READINESS_FACTORS)} Items: ${list}. Example: ${example}`, example);
}

export function parseTick(rest: Token[]): Of<'release-tick'> {
  const example = EXAMPLES['release tick'];
  const args = collectArgs(rest, {
    keys: ['note', 'na'],
    aliases: { ...NOTE_ALIASES, 'n-a': 'na', 'not-applicable': 'na', notapplicable: 'na' },
    example,
    textKeys: ['na'],
  });
  const key = leadKey(args, example);
  const item = parseReadinessItem(args.positionals[1]?.token.value, example);
  const note = textOf(args, 'note', 2, example);
  // `tick REL-3 5 na` means not applicable, but says no reason: ask for one rather than store "na" as a note.
  if (note && /^(na|n\/a|n-a|not applicable)$/i.test(note)) {
    badValue('na', `Say why ${item} does not apply: na="reason". Example: /release tick REL-3 training na="no new screens"`, example);
  }
  const cmd: Of<'release-tick'> = { kind: 'release-tick', key, item };
  if (note) cmd.note = note;
  const na = args.pairs.get('na');
  if (na) {
    const why = na.value.trim();
    if (!why || parseBoolish(why))
      badValue('na', `Say why ${item} does not apply: na="reason". Example: /release tick REL-3 training na="no new screens"`, example);
    cmd.notApplicable = why;
  }
  return cmd;
}

/** `na=yes` is not a reason. */
export function parseBoolish(s: string): boolean {
  try {
    parseBool(s, 'na', '');
    return true;
  } catch {
    return false;
  }
}

export const NOGO_TO: Record<string, NoGoInput['to']> = {
  planning: 'planning',
  building: 'building',
  build: 'building',
  'acceptance-testing': 'acceptance_testing',
  acceptance: 'acceptance_testing',
  testing: 'acceptance_testing',
  suspended: 'suspended',
  suspend: 'suspended',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  cancel: 'cancelled',
};
export const NOGO_CHOICES = ['planning', 'building', 'acceptance-testing', 'suspended', 'cancelled'];

export function parseNoGo(rest: Token[]): Of<'release-nogo'> {
  const example = EXAMPLES['release nogo'];
  const args = collectArgs(rest, { keys: ['to', 'reason'], aliases: REASON_ALIASES, example });
  const key = leadKey(args, example);
  const toText = args.pairs.get('to')?.value;
  if (toText === undefined) return badValue('to', `Say where the release goes back to: to=${NOGO_CHOICES.join('|')}. Example: ${example}`, example);
  const word = toText
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  const to = own(NOGO_TO, word);
  if (!to) return badValue('to', `Can't read to="${clip(toText)}".${didYouMean(word, NOGO_CHOICES)} Use ${orList(NOGO_CHOICES)}. Example: ${example}`, example);
  const reason = textOf(args, 'reason', 1, example);
  if (!reason) return badValue('reason', `Say why it is no-go: reason="...". Example: ${example}`, example);
  return { kind: 'release-nogo', key, to, reason };
}

export function parseWaveAdd(rest: Token[], ctx: ParseContext): Of<'wave-add'> {
  const example = EXAMPLES['release wave add'];
  const args = collectArgs(rest, {
    keys: ['start', 'end', 'duration', 'services', 'audience', 'outage', 'reason', 'ack', 'pilot'],
    aliases: { from: 'start', to: 'end', until: 'end', dur: 'duration', service: 'services', why: 'reason' },
    example,
    stopWords: ['ack', 'pilot'],
  });
  const key = leadKey(args, example);
  let pilot: boolean | undefined;
  let ack: boolean | undefined;
  for (const p of args.positionals.slice(1)) {
    const w = p.token.value.toLowerCase();
    if (w === 'pilot' && pilot === undefined) pilot = true;
    else if (w === 'ack' && ack === undefined) ack = true;
    else unexpected(p.token, example);
  }
  const pilotPair = args.pairs.get('pilot');
  if (pilotPair) pilot = parseBool(pilotPair.value, 'pilot', example);
  const ackPair = args.pairs.get('ack');
  if (ackPair) ack = parseBool(ackPair.value, 'ack', example);
  const window = parseWindow(args, ctx, example);
  if (!window.start) return badValue('start', `Give the wave's start, and its end or duration. Example: ${example}`, example);
  if (!window.end && window.durationMinutes === undefined) return badValue('duration', `Give the wave's end or duration. Example: ${example}`, example);
  const input: WaveInput = { start: window.start, ...(window.end ? { end: window.end } : { durationMinutes: window.durationMinutes! }) };
  if (pilot) input.pilot = true;
  const services = args.pairs.get('services')?.value;
  if (services !== undefined) input.services = parseNames(services);
  const audience = args.pairs.get('audience')?.value;
  if (audience?.trim()) input.audience = parseAudience(audience, ctx).join(',');
  const outage = args.pairs.get('outage')?.value;
  if (outage !== undefined) input.outageMinutes = parseOutage(outage);
  const reason = args.pairs.get('reason')?.value.trim();
  if (reason) input.reason = reason;
  if (ack !== undefined) input.ack = ack;
  return { kind: 'wave-add', key, ...input };
}

export function waveNumber(token: Token | undefined, example: string): number {
  const m = token && token.key === undefined ? /^(?:#|wave-?)?0*([1-9]\d{0,3})$/i.exec(token.value.trim()) : null;
  if (!m) {
    const said = token ? `"${clip(token.value, 20)}" isn't a wave number.` : 'Say which wave, by its number.';
    return badValue('wave', `${said} Example: ${example}`, example);
  }
  return Number(m[1]);
}

export function parseWaveStart(rest: Token[]): Of<'wave-start'> {
  const example = EXAMPLES['release wave start'];
  const args = collectArgs(rest, { keys: ['note', 'override'], aliases: NOTE_ALIASES, example });
  const key = leadKey(args, example);
  const wave = waveNumber(args.positionals[1]?.token, example);
  const cmd: Of<'wave-start'> = { kind: 'wave-start', key, wave };
  const note = textOf(args, 'note', 2, example);
  if (note) cmd.note = note;
  const override = args.pairs.get('override');
  if (override) {
    if (!override.value.trim()) badValue('override', `Give the reason for the override. Example: ${example} override="vendor window moved"`, example);
    cmd.override = override.value.trim();
  }
  return cmd;
}

export const FINISH: Record<'done' | 'fail' | 'backout', 'successful' | 'failed' | 'backed_out'> = {
  done: 'successful',
  fail: 'failed',
  backout: 'backed_out',
};

export function parseWaveFinish(step: 'done' | 'fail' | 'backout', rest: Token[]): Of<'wave-finish'> | Of<'release-backout'> {
  const example = EXAMPLES[`release wave ${step}`];
  const args = collectArgs(rest, { keys: ['note'], aliases: NOTE_ALIASES, example });
  const key = leadKey(args, example);
  const which = args.positionals[1]?.token;
  const note = textOf(args, 'note', 2, example);
  if (step === 'backout' && which?.value.toLowerCase() === 'all') {
    return note ? { kind: 'release-backout', key, reason: note } : { kind: 'release-backout', key };
  }
  const wave = waveNumber(which, step === 'backout' ? `${example} (or all: /release wave backout REL-3 all)` : example);
  const cmd: Of<'wave-finish'> = { kind: 'wave-finish', key, outcome: FINISH[step], wave };
  if (note) cmd.note = note;
  return cmd;
}

export function parseReleaseReview(rest: Token[]): Of<'release-review'> {
  const example = EXAMPLES['release review'];
  const keys = ['outcome', 'workarounds', 'lessons', 'followup'];
  const args = collectArgs(rest, {
    keys,
    aliases: { 'follow-up': 'followup', rfc: 'followup', workaround: 'workarounds', lesson: 'lessons', 'lessons-learned': 'lessons' },
    example,
    textKeys: keys,
  });
  const key = leadKey(args, example);
  noExtraPositionals(args, 1, example);
  const cmd: Of<'release-review'> = { kind: 'release-review', key };
  const get = (k: string): string | undefined => args.pairs.get(k)?.value.trim() || undefined;
  const outcome = get('outcome');
  if (outcome) cmd.outcome = outcome;
  const workarounds = get('workarounds');
  if (workarounds) cmd.workarounds = workarounds;
  const lessons = get('lessons');
  if (lessons) cmd.lessons = lessons;
  const followUp = get('followup');
  if (followUp) cmd.followUp = followUp;
  return cmd;
}

// --- replies -----------------------------------------------------------------------------------
