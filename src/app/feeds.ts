/**
 * Calendar feeds: the forward schedule of change as iCalendar subscriptions. Each person has a
 * secret URL per feed (`all`, `mine`, `service:NAME`), made on first use and rotated on demand
 * (the old URL stops working at once). The URL is the credential: calendar apps fetch it
 * without a session, so a feed shows only what `/rfc calendar` shows anyone in the deployment,
 * plus, in `mine`, the person's own votes due.
 *
 * A feed covers FEED_PAST_DAYS back to FEED_AHEAD_DAYS ahead of now: changes whose planned
 * window overlaps that range in any state (cancelled, withdrawn and rejected ones as cancelled,
 * so a calendar app that showed them removes them), release waves, blackouts, and (in `all` and
 * a service's feed) the maintenance windows as recurring events in their own time zone.
 */
import { DateTime } from 'luxon';
import { findService, listBlackouts, listMaintenance } from '../db/repos/catalogue.js';
import { deploymentId } from '../db/repos/deployment.js';
import { rfcLogRows, rfcMoves } from '../db/repos/feeds.js';
import { rfcsInRange } from '../db/repos/schedule-range.js';
import { listLog } from '../db/repos/log.js';
import { findPerson, rolesOf } from '../db/repos/people.js';
import { findRelease, wavesInWindow } from '../db/repos/releases.js';
import { listVotes, queryRfcs } from '../db/repos/rfcs.js';
import { feedByToken, feedToken, listFeeds, rotateFeed } from '../db/repos/web.js';
import { ChangebotError, isChangebotError } from '../domain/errors.js';
import { IMPLEMENTING_ACTIONS } from '../domain/permissions.js';
import { approvalPath, needsSignoff } from '../domain/policy.js';
import { WAVE_STATES, type Release, type Wave } from '../domain/release.js';
import { releaseTeamOf } from '../domain/release-permissions.js';
import { releaseSubject } from '../domain/subject.js';
import type { Actor, ChangeLogEntry, MaintenanceWindow, PersonId, Rfc, RfcState, Window } from '../domain/types.js';
import { awaitingSignoff, voteCapacity } from '../domain/votes.js';
import { expandWindow, formatInstant, formatRange } from '../domain/windows.js';
import type { AppContext } from './context.js';
import { deployedByWaves } from './implementation.js';
import { waveTitle } from './queries.js';

export const FEED_PAST_DAYS = 30;
export const FEED_AHEAD_DAYS = 366;
const DAY = 86_400_000;
/** A vote without a deadline of its own (a change manager's approval) is due this long before the window opens. */
const APPROVAL_LEAD_MS = 3_600_000;
/** A vote-due event ends at the deadline and starts this long before it, so an alert at its start comes in time. */
const VOTE_EVENT_MS = 30 * 60_000;

/** `all`, `mine` or `service:NAME` (the service's name as the catalogue spells it). */
export type FeedName = 'all' | 'mine' | `service:${string}`;

/** Which feed(s) to rotate: one, or every feed the person has (`undefined`). */
export type FeedChoice = { feed: 'all' | 'mine' } | { service: string };

export interface FeedLink {
  feed: FeedName;
  /** "all changes", "your changes and votes", "changes to db". */
  label: string;
  url: string;
}

export type FeedEventKind = 'rfc' | 'wave' | 'vote' | 'blackout' | 'maintenance';

/** One VEVENT, as the web adapter writes it. */
export interface FeedEvent {
  kind: FeedEventKind;
  /** Stable across fetches: `rfc-RFC-12@<deployment id>`. */
  uid: string;
  /** Raised every time the subject moves (window or state). */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  url?: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /** Free time (a maintenance window, a vote): shown, but not busy. */
  free?: boolean;
  /** A maintenance window: its RRULE body (UNTIL in UTC) and zone; `start` is its first occurrence in the range. */
  recurrence?: { rrule: string; timezone: string };
}

export interface Feed {
  feed: FeedName;
  /** The calendar's name: "Changes (changebot)". */
  name: string;
  /** The feed owner's zone, for the descriptions' times. */
  zone: string;
  range: Window;
  events: FeedEvent[];
}

const label = (feed: FeedName): string =>
  feed === 'all' ? 'all changes' : feed === 'mine' ? 'your changes, waves and votes due' : `changes to ${feed.slice('service:'.length)}`;

export function feedUrl(ctx: AppContext, token: string): string {
  return `${ctx.publicUrl}/calendar/feeds/${token}.ics`;
}

function serviceFeed(ctx: AppContext, service: string): FeedName {
  const found = findService(ctx.database.db, service);
  if (!found) {
    throw new ChangebotError('not_found', `There is no service ${service}, so it has no feed. See the services with \`/rfc admin service list\`.`, {
      field: 'service',
    });
  }
  return `service:${found.name}`;
}

