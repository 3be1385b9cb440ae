/**
 * `adaptiveCard/action` invokes: a button on a card (verb = the shared action id, data = the
 * RFC key), the form's submit, or a client asking for its own copy of a voting card. Each
 * answers with the card to show in place of the one clicked: the updated RFC, or the same card
 * with the reason when the action is refused. The shared copy in the CAB conversation is
 * updated by the notifier (refreshCards) once the change is committed.
 */
import type { TurnContext } from 'botbuilder';
import { actorViewer } from '../../app/cards.js';
import { viewRfc } from '../../app/queries.js';
import { actionCommand } from '../../commands/actions.js';
import { RFC_FORM, formToFields } from '../../commands/form.js';
import { listServices } from '../../db/repos/catalogue.js';
import { findRfc } from '../../db/repos/rfcs.js';
import { ACTIONS, type ReleaseActionId, isActionId, isReleaseActionId } from '../../domain/actions.js';
import { releaseAction } from '../../commands/release-actions.js';
import { findRelease } from '../../db/repos/releases.js';
import { RELEASE_CARD_KINDS, type ReleaseCard, type ReleaseCardKind, releaseCard } from '../../domain/release-cards.js';
import { releaseViewOf } from '../../notify/deliver.js';
import { releaseAdaptiveCard } from './release-card.js';
import { displayNames } from './identity.js';
import type { RfcCard, RfcCardKind } from '../../domain/cards.js';
import type { Actor } from '../../domain/types.js';
import { type AdaptiveCard, CARD_CONTENT_TYPE, REFRESH_VERB, messageCard } from './cards.js';
import { showError } from './errors.js';
import { FORM_SUBMIT_VERB, RESCHEDULE_FIELD_NAMES, RESCHEDULE_SUBMIT_VERB, formCard, readForm, readRescheduleForm, rescheduleCard } from './form.js';
import { actorOf, parseContextOf, whereOf } from './identity.js';
import { type TurnDeps, runCommand } from './messages.js';
import { renderCard } from './votecard.js';
import {
  RELEASE_FORM_FIELD_NAMES,
  RELEASE_FORM_SUBMIT_VERB,
  readReleaseForm,
  releaseFormCard,
  releaseFormOptions,
  releaseFormToFields,
} from './release-form.js';

const CARD_KINDS: readonly RfcCardKind[] = ['vote', 'owner', 'notice', 'details', 'reply'];

/** The body of an invoke response to `adaptiveCard/action`. */
export interface CardActionResponse {
  statusCode: number;
  type: string;
  value: unknown;
}

interface ExecuteValue {
  action?: { type?: string; verb?: string; data?: unknown };
  trigger?: string;
}

function cardResponse(card: AdaptiveCard): CardActionResponse {
  return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card };
}

/** A message shown to the person who clicked (Universal Actions' message response): the card stays as it is. */
function messageResponse(text: string): CardActionResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

function badRequest(message: string): CardActionResponse {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } };
}

