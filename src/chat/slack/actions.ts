/**
 * Buttons (block_actions): votes on the CAB card, the owner's Start / Done / Failed / Back out /
 * Reschedule, Submit, and Details. Acknowledged first; the click then runs the same command a
 * person could type, and the stored cards follow through the outbox (chat.update).
 */
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { actionCommand } from '../../commands/actions.js';
import { execute } from '../../commands/execute.js';
import { actorViewer, cardOf } from '../../app/cards.js';
import { viewRfc } from '../../app/queries.js';
import { ACTIONS, type ActionId, isActionId } from '../../domain/actions.js';
import { isChangebotError } from '../../domain/errors.js';
import { detailsModal, rescheduleModal } from './blocks/modal.js';
import { cardBlocks } from './blocks/rfc.js';
import { errorText } from './errors.js';
import { type SlackRuntime, tell } from './runtime.js';
import { type WebClient, withRetry } from './web.js';

/** Clicks of the same button by the same person closer than this are one click. */
const DOUBLE_CLICK_MS = 2_000;

export function registerActions(app: App, rt: SlackRuntime): void {
  const recent = new Map<string, number>();
  const isRepeat = (k: string): boolean => {
    const now = Date.now();
    if (recent.size > 1000) for (const [x, at] of recent) if (now - at > DOUBLE_CLICK_MS) recent.delete(x);
    const last = recent.get(k);
    recent.set(k, now);
    return last !== undefined && now - last < DOUBLE_CLICK_MS;
  };

  app.action<BlockAction<ButtonAction>>(/^rfc_/, async ({ ack, body, action, respond }) => {
    await ack();
    if (action.type !== 'button' || !isActionId(action.action_id)) return;
    const key = action.value ?? '';
    const where = body.container as { type?: string; message_ts?: string; view_id?: string; is_ephemeral?: boolean } | undefined;
    if (isRepeat(`${body.user.id}|${action.action_id}|${key}|${where?.message_ts ?? where?.view_id ?? ''}`)) return;
    await handleClick(rt, body, action.action_id, key, respond, rt.web);
  });
}

async function handleClick(rt: SlackRuntime, body: BlockAction, id: ActionId, key: string, respond: RespondFn, client: WebClient): Promise<void> {
  const team = body.user.team_id ?? body.team?.id ?? '';
  const to = { userId: body.user.id, respond, client };
  // A modal (Details) can be updated in place; the Home tab is refreshed when it is next opened.
  const inView = body.container?.type === 'view' && body.view?.type === 'modal' ? body.view : undefined;
  try {
    if (id === ACTIONS.details || id === ACTIONS.reschedule) {
      // trigger_id lives 3 seconds: no Web API look-up before opening.
      const actor = rt.people.local(team, body.user.id, body.user.name);
      const view =
        id === ACTIONS.details
          ? detailsModal(cardOf(rt.ctx, 'details', key, actorViewer(actor), actor.timezone), actor.timezone)
          : rescheduleModal(viewRfc(rt.ctx, key, actor.timezone), { channel: body.channel?.id });
      const open = () => (inView ? client.views.push({ trigger_id: body.trigger_id, view }) : client.views.open({ trigger_id: body.trigger_id, view }));
      await withRetry(open, { attempts: 2, baseMs: 100, maxWaitMs: 300 });
      return;
    }
    const cmd = actionCommand(id, key);
    if (!cmd) return;
    const actor = await rt.people.actor(team, body.user.id, body.user.name);
    const reply = execute(rt.ctx, actor, cmd, { platform: 'slack', ...(body.channel?.id ? { channel: `slack:channel:${body.channel.id}` } : {}) });
    const fresh = (kind: 'details' | 'reply', message?: string) => cardOf(rt.ctx, kind, key, actorViewer(actor), actor.timezone, message ? { message } : {});
    if (inView) {
      const view = detailsModal(fresh('details'), actor.timezone);
      await withRetry(() => client.views.update({ view_id: inView.id, hash: inView.hash, view }), rt.retry).catch((err: unknown) =>
        rt.log.warn({ err }, 'slack: could not refresh the details modal'),
      );
      await tell(rt, { userId: body.user.id, client }, reply.text);
    } else if ((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral) {
      await tell(rt, to, reply.text, cardBlocks(fresh('reply', reply.text), { zone: actor.timezone }), { replaceOriginal: true });
    } else {
      await tell(rt, to, reply.text);
    }
  } catch (err) {
    if (!isChangebotError(err)) rt.log.error({ err, action: id, key }, 'slack: button failed');
    await tell(rt, inView ? { userId: body.user.id, client } : to, errorText(err));
  }
}
