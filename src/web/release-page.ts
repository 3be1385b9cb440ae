/**
 * `GET /release/REL-3`: one release as the signed-in person sees it: the details card (facts,
 * sections, the readiness checklist with the Tick buttons this person may press, cards.ts) and
 * the change log with old and new values. `Accept: application/json` gets it as data.
 *
 * `POST /release/REL-3/actions/<action_id>` (with `arg`: the readiness item or the wave) is a
 * press of one of those buttons, checked for the form token first, then the same release
 * command a chat click makes (`releaseAction`) through `execute` with `platform: 'web'`; the
 * outbox updates the status messages in Slack and Teams. No-go, typed in chat, is a small form
 * here (where to, and why); a failed wave may say what happened.
 */
import type { Metrics } from '../server/metrics.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorViewer, releaseCardOf } from '../app/cards.js';
import type { AppContext } from '../app/context.js';
import { displayNames, releaseRecords } from '../app/detail-queries.js';
import type { NoGoInput } from '../app/inputs.js';
import { viewRelease } from '../app/release-queries.js';
import { execute } from '../commands/execute.js';
import { releaseAction } from '../commands/release-actions.js';
import type { ReleaseCommand } from '../commands/types.js';
import { RELEASE_ACTIONS, isReleaseActionId } from '../domain/actions.js';
import { ChangebotError } from '../domain/errors.js';
import { releaseLogLine, releaseLogWhat } from '../domain/release-log.js';
import type { PersonId } from '../domain/types.js';
import { CARD_STYLE, pathOf, releaseCardHtml } from './cards.js';
import { html, page } from './html.js';
import { backTo, logTable, subjectKeyOf } from './rfc-page.js';
import { checkForm, signedIn, takeFlash, wantsJson } from './session.js';

function releasePage(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, raw: string) {
  const viewer = signedIn(req, reply);
  if (!viewer) return reply;
  const key = subjectKeyOf(raw, 'REL');
  const actor = viewer.actor;
  const zone = actor.timezone;
  const view = viewRelease(ctx, key, zone);
  const card = releaseCardOf(ctx, 'details', key, actorViewer(actor), zone);
  const { log } = releaseRecords(ctx, key);
  if (wantsJson(req)) return reply.send({ ok: true, release: view, card, log: log.map((r) => ({ ...r, line: releaseLogLine(r, zone) })) });
  const names = displayNames(ctx, [...card.people, ...log.map((r) => r.actor)]);
  const name = (id: PersonId) => names[id] ?? id;
  const rfcs = view.rfcs.length
    ? html`<section class="rfcs"><h2>Its RFCs</h2><ul>${view.rfcs.map((r) => html`<li><a href="${pathOf(r.key)}">${r.key}</a> ${r.title} (${r.stateLabel})</li>`)}</ul></section>`
    : '';
  const body = html`${takeFlash(req, reply)}${releaseCardHtml(card, { csrf: viewer.csrf, name })}
${rfcs}
${logTable(log, zone, releaseLogWhat, name)}
<p class="muted">Times in ${zone}.</p>`;
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page({ title: `${card.key} ${card.name}`, viewer, body, head: CARD_STYLE }).markup);
}

const NOGO_TO: readonly NoGoInput['to'][] = ['planning', 'building', 'acceptance_testing', 'suspended', 'cancelled'];

const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const v = body[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

/** The command a release button's form stands for (null: it only shows the release). */
function commandOf(key: string, id: string, body: Record<string, unknown>): ReleaseCommand | null {
  if (!isReleaseActionId(id)) throw new ChangebotError('not_found', `A release has no button “${id.slice(0, 40)}”. Use the buttons on ${key}’s page.`);
  if (id === RELEASE_ACTIONS.nogo) {
    const to = field(body, 'to') ?? '';
    if (!(NOGO_TO as readonly string[]).includes(to)) {
      throw new ChangebotError('bad_value', `Say where ${key} goes after a no-go: ${NOGO_TO.join(', ')}.`, { field: 'to' });
    }
    const reason = field(body, 'reason');
    if (!reason) throw new ChangebotError('bad_value', `Say why ${key} is a no-go: the reason goes in its change log and to its team.`, { field: 'reason' });
    return { kind: 'release-nogo', key, to: to as NoGoInput['to'], reason };
  }
  const step = releaseAction(id, key, field(body, 'arg'));
  if ('show' in step) return null;
  const note = field(body, 'note');
  if (step.run.kind === 'wave-finish' && note) return { ...step.run, note };
  return step.run;
}

async function releaseActionRoute(ctx: AppContext, metrics: Metrics, req: FastifyRequest, reply: FastifyReply, raw: string, id: string) {
  const viewer = checkForm(req);
  const key = subjectKeyOf(raw, 'REL');
  const command = commandOf(key, id, (req.body ?? {}) as Record<string, unknown>);
  if (!command) return reply.redirect(pathOf(key), 303);
  const cmd = { kind: 'release' as const, command };
  const answer = metrics.counted('web', cmd, () => execute(ctx, viewer.actor, cmd, { platform: 'web' }));
  if (wantsJson(req)) return reply.send({ ok: true, message: answer.text, ...(answer.releaseView ? { release: answer.releaseView } : {}) });
  return backTo(reply, key, answer.text);
}

export function releasePageRoutes(scope: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  scope.get<{ Params: { key: string } }>('/release/:key', async (req, reply) => releasePage(ctx, req, reply, req.params.key));
  scope.post<{ Params: { key: string; action: string } }>('/release/:key/actions/:action', async (req, reply) =>
    releaseActionRoute(ctx, metrics, req, reply, req.params.key, req.params.action),
  );
}