export async function handleCardAction(context: TurnContext, deps: TurnDeps): Promise<CardActionResponse> {
  const activity = context.activity;
  const value = (activity.value ?? {}) as ExecuteValue;
  const action = value.action;
  if (action?.type !== 'Action.Execute' || typeof action.verb !== 'string') {
    return badRequest('Expected an Action.Execute with a verb.');
  }
  const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<string, unknown>;
  const actor = actorOf(deps.app, activity);
  if (action.verb === FORM_SUBMIT_VERB) return submitForm(context, deps, actor, data);
  if (action.verb === RELEASE_FORM_SUBMIT_VERB) return submitReleaseForm(context, deps, actor, data);
  if (isReleaseActionId(action.verb)) return releaseCardAction(context, deps, actor, action.verb, data);
  const key = typeof data.key === 'string' ? data.key : '';
  // The card the button was on: a voting or owner card stays one; others answer with the RFC.
  const from = CARD_KINDS.find((k) => k === data.card) ?? 'details';
  const kind: RfcCardKind = from === 'vote' || from === 'owner' ? from : 'reply';
  if (!key || !findRfc(deps.app.database.db, key))
    return cardResponse(messageCard(key ? `There is no ${key} any more.` : 'This card has no RFC.', 'attention'));
  const render = (notice?: { text: string; tone: RfcCard['tone'] }, as: RfcCardKind = kind) =>
    cardResponse(
      renderCard(deps.app, key, as, actorViewer(actor), { zone: actor.timezone, extras: notice ? { message: notice.text, tone: notice.tone } : {} }),
    );
  if (action.verb === REFRESH_VERB) return render();
  if (action.verb === RESCHEDULE_SUBMIT_VERB) return submitReschedule(context, deps, actor, key, from, data, render);
  if (!isActionId(action.verb)) return badRequest(`Unknown action "${action.verb}".`);
  if (action.verb === ACTIONS.details) return render(undefined, 'details');
  if (action.verb === ACTIONS.reschedule) {
    const v = viewRfc(deps.app, key, actor.timezone);
    return cardResponse(rescheduleCard({ key, title: v.title, window: v.window, from }));
  }
  const cmd = actionCommand(action.verb, key);
  if (!cmd) return render();
  try {
    const reply = runCommand(deps, actor, cmd, whereOf(activity));
    return render({ text: reply.text, tone: 'good' });
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e, verb: action.verb, key }, 'teams: card action failed');
    return render({ text: shown.text, tone: 'attention' });
  }
}

/**
 * A release button: the same release command as typing it. Answers a person's own copy with
 * the release card and the reply (or the refusal) on it; the shared status message in the
 * release's conversation is updated by the notifier once the change is committed.
 */
function releaseCardAction(context: TurnContext, deps: TurnDeps, actor: Actor, verb: ReleaseActionId, data: Record<string, unknown>): CardActionResponse {
  const key = typeof data.key === 'string' ? data.key : '';
  const arg = typeof data.arg === 'string' ? data.arg : undefined;
  const from = RELEASE_CARD_KINDS.find((k) => k === data.card) ?? 'details';
  const render = (kind: ReleaseCardKind, notice?: { text: string; tone: ReleaseCard['tone'] }) => {
    const release = findRelease(deps.app.database.db, key);
    if (!release) return cardResponse(messageCard(key ? `There is no ${key} any more.` : 'This card has no release.', 'attention'));
    // The status message is the release team's shared copy: its times in the default zone.
    const shared = kind === 'status';
    const view = releaseViewOf(deps.app, release, shared ? deps.app.timezone : actor.timezone);
    const model = releaseCard(kind, view, shared ? { kind: 'status-channel' } : actorViewer(actor), notice ? { message: notice.text, tone: notice.tone } : {});
    return cardResponse(releaseAdaptiveCard(model, { name: displayNames(deps.app) }));
  };
  // The status message is everyone's: a click there is answered to the clicker alone (a message
  // response leaves the card as it is), and the notifier updates the card once the change is committed.
  const answer = (notice: { text: string; tone: ReleaseCard['tone'] }) => (from === 'status' ? messageResponse(notice.text) : render('reply', notice));
  try {
    const step = releaseAction(verb, key, arg);
    if ('show' in step) return render('details');
    const reply = runCommand(deps, actor, { kind: 'release', command: step.run }, whereOf(context.activity));
    return answer({ text: reply.text, tone: 'good' });
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e, verb, key }, 'teams: release card action failed');
    return answer({ text: shown.text, tone: 'attention' });
  }
}