const SORT: Record<string, number> = { all: 0, mine: 1 };
const byFeed = (a: { feed: string }, b: { feed: string }) => (SORT[a.feed] ?? 2) - (SORT[b.feed] ?? 2) || a.feed.localeCompare(b.feed);

/**
 * The actor's feed links: `all` and `mine` always (made on first use), the service's when
 * `service` is given, and any other service feed they made before.
 */
export function feedLinks(ctx: AppContext, actor: Actor, opts: { service?: string } = {}): FeedLink[] {
  const wanted: FeedName[] = ['all', 'mine'];
  if (opts.service) wanted.push(serviceFeed(ctx, opts.service));
  return ctx.database.db.transaction(
    (tx) => {
      const at = ctx.clock.now();
      for (const f of wanted) feedToken(tx, actor.id, f, at);
      return listFeeds(tx, actor.id)
        .sort(byFeed)
        .map((r) => ({ feed: r.feed as FeedName, label: label(r.feed as FeedName), url: feedUrl(ctx, r.token) }));
    },
    { behavior: 'immediate' },
  );
}

/**
 * New secret URLs for one of the actor's feeds, or for every feed they have (`all` and `mine`
 * at least) when `which` is undefined. The old URLs stop working at once. Returns the rotated links.
 */
export function rotateFeeds(ctx: AppContext, actor: Actor, which?: FeedChoice): FeedLink[] {
  const one: FeedName | undefined = which ? ('service' in which ? serviceFeed(ctx, which.service) : which.feed) : undefined;
  return ctx.database.db.transaction(
    (tx) => {
      const at = ctx.clock.now();
      const names = one ? [one] : [...new Set<FeedName>(['all', 'mine', ...listFeeds(tx, actor.id).map((r) => r.feed as FeedName)])];
      return names.map((f) => ({ feed: f, label: label(f), url: feedUrl(ctx, rotateFeed(tx, actor.id, f, at)) })).sort(byFeed);
    },
    { behavior: 'immediate' },
  );
}

const CANCELLED: readonly RfcState[] = ['cancelled', 'withdrawn', 'rejected'];
const TENTATIVE: readonly RfcState[] = ['draft', 'submitted', 'awaiting_approval'];

function rfcStatus(state: RfcState): FeedEvent['status'] {
  return CANCELLED.includes(state) ? 'cancelled' : TENTATIVE.includes(state) ? 'tentative' : 'confirmed';
}

const words = (s: string) => s.replace(/_/g, ' ');

/**
 * The feed a token opens, or undefined when no feed has that token (never made, or rotated
 * since): the caller answers a plain 404 either way.
 */
export function feedFromToken(ctx: AppContext, token: string): Feed | undefined {
  const db = ctx.database.db;
  const found = /^[\w-]{20,100}$/.test(token) ? feedByToken(db, token) : undefined;
  if (!found) return undefined;
  const feed = found.feed as FeedName;
  const person = found.personId as PersonId;
  const now = ctx.clock.now();
  const range: Window = { start: new Date(now.getTime() - FEED_PAST_DAYS * DAY), end: new Date(now.getTime() + FEED_AHEAD_DAYS * DAY) };
  const zone = findPerson(db, person)?.timezone ?? ctx.timezone;
  const host = deploymentId(db, now);
  const service = feed.startsWith('service:') ? feed.slice('service:'.length) : undefined;
  const mine = feed === 'mine';
  const events: FeedEvent[] = [];

  // Changes. A change its release deploys is shown by the release's waves, as in `/rfc calendar`.
  const rfcs = rfcsInRange(db, {
    range,
    withReleaseRfcs: true,
    ...(service ? { services: [service] } : {}),
    ...(mine ? { person: person as PersonId, implementing: IMPLEMENTING_ACTIONS } : {}),
  }).rows.filter((r) => !deployedByWaves(r) && (mine || r.state !== 'draft'));
  const moves = rfcMoves(
    db,
    rfcs.map((r) => r.key),
  );
  for (const r of rfcs) events.push(rfcEvent(ctx, r, r.window as Window, moves.get(r.key) ?? 0, host, zone));

  // Release waves.
  const releases = new Map<string, { release: Release; log: ChangeLogEntry[] } | null>();
  const releaseOf = (key: string) => {
    if (!releases.has(key)) {
      const release = findRelease(db, key);
      releases.set(key, release ? { release, log: listLog(db, releaseSubject(key)) } : null);
    }
    return releases.get(key) ?? null;
  };
  for (const { release: summary, wave } of wavesInWindow(db, WAVE_STATES, range)) {
    if (service && !wave.services.includes(service)) continue;
    const held = releaseOf(summary.key);
    if (!held) continue;
    if (mine && !releaseTeamOf(held.release).includes(person)) continue;
    events.push(waveEvent(ctx, held.release, held.log, wave, host, zone));
  }

  // Votes due: the person's, as a CAB member or an approver.
  if (mine) events.push(...votesDue(ctx, person, host, zone, range));

  // Blackouts, in every feed: nothing but emergencies runs in one.
  for (const b of listBlackouts(db)) {
    if (b.end.getTime() <= range.start.getTime() || b.start.getTime() >= range.end.getTime()) continue;
    events.push({
      kind: 'blackout',
      uid: `blackout-${b.id}@${host}`,
      sequence: 0,
      start: b.start,
      end: b.end,
      summary: `Blackout${b.reason ? `: ${b.reason}` : ''}`,
      description: `Change freeze ${formatRange(b, zone)}: only emergency changes may run.${b.reason ? `\nReason: ${b.reason}` : ''}`,
      status: 'confirmed',
    });
  }

  // Maintenance windows, in `all` and a service's feed (the global ones and the service's own).
  if (!mine) {
    for (const w of listMaintenance(db)) {
      if (service && w.service !== null && w.service !== service) continue;
      const e = maintenanceEvent(w, range, host);
      if (e) events.push(e);
    }
  }

  events.sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid));
  const name = feed === 'all' ? 'Changes' : mine ? 'My changes' : `Changes to ${service}`;
  return { feed, name: `${name} (changebot)`, zone, range, events };
}

