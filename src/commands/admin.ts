/**
 * `/rfc admin ...` arguments: roles, services, maintenance windows, blackouts and the CAB
 * channel. One parse function per admin verb (see admin-verbs.ts); the words that pick the verb
 * (group and action, with their aliases) are read in parser.ts.
 */
import { DateTime } from 'luxon';
import type { ExportInput } from '../app/inputs.js';
import { ROLES } from '../domain/types.js';
import type { Role } from '../domain/types.js';
import type { ArgSpec } from './args.js';
import { collectArgs, noExtraPositionals } from './args.js';
import { parseDuration } from './dates.js';
import { parseNames, parseWindow } from './fields.js';
import { EXAMPLES } from './help.js';
import type { ExampleName } from './help.js';
import { parseAudience, parseAudienceItem, resolvePerson } from './people.js';
import { parseReleaseKey } from './release-parse.js';
import type { Token } from './tokenize.js';
import type { AdminCommand, ParseContext } from './types.js';
import { badValue, clip, didYouMean, own } from './util.js';
import { parseKey } from './verbs.js';

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
  return badValue('role', `Unknown role "${clip(text, 30)}".${didYouMean(text, ROLES, normRole)} Roles: ${ROLES.join(', ')}. Example: ${example}`, example);
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
  // What a service may be called is the app's rule (text-rules.ts NAME_RULE), so that names
  // stored before it still resolve here.
  return name;
}

const RRULE_FREQ = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY']);

export function parseRrule(text: string): string {
  const example = EXAMPLES['admin window add'];
  const body = text
    .trim()
    .replace(/^RRULE:/i, '')
    .replace(/;+$/, '')
    .toUpperCase();
  const parts = body.split(';');
  const names = new Set<string>();
  const ok = parts.every((p) => {
    const m = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(p);
    if (!m || names.has(m[1]!)) return false;
    names.add(m[1]!);
    return m[1] !== 'FREQ' || RRULE_FREQ.has(m[2]!);
  });
  if (!ok || !names.has('FREQ') || body.length > 500) {
    badValue('rrule', `Can't read rrule="${clip(text)}". Use an RFC 5545 rule like rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22". Example: ${example}`, example);
  }
  return body;
}

export const ADMIN_GROUP_ALIASES: Record<string, string> = {
  services: 'service',
  teams: 'team',
  windows: 'window',
  blackouts: 'blackout',
  freeze: 'blackout',
  role: 'roles',
  audit: 'log',
  cab: 'cab-channel',
  cabchannel: 'cab-channel',
  cab_channel: 'cab-channel',
};

type Rest = readonly Token[];
type Of<K extends AdminCommand['kind']> = Extract<AdminCommand, { kind: K }>;
const args = (rest: Rest, name: ExampleName, spec: Omit<ArgSpec, 'example'> = { keys: [] }) => collectArgs(rest, { ...spec, example: EXAMPLES[name] });

export function parseGrant<K extends 'grant' | 'revoke'>(kind: K, rest: Rest, ctx: ParseContext): Of<K> {
  const example = EXAMPLES[`admin ${kind}`];
  const a0 = args(rest, `admin ${kind}`);
  noExtraPositionals(a0, 2, example);
  let [a, b] = a0.positionals.map((p) => p.token.value);
  if (a !== undefined && b !== undefined && tryRole(a) && !tryRole(b)) [a, b] = [b, a];
  if (a === undefined) badValue('person', `Missing person. Example: ${example}`, example);
  if (b === undefined) badValue('role', `Missing role (${ROLES.join(', ')}). Example: ${example}`, example);
  return { kind, person: resolvePerson(a, ctx), role: parseRole(b, example) } as Of<K>;
}

export function parseRoles(rest: Rest, ctx: ParseContext): Of<'roles'> {
  const a = args(rest, 'admin roles');
  noExtraPositionals(a, 1, EXAMPLES['admin roles']);
  const person = a.positionals[0]?.token.value;
  return person === undefined ? { kind: 'roles' } : { kind: 'roles', person: resolvePerson(person, ctx) };
}

export function parseAdminLog(rest: Rest, ctx: ParseContext): Of<'log'> {
  const a = args(rest, 'admin log');
  noExtraPositionals(a, 1, EXAMPLES['admin log']);
  const person = a.positionals[0]?.token.value;
  return person === undefined ? { kind: 'log' } : { kind: 'log', person: resolvePerson(person, ctx) };
}

export function parseCabChannel(rest: Rest, ctx: ParseContext): Of<'cab-channel'> {
  const a = args(rest, 'admin cab-channel');
  noExtraPositionals(a, 1, EXAMPLES['admin cab-channel']);
  const channel = a.positionals[0]?.token.value;
  return channel === undefined ? { kind: 'cab-channel' } : { kind: 'cab-channel', channel: parseAudienceItem(channel, ctx, 'channel') };
}

