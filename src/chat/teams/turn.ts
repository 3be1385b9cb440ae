/**
 * One Bot Framework turn: remember the conversation (so announcements can reach it later, also
 * after a restart), then route by activity type: messages are commands, `adaptiveCard/action`
 * invokes are card buttons, install and membership updates keep the stored references current.
 */
import { type Activity, TurnContext } from 'botbuilder';
import { applying } from '../../app/context.js';
import { handleCardAction } from './actions.js';
import { channelDataOf, conversationOf, tenantOf } from './identity.js';
import { type TurnDeps, handleMessage, textActivity } from './messages.js';
import { CANNOT_SAVE, CLAIM, claimIdOf, firstDelivery, forgetConversation, forgetTeam, isWriteRefused, saveConversation } from './store.js';

export const WELCOME =
  'Hi, I am changebot: I track requests for change (RFCs), run the CAB vote and announce planned maintenance. Type `rfc help` to see the commands, or `rfc new` for the form.';

export function createTurnLogic(deps: TurnDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    const tenant = tenantOf(activity);
    const foreignChannel = deps.teamsOnly && activity.channelId !== 'msteams';
    if (foreignChannel || (deps.tenantId && tenant !== deps.tenantId)) {
      deps.log.warn({ tenant, channel: activity.channelId, type: activity.type }, 'teams: refused an activity from another channel or tenant');
      if (activity.type === 'invoke') await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
      return;
    }
    remember(deps, activity);
    switch (activity.type) {
      case 'message':
        await message(context, deps);
        return;
      case 'invoke': {
        if (activity.name !== 'adaptiveCard/action') {
          await context.sendActivity({ type: 'invokeResponse', value: { status: 501 } });
          return;
        }
        const body = await handleCardAction(context, deps);
        await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
        return;
      }
      case 'conversationUpdate':
        if (botWasAdded(activity)) await context.sendActivity(textActivity(WELCOME));
        return;
      default:
        return;
    }
  };
}

/**
 * A command: claimed with what is needed to tell its author if the process stops before it is
 * done (the claim is marked done in the use case's transaction, see `applying`); a claim that
 * cannot be written (disk full) is answered with "can't save".
 */
async function message(context: TurnContext, deps: TurnDeps): Promise<void> {
  const activity = context.activity;
  const text = activity.text?.trim();
  const conversation = activity.conversation?.id ?? '';
  const id = activity.id ? claimIdOf(conversation, activity.id) : undefined;
  try {
    const keep = text ? { text, from: activity.from?.id, reference: TurnContext.getConversationReference(activity) } : undefined;
    if (activity.id && !firstDelivery(deps.app.database.db, conversation, activity.id, deps.app.clock.now(), keep)) return;
  } catch (err) {
    if (!isWriteRefused(err)) throw err;
    deps.log.error({ err, id, code: (err as { code?: string }).code }, 'teams: can\'t save the message (database not writable); answered "can\'t save"');
    await context.sendActivity(textActivity(CANNOT_SAVE));
    return;
  }
  if (!text) return; // a reaction, an attachment, a legacy card submit
  context.turnState.set(CLAIM, id);
  try {
    await handleMessage(context, deps);
  } finally {
    applying(deps.app, id, () => undefined);
  }
}

function botWasAdded(activity: Partial<Activity>): boolean {
  return (activity.membersAdded ?? []).some((m) => m.id === activity.recipient?.id);
}

function botWasRemoved(activity: Partial<Activity>): boolean {
  if (activity.type === 'installationUpdate') return activity.action === 'remove';
  return (activity.membersRemoved ?? []).some((m) => m.id === activity.recipient?.id);
}

/** Stores (or forgets) the conversation reference of every team, channel and chat the bot is in. */
function remember(deps: TurnDeps, activity: Partial<Activity>): void {
  if (!activity.conversation?.id || !activity.serviceUrl) return;
  const db = deps.app.database.db;
  const now = deps.app.clock.now();
  try {
    const here = conversationOf(activity);
    if (botWasRemoved(activity)) {
      forgetConversation(db, here.id);
      if (here.team) forgetTeam(db, here.team);
      return;
    }
    saveConversation(db, here, now);
    // A channel created in a team the bot is in: remember it too.
    const channel = channelDataOf(activity).channel;
    if (activity.type === 'conversationUpdate' && channel?.id && channel.id !== here.id && channelDataOf(activity).eventType === 'channelCreated') {
      saveConversation(db, conversationOf(activity, channel.id), now);
    }
  } catch (err) {
    deps.log.warn({ err }, 'teams: could not store the conversation reference');
  }
}