function rfcEvent(ctx: AppContext, r: Rfc, window: Window, sequence: number, host: string, zone: string): FeedEvent {
  const url = `${ctx.publicUrl}/rfc/${r.key}`;
  const lines = [
    `${r.key} ${r.title}`,
    `State: ${words(r.state)}${r.emergency ? ' (emergency)' : ''}; category: ${r.category}`,
    `Services: ${r.services.join(', ') || 'none'}`,
    `Window: ${formatRange(window, zone)}`,
    `Owner: ${r.owner}`,
    ...(r.outage?.minutes ? [`Expected outage: ${r.outage.minutes} min${r.outage.audience ? ` for ${r.outage.audience}` : ''}`] : []),
    ...(r.description ? ['', r.description] : []),
    '',
    url,
  ];
  return {
    kind: 'rfc',
    uid: `rfc-${r.key}@${host}`,
    sequence,
    start: window.start,
    end: window.end,
    summary: `${r.key} ${r.title}${r.services.length ? ` [${r.services.join(', ')}]` : ''}`,
    description: lines.join('\n'),
    url,
    status: rfcStatus(r.state),
  };
}

/** How often the wave moved: the release's log rows about it, and the release's phase changes since it was planned. */
function waveSequence(rows: readonly ChangeLogEntry[], number: number): number {
  const about = (d: Record<string, unknown> | null) => d?.wave === number || (Array.isArray(d?.waves) && d.waves.includes(number));
  const added = rows.findIndex((e) => e.action === 'wave-add' && about(e.detail));
  return rows.filter((e, i) => about(e.detail) || (added >= 0 && i > added && e.toState !== null)).length;
}

function waveEvent(ctx: AppContext, r: Release, log: readonly ChangeLogEntry[], w: Wave, host: string, zone: string): FeedEvent {
  const ended = ['review', 'closed', 'cancelled'].includes(r.phase);
  const status: FeedEvent['status'] =
    w.state === 'planned' && ended ? 'cancelled' : w.state === 'planned' && r.phase === 'suspended' ? 'tentative' : 'confirmed';
  const url = `${ctx.publicUrl}/release/${r.key}`;
  const title = waveTitle({ number: w.number, pilot: w.pilot, releaseName: r.name });
  return {
    kind: 'wave',
    uid: `release-${r.key}-wave-${w.number}@${host}`,
    sequence: waveSequence(log, w.number),
    start: w.window.start,
    end: w.window.end,
    summary: `${r.key} ${title}`,
    description: [
      `${r.key} ${r.name}: deployment ${title.split(' · ')[0]}`,
      `Wave: ${words(w.state)}; release: ${words(r.phase)}`,
      `Services: ${w.services.join(', ') || 'none'}`,
      `Window: ${formatRange(w.window, zone)}`,
      `Release manager: ${r.manager}`,
      ...(w.outageMinutes ? [`Expected outage: ${w.outageMinutes} min`] : []),
      '',
      url,
    ].join('\n'),
    url,
    status,
  };
}

