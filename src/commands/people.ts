/**
 * People, channels and audiences as typed in each chat platform, turned into stable ids.
 */
import { ChangebotError } from '../domain/errors.js';
import type { ParseContext } from './types.js';
import { badValue, clip } from './util.js';

const SLACK_MENTION = /^<@([A-Za-z0-9]+)(?:\|[^<>]*)?>$/;
const SLACK_CHANNEL = /^<#([A-Za-z0-9]+)(?:\|[^<>]*)?>$/;
const SLACK_USERGROUP = /^<!subteam\^([A-Za-z0-9]+)(?:\|[^<>]*)?>$/;
const QUALIFIED = /^(?:slack:[A-Za-z0-9]+\/[A-Za-z0-9]+|teams:\S+|cli:[A-Za-z0-9._-]+)$/;
const CLI_NAME = /^@?([A-Za-z0-9][A-Za-z0-9._-]*)$/;

const PERSON_EXAMPLE: Record<ParseContext['platform'], string> = {
  slack: '/rfc admin grant @alice cab',
  teams: '/rfc admin grant @Alice cab',
  cli: '/rfc admin grant alice cab',
};

/**
 * A person id from a mention or name:
 * - Slack `<@U123>` / `<@U123|name>` -> `slack:<workspace>/U123` (on Slack only);
 * - already-qualified `slack:T1/U1`, `teams:...`, `cli:bob` are kept;
 * - on the CLI a bare `bob` or `@bob` -> `cli:bob`;
 * - on Teams the adapter has already replaced mentions with `teams:<aadObjectId>`, so anything
 *   else is refused; on Slack a typed `@name` is refused (pick the person from the @ list).
 */
export function resolvePerson(text: string, ctx: ParseContext, field = 'person'): string {
  const s = String(text).trim();
  const example = field === 'person' ? (PERSON_EXAMPLE[ctx.platform] ?? PERSON_EXAMPLE.cli) : `${field}=${ctx.platform === 'cli' ? 'alice' : '@alice'}`;
  if (s.length === 0) badValue(field, `Missing ${field}. Example: ${example}`, example);
  if (QUALIFIED.test(s)) return s;
  const slack = SLACK_MENTION.exec(s);
  if (slack) {
    if (ctx.platform !== 'slack') {
      badValue(field, `"${clip(s)}" is a Slack mention; mention the person here instead. Example: ${example}`, example);
    }
    if (!ctx.workspace) {
      throw new ChangebotError('config', 'The Slack workspace id is missing, so mentions cannot be resolved.');
    }
    return `slack:${ctx.workspace}/${slack[1]!.toUpperCase()}`;
  }
  if (ctx.platform === 'cli') {
    const m = CLI_NAME.exec(s);
    if (m) return `cli:${m[1]!}`;
    return badValue(field, `Can't read ${field} "${clip(s)}": use a user name. Example: ${example}`, example);
  }
  if (ctx.platform === 'teams') {
    return badValue(field, `Can't tell who "${clip(s)}" is: @mention the person. Example: ${example}`, example);
  }
  return badValue(field, `Can't tell who "${clip(s)}" is: type @ and pick the person from the list so Slack sends a mention. Example: ${example}`, example);
}

/**
 * One audience or channel reference: Slack `<#C1|ops>` -> `slack:channel:C1`,
 * `<!subteam^S1|@dbas>` -> `slack:usergroup:S1`, mentions -> person ids, `#name` ->
 * `channel:name`, anything else as given.
 */
export function parseAudienceItem(item: string, ctx: ParseContext, field = 'audience'): string {
  const s = item.trim();
  const ch = SLACK_CHANNEL.exec(s);
  if (ch) return `slack:channel:${ch[1]!.toUpperCase()}`;
  const ug = SLACK_USERGROUP.exec(s);
  if (ug) return `slack:usergroup:${ug[1]!.toUpperCase()}`;
  if (SLACK_MENTION.test(s)) return resolvePerson(s, ctx, field);
  if (ctx.platform === 'cli' && s.startsWith('@') && CLI_NAME.test(s)) return resolvePerson(s, ctx, field);
  if (s.startsWith('#') && s.length > 1) return `channel:${s.slice(1)}`;
  return s;
}

/** Splits on commas outside Slack `<...>` sequences. */
export function splitList(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of list) {
    if (c === '<') depth++;
    else if (c === '>' && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A comma list of audience references (see parseAudienceItem), without duplicates. */
export function parseAudience(list: string, ctx: ParseContext): string[] {
  const out = new Set<string>();
  for (const item of splitList(String(list))) out.add(parseAudienceItem(item, ctx));
  return [...out];
}
