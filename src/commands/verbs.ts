/**
 * Argument parsing for the per-RFC verbs (vote, schedule, the reason-taking transitions) and for
 * list, calendar and slot.
 */
import type { ReviewOutcome, VoteChoice } from '../domain/types.js';
import { collectArgs, noExtraPositionals, parseBool, unexpected } from './args.js';
import type { Args } from './args.js';
import { parseDuration } from './dates.js';
import { parseRfcFields, parseWindow, rfcFieldSpec } from './fields.js';
import { EXAMPLES } from './help.js';
import { decodeEntities } from './tokenize.js';
import type { Token } from './tokenize.js';
import type { Command, ListFilter, ParseContext } from './types.js';
import { badCommand, badValue, clip, didYouMean, orList, own } from './util.js';

const CHOICES: Record<string, VoteChoice> = {
  approve: 'approve',
  approved: 'approve',
  yes: 'approve',
  '+1': 'approve',
  lgtm: 'approve',
  reject: 'reject',
  rejected: 'reject',
  no: 'reject',
  '-1': 'reject',
  deny: 'reject',
  abstain: 'abstain',
  abstained: 'abstain',
};

const FILTERS: readonly ListFilter[] = ['mine', 'pending', 'scheduled', 'all'];
const FILTER_ALIASES: Record<string, ListFilter> = { my: 'mine', me: 'mine', everything: 'all' };

