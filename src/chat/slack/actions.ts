/**
 * Buttons (block_actions): votes on the CAB card, the owner's Start / Done / Failed / Back out /
 * Reschedule, Submit, and Details. Acknowledged first; the click then runs the same command a
 * person could type, and the stored cards follow through the outbox (chat.update).
 */
import { createHash } from 'node:crypto';
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { actionCommand } from '../../commands/actions.js';
import { execute } from '../../commands/execute.js';
import type { Command } from '../../commands/types.js';
import { actorViewer, cardOf } from '../../app/cards.js';
import { viewRfc } from '../../app/queries.js';
import { ACTIONS, type ActionId, type ReleaseActionId, decodeActionValue, isActionId, isReleaseActionId } from '../../domain/actions.js';
import { releaseAction } from '../../commands/release-actions.js';
import { findRelease } from '../../db/repos/releases.js';
import { ChangebotError } from '../../domain/errors.js';
import { releaseCard } from '../../domain/release-cards.js';
import { releaseViewOf } from '../../notify/deliver.js';
import { releaseBlocks } from './blocks/release.js';
import { waveFailedModal } from './blocks/release-modal.js';
import { LIMITS, fit, plain } from './blocks/limits.js';
import { isChangebotError } from '../../domain/errors.js';
import { detailsModal, rescheduleModal } from './blocks/modal.js';
import { cardBlocks } from './blocks/rfc.js';
import { isSlackUrl } from './edge.js';
import { errorText } from './errors.js';
import { type SlackRuntime, afterAcks, tell } from './runtime.js';
import { type Handling, NotReplayable, claimOf, needsTrigger, settle } from './dedupe.js';
import { applying } from '../../app/context.js';
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

  app.action<BlockAction<ButtonAction>>(/^rfc_/, async ({ ack, body, action, respond, context }) => {
    await ack();
    await afterAcks();
    const claim = claimOf(context);
    try {
      if (action.type !== 'button' || !isActionId(action.action_id)) return;
      const key = action.value ?? '';
      const where = body.container as { type?: string; message_ts?: string; view_id?: string; is_ephemeral?: boolean } | undefined;
      if (isRepeat(`${body.user.id}|${action.action_id}|${key}|${where?.message_ts ?? where?.view_id ?? ''}`)) return;
      await handleClick(rt, body, action.action_id, key, respond, rt.web, { claim });
    } finally {
      settle(rt.ctx, claim);
    }
  });

  // The release card's buttons (the status message, replies, Details): value `REL-n` or `REL-n:arg`.
  // The same button means something new once the card has moved on (Next phase, Start wave on
  // the one status message), so a repeat is the same button on the card as it was then: the
  // message's blocks (or the modal's hash) are part of the key.
  app.action<BlockAction<ButtonAction>>(/^release_/, async ({ ack, body, action, respond, context }) => {
    await ack();
    await afterAcks();
    const claim = claimOf(context);
    try {
      if (action.type !== 'button' || !isReleaseActionId(action.action_id)) return;
      if (isRepeat(`${body.user.id}|${action.action_id}|${action.value ?? ''}|${seenAs(body)}`)) return;
      await handleReleaseClick(rt, body, action.action_id, action.value ?? '', respond, rt.web, { claim });
    } finally {
      settle(rt.ctx, claim);
    }
  });
}

/** The card a click was made on, as the person saw it: which message or modal, and which version of it. */
function seenAs(body: BlockAction): string {
  const where = body.container as { message_ts?: string; view_id?: string } | undefined;
  const version =
    body.view?.hash ??
    (body.message
      ? createHash('sha256')
          .update(JSON.stringify(body.message.blocks ?? body.message.text ?? ''))
          .digest('hex')
      : '');
  return `${where?.message_ts ?? where?.view_id ?? ''}|${version}`;
}

/**
 * A release button: the same release command a person could type, answered ephemerally; the
 * status message follows through the outbox (chat.update). Details opens the whole release.
 */
