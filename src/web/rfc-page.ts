/**
 * `GET /rfc/RFC-12`: one RFC as the signed-in person sees it: the details card (every field, in
 * the model's order, with the buttons this person may press now, cards.ts), the votes as cast
 * (who, what, comment, when), the conflicts with what each needs, and the change log with old
 * and new values. `Accept: application/json` gets the same as data.
 *
 * `POST /rfc/RFC-12/actions/<action_id>` is a press of one of those buttons: the form token is
 * checked first (nothing done without it), then the button becomes the same command a chat
 * click makes (`actionCommand`) and runs through `execute` with `platform: 'web'`, so the use
 * case checks the permission and the outbox refreshes the Slack and Teams cards as after a
 * click in chat. The answer is a redirect (303) to the page, which shows the outcome once.
 * Refusals are the web scope's error page, with the status errors.ts gives.
 */
import type { Metrics } from '../server/metrics.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorViewer, cardFromView, personalLine } from '../app/cards.js';
import type { AppContext } from '../app/context.js';
import { displayNames, rfcRecords } from '../app/detail-queries.js';
import { viewRfc } from '../app/queries.js';
import { actionCommand } from '../commands/actions.js';
import { parseDate, parseDuration } from '../commands/dates.js';
import { execute } from '../commands/execute.js';
import type { Command, ParseContext } from '../commands/types.js';
import { ACTIONS, isActionId } from '../domain/actions.js';
import { type FieldChange, type LogRow, logLine, logWhat, valueText } from '../domain/changelog.js';
import { ChangebotError } from '../domain/errors.js';
import type { Actor, ChangeLogEntry, PersonId } from '../domain/types.js';
import { formatInstant } from '../domain/windows.js';
import { CARD_STYLE, pathOf, rfcCardHtml } from './cards.js';
import { type Html, html, page } from './html.js';
import { checkForm, flash, signedIn, takeFlash, wantsJson } from './session.js';

/** `RFC-12`, `rfc-12` or `12` as `RFC-12`; anything else is no RFC (404, saying what a key looks like). */
export function subjectKeyOf(raw: string, prefix: 'RFC' | 'REL'): string {
  const m = new RegExp(`^(?:${prefix}-)?0*(\\d{1,9})$`, 'i').exec(raw);
  if (!m) {
    const what = prefix === 'RFC' ? 'RFC' : 'release';
    throw new ChangebotError('not_found', `There is no ${what} “${raw.slice(0, 40)}”: ${what} keys look like ${prefix}-12.`, { key: raw.slice(0, 40) });
  }
  return `${prefix}-${m[1]}`;
}

/** After a form: back to the page (303), which shows the outcome once (`flash`). */
export function backTo(reply: FastifyReply, key: string, text: string) {
  flash(reply, text);
  return reply.redirect(pathOf(key), 303);
}

/** A stored value in full (the chat lines shorten long text; the page has room). */
function fullValue(v: FieldChange['from'], zone: string): string {
  return typeof v === 'string' && v ? `“${v}”` : valueText(v, zone);
}

function changesOf(row: LogRow): FieldChange[] {
  const c = row.detail?.changes;
  return Array.isArray(c) ? (c as FieldChange[]).filter((x) => x && typeof x.field === 'string') : [];
}

/** The change log as a table: when, who, what; an edit lists each field with its old and new value. */
export function logTable(rows: readonly ChangeLogEntry[], zone: string, what: (row: LogRow, zone: string) => string, name: (id: PersonId) => string): Html {
  if (!rows.length) return html`<section class="log"><h2>Change log</h2><p class="muted">Nothing recorded yet.</p></section>`;
  const line = (r: ChangeLogEntry) => {
    const changes = changesOf(r);
    const move = r.toState && r.fromState !== r.toState ? ` ${r.fromState ?? '∅'} → ${r.toState}` : '';
    const words = changes.length ? `${r.action}${move}${r.reason ? ` — ${r.reason}` : ''}` : what(r, zone);
    return html`<tr data-action="${r.action}"><td class="when">${formatInstant(r.at, zone)}</td><td class="who"><span class="person" data-person="${r.actor}">${name(r.actor)}</span></td><td class="what">${words}${
      changes.length
        ? html`<ul class="changes">${changes.map(
            (c) =>
              html`<li data-field="${c.field}"><strong>${c.field}</strong>: <del class="old">${fullValue(c.from, zone)}</del> → <ins class="new">${fullValue(c.to, zone)}</ins></li>`,
          )}</ul>`
        : ''
    }</td></tr>`;
  };
  return html`<section class="log"><h2>Change log</h2><table><thead><tr><th>When</th><th>Who</th><th>What</th></tr></thead><tbody>${rows.map(line)}</tbody></table></section>`;
}

