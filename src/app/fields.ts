/** Turns `new`/`edit` fields into an RFC patch, checking services against the catalogue. */
import type { Db } from '../db/client.js';
import { listServices } from '../db/repos/catalogue.js';
import { ensurePerson, findPerson } from '../db/repos/people.js';
import { ChangebotError } from '../domain/errors.js';
import { checkText, cleanText } from '../domain/text-rules.js';
import type { Actor, PersonId, Rfc } from '../domain/types.js';
import type { RfcFields } from './inputs.js';
import { refusal } from './next.js';

const DAY_MS = 86_400_000;
/** The longest window: the year `duration=` allows. */
const MAX_WINDOW_MS = 366 * DAY_MS;
/** How far back a window may start: an emergency change recorded after it began, not history. */
const MAX_PAST_START_MS = DAY_MS;

/** `actor`: who is typing, to tell whether their chat platform vouches for an owner it names (knownOwner). */
export function applyFields(tx: Db, base: Rfc, f: RfcFields, actor: Pick<Actor, 'id'>, now: Date): { rfc: Rfc; changed: string[] } {
  const next: Rfc = { ...base };
  const changed: string[] = [];
  const set = <K extends keyof Rfc>(k: K, v: Rfc[K], name: string = k) => {
    next[k] = v;
    changed.push(name);
  };
  for (const k of ['title', 'description', 'justification', 'plan', 'backout', 'test', 'cost', 'resources', 'problem'] as const) {
    const v = f[k];
    if (v === undefined) continue;
    const clean = checkText(k, v);
    set(k, k === 'title' ? clean : clean || null);
  }
  if (f.title !== undefined && !next.title) {
    throw new ChangebotError('bad_value', 'The title cannot be empty. Example: title="Patch db01 to 15.4"', {
      field: 'title',
      example: 'title="Patch db01 to 15.4"',
    });
  }
  if (f.category !== undefined) set('category', f.category);
  if (f.emergency !== undefined) set('emergency', f.emergency);
  if (f.impact !== undefined) set('impact', f.impact);
  if (f.likelihood !== undefined) set('likelihood', f.likelihood);
  if (f.urgency !== undefined) set('urgency', f.urgency);
  if (f.owner !== undefined) set('owner', knownOwner(tx, f.owner, actor, now));
  if (f.services !== undefined) set('services', checkServices(tx, f.services));
  if (f.outageMinutes !== undefined || f.audience !== undefined) {
    const minutes = f.outageMinutes ?? next.outage?.minutes ?? 0;
    const audience = f.audience === undefined ? next.outage?.audience : checkText('audience', f.audience) || undefined;
    set('outage', minutes > 0 || audience ? { minutes, audience } : null, 'outage');
  }
  const w = windowFrom(f, next.window, now);
  if (w !== undefined) set('window', w, 'window');
  return { rfc: next, changed };
}

/**
 * The window the fields describe, `undefined` when they don't touch it. Bounded, so that no
 * command makes the conflict check expand maintenance windows over centuries: at most a year
 * long, and a start given now lies at most a day in the past (an end moved on a running change
 * keeps the start it had).
 */
export function windowFrom(f: { start?: Date; end?: Date; durationMinutes?: number }, current: Rfc['window'], now: Date): Rfc['window'] | undefined {
  if (f.start === undefined && f.end === undefined && f.durationMinutes === undefined) return undefined;
  const start = f.start ?? current?.start;
  if (!start) {
    throw new ChangebotError('bad_value', 'Give a start for the window. Example: start="2026-12-05 22:00" duration=2h', {
      field: 'start',
      example: 'start="2026-12-05 22:00" duration=2h',
    });
  }
  if (f.start !== undefined && f.start.getTime() < now.getTime() - MAX_PAST_START_MS) {
    throw new ChangebotError('bad_value', 'A window can start at most a day in the past. Give a start from now on, e.g. start="tomorrow 22:00" duration=2h.', {
      field: 'start',
      example: 'start="tomorrow 22:00" duration=2h',
    });
  }
  let end = f.end;
  if (!end && f.durationMinutes !== undefined) end = new Date(start.getTime() + f.durationMinutes * 60_000);
  if (!end && current) end = new Date(start.getTime() + (current.end.getTime() - current.start.getTime()));
  if (!end) {
    throw new ChangebotError('bad_value', 'Give an end or a duration for the window. Example: start="2026-12-05 22:00" duration=2h', {
      field: 'end',
      example: 'end="2026-12-06 01:00" or duration=2h',
    });
  }
  if (end.getTime() <= start.getTime()) {
    throw new ChangebotError('bad_value', 'The window must end after it starts.', { field: 'end' });
  }
  // Bounded work: conflict checks expand maintenance windows over the whole window.
  if (end.getTime() - start.getTime() > MAX_WINDOW_MS) {
    throw new ChangebotError('bad_value', 'A window is at most a year long. Give an end or a duration within a year of its start, e.g. duration=4h.', {
      field: 'end',
      example: 'duration=4h',
    });
  }
  return { start, end };
}

/**
 * The change owner must be a person changebot knows (in the people table: seen on a platform,
 * granted a role, or a CLI user who has run a command), so that someone real is accountable and
 * can be reached; a typo like `owner=nobody` is refused rather than stored.
 *
 * One exception: a person on the actor's own Slack workspace (or on Teams when the actor is on
 * Teams). There a person is named by a mention the platform itself resolved (Slack sends
 * `<@U123>` only for a member picked from its list; the Teams adapter turns mentions into
 * `teams:<aad id>`), so the platform vouches for them even if they never used changebot; they
 * are recorded as a person now, and get their owner card when the bot first messages them. The
 * app layer cannot tell a mention from the same id typed out in full, which is accepted too:
 * it names someone in the actor's own workspace either way.
 */
export function knownOwner(tx: Db, owner: PersonId, actor: Pick<Actor, 'id'>, now: Date, field = 'owner'): PersonId {
  if (findPerson(tx, owner)) return owner;
  if (vouchedBy(actor.id, owner)) {
    ensurePerson(tx, owner, now);
    return owner;
  }
  throw refusal(
    'bad_value',
    `${field}="${owner}": changebot doesn't know that person yet. The ${field === 'owner' ? 'owner' : 'person'} must have used changebot (in Slack, Teams or the CLI) or hold a role.`,
    [{ step: 'introduce', person: owner }],
    { field },
  );
}

/** Whether the actor's platform vouches for `person`: the same Slack workspace, or both on Teams. */
function vouchedBy(actor: PersonId, person: PersonId): boolean {
  const slack = /^slack:([A-Za-z0-9]+)\//;
  const workspace = slack.exec(actor)?.[1];
  if (workspace) return slack.exec(person)?.[1] === workspace;
  return actor.startsWith('teams:') && person.startsWith('teams:');
}

export function checkServices(tx: Db, names: string[]): string[] {
  const known = new Map(listServices(tx).map((s) => [s.name.toLowerCase(), s.name]));
  const out: string[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const n = cleanText(raw, 'line');
    if (!n) continue;
    const name = known.get(n.toLowerCase());
    if (name) {
      if (!out.includes(name)) out.push(name);
    } else unknown.push(n);
  }
  if (unknown.length) {
    const list = [...known.values()];
    const message = `Unknown service${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}.`;
    if (!list.length)
      throw refusal('bad_value', `${message} The service catalogue is empty.`, [{ step: 'add-service', because: 'catalogue-empty' }], { field: 'services' });
    throw new ChangebotError('bad_value', `${message} Known services: ${list.join(', ')}.`, { field: 'services' });
  }
  return out;
}
