/**
 * `/rfc admin ...`: roles, services, maintenance windows, blackouts and the CAB channel.
 */
import { ROLES } from '../domain/types.js';
import type { Role } from '../domain/types.js';
import type { ArgSpec } from './args.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { parseDuration } from './dates.js';
import { parseNames, parseWindow } from './fields.js';
import { EXAMPLES } from './help.js';
import type { ExampleName } from './help.js';
import { parseAudience, parseAudienceItem, resolvePerson } from './people.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, ParseContext } from './types.js';
import { badCommand, badValue, clip, didYouMean, own, quoteList } from './util.js';

const ROLE_ALIASES: Record<string, Role> = {
  cab: 'cab',
  cabmember: 'cab',
  changemanager: 'change-manager',
  cm: 'change-manager',
  releasemanager: 'release-manager',
  rm: 'release-manager',
  admin: 'admin',
  administrator: 'admin',
};

const normRole = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

export function tryRole(text: string): Role | undefined {
  return own(ROLE_ALIASES, normRole(text));
}

export function parseRole(text: string, example: string): Role {
  const role = tryRole(text);
  if (role) return role;
  return badValue(
    'role',
    `Unknown role "${clip(text, 30)}".${didYouMean(text, ROLES, normRole)} Roles: ${ROLES.join(', ')}. Example: ${example}`,
    example,
  );
}

function parseId(token: Token | undefined, what: string, example: string): number {
  if (!token) return badValue('id', `Missing ${what} id. Example: ${example}`, example);
  const m = /^#?(\d{1,9})$/.exec(token.value.trim());
  const id = m ? Number(m[1]) : 0;
  if (id <= 0) badValue('id', `"${clip(token.value, 30)}" isn't a ${what} id. Example: ${example}`, example);
  return id;
}

function parseName(token: Token | undefined, example: string): string {
  const name = token?.value.trim() ?? '';
  if (!token || token.key !== undefined || name.length === 0) {
    return badValue('name', `Missing service name. Example: ${example}`, example);
  }
  if (name.includes(',') || name.length > 100) {
    badValue('name', `"${clip(name, 30)}" can't be a service name (no commas). Example: ${example}`, example);
  }
  return name;
}

const RRULE_FREQ = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY']);

export function parseRrule(text: string): string {
  const example = EXAMPLES['admin window add'];
  const body = text.trim().replace(/^RRULE:/i, '').replace(/;+$/, '').toUpperCase();
  const parts = body.split(';');
  const names = new Set<string>();
  const ok = parts.every((p) => {
    const m = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(p);
    if (!m || names.has(m[1]!)) return false;
    names.add(m[1]!);
    return m[1] !== 'FREQ' || RRULE_FREQ.has(m[2]!);
  });
  if (!ok || !names.has('FREQ') || body.length > 500) {
    badValue(
      'rrule',
      `Can't read rrule="${clip(text)}". Use an RFC 5545 rule like rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22". Example: ${example}`,
      example,
    );
  }
  return body;
}

const GROUPS = ['grant', 'revoke', 'roles', 'service', 'window', 'blackout', 'cab-channel'] as const;
const GROUP_ALIASES: Record<string, (typeof GROUPS)[number]> = {
  services: 'service',
  windows: 'window',
  blackouts: 'blackout',
  freeze: 'blackout',
  role: 'roles',
  cab: 'cab-channel',
  cabchannel: 'cab-channel',
  cab_channel: 'cab-channel',
};
const ACTIONS = ['add', 'remove', 'list'] as const;
const ACTION_ALIASES: Record<string, (typeof ACTIONS)[number]> = {
  new: 'add', create: 'add', rm: 'remove', delete: 'remove', del: 'remove', ls: 'list',
};