function votesTable(votes: ReturnType<typeof rfcRecords>['votes'], zone: string, name: (id: PersonId) => string): Html {
  if (!votes.length) return html`<section class="votes"><h2>Votes cast</h2><p class="muted">No votes yet.</p></section>`;
  return html`<section class="votes"><h2>Votes cast</h2><table><thead><tr><th>Who</th><th>Vote</th><th>As</th><th>Comment</th><th>When</th></tr></thead><tbody>${votes.map(
    (v) =>
      html`<tr data-voter="${v.voter}"><td><span class="person" data-person="${v.voter}">${name(v.voter)}</span></td><td class="choice">${v.choice}</td><td>${
        v.capacity === 'change-manager' ? 'change manager' : 'CAB'
      }</td><td class="comment">${v.comment ?? ''}</td><td class="when">${formatInstant(v.castAt, zone)}</td></tr>`,
  )}</tbody></table></section>`;
}

function rfcPage(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, raw: string) {
  const viewer = signedIn(req, reply);
  if (!viewer) return reply;
  const key = subjectKeyOf(raw, 'RFC');
  const actor = viewer.actor;
  const zone = actor.timezone;
  const view = viewRfc(ctx, key, zone);
  const card = cardFromView(ctx, 'details', view, actorViewer(actor));
  const records = rfcRecords(ctx, key, zone);
  const personal = personalLine(ctx, actorViewer(actor), key) ?? null;
  if (wantsJson(req)) {
    return reply.send({
      ok: true,
      rfc: view,
      card,
      votes: records.votes,
      conflicts: records.conflicts,
      personal,
      log: records.log.map((r) => ({ ...r, line: logLine(r, zone) })),
    });
  }
  const names = displayNames(ctx, [
    view.requester,
    view.owner,
    ...view.expectedVoters,
    ...(view.tally?.voters.map((v) => v.person) ?? []),
    ...records.votes.map((v) => v.voter),
    ...records.log.map((r) => r.actor),
  ]);
  const name = (id: PersonId) => names[id] ?? id;
  const body = html`${takeFlash(req, reply)}${rfcCardHtml(card, { csrf: viewer.csrf, name, conflicts: records.conflicts })}
${personal ? html`<p class="personal-line">${personal}</p>` : ''}
${votesTable(records.votes, zone, name)}
${logTable(records.log, zone, logWhat, name)}
<p class="muted">Times in ${zone}.</p>`;
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page({ title: `${card.key} ${card.title}`, viewer, body, head: CARD_STYLE }).markup);
}

const text = (body: Record<string, unknown>, field: string): string | undefined => {
  const v = body[field];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

/** The web's Reschedule form: a new start (in the viewer's zone) and a duration, like `/rfc reschedule`. */
function rescheduleCommand(key: string, body: Record<string, unknown>, actor: Actor, now: Date): Command {
  const parse: ParseContext = { platform: 'cli', workspace: '', timezone: actor.timezone, now };
  const start = text(body, 'start');
  const duration = text(body, 'duration');
  if (!start || !duration) {
    throw new ChangebotError(
      'bad_value',
      `Give the new window of ${key}: its start (e.g. 2026-12-12 22:00, in ${actor.timezone}) and how long it takes (e.g. 2h).`,
      {
        field: start ? 'duration' : 'start',
      },
    );
  }
  const reason = text(body, 'reason');
  return {
    kind: 'reschedule',
    key,
    start: parseDate(start, parse, 'start'),
    durationMinutes: parseDuration(duration, 'duration'),
    ...(reason ? { reason } : {}),
  };
}

async function rfcAction(ctx: AppContext, metrics: Metrics, req: FastifyRequest, reply: FastifyReply, raw: string, id: string) {
  const viewer = checkForm(req);
  const key = subjectKeyOf(raw, 'RFC');
  if (!isActionId(id)) throw new ChangebotError('not_found', `An RFC has no button “${id.slice(0, 40)}”. Use the buttons on ${key}’s page.`);
  if (id === ACTIONS.details) return reply.redirect(pathOf(key), 303);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const cmd = id === ACTIONS.reschedule ? rescheduleCommand(key, body, viewer.actor, ctx.clock.now()) : actionCommand(id, key);
  if (!cmd) return reply.redirect(pathOf(key), 303);
  const answer = metrics.counted('web', cmd, () => execute(ctx, viewer.actor, cmd, { platform: 'web' }));
  if (wantsJson(req)) return reply.send({ ok: true, message: answer.text, ...(answer.view ? { rfc: answer.view } : {}) });
  return backTo(reply, key, answer.text);
}

export function rfcPageRoutes(scope: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  scope.get<{ Params: { key: string } }>('/rfc/:key', async (req, reply) => rfcPage(ctx, req, reply, req.params.key));
  scope.post<{ Params: { key: string; action: string } }>('/rfc/:key/actions/:action', async (req, reply) =>
    rfcAction(ctx, metrics, req, reply, req.params.key, req.params.action),
  );
}
