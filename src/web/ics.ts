/**
 * `GET /calendar/feeds/<token>.ics`: a person's calendar feed (src/app/feeds.ts) as iCalendar,
 * for calendar apps to subscribe to. No session: the token in the URL is the credential, so a
 * wrong or rotated token gets a plain 404 that does not say whether it ever existed.
 *
 * Changes, waves, votes and blackouts are written in UTC; a maintenance window is one
 * recurring event with its RRULE and DTSTART in its own zone (TZID), and the calendar carries a
 * VTIMEZONE for each such zone, built from the zone database with luxon (its transitions from
 * the year before the feed's range to FEED_ZONE_YEARS after).
 */
import type { FastifyInstance } from 'fastify';
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';
import type { AppContext } from '../app/context.js';
import { type Feed, feedFromToken } from '../app/feeds.js';
import { zoneAbbreviation } from '../domain/windows.js';

/** How many years of a zone's clock changes each VTIMEZONE lists (after the last, its last offset holds). */
export const FEED_ZONE_YEARS = 15;
/** How often calendar apps are asked to fetch the feed again. */
const REFRESH_SECONDS = 30 * 60;

const STATUS = { confirmed: ICalEventStatus.CONFIRMED, tentative: ICalEventStatus.TENTATIVE, cancelled: ICalEventStatus.CANCELLED } as const;

export function icsRoutes(scope: FastifyInstance, ctx: AppContext): void {
  scope.get<{ Params: { file: string } }>('/calendar/feeds/:file', async (req, reply) => {
    const file = req.params.file;
    const feed = file.endsWith('.ics') ? feedFromToken(ctx, file.slice(0, -'.ics'.length)) : undefined;
    if (!feed) return reply.code(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, no-cache')
      .header('referrer-policy', 'no-referrer')
      .header('content-disposition', 'inline; filename="changebot.ics"')
      .send(feedIcs(feed, ctx.clock.now()));
  });
}

/**
 * ical-generator escapes text properties (SUMMARY, DESCRIPTION) but writes the calendar's name
 * and an event's UID as given: control characters (a CR LF would start a property of its own)
 * are dropped from them here.
 */
export function plainLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The feed as an iCalendar text. */
export function feedIcs(feed: Feed, now: Date): string {
  const fromYear = feed.range.start.getUTCFullYear() - 1;
  const cal = ical({
    name: plainLine(feed.name),
    prodId: { company: 'changebot', product: 'change calendar', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: REFRESH_SECONDS,
    timezone: { name: null, generator: (zone) => vtimezone(zone, fromYear, fromYear + 1 + FEED_ZONE_YEARS) },
  });
  for (const e of feed.events) {
    const zoned = e.recurrence?.timezone;
    cal.createEvent({
      id: plainLine(e.uid),
      sequence: e.sequence,
      stamp: now,
      start: zoned ? DateTime.fromJSDate(e.start, { zone: zoned }) : e.start,
      end: zoned ? DateTime.fromJSDate(e.end, { zone: zoned }) : e.end,
      ...(zoned ? { timezone: zoned, repeating: e.recurrence?.rrule ?? null } : {}),
      summary: e.summary,
      description: e.description,
      ...(e.url ? { url: e.url } : {}),
      status: STATUS[e.status],
      transparency: e.free ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
      x: { 'X-CHANGEBOT-KIND': e.kind },
    });
  }
  return cal.toString();
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const offsetText = (minutes: number): string => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
};

/** `at` as the wall clock shows it at offset `offset` minutes: 20261025T030000. */
const localText = (at: number, offset: number): string =>
  new Date(at + offset * MINUTE)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, '');

/**
 * A VTIMEZONE for `zone`: its offset on 1 January `fromYear`, then one observance per clock
 * change up to the end of `toYear`, each at the instant the zone database has it.
 */
export function vtimezone(zone: string, fromYear: number, toYear: number): string | null {
  if (!IANAZone.isValidZone(zone)) return null;
  const z = IANAZone.create(zone);
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const observance = (at: number, from: number, to: number) => {
    const dt = DateTime.fromMillis(at, { zone });
    const type = dt.isInDST ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${type}`,
      `DTSTART:${localText(at, from)}`,
      `TZOFFSETFROM:${offsetText(from)}`,
      `TZOFFSETTO:${offsetText(to)}`,
      `TZNAME:${zoneAbbreviation(dt)}`,
      `END:${type}`,
    );
  };
  let offset = z.offset(start);
  observance(start, offset, offset);
  for (let t = start; t < end; t += DAY) {
    const next = z.offset(t + DAY);
    if (next === offset) continue;
    // The minute the clocks change, between t (old offset) and t + DAY (new one).
    let lo = t / MINUTE;
    let hi = (t + DAY) / MINUTE;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (z.offset(mid * MINUTE) === offset) lo = mid;
      else hi = mid;
    }
    const changed = z.offset(hi * MINUTE);
    observance(hi * MINUTE, offset, changed);
    offset = changed;
    // A second change within the same day (never seen, but possible): look again from here.
    if (changed !== next) t = hi * MINUTE - DAY;
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