type Group = 'service' | 'window' | 'blackout' | 'policy';

/** `admin service|window|blackout [list]`: nothing more. */
export function parseAdminList<G extends Group>(group: G, rest: Rest): { kind: `${G}-list` } {
  noExtraPositionals(args(rest, `admin ${group}`), 0, EXAMPLES[`admin ${group}`]);
  return { kind: `${group}-list` };
}

export function parseServiceRemove(rest: Rest): Of<'service-remove'> {
  const a = args(rest, 'admin service remove');
  noExtraPositionals(a, 1, EXAMPLES['admin service remove']);
  return { kind: 'service-remove', name: parseName(a.positionals[0]?.token, EXAMPLES['admin service remove']) };
}

export function parseIdRemove<G extends 'window' | 'blackout'>(group: G, rest: Rest): Of<`${G}-remove`> {
  const name = `admin ${group} remove` as const;
  const a = args(rest, name);
  noExtraPositionals(a, 1, EXAMPLES[name]);
  return { kind: `${group}-remove`, id: parseId(a.positionals[0]?.token, group, EXAMPLES[name]) } as Of<`${G}-remove`>;
}

export function parseServiceAdd(rest: Rest, ctx: ParseContext): Of<'service-add'> {
  const example = EXAMPLES['admin service add'];
  const a = args(rest, 'admin service add', {
    keys: ['owner', 'audience', 'depends'],
    aliases: { dependson: 'depends', deps: 'depends', dependencies: 'depends', 'depends-on': 'depends' },
  });
  noExtraPositionals(a, 1, example);
  const cmd: Of<'service-add'> = { kind: 'service-add', name: parseName(a.positionals[0]?.token, example) };
  const owner = a.pairs.get('owner');
  if (owner) cmd.owner = resolvePerson(owner.value, ctx, 'owner');
  const audience = a.pairs.get('audience');
  if (audience) cmd.audience = parseAudience(audience.value, ctx);
  const depends = a.pairs.get('depends');
  if (depends) cmd.dependsOn = parseNames(depends.value);
  return cmd;
}

export function parseWindowAdd(rest: Rest): Of<'window-add'> {
  const example = EXAMPLES['admin window add'];
  const a = args(rest, 'admin window add', { keys: ['service', 'rrule', 'duration'], aliases: { rule: 'rrule' } });
  noExtraPositionals(a, 0, example);
  const rrule = a.pairs.get('rrule');
  const duration = a.pairs.get('duration');
  if (!rrule) badValue('rrule', `Missing rrule. Example: ${example}`, example);
  if (!duration) badValue('duration', `Missing duration. Example: ${example}`, example);
  const cmd: Of<'window-add'> = {
    kind: 'window-add',
    rrule: parseRrule(rrule.value),
    durationMinutes: parseDuration(duration.value, 'duration'),
  };
  const service = a.pairs.get('service')?.value.trim();
  if (service) cmd.service = service;
  return cmd;
}

export function parseBlackoutAdd(rest: Rest, ctx: ParseContext): Of<'blackout-add'> {
  const example = EXAMPLES['admin blackout add'];
  const a = args(rest, 'admin blackout add', { keys: ['start', 'end', 'duration', 'reason'] });
  noExtraPositionals(a, 0, example);
  if (!a.pairs.has('start')) badValue('start', `Missing start. Example: ${example}`, example);
  if (!a.pairs.has('end') && !a.pairs.has('duration')) {
    badValue('end', `Missing end. Example: ${example}`, example);
  }
  const w = parseWindow(a, ctx, example);
  const start = w.start!;
  const end = w.end ?? new Date(start.getTime() + w.durationMinutes! * 60_000);
  const reason = a.pairs.get('reason')?.value.trim();
  return reason ? { kind: 'blackout-add', start, end, reason } : { kind: 'blackout-add', start, end };
}

/** `admin policy set KEY VALUE` (the value may have spaces: REQUIRED_MINOR backout, test). */
export function parsePolicySet(rest: Rest): Of<'policy-set'> {
  const example = EXAMPLES['admin policy set'];
  const words = rest.map((t) => (t.key !== undefined ? `${t.key}=${t.value}` : t.value));
  const [first, ...others] = words;
  if (!first) return badValue('key', `Say which setting and its new value. Example: ${example}`, example);
  // KEY=VALUE is read as KEY VALUE.
  const eq = first.indexOf('=');
  const key = eq > 0 ? first.slice(0, eq) : first;
  const value = (eq > 0 ? [first.slice(eq + 1), ...others] : others).join(' ').trim();
  if (!value) return badValue('value', `Give the new value of ${key}. Example: ${example}`, example);
  return { kind: 'policy-set', key, value };
}

