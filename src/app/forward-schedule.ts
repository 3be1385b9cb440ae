/**
 * The Forward Schedule of Change (the web calendar): changes holding a window and release waves
 * over a week or a month, with the maintenance windows and blackouts that shade it and the
 * conflicts of each change, in the viewer's zone, filtered by service, state and person.
 * Anyone signed in reads it; a visitor (actor null) only when the public calendar is on, and
 * then without people (no person filter, no names).
 */
import { findPerson } from '../db/repos/people.js';
import { findService, listBlackouts, listMaintenance, listServices } from '../db/repos/catalogue.js';
import { HOLDING_WAVE_STATES, waveSlotsInWindow, wavesInWindow } from '../db/repos/releases.js';
import { peopleInRange, rfcsInRange } from '../db/repos/schedule-range.js';
import { ChangebotError } from '../domain/errors.js';
import {
  type CalendarView,
  type DayCell,
  type Grid,
  type ScheduleItem,
  SHOWN_RFC_STATES,
  SHOWN_STATES,
  type ShownState,
  calendarGrid,
  dayOf,
  layOut,
  parseDay,
  parseStates,
  parseView,
  parseZone,
  shadesIn,
} from '../domain/forward-schedule.js';
import { riskOf } from '../domain/policy.js';
import type { Actor, PersonId } from '../domain/types.js';
import type { AppContext } from './context.js';
import { shownConflicts } from './conflicts-cache.js';
import { conflictsOf, waveTitle } from './queries.js';

/** What the calendar is asked for, as typed in its address (the web passes the query's strings). */
export interface ForwardScheduleInput {
  view?: string;
  /** `YYYY-MM-DD`: a day in the week or month to show (default today). */
  date?: string;
  /** An IANA zone overriding the viewer's own. */
  tz?: string;
  services?: string[];
  states?: string[];
  /** A person id, or `me`: their changes as requester or owner (and waves of releases they manage). */
  person?: string;
  /** Not yet: teams come with issue 14. */
  team?: string;
}

export interface PersonOption {
  id: PersonId;
  name: string;
}

export interface ForwardSchedule {
  grid: Grid;
  days: DayCell[];
  /** Where the zone came from: `tz=`, the person's stored zone, or the deployment's (a visitor). */
  zoneFrom: 'tz' | 'person' | 'deployment';
  /** A visitor of the public calendar: read-only, no people. */
  visitor: boolean;
  filters: { services: string[]; states: ShownState[]; person: PersonOption | null };
  options: { services: string[]; states: readonly ShownState[]; people: PersonOption[] };
  /** How many changes are shown, and how many matched (more than shown when the range is crowded). */
  shown: number;
  total: number;
}

/** At most this many changes on one page (each is checked for conflicts); the page says when there are more. */
export const SCHEDULE_SHOWN = 400;

function nameOf(ctx: AppContext, id: PersonId): string {
  return findPerson(ctx.database.db, id)?.displayName ?? id;
}

export function forwardSchedule(ctx: AppContext, actor: Actor | null, input: ForwardScheduleInput): ForwardSchedule {
  const db = ctx.database.db;
  if (!actor && !ctx.policy.webPublicCalendar) {
    throw new ChangebotError('forbidden', 'The calendar is for signed-in people: type /rfc web in Slack (or web in Teams) for a sign-in link.');
  }
  if (input.team !== undefined) {
    throw new ChangebotError(
      'bad_value',
      'Teams do not exist yet, so team= cannot filter the calendar. Filter by person instead: person=me, or choose someone in the Person list.',
      { field: 'team' },
    );
  }
  const zone = input.tz ? parseZone(input.tz) : (actor?.timezone ?? ctx.timezone);
  const view: CalendarView = input.view ? parseView(input.view) : 'week';
  const now = ctx.clock.now();
  const day = input.date ? parseDay(input.date, zone) : undefined;
  const grid = calendarGrid(view, day ?? dayOf(now, zone), zone, now);

  const catalogue = listServices(db).map((s) => s.name);
  const services = (input.services ?? []).map((given) => {
    const found = findService(db, given);
    if (!found) {
      throw new ChangebotError('bad_value', `service=${given} is not a service. Choose one of: ${catalogue.join(', ') || '(no services yet)'}.`, {
        field: 'service',
      });
    }
    return found.name;
  });
  const states = input.states?.length ? parseStates(input.states) : [];
  let person: PersonOption | null = null;
  if (input.person !== undefined && input.person !== '') {
    if (!actor) throw new ChangebotError('forbidden', 'Sign in to filter by person: the public calendar shows no people. Type /rfc web in chat.');
    const id = input.person === 'me' ? actor.id : input.person;
    if (!findPerson(db, id)) {
      throw new ChangebotError('bad_value', `person=${input.person} is nobody changebot knows. Use person=me, or choose someone in the Person list.`, {
        field: 'person',
      });
    }
    person = { id, name: nameOf(ctx, id) };
  }

  const range = grid.range;
  const wantRfc = SHOWN_RFC_STATES.filter((s) => !states.length || states.includes(s));
  const { rows, total } = wantRfc.length
    ? rfcsInRange(db, { states: wantRfc, range, services, ...(person ? { person: person.id } : {}), limit: SCHEDULE_SHOWN })
    : { rows: [], total: 0 };
  const items: ScheduleItem[] = rows.map((r) => ({
    kind: 'rfc',
    key: r.key,
    href: `/rfc/${r.key}`,
    title: r.title,
    state: r.state as ShownState,
    risk: riskOf(r.impact, r.likelihood),
    window: r.window!,
    services: r.services,
    conflicts: shownConflicts(ctx.database, r, zone, () => conflictsOf(db, r, zone)).map((c) => ({ message: c.message, needs: c.needs })),
  }));

  const managers = person ? new Map(wavesInWindow(db, HOLDING_WAVE_STATES, range).map((w) => [w.release.key, w.release.manager])) : null;
  for (const w of waveSlotsInWindow(db, range)) {
    if (states.length && !states.includes(w.state as ShownState)) continue;
    if (services.length && !w.services.some((s) => services.includes(s))) continue;
    if (person && managers?.get(w.releaseKey) !== person.id) continue;
    items.push({
      kind: 'wave',
      key: w.releaseKey,
      href: `/release/${w.releaseKey}`,
      title: waveTitle(w),
      state: w.state as ShownState,
      risk: null,
      window: w.window,
      services: w.services,
      conflicts: [],
      wave: w.number,
    });
  }

  const shades = shadesIn(listMaintenance(db), listBlackouts(db), range, services);
  const people = actor
    ? [...new Set([actor.id, ...peopleInRange(db, SHOWN_RFC_STATES, range), ...(person ? [person.id] : [])])]
        .map((id) => ({ id, name: id === actor.id ? `Me (${nameOf(ctx, id)})` : nameOf(ctx, id) }))
        .sort((a, b) => (a.id === actor.id ? -1 : b.id === actor.id ? 1 : a.name.localeCompare(b.name)))
    : [];

  return {
    grid,
    days: layOut(grid, items, shades),
    zoneFrom: input.tz ? 'tz' : actor ? 'person' : 'deployment',
    visitor: !actor,
    filters: { services, states, person },
    options: { services: catalogue, states: SHOWN_STATES, people },
    shown: rows.length,
    total,
  };
}