export function parseAdmin(tokens: readonly Token[], ctx: ParseContext): AdminCommand {
  const ex = (name: ExampleName): string => EXAMPLES[name];
  const first = tokens[0];
  if (!first || first.key !== undefined) {
    return badCommand(`Say what to administer: ${GROUPS.join(', ')}. Example: ${ex('admin')}`, { example: ex('admin') });
  }
  const word = first.value.toLowerCase();
  const group = (GROUPS as readonly string[]).includes(word) ? (word as (typeof GROUPS)[number]) : own(GROUP_ALIASES, word);
  if (!group) {
    return badCommand(
      `Unknown admin command "${clip(first.value, 30)}".${didYouMean(word, GROUPS)} Try: ${GROUPS.join(', ')}. Example: ${ex('admin')}`,
      { example: ex('admin') },
    );
  }
  let rest = tokens.slice(1);
  const simple = (name: ExampleName, spec: Omit<ArgSpec, 'example'> = { keys: [] }) =>
    collectArgs(rest, { ...spec, example: ex(name) });

  if (group === 'grant' || group === 'revoke') {
    const example = ex(`admin ${group}`);
    const args = simple(`admin ${group}`);
    noExtraPositionals(args, 2, example);
    let [a, b] = args.positionals.map((p) => p.token.value);
    if (a !== undefined && b !== undefined && tryRole(a) && !tryRole(b)) [a, b] = [b, a];
    if (a === undefined) badValue('person', `Missing person. Example: ${example}`, example);
    if (b === undefined) badValue('role', `Missing role (${ROLES.join(', ')}). Example: ${example}`, example);
    return { kind: group, person: resolvePerson(a, ctx), role: parseRole(b, example) };
  }
  if (group === 'roles') {
    const args = simple('admin roles');
    noExtraPositionals(args, 1, ex('admin roles'));
    const person = args.positionals[0]?.token.value;
    return person === undefined ? { kind: 'roles' } : { kind: 'roles', person: resolvePerson(person, ctx) };
  }
  if (group === 'cab-channel') {
    const args = simple('admin cab-channel');
    noExtraPositionals(args, 1, ex('admin cab-channel'));
    const channel = args.positionals[0]?.token.value;
    return channel === undefined ? { kind: 'cab-channel' } : { kind: 'cab-channel', channel: parseAudienceItem(channel, ctx, 'channel') };
  }

  // service | window | blackout, then add | remove | list (default list)
  const actionToken = rest[0];
  let action: (typeof ACTIONS)[number] = 'list';
  if (actionToken && actionToken.key === undefined) {
    const w = actionToken.value.toLowerCase();
    const a = (ACTIONS as readonly string[]).includes(w) ? (w as (typeof ACTIONS)[number]) : own(ACTION_ALIASES, w);
    if (!a) {
      const example = ex(`admin ${group}`);
      return badCommand(
        `Unknown action "${clip(actionToken.value, 30)}" for admin ${group}.${didYouMean(w, ACTIONS)} Use ${quoteList([...ACTIONS])}. Example: ${example}`,
        { example },
      );
    }
    action = a;
    rest = rest.slice(1);
  } else if (actionToken) {
    action = 'add'; // `admin window rrule=...`: key=value pairs only make sense for add
  }

  if (action === 'list') {
    const args = simple(`admin ${group}`);
    noExtraPositionals(args, 0, ex(`admin ${group}`));
    return { kind: `${group}-list` };
  }
  if (action === 'remove') {
    const name = `admin ${group} remove` as const;
    const args = simple(name);
    noExtraPositionals(args, 1, ex(name));
    const token = args.positionals[0]?.token;
    if (group === 'service') return { kind: 'service-remove', name: parseName(token, ex(name)) };
    return { kind: `${group}-remove`, id: parseId(token, `${group}`, ex(name)) };
  }

  if (group === 'service') {
    const example = ex('admin service add');
    const args = simple('admin service add', {
      keys: ['owner', 'audience', 'depends'],
      aliases: { dependson: 'depends', deps: 'depends', dependencies: 'depends', 'depends-on': 'depends' },
    });
    noExtraPositionals(args, 1, example);
    const cmd: AdminCommand = { kind: 'service-add', name: parseName(args.positionals[0]?.token, example) };
    const owner = args.pairs.get('owner');
    if (owner) cmd.owner = resolvePerson(owner.value, ctx, 'owner');
    const audience = args.pairs.get('audience');
    if (audience) cmd.audience = parseAudience(audience.value, ctx);
    const depends = args.pairs.get('depends');
    if (depends) cmd.dependsOn = parseNames(depends.value);
    return cmd;
  }
  if (group === 'window') {
    const example = ex('admin window add');
    const args = simple('admin window add', { keys: ['service', 'rrule', 'duration'], aliases: { rule: 'rrule' } });
    noExtraPositionals(args, 0, example);
    const rrule = args.pairs.get('rrule');
    const duration = args.pairs.get('duration');
    if (!rrule) badValue('rrule', `Missing rrule. Example: ${example}`, example);
    if (!duration) badValue('duration', `Missing duration. Example: ${example}`, example);
    const cmd: AdminCommand = {
      kind: 'window-add',
      rrule: parseRrule(rrule.value),
      durationMinutes: parseDuration(duration.value, 'duration'),
    };
    const service = args.pairs.get('service')?.value.trim();
    if (service) cmd.service = service;
    return cmd;
  }
  const example = ex('admin blackout add');
  const args = simple('admin blackout add', { keys: ['start', 'end', 'duration', 'reason'] });
  noExtraPositionals(args, 0, example);
  if (!args.pairs.has('start')) badValue('start', `Missing start. Example: ${example}`, example);
  if (!args.pairs.has('end') && !args.pairs.has('duration')) {
    badValue('end', `Missing end. Example: ${example}`, example);
  }
  const w = parseWindow(args, ctx, example);
  const start = w.start!;
  const end = w.end ?? new Date(start.getTime() + w.durationMinutes! * 60_000);
  const reason = args.pairs.get('reason')?.value.trim();
  return reason ? { kind: 'blackout-add', start, end, reason } : { kind: 'blackout-add', start, end };
}