export async function handleReleaseClick(
  rt: SlackRuntime,
  body: BlockAction,
  id: ReleaseActionId,
  value: string,
  respond: RespondFn | undefined,
  client: WebClient,
  how: Handling = {},
): Promise<void> {
  const team = body.user.team_id ?? body.team?.id ?? '';
  const to = { userId: body.user.id, respond, client };
  const { key, arg } = decodeActionValue(value);
  const inView = body.container?.type === 'view' && body.view?.type === 'modal' ? body.view : undefined;
  try {
    const step = releaseAction(id, key, arg);
    if ('show' in step) {
      needsTrigger(how, 'the release details');
      const actor = rt.people.local(team, body.user.id, body.user.name);
      const view = releaseModal(rt, key, actor);
      const open = () => (inView ? client.views.push({ trigger_id: body.trigger_id, view }) : client.views.open({ trigger_id: body.trigger_id, view }));
      await withRetry(open, { attempts: 2, baseMs: 100, maxWaitMs: 300 });
      return;
    }
    // A failed wave needs a note of what happened: asked in a modal (trigger_id lives 3 seconds).
    if (step.run.kind === 'wave-finish' && step.run.outcome === 'failed') {
      needsTrigger(how, 'the failed-wave form');
      // Kept in the modal to answer later: only if it is Slack's (the edge's rule; Socket Mode has no edge).
      const url = (body as { response_url?: unknown }).response_url;
      const responseUrl = isSlackUrl(url, rt.config.apiUrl) ? (url as string) : undefined;
      const view = waveFailedModal(key, step.run.wave, { ...(responseUrl ? { responseUrl } : {}), ...(body.channel?.id ? { channel: body.channel.id } : {}) });
      const open = () => (inView ? client.views.push({ trigger_id: body.trigger_id, view }) : client.views.open({ trigger_id: body.trigger_id, view }));
      await withRetry(open, { attempts: 2, baseMs: 100, maxWaitMs: 300 });
      return;
    }
    const actor = rt.people.actor(team, body.user.id, body.user.name);
    const cmd: Command = { kind: 'release', command: step.run };
    const reply = applying(rt.ctx, how.claim, () =>
      rt.metrics.counted('slack', cmd, () =>
        execute(rt.ctx, actor, cmd, { platform: 'slack', ...(body.channel?.id ? { channel: `slack:channel:${body.channel.id}` } : {}) }),
      ),
    );
    if (inView) {
      await withRetry(() => client.views.update({ view_id: inView.id, hash: inView.hash, view: releaseModal(rt, key, actor) }), rt.retry).catch(
        (err: unknown) => rt.log.warn({ err }, 'slack: could not refresh the release modal'),
      );
      await tell(rt, { userId: body.user.id, client }, reply.text);
    } else {
      // The answer, then the release as they see it now, with their buttons (as a typed command's reply).
      const release = findRelease(rt.ctx.database.db, key);
      const blocks = release
        ? releaseBlocks(releaseCard('reply', releaseViewOf(rt.ctx, release, actor.timezone), actorViewer(actor), { message: reply.text }))
        : undefined;
      // An ephemeral reply card is replaced by the fresh one; the status message stays as it is.
      const ephemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
      await tell(rt, to, reply.text, blocks, ephemeral ? { replaceOriginal: true } : {});
    }
  } catch (err) {
    if (err instanceof NotReplayable) throw err;
    settle(rt.ctx, how.claim);
    if (!isChangebotError(err)) rt.log.error({ err, action: id, value }, 'slack: release button failed');
    await tell(rt, inView ? { userId: body.user.id, client } : to, errorText(err));
  }
}

/** The whole release as `actor` sees it, in a modal, with their buttons. */
function releaseModal(rt: SlackRuntime, key: string, actor: { id: string; roles: ReadonlySet<import('../../domain/types.js').Role>; timezone: string }) {
  const release = findRelease(rt.ctx.database.db, key);
  if (!release) throw new ChangebotError('not_found', `There is no ${key}. Check the key with \`/release list all\`.`);
  const card = releaseCard('details', releaseViewOf(rt.ctx, release, actor.timezone), actorViewer(actor));
  return {
    type: 'modal' as const,
    callback_id: 'release_details_view',
    title: plain(key, LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewClose),
    private_metadata: JSON.stringify({ key }),
    blocks: fit(releaseBlocks(card), LIMITS.viewBlocks),
  };
}

export async function handleClick(
  rt: SlackRuntime,
  body: BlockAction,
  id: ActionId,
  key: string,
  respond: RespondFn | undefined,
  client: WebClient,
  how: Handling = {},
): Promise<void> {
  const team = body.user.team_id ?? body.team?.id ?? '';
  const to = { userId: body.user.id, respond, client };
  // A modal (Details) can be updated in place; the Home tab is refreshed when it is next opened.
  const inView = body.container?.type === 'view' && body.view?.type === 'modal' ? body.view : undefined;
  try {
    if (id === ACTIONS.details || id === ACTIONS.reschedule) {
      needsTrigger(how, id === ACTIONS.details ? 'the details' : 'the reschedule form');
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
    const actor = rt.people.actor(team, body.user.id, body.user.name);
    const where = { platform: 'slack' as const, ...(body.channel?.id ? { channel: `slack:channel:${body.channel.id}` } : {}) };
    const reply = applying(rt.ctx, how.claim, () => rt.metrics.counted('slack', cmd, () => execute(rt.ctx, actor, cmd, where)));
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
    if (err instanceof NotReplayable) throw err;
    settle(rt.ctx, how.claim);
    if (!isChangebotError(err)) rt.log.error({ err, action: id, key }, 'slack: button failed');
    await tell(rt, inView ? { userId: body.user.id, client } : to, errorText(err));
  }
}