/** RFCs awaiting the person's vote: as a CAB member of the vote's snapshot, or as the change manager whose decision it waits for. */
function votesDue(ctx: AppContext, person: PersonId, host: string, zone: string, range: Window): FeedEvent[] {
  const db = ctx.database.db;
  const policy = ctx.policy;
  const actor = { id: person, roles: rolesOf(db, person), timezone: zone };
  if (!actor.roles.has('cab') && !actor.roles.has('change-manager')) return [];
  const out: FeedEvent[] = [];
  const keyOf = new Map<FeedEvent, string>();
  for (const rfc of queryRfcs(db, { states: ['awaiting_approval'] }).rows) {
    const votes = listVotes(db, rfc.id);
    let capacity: ReturnType<typeof voteCapacity>;
    try {
      capacity = voteCapacity(actor, rfc, policy, votes);
    } catch (err) {
      if (isChangebotError(err)) continue;
      throw err;
    }
    if (votes.some((v) => v.voter === person && v.capacity === capacity)) continue;
    const path = approvalPath(rfc, policy);
    // A change manager may always weigh in (veto, tie-break); it is due only when the decision waits for one.
    const awaitsManager =
      path === 'change-manager' ||
      rfc.escalated ||
      awaitingSignoff(rfc, policy, votes) ||
      (needsSignoff(path) && !votes.some((v) => v.capacity === 'change-manager' && v.choice === 'approve'));
    if (capacity === 'change-manager' && !awaitsManager) continue;
    const deadline = rfc.voteDeadline ?? (rfc.window ? new Date(rfc.window.start.getTime() - APPROVAL_LEAD_MS) : null);
    if (!deadline || deadline.getTime() < range.start.getTime()) continue;
    const url = `${ctx.publicUrl}/rfc/${rfc.key}`;
    const as = capacity === 'cab' ? 'a CAB member' : 'change manager';
    const event: FeedEvent = {
      kind: 'vote',
      uid: `vote-${rfc.key}@${host}`,
      // Its time follows the deadline or the window, which move with the RFC's own rows
      // (submission, escalation, reschedule): their count only grows. Filled in below.
      sequence: 0,
      start: new Date(deadline.getTime() - VOTE_EVENT_MS),
      end: deadline,
      summary: `Vote due: ${rfc.key} ${rfc.title}`,
      description: [
        `Your vote on ${rfc.key} ${rfc.title} is due by ${formatInstant(deadline, zone)} (you vote as ${as}).`,
        ...(rfc.window ? [`Its window: ${formatRange(rfc.window, zone)}`] : []),
        `Vote in chat: /rfc vote ${rfc.key} approve (or reject, abstain), or on its card.`,
        '',
        url,
      ].join('\n'),
      url,
      status: 'confirmed',
      free: true,
    };
    out.push(event);
    keyOf.set(event, rfc.key);
  }
  const rows = rfcLogRows(db, [...keyOf.values()]);
  for (const e of out) e.sequence = rows.get(keyOf.get(e) as string) ?? 0;
  return out;
}

const UNTIL = /(^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?(?=;|$)/i;

/**
 * The rule as iCalendar wants it beside a zoned DTSTART: UNTIL in UTC. The stored rule's UNTIL
 * is wall-clock time in the window's zone (windows.ts expands it so), whatever its `Z`.
 */
export function icsRule(w: Pick<MaintenanceWindow, 'rrule' | 'timezone'>): string {
  const body = w.rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();
  return body.replace(UNTIL, (_m, lead: string, y: string, mo: string, d: string, h?: string, mi?: string, sec?: string) => {
    const wall = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(sec ?? 0) };
    const utc = DateTime.fromObject(wall, { zone: w.timezone }).toUTC();
    return `${lead}UNTIL=${utc.toFormat("yyyyLLdd'T'HHmmss'Z'")}`;
  });
}

/** Counted from here, in hours, a window event's SEQUENCE (small enough for any client's integer). */
const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);

/**
 * A maintenance window as one recurring event from its first occurrence in the range; none when
 * it has no occurrence there. Its DTSTART moves on as the range does, so its SEQUENCE is that
 * start in hours since 2020: it rises whenever the event changes (a window's rule never changes:
 * windows are added and removed, not edited).
 */
function maintenanceEvent(w: MaintenanceWindow, range: Window, host: string): FeedEvent | undefined {
  const first = expandWindow(w, range.start, range.end, () => true)[0];
  if (!first) return undefined;
  const scope = w.service ?? 'every service';
  return {
    kind: 'maintenance',
    uid: `maintenance-window-${w.id}@${host}`,
    sequence: Math.max(0, Math.floor((first.start.getTime() - SEQUENCE_EPOCH) / 3_600_000)),
    start: first.start,
    end: first.end,
    summary: `Maintenance window: ${scope}`,
    description: `Maintenance window ${w.id} for ${scope}: ${w.rrule} for ${w.durationMinutes} min (${w.timezone}). Changes to ${scope} run inside it without a reason.`,
    status: 'confirmed',
    free: true,
    recurrence: { rrule: icsRule(w), timezone: w.timezone },
  };
}
