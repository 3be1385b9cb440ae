/**
 * Slack's side of the delivery layer: turns abstract recipients into channels and users, sends
 * one message per target (the CAB voting card, decisions in the card's thread, DMs with the
 * owner's buttons) and keeps every stored card up to date with chat.update.
 */
import { viewRfc } from '../../app/queries.js';
import { findService } from '../../db/repos/catalogue.js';
import { findPerson, peopleWithRole } from '../../db/repos/people.js';
import { findRfc } from '../../db/repos/rfcs.js';
import type { AppContext } from '../../app/context.js';
import type { Recipient } from '../../domain/notifications.js';
import type { Rfc } from '../../domain/types.js';
import type { RfcView } from '../../domain/views.js';
import type { Logger } from '../../log.js';
import { personIdOf } from '../../notify/deliver.js';
import { type Notifier, type OutboundMessage, type Target, DeliveryError } from '../../notify/types.js';
import type { Block } from './blocks/limits.js';
import { fallback } from './blocks/limits.js';
import { type LocalTimes, notificationBlocks, voteCardBlocks, voteCardText } from './blocks/rfc.js';
import { type CardRef, cardsOf, channelRef, saveCard, slackCabChannel } from './store.js';
import { type RetryOptions, type SlackConfig, type WebClient, toDeliveryError, withRetry } from './web.js';

/** Events posted in the voting card's thread when they go to the CAB channel. */
const THREADED = new Set(['decided', 'escalated']);

export interface SlackNotifierOptions {
  log?: Logger;
  /** Retry policy for card refreshes and look-ups (deliveries are retried by the delivery layer). */
  retry?: RetryOptions;
}