/** `admin export` and `GET /audit.csv?...`: the values as typed (query parameters or key=value words). */
export interface ExportArgs {
  from?: string | undefined;
  to?: string | undefined;
  service?: string | undefined;
  rfc?: string | undefined;
  release?: string | undefined;
  format?: string | undefined;
}

export type ExportFormat = 'csv' | 'json';

/** An export as asked: the use case's input, the format, and the dates as typed (for the link and the file name). */
export type ExportRequest = ExportInput & { format: ExportFormat; typed: { from: string; to: string } };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `from` or `to` value: a day (`2026-12-01`, read in `zone`: `from` is its first instant, `to`
 * includes the whole day, so the range ends at the next day's start), or an ISO 8601 date and
 * time (`2026-12-01T08:00`, in `zone` unless it has an offset or Z; `to` is then exclusive).
 */
function exportInstant(field: 'from' | 'to', text: string | undefined, zone: string, example: string): Date {
  const value = text?.trim() ?? '';
  const how = 'Give days as YYYY-MM-DD (from=2026-12-01 to=2026-12-31 covers all of December, both days included, in your time zone), or ISO 8601 times.';
  if (!value) return badValue(field, `Missing ${field}=. ${how} Example: ${example}`, example);
  const day = DAY.test(value);
  const parsed = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.test(value)
    ? DateTime.fromISO(value.replace(' ', 'T'), { zone })
    : null;
  if (!parsed?.isValid) return badValue(field, `Can't read ${field}=${clip(value, 40)} as a date. ${how} Example: ${example}`, example);
  if (!day) return parsed.toJSDate();
  return (field === 'from' ? parsed.startOf('day') : parsed.plus({ days: 1 }).startOf('day')).toJSDate();
}

const tokenOf = (value: string): Token => ({ value, quoted: false, start: 0, end: value.length });

/**
 * Reads an export's range, filters and format, the same for the command language and the web
 * (`example` is the one each shows). Throws `bad_value` naming the field and an example.
 */
export function parseExportArgs(a: ExportArgs, zone: string, example: string): ExportRequest {
  const from = exportInstant('from', a.from, zone, example);
  const to = exportInstant('to', a.to, zone, example);
  if (to.getTime() <= from.getTime()) {
    badValue(
      'to',
      `to=${clip(a.to ?? '', 40)} is before from=${clip(a.from ?? '', 40)}: the export covers from the first to the last (both included). Example: ${example}`,
      example,
    );
  }
  const format = (a.format?.trim() || 'csv').toLowerCase();
  if (format !== 'csv' && format !== 'json')
    return badValue('format', `format=${clip(format, 20)}: use format=csv or format=json. Example: ${example}`, example);
  const out: ExportRequest = { from, to, format, typed: { from: a.from!.trim(), to: a.to!.trim() } };
  const service = a.service?.trim();
  if (service) out.service = service;
  if (a.rfc?.trim()) out.rfc = parseKey(tokenOf(a.rfc), example);
  if (a.release?.trim()) out.release = parseReleaseKey(tokenOf(a.release), example);
  return out;
}

/** `admin export from=... to=... [service=NAME] [rfc=RFC-n] [release=REL-n] [format=csv|json]`. */
export function parseExport(rest: Rest, ctx: ParseContext): Of<'export'> {
  const example = EXAMPLES['admin export'];
  const a = args(rest, 'admin export', { keys: ['from', 'to', 'service', 'rfc', 'release', 'format'], aliases: { services: 'service', as: 'format' } });
  noExtraPositionals(a, 0, example);
  const value = (k: keyof ExportArgs) => a.pairs.get(k)?.value;
  const request = parseExportArgs(
    { from: value('from'), to: value('to'), service: value('service'), rfc: value('rfc'), release: value('release'), format: value('format') },
    ctx.timezone,
    example,
  );
  return { kind: 'export', ...request };
}

/** The web address of an export, `/audit.csv?from=2026-12-01&to=2026-12-31&service=db` (the typed dates, so the web reads them the same way). */
export function exportPath(r: ExportRequest): string {
  const q = new URLSearchParams({ from: r.typed.from, to: r.typed.to });
  if (r.service) q.set('service', r.service);
  if (r.rfc) q.set('rfc', r.rfc);
  if (r.release) q.set('release', r.release);
  return `/audit.${r.format}?${q.toString()}`;
}

/** `changebot-audit-2026-12-01-2026-12-31.csv` (anything but letters, digits and dashes in a typed time becomes a dash). */
export function exportFileName(r: ExportRequest): string {
  const part = (s: string) => s.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '');
  return `changebot-audit-${part(r.typed.from)}-${part(r.typed.to)}.${r.format}`;
}