const RFC_KEY = /^(?:rfc-?|#)?0*([1-9]\d{0,8})$/i;

export type KeyVerb = 'show' | 'submit' | 'log' | 'conflicts' | 'clone';
export type ReasonVerb = 'start' | 'done' | 'fail' | 'backout' | 'close' | 'cancel' | 'withdraw';
type Of<K extends Command['kind']> = Extract<Command, { kind: K }>;

export function isKey(token: Token | undefined): boolean {
  return token !== undefined && token.key === undefined && RFC_KEY.test(token.value.trim());
}

export function parseKey(token: Token | undefined, example: string): string {
  if (!token || token.key !== undefined) return badValue('key', `Missing RFC key. Example: ${example}`, example);
  const m = RFC_KEY.exec(token.value.trim());
  if (!m) {
    return badValue('key', `"${clip(token.value, 30)}" isn't an RFC key. Use RFC-12 (or just 12). Example: ${example}`, example);
  }
  return `RFC-${Number(m[1])}`;
}

/** Free text from words: each word's value, key=value words as typed (Slack entities decoded). */
export function freeText(tokens: readonly Token[], input: string, ctx: ParseContext): string {
  const raw = (t: Token): string => input.slice(t.start, t.end);
  return tokens
    .map((t) => (t.key === undefined ? t.value : ctx.platform === 'slack' ? decodeEntities(raw(t)) : raw(t)))
    .join(' ')
    .trim();
}

/** `verb RFC-n [free text | field="..."]` */
export function keyAndText(field: string, aliases: Record<string, string>, rest: Token[], example: string, extra: readonly string[] = []) {
  const args = collectArgs(rest, { keys: [field, ...extra], aliases, example });
  const key = parseKey(args.positionals[0]?.index === 0 ? args.positionals[0].token : undefined, example);
  const words = args.positionals.slice(1).map((p) => p.token);
  const given = args.pairs.get(field)?.value.trim();
  if (words.length && given !== undefined) {
    badCommand(`Give the ${field} once, in quotes: ${field}="...". Example: ${example}`, { example });
  }
  const text =
    given ??
    words
      .map((t) => t.value)
      .join(' ')
      .trim();
  return { key, text: text.length ? text : undefined, pairs: args.pairs };
}

export function parseVote(rest: Token[], input: string, ctx: ParseContext, fixed?: VoteChoice): Of<'vote'> {
  const example = EXAMPLES.vote;
  const choiceOf = (t: Token | undefined): VoteChoice | undefined => (t && t.key === undefined ? own(CHOICES, t.value.toLowerCase()) : undefined);
  let key: string;
  let choice: VoteChoice | undefined = fixed;
  let tail: Token[];
  const [a, b] = rest;
  if (fixed) {
    key = parseKey(a, `/rfc ${fixed} RFC-12`);
    tail = rest.slice(1);
  } else if (choiceOf(a) === undefined) {
    key = parseKey(a, example);
    choice = choiceOf(b);
    if (!choice) {
      if (!b || b.key !== undefined) {
        badValue('choice', `Missing vote: approve, reject or abstain. Example: ${example}`, example);
      }
      badValue(
        'choice',
        `Can't read vote "${clip(b.value, 30)}".${didYouMean(b.value, ['approve', 'reject', 'abstain'])} Use approve, reject or abstain. Example: ${example}`,
        example,
      );
    }
    tail = rest.slice(2);
  } else {
    choice = choiceOf(a);
    key = parseKey(b, example);
    tail = rest.slice(2);
  }
  if (!choice) return badValue('choice', `Missing vote: approve, reject or abstain. Example: ${example}`, example);
  let comment: string;
  const head = tail[0];
  if (head?.key === 'comment' || head?.key === 'reason') {
    comment = [head.value, freeText(tail.slice(1), input, ctx)].join(' ').trim();
  } else {
    comment = freeText(tail, input, ctx);
  }
  return comment ? { kind: 'vote', key, choice, comment } : { kind: 'vote', key, choice };
}

export function parseSchedule<V extends 'schedule' | 'reschedule'>(verb: V, rest: Token[], ctx: ParseContext): Of<V> {
  const example = EXAMPLES[verb];
  const args: Args = collectArgs(rest, {
    keys: ['start', 'end', 'duration', 'reason', 'ack', 'override'],
    aliases: { from: 'start', to: 'end', until: 'end', dur: 'duration', why: 'reason' },
    example,
    stopWords: ['ack'],
  });
  const key = parseKey(args.positionals[0]?.index === 0 ? args.positionals[0].token : undefined, example);
  let ack: boolean | undefined;
  for (const p of args.positionals.slice(1)) {
    if (p.token.value.toLowerCase() === 'ack' && ack === undefined && !args.pairs.has('ack')) ack = true;
    else unexpected(p.token, example);
  }
  const ackPair = args.pairs.get('ack');
  if (ackPair) ack = parseBool(ackPair.value, 'ack', `${example} ack=yes`);
  // `schedule RFC-n` alone uses the window planned on the RFC; the use case says if it has none.
  if (verb === 'reschedule' && !args.pairs.has('start') && !args.pairs.has('end') && !args.pairs.has('duration')) {
    badValue('start', `Give a new start, end or duration. Example: ${example}`, example);
  }
  const cmd: Of<'schedule' | 'reschedule'> = {
    kind: verb as 'schedule' | 'reschedule',
    key,
    ...parseWindow(args, ctx, example),
  };
  const reason = args.pairs.get('reason')?.value.trim();
  if (reason) cmd.reason = reason;
  if (ack !== undefined) cmd.ack = ack;
  const override = args.pairs.get('override');
  if (override) {
    if (!override.value.trim())
      badValue('override', `Give the reason for the override. Example: ${example} override="Agreed with the CAB chair"`, 'override="..."');
    cmd.override = override.value.trim();
  }
  return cmd as Of<V>;
}

/** How many days `/rfc calendar` shows without `days=`. */
export const CALENDAR_DAYS = 14;

export function parseCalendar(rest: Token[]): Of<'calendar'> {
  const example = EXAMPLES.calendar;
  const first = rest[0];
  if (first && first.key === undefined && !first.quoted && /^feeds?$/i.test(first.value)) return parseCalendarFeeds(rest.slice(1));
  const args = collectArgs(rest, { keys: ['days', 'service'], aliases: { services: 'service' }, example });
  let daysText = args.pairs.get('days')?.value;
  let service = args.pairs.get('service')?.value.trim();
  for (const p of args.positionals) {
    if (daysText === undefined && /^\d+$/.test(p.token.value)) daysText = p.token.value;
    else if (service === undefined) service = p.token.value.trim();
    else unexpected(p.token, example);
  }
  let days = CALENDAR_DAYS;
  if (daysText !== undefined) {
    days = /^\s*\d{1,3}\s*$/.test(daysText) ? Number(daysText) : 0;
    if (days < 1 || days > 366) {
      badValue('days', `Can't read days="${clip(daysText)}". Use a number of days from 1 to 366. Example: ${example}`, example);
    }
  }
  return service ? { kind: 'calendar', days, service } : { kind: 'calendar', days };
}

/** `calendar feeds` (the person's links) and `calendar feeds rotate [all|mine|service=NAME]`. */
function parseCalendarFeeds(rest: Token[]): Of<'calendar'> {
  const list = EXAMPLES['calendar feeds'];
  const example = EXAMPLES['calendar feeds rotate'];
  const action = rest[0];
  if (!action) return { kind: 'calendar', feeds: 'list' };
  if (action.key !== undefined || !/^(rotate|renew|reset|new)$/i.test(action.value)) {
    badCommand(
      `\`calendar feeds\` lists your feed links, and \`calendar feeds rotate\` replaces them; "${clip(action.key ? `${action.key}=${action.value}` : action.value, 30)}" is neither.${didYouMean(action.value, ['rotate'])} Examples: ${list}, ${example}`,
      { example },
    );
  }
  const args = collectArgs(rest.slice(1), { keys: ['service'], aliases: { services: 'service', feed: 'service' }, example });
  const service = args.pairs.get('service')?.value.trim();
  const word = args.positionals[0]?.token;
  noExtraPositionals(args, 1, example);
  if (service !== undefined && word) unexpected(word, example);
  if (service !== undefined) {
    if (!service) badValue('service', `Give the service whose feed to rotate, like service=db. Example: ${example}`, example);
    return { kind: 'calendar', feeds: 'rotate', which: { service } };
  }
  if (!word) return { kind: 'calendar', feeds: 'rotate' };
  const feed = word.value.toLowerCase();
  if (feed === 'all' || feed === 'mine') return { kind: 'calendar', feeds: 'rotate', which: { feed } };
  return badValue(
    'feed',
    `There is no feed "${clip(word.value, 30)}". Rotate all, mine or service=NAME, or nothing after rotate for every feed.${didYouMean(feed, ['all', 'mine'])} Example: ${example}`,
    example,
  );
}

export function parseSlot(rest: Token[]): Of<'slot'> {
  const example = EXAMPLES.slot;
  const args = collectArgs(rest, { keys: ['service', 'duration'], aliases: { dur: 'duration', for: 'duration' }, example });
  let service = args.pairs.get('service')?.value.trim();
  const first = args.positionals[0];
  if (first && service === undefined) {
    service = first.token.value.trim();
    noExtraPositionals(args, 1, example);
  } else {
    noExtraPositionals(args, 0, example);
  }
  if (!service) return badValue('service', `Missing service. Example: ${example}`, example);
  const duration = args.pairs.get('duration');
  if (!duration) return badValue('duration', `Missing duration. Example: ${example}`, example);
  return { kind: 'slot', service, durationMinutes: parseDuration(duration.value, 'duration') };
}

export function parseList(rest: Token[]): Of<'list'> {
  const example = EXAMPLES.list;
  const args = collectArgs(rest, { keys: [], example });
  noExtraPositionals(args, 1, example);
  const word = args.positionals[0]?.token.value.toLowerCase();
  if (word === undefined) return { kind: 'list', filter: 'mine' };
  const filter = (FILTERS as readonly string[]).includes(word) ? (word as ListFilter) : own(FILTER_ALIASES, word);
  if (!filter) {
    return badValue('filter', `Can't list "${clip(word, 30)}".${didYouMean(word, FILTERS)} Use ${orList([...FILTERS])}. Example: ${example}`, example);
  }
  return { kind: 'list', filter };
}

export function parseNew(rest: Token[], ctx: ParseContext): Of<'new'> {
  const example = EXAMPLES.new;
  // `new template=add-user "Add 3 users to Sales"`: the template first, then the title.
  const lead = rest[0];
  if (lead?.key !== undefined && /^(template|tpl)$/i.test(lead.key)) {
    const cmd = parseNew(rest.slice(1), ctx);
    if (cmd.fields.template !== undefined) badValue('template', `template is given twice. Example: ${EXAMPLES['new template']}`, EXAMPLES['new template']);
    const named = lead.value.trim();
    if (!named)
      badValue(
        'template',
        `Name the template, like template=add-user (see /rfc template list). Example: ${EXAMPLES['new template']}`,
        EXAMPLES['new template'],
      );
    return { kind: 'new', fields: { ...cmd.fields, template: named } };
  }
  const args = collectArgs(rest, rfcFieldSpec(example));
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

export function parseEdit(rest: Token[], ctx: ParseContext): Of<'edit'> {
  const example = EXAMPLES.edit;
  const args = collectArgs(rest, rfcFieldSpec(example));
  const key = parseKey(args.positionals[0]?.index === 0 ? args.positionals[0].token : undefined, example);
  noExtraPositionals(args, 1, example);
  if (args.pairs.size === 0) {
    badCommand(`Say what to change with key=value. Example: ${example}`, { example });
  }
  return { kind: 'edit', key, fields: parseRfcFields(args, ctx, example) };
}

/** `verb RFC-n` and nothing else. */
export function parseKeyOnly<V extends KeyVerb>(verb: V, rest: Token[]): { kind: V; key: string } {
  const example = EXAMPLES[verb];
  const args = collectArgs(rest, { keys: [], example });
  const key = parseKey(args.positionals[0]?.token, example);
  noExtraPositionals(args, 1, example);
  return { kind: verb, key };
}

/** `verb RFC-n [reason]` */
export function parseReason<V extends ReasonVerb>(verb: V, rest: Token[]): { kind: V; key: string; reason?: string } {
  const r = keyAndText('reason', { why: 'reason', comment: 'reason' }, rest, EXAMPLES[verb]);
  return r.text ? { kind: verb, key: r.key, reason: r.text } : { kind: verb, key: r.key };
}

/** `start RFC-n [reason] [override="..."]`: a change manager's override starts it outside its window. */
export function parseStart(rest: Token[]): Of<'start'> {
  const r = keyAndText('reason', { why: 'reason', comment: 'reason' }, rest, EXAMPLES.start, ['override']);
  const override = r.pairs.get('override')?.value.trim();
  const cmd: Of<'start'> = { kind: 'start', key: r.key };
  if (r.text) cmd.reason = r.text;
  if (override !== undefined) {
    if (!override) badValue('override', `Give the reason for the override. Example: ${EXAMPLES.start} override="Vendor window moved"`, 'override="..."');
    cmd.override = override;
  }
  return cmd;
}

/** Outcome words of `review outcome=...`, compared without case, spaces or underscores. */
const OUTCOMES: Record<string, ReviewOutcome> = {
  successful: 'successful',
  success: 'successful',
  succeeded: 'successful',
  ok: 'successful',
  'successful-with-issues': 'successful-with-issues',
  'with-issues': 'successful-with-issues',
  issues: 'successful-with-issues',
  partial: 'successful-with-issues',
  failed: 'failed',
  fail: 'failed',
  failure: 'failed',
  'backed-out': 'backed-out',
  backedout: 'backed-out',
  backout: 'backed-out',
  'rolled-back': 'backed-out',
};
const OUTCOME_CHOICES = ['successful', 'successful-with-issues', 'failed', 'backed-out'];

/** `review RFC-n [outcome=...] [incident=yes|no] [problem=...] [notes="..." | words]` */
export function parseReview(rest: Token[]): Of<'review'> {
  const example = EXAMPLES.review;
  const args = collectArgs(rest, {
    keys: ['outcome', 'incident', 'problem', 'notes'],
    aliases: { result: 'outcome', causedincident: 'incident', prb: 'problem', note: 'notes', reason: 'notes', comment: 'notes' },
    example,
  });
  const key = parseKey(args.positionals[0]?.index === 0 ? args.positionals[0].token : undefined, example);
  const words = args.positionals
    .slice(1)
    .map((p) => p.token.value)
    .join(' ')
    .trim();
  const given = args.pairs.get('notes')?.value.trim();
  if (words && given !== undefined) badCommand(`Give the notes once, in quotes: notes="...". Example: ${example}`, { example });
  const cmd: Of<'review'> = { kind: 'review', key };
  const outcomeText = args.pairs.get('outcome')?.value;
  if (outcomeText !== undefined) {
    const word = outcomeText
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-');
    const outcome = own(OUTCOMES, word);
    if (!outcome) {
      badValue(
        'outcome',
        `Can't read outcome="${clip(outcomeText)}".${didYouMean(word, OUTCOME_CHOICES)} Use ${orList(OUTCOME_CHOICES)}. Example: ${example}`,
        example,
      );
    }
    cmd.outcome = outcome;
  }
  const incident = args.pairs.get('incident');
  if (incident) cmd.causedIncident = parseBool(incident.value, 'incident', example);
  const problem = args.pairs.get('problem')?.value.trim();
  if (problem) cmd.problem = problem;
  const notes = given ?? words;
  if (notes) cmd.notes = notes;
  return cmd;
}
