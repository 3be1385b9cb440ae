/**
 * `GET /calendar`: the Forward Schedule of Change as a page, a week or a month
 * (`?view=week|month&date=YYYY-MM-DD`), filtered by `service=`, `state=` (repeat them or
 * separate with commas) and `person=`, in the viewer's zone (`tz=` overrides it). A visitor
 * gets the sign-in page, or the read-only public calendar when `web.public-calendar` is on;
 * there a small script adds the browser's zone as `tz=` when none was given.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { type ForwardSchedule, type ForwardScheduleInput, forwardSchedule } from '../app/forward-schedule.js';
import { type DayCell, type DayEntry, LEGEND, RISK_NAMES, STATE_NAMES } from '../domain/forward-schedule.js';
import { CALENDAR_STYLE } from './calendar-style.js';
import { type Html, html, page, trusted } from './html.js';
import { signedIn } from './session.js';
import type { WebViewer } from './session.js';

type Query = Record<string, string | string[] | undefined>;

/** One value of a parameter (the last, when repeated); undefined when absent. */
function one(q: Query, name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return s === undefined ? undefined : s.trim();
}

/** Every value of a parameter, repeated or comma-separated, blanks dropped. */
function many(q: Query, name: string): string[] {
  const v = q[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function calendarInput(q: Query): ForwardScheduleInput {
  const input: ForwardScheduleInput = {};
  const view = one(q, 'view');
  const date = one(q, 'date');
  const tz = one(q, 'tz');
  const person = one(q, 'person');
  if (view) input.view = view;
  if (date) input.date = date;
  if (tz) input.tz = tz;
  if (person) input.person = person;
  if (q.team !== undefined) input.team = one(q, 'team') ?? '';
  const services = many(q, 'service');
  const states = many(q, 'state');
  if (services.length) input.services = services;
  if (states.length) input.states = states;
  return input;
}

/** The calendar's address with some parameters changed (the filters and an explicit tz kept). */
function hrefFor(m: ForwardSchedule, change: { view?: string; date?: string }): string {
  const p = new URLSearchParams();
  p.set('view', change.view ?? m.grid.view);
  p.set('date', change.date ?? m.grid.date);
  if (m.zoneFrom === 'tz') p.set('tz', m.grid.zone);
  for (const s of m.filters.services) p.append('service', s);
  for (const s of m.filters.states) p.append('state', s);
  if (m.filters.person) p.set('person', m.filters.person.id);
  return `/calendar?${p.toString()}`;
}

function span(e: Pick<DayEntry, 'from' | 'to' | 'allDay'>): string {
  if (e.allDay) return 'all day';
  return `${e.from ?? '…'}–${e.to ?? '…'}`;
}

function entry(e: DayEntry): Html {
  const i = e.item;
  const what = `${i.key} ${i.title}`;
  const meta = [STATE_NAMES[i.state], i.kind === 'rfc' ? RISK_NAMES[i.risk ?? 'none'] : null, i.services.join(', ') || null].filter(Boolean).join(' · ');
  const reasons = i.conflicts.length ? html`<ul class="reasons">${i.conflicts.map((c) => html`<li>${c.message}</li>`)}</ul>` : '';
  return html`<li class="${e.classes.join(' ')}" data-key="${i.key}"${i.wave ? html` data-wave="${i.wave}"` : ''} title="${what} · ${meta}"><a href="${i.href}"><span class="t">${span(e)}</span><b>${i.key}</b> ${i.title}<span class="meta">${meta}</span></a>${reasons}</li>`;
}

function dayCell(d: DayCell): Html {
  const bar = d.shades.length
    ? html`<div class="dayline" aria-hidden="true">${d.shades.map((s) => html`<span class="${s.cls}" style="left:${s.left}%;width:${s.width}%"></span>`)}</div>`
    : '';
  const shades = d.shades.length
    ? html`<ul class="shades">${d.shades.map((s) => html`<li class="shade ${s.cls}">${s.label} <span class="t">${span(s)}</span></li>`)}</ul>`
    : '';
  const items = d.entries.length ? html`<ul class="items">${d.entries.map(entry)}</ul>` : '';
  return html`<section class="${d.classes.join(' ')}" data-date="${d.date}"><h3><span class="wd">${d.weekday}</span><span class="dn">${d.dayOfMonth}</span><span class="full">${d.label}</span></h3>${bar}${shades}${items}</section>`;
}

function select(name: string, label: string, any: string, options: { value: string; text: string }[], chosen: string | undefined): Html {
  return html`<label>${label}<select name="${name}"><option value="">${any}</option>${options.map(
    (o) => html`<option value="${o.value}"${o.value === chosen ? trusted(' selected') : ''}>${o.text}</option>`,
  )}</select></label>`;
}

function legend(): Html {
  const row = (entries: { cls: string; label: string }[]) => html`<ul>${entries.map((e) => html`<li><span class="sw ${e.cls}"></span>${e.label}</li>`)}</ul>`;
  return html`<section class="legend" aria-label="Legend"><strong>Legend</strong> <span class="muted">fill: state · left edge: risk</span>${row(LEGEND.states)}${row(LEGEND.risks)}${row(LEGEND.marks)}</section>`;
}

const ZONE_WORDS = { tz: 'as asked (tz=)', person: 'your time zone', deployment: 'this deployment’s time zone' } as const;

export function calendarPage(m: ForwardSchedule, viewer: WebViewer | undefined): Html {
  const g = m.grid;
  const filters = html`<form class="cal-filters" method="get" action="/calendar">
<input type="hidden" name="view" value="${g.view}"><input type="hidden" name="date" value="${g.date}">${m.zoneFrom === 'tz' ? html`<input type="hidden" name="tz" value="${g.zone}">` : ''}
${select(
  'service',
  'Service',
  'All services',
  m.options.services.map((s) => ({ value: s, text: s })),
  m.filters.services[0],
)}
${select(
  'state',
  'State',
  'All states',
  m.options.states.map((s) => ({ value: s, text: STATE_NAMES[s] })),
  m.filters.states[0],
)}
${
  m.visitor
    ? ''
    : select(
        'person',
        'Person (requester or owner)',
        'Anyone',
        m.options.people.map((p) => ({ value: p.id, text: p.name })),
        m.filters.person?.id,
      )
}
<button type="submit">Filter</button> <a class="button secondary" href="/calendar?view=${g.view}&amp;date=${g.date}${m.zoneFrom === 'tz' ? `&tz=${encodeURIComponent(g.zone)}` : ''}">Clear</a></form>`;
  const chosen = [
    ...m.filters.services.map((s) => `service ${s}`),
    ...m.filters.states.map((s) => STATE_NAMES[s].toLowerCase()),
    ...(m.filters.person ? [`${m.filters.person.name}’s changes`] : []),
  ];
  const items = m.days.reduce((n, d) => n + d.entries.length, 0);
  const body = html`<h1>Forward Schedule of Change</h1>
<div class="cal-bar"><nav class="cal-nav" aria-label="Move"><a href="${hrefFor(m, { date: g.prev })}" rel="prev">‹ Previous</a><a href="${hrefFor(m, { date: g.today })}">Today</a><a href="${hrefFor(m, { date: g.next })}" rel="next">Next ›</a></nav>
<h2>${g.title}</h2>
<nav class="cal-views" aria-label="View"><a href="${hrefFor(m, { view: 'week' })}"${g.view === 'week' ? trusted(' class="current" aria-current="page"') : ''}>Week</a><a href="${hrefFor(m, { view: 'month' })}"${g.view === 'month' ? trusted(' class="current" aria-current="page"') : ''}>Month</a></nav></div>
<p class="cal-zone muted">Times in <strong class="zone">${g.zone}</strong> (${ZONE_WORDS[m.zoneFrom]}).${m.visitor ? ' This is the public calendar: read-only; sign in from chat (/rfc web) to open a change.' : ''}</p>
${filters}
${chosen.length ? html`<p class="notice">Showing only ${chosen.join(', ')}.</p>` : ''}
${m.total > m.shown ? html`<p class="notice">Showing the first ${m.shown} of ${m.total} changes in this ${g.view}; filter by service or state to see the rest.</p>` : ''}
${items === 0 ? html`<p class="cal-empty muted">Nothing is planned in this ${g.view}${chosen.length ? ' for these filters' : ''}.</p>` : ''}
<div class="cal cal-${g.view}">${g.view === 'month' ? m.days.slice(0, 7).map((d) => html`<div class="wdh">${d.weekday}</div>`) : ''}${m.days.map(dayCell)}</div>
${legend()}`;
  return page({
    title: `Calendar · ${g.title}`,
    viewer,
    body,
    head: m.zoneFrom === 'deployment' ? html`${CALENDAR_STYLE}${browserZone(g.zone)}` : CALENDAR_STYLE,
  });
}

/** A visitor without tz=: reload with the browser's own zone, if it differs from the one shown. */
function browserZone(shown: string): Html {
  const zone = JSON.stringify(shown).replace(/</g, '\\u003c');
  return trusted(
    `<script>(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;var u=new URL(location.href);if(z&&z!==${zone}&&!u.searchParams.has("tz")){u.searchParams.set("tz",z);location.replace(u.toString());}}catch(e){}})();</script>`,
  );
}

export function calendarRoutes(scope: FastifyInstance, ctx: AppContext): void {
  scope.get<{ Querystring: Query }>('/calendar', async (req, reply) => {
    let viewer: WebViewer | undefined = req.viewer ?? undefined;
    if (!viewer && !ctx.policy.webPublicCalendar) {
      viewer = signedIn(req, reply);
      if (!viewer) return reply;
    }
    const model = forwardSchedule(ctx, viewer?.actor ?? null, calendarInput(req.query ?? {}));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store').send(calendarPage(model, viewer).markup);
  });
}
