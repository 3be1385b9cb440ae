/**
 * `adaptiveCard/action` invokes: a button on a card (verb = the shared action id, data = the
 * RFC key), the form's submit, or a client asking for its own copy of a voting card. Each
 * answers with the card to show in place of the one clicked: the updated RFC, or the same card
 * with the reason when the action is refused. The shared copy in the CAB conversation is
 * updated by the notifier (refreshCards) once the change is committed.
 */
import type { TurnContext } from 'botbuilder';
import { formToFields, RFC_FORM } from '../../commands/form.js';
import { actionCommand } from '../../commands/actions.js';
import { execute } from '../../commands/execute.js';
import { listServices } from '../../db/repos/catalogue.js';
import { findRfc } from '../../db/repos/rfcs.js';
import { ACTIONS, isActionId } from '../../domain/actions.js';
import type { Actor } from '../../domain/types.js';
import { type AdaptiveCard, type CardKind, CARD_CONTENT_TYPE, REFRESH_VERB, messageCard } from './cards.js';
import { showError } from './errors.js';
import { FORM_SUBMIT_VERB, formCard, readForm } from './form.js';
import { actorOf, parseContextOf, whereOf } from './identity.js';
import type { TurnDeps } from './messages.js';
import { renderRfcCard } from './votecard.js';

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

function badRequest(message: string): CardActionResponse {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } };
}

export async function handleCardAction(context: TurnContext, deps: TurnDeps): Promise<CardActionResponse> {
  const activity = context.activity;
  const value = (activity.value ?? {}) as ExecuteValue;
  const action = value.action;
  if (!action || action.type !== 'Action.Execute' || typeof action.verb !== 'string') {
    return badRequest('Expected an Action.Execute with a verb.');
  }
  const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<string, unknown>;
  const actor = actorOf(deps.app, activity);
  if (action.verb === FORM_SUBMIT_VERB) return submitForm(context, deps, actor, data);
  const key = typeof data.key === 'string' ? data.key : '';
  const kind: CardKind = data.card === 'vote' ? 'vote' : 'rfc';
  if (!key || !findRfc(deps.app.database.db, key)) return cardResponse(messageCard(key ? `There is no ${key} any more.` : 'This card has no RFC.', 'attention'));
  const render = (notice?: { text: string; tone: 'good' | 'attention' }, details = false) =>
    cardResponse(renderRfcCard(deps.app, key, { kind, viewer: actor, ...(notice ? { notice } : {}), details }));
  if (action.verb === REFRESH_VERB) return render();
  if (!isActionId(action.verb)) return badRequest(`Unknown action "${action.verb}".`);
  if (action.verb === ACTIONS.details) return render(undefined, true);
  if (action.verb === ACTIONS.reschedule) {
    return render({ text: `Reschedule by typing: rfc reschedule ${key} start="YYYY-MM-DD HH:mm" duration=2h`, tone: 'good' });
  }
  const cmd = actionCommand(action.verb, key);
  if (!cmd) return render();
  try {
    const reply = execute(deps.app, actor, cmd, whereOf(activity));
    return render({ text: reply.text, tone: 'good' });
  } catch (e) {
    const shown = showError(e);
    if (shown.internal) deps.log.error({ err: e, verb: action.verb, key }, 'teams: card action failed');
    return render({ text: shown.text, tone: 'attention' });
  }
}

async function submitForm(context: TurnContext, deps: TurnDeps, actor: Actor, data: Record<string, unknown>): Promise<CardActionResponse> {
  const values = readForm(data);
  try {
    const fields = formToFields(values, parseContextOf(deps.app, context.activity, actor));
    const reply = execute(deps.app, actor, { kind: 'new', fields }, whereOf(context.activity));
    if (!reply.view) return cardResponse(messageCard(reply.text, 'good'));
    return cardResponse(renderRfcCard(deps.app, reply.view.key, { kind: 'rfc', viewer: actor, notice: { text: reply.text, tone: 'good' } }));
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