export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;
  private teamId: string | undefined;
  /** Last payload sent to each card, so an unchanged card is not updated again. */
  private readonly rendered = new Map<string, string>();

  constructor(
    private readonly ctx: AppContext,
    private readonly client: WebClient,
    private readonly config: SlackConfig,
    private readonly opts: SlackNotifierOptions = {},
  ) {}

  /** The workspace id, for user ids found in user groups (learned from auth.test once). */
  setTeam(teamId: string): void {
    this.teamId = teamId;
  }

  async resolve(recipient: Recipient, _rfc: Rfc): Promise<Target[]> {
    const db = this.ctx.database.db;
    switch (recipient.kind) {
      case 'cab-channel': {
        const ch = slackCabChannel(db, this.config.cabChannel);
        return ch ? [channel(ch)] : [];
      }
      case 'person':
        return slackUser(recipient.id) ? [user(recipient.id)] : [];
      case 'role':
        return peopleWithRole(db, recipient.role).filter(slackUser).map(user);
      case 'audience':
        return this.audience(recipient.service);
    }
  }

  private async audience(name: string): Promise<Target[]> {
    const service = findService(this.ctx.database.db, name);
    const out: Target[] = [];
    let slackRefs = 0;
    for (const ref of service?.audience ?? []) {
      if (ref.startsWith('slack:channel:') || ref.startsWith('channel:')) {
        slackRefs++;
        out.push(channel(channelRef(ref)));
      } else if (ref.startsWith('slack:usergroup:')) {
        slackRefs++;
        out.push(...(await this.usergroup(ref.slice('slack:usergroup:'.length))));
      } else if (slackUser(ref)) {
        slackRefs++;
        out.push(user(ref));
      }
    }
    if (!slackRefs && this.config.announceChannel) out.push(channel(channelRef(this.config.announceChannel)));
    return out;
  }

  private async usergroup(id: string): Promise<Target[]> {
    try {
      const team = await this.team();
      const res = await withRetry(() => this.client.usergroups.users.list({ usergroup: id }), this.opts.retry);
      return (res.users ?? []).map((u) => user(`slack:${team}/${u}`));
    } catch (err) {
      const e = toDeliveryError(err);
      if (e.retryable) throw e; // the dispatcher tries the notification again later
      this.opts.log?.warn({ usergroup: id, error: e.message }, 'slack: user group skipped');
      return [];
    }
  }

  private async team(): Promise<string> {
    if (!this.teamId) {
      const res = await withRetry(() => this.client.auth.test(), this.opts.retry);
      if (!res.team_id) throw new DeliveryError('Slack auth.test returned no team id', false);
      this.teamId = res.team_id;
    }
    return this.teamId;
  }

  async send(target: Target, message: OutboundMessage): Promise<{ messageRef?: string }> {
    const db = this.ctx.database.db;
    const rfc = findRfc(db, message.rfcKey);
    if (!rfc) throw new DeliveryError(`${message.rfcKey} no longer exists`, false);
    const v = message.view;
    try {
      if (target.kind === 'channel') {
        if (message.event === 'vote-requested') {
          const blocks = voteCardBlocks(v, this.localTimes(rfc));
          const text = voteCardText(v);
          const res = await this.client.chat.postMessage({ channel: target.id, text, blocks, unfurl_links: false });
          const ref = { rfcId: rfc.id, kind: 'vote-card' as const, conversation: res.channel ?? target.id, messageId: res.ts ?? '', thread: null };
          saveCard(db, ref, this.ctx.clock.now());
          this.rendered.set(cardKey(ref), JSON.stringify({ text, blocks }));
          return { messageRef: `${ref.conversation}/${ref.messageId}` };
        }
        const card = THREADED.has(message.event) ? this.cardFor(rfc.id, target.id) : undefined;
        const res = await this.client.chat.postMessage({
          channel: card?.conversation ?? target.id,
          text: fallback(message.text),
          blocks: notificationBlocks(message.text, v, { ownerButtons: false }),
          unfurl_links: false,
          ...(card ? { thread_ts: card.messageId } : {}),
        });
        return { messageRef: `${res.channel ?? target.id}/${res.ts ?? ''}` };
      }
      const person = personIdOf(target);
      const isOwner = person === rfc.owner;
      const res = await this.client.chat.postMessage({
        channel: userIdOf(target),
        text: fallback(message.text),
        blocks: notificationBlocks(message.text, v, { ownerButtons: isOwner }),
        unfurl_links: false,
      });
      if (isOwner && res.channel && res.ts) {
        saveCard(db, { rfcId: rfc.id, kind: 'owner-card', conversation: res.channel, messageId: res.ts, thread: null }, this.ctx.clock.now());
      }
      return { messageRef: `${res.channel ?? userIdOf(target)}/${res.ts ?? ''}` };
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /** The voting card a threaded message belongs under: the one in `channelId`, else any. */
  private cardFor(rfcId: number, channelId: string): CardRef | undefined {
    const cards = cardsOf(this.ctx.database.db, rfcId, 'vote-card');
    return cards.find((c) => c.conversation === channelId) ?? (cards.length === 1 ? cards[0] : undefined);
  }

  async refreshCards(rfcKey: string): Promise<void> {
    const db = this.ctx.database.db;
    const rfc = findRfc(db, rfcKey);
    if (!rfc) return;
    const failures: string[] = [];
    for (const card of cardsOf(db, rfc.id)) {
      const { text, blocks } = this.render(card, rfc);
      const payload = JSON.stringify({ text, blocks });
      const key = cardKey(card);
      if (this.rendered.get(key) === payload) continue;
      try {
        await withRetry(() => this.client.chat.update({ channel: card.conversation, ts: card.messageId, text, blocks }), this.opts.retry);
        this.rendered.set(key, payload);
      } catch (err) {
        failures.push(`${card.kind} ${key}: ${toDeliveryError(err).message}`);
      }
    }
    if (failures.length) throw new DeliveryError(`could not update ${failures.join('; ')}`, true);
  }

  /** Renders a stored card as it should look now. */
  render(card: Pick<CardRef, 'kind'>, rfc: Rfc): { text: string; blocks: Block[] } {
    if (card.kind === 'vote-card') {
      const v = viewRfc(this.ctx, rfc.key, this.ctx.timezone);
      return { text: voteCardText(v), blocks: voteCardBlocks(v, this.localTimes(rfc)) };
    }
    const zone = findPerson(this.ctx.database.db, rfc.owner)?.timezone ?? this.ctx.timezone;
    const v = viewRfc(this.ctx, rfc.key, zone);
    const text = ownerStatus(v);
    return { text: fallback(text), blocks: notificationBlocks(text, v, { ownerButtons: true }) };
  }

  private localTimes(rfc: Rfc): LocalTimes {
    return { window: rfc.window, deadline: rfc.state === 'awaiting_approval' ? rfc.voteDeadline : null, zone: this.ctx.timezone };
  }

  /** Forgets what was last rendered (a card changed outside this process). */
  forget(conversation: string, ts: string): void {
    this.rendered.delete(`${conversation}/${ts}`);
  }
}

function ownerStatus(v: RfcView): string {
  return `Your change ${v.key} “${v.title}” is now ${v.stateLabel.toLowerCase()}${v.window ? ` (window ${v.window})` : ''}.`;
}

function cardKey(c: Pick<CardRef, 'conversation' | 'messageId'>): string {
  return `${c.conversation}/${c.messageId}`;
}

function slackUser(id: string): boolean {
  return /^slack:[A-Z0-9]+\/[A-Z0-9]+$/i.test(id);
}

/** `slack:T1/U1` -> a user target with id `T1/U1` (personIdOf gives `slack:T1/U1` back). */
function user(personId: string): Target {
  return { platform: 'slack', kind: 'user', id: personId.slice('slack:'.length) };
}

function channel(id: string): Target {
  return { platform: 'slack', kind: 'channel', id };
}

/** The Slack user id of a user target (`T1/U1` -> `U1`): chat.postMessage to it opens the DM. */
export function userIdOf(target: Target): string {
  return target.id.split('/').pop() as string;
}