/** The reschedule form's submit: the same command as typing it; a refusal shows the form again. */
function submitReschedule(
  context: TurnContext,
  deps: TurnDeps,
  actor: Actor,
  key: string,
  from: RfcCardKind,
  data: Record<string, unknown>,
  render: (notice?: { text: string; tone: RfcCard['tone'] }) => CardActionResponse,
): CardActionResponse {
  const values = readRescheduleForm(data);
  try {
    const when = formToFields({ title: key, start: values.start, end: values.end }, parseContextOf(deps.app, context.activity, actor));
    const reason = typeof values.reason === 'string' ? values.reason : undefined;
    const reply = runCommand(
      deps,
      actor,
      { kind: 'reschedule', key, start: when.start, end: when.end, ...(reason ? { reason } : {}) },
      whereOf(context.activity),
    );
    return render({ text: reply.text, tone: 'good' });
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e, key }, 'teams: reschedule failed');
    const errors = Object.fromEntries(Object.entries(shown.fields).filter(([k]) => RESCHEDULE_FIELD_NAMES.includes(k)));
    const v = viewRfc(deps.app, key, actor.timezone);
    const unplaced = Object.keys(errors).length === 0;
    return cardResponse(rescheduleCard({ key, title: v.title, window: v.window, from, values, errors, ...(unplaced ? { notice: shown.text } : {}) }));
  }
}

async function submitForm(context: TurnContext, deps: TurnDeps, actor: Actor, data: Record<string, unknown>): Promise<CardActionResponse> {
  const values = readForm(data);
  try {
    const fields = formToFields(values, parseContextOf(deps.app, context.activity, actor));
    const reply = runCommand(deps, actor, { kind: 'new', fields }, whereOf(context.activity));
    if (!reply.view) return cardResponse(messageCard(reply.text, 'good'));
    const card = renderCard(deps.app, reply.view.key, 'reply', actorViewer(actor), { zone: actor.timezone, extras: { message: reply.text, tone: 'good' } });
    return cardResponse(card);
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e }, 'teams: form submit failed');
    const known = new Set(RFC_FORM.map((f) => f.name));
    const errors = Object.fromEntries(Object.entries(shown.fields).filter(([k]) => known.has(k)));
    const services = listServices(deps.app.database.db).map((s) => s.name);
    const unplaced = Object.keys(errors).length === 0;
    return cardResponse(formCard({ services, values, errors, ...(unplaced ? { notice: shown.text } : {}) }));
  }
}

/**
 * The release form's submit: the same `release new` as typing it (`channel=here` when the toggle
 * is on in a channel or group chat). Answers with the new release; a refusal shows the form again
 * with the values kept and each message by its field.
 */
function submitReleaseForm(context: TurnContext, deps: TurnDeps, actor: Actor, data: Record<string, unknown>): CardActionResponse {
  const values = readReleaseForm(data);
  const where = whereOf(context.activity);
  try {
    const { fields, here } = releaseFormToFields(values, parseContextOf(deps.app, context.activity, actor));
    const command = here && where.channel ? { kind: 'release-new' as const, fields, here: true } : { kind: 'release-new' as const, fields };
    const reply = runCommand(deps, actor, { kind: 'release', command }, where);
    if (!reply.releaseView) return cardResponse(messageCard(reply.text, 'good'));
    const model = releaseCard('reply', reply.releaseView, actorViewer(actor), { message: reply.text, tone: 'good' });
    return cardResponse(releaseAdaptiveCard(model, { name: displayNames(deps.app) }));
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e }, 'teams: release form submit failed');
    const errors: Record<string, string> = {};
    for (const [k, v] of Object.entries(shown.fields)) {
      const name = k === 'channel' ? 'here' : k === 'targetDate' ? 'target' : k;
      if (RELEASE_FORM_FIELD_NAMES.includes(name) && (name !== 'here' || where.channel)) errors[name] = v;
    }
    const unplaced = Object.keys(errors).length === 0;
    return cardResponse(releaseFormCard(releaseFormOptions(deps.app, actor, where, { values, errors, ...(unplaced ? { notice: shown.text } : {}) })));
  }
}
