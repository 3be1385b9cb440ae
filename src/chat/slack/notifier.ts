/**
 * Slack's side of the delivery layer: turns abstract recipients into channels and users, sends
 * one message per target (the CAB voting card, decisions in the card's thread, DMs with the
 * owner's buttons) and keeps every stored card up to date with chat.update. Each post carries its
 * delivery key as message metadata, so `findSent` can tell after a crash whether it went out.
 */
import { cardFromView, cardOf, personViewer } from '../../app/cards.js';
import { findService } from '../../db/repos/catalogue.js';
import { findPerson, peopleWithRole } from '../../db/repos/people.js';
import { findRelease } from '../../db/repos/releases.js';
import { findRfc } from '../../db/repos/rfcs.js';
import type { Release } from '../../domain/release.js';
import type { AppContext } from '../../app/context.js';
import type { Recipient } from '../../domain/notifications.js';
import { type Subject, rfcSubject } from '../../domain/subject.js';
import type { Rfc } from '../../domain/types.js';
import type { Logger } from '../../log.js';
import { personIdOf } from '../../notify/deliver.js';
import { KEPT_CARD_KIND, type KeptCard, type Placement, RELEASE_STATUS, RELEASE_THREAD_EVENTS, placementFor } from '../../notify/placement.js';
import { type Notifier, type OutboundMessage, type ReleaseMessage, type Target, DeliveryError, isReleaseMessage } from '../../notify/types.js';
import type { RfcCard } from '../../domain/cards.js';
import type { Block } from './blocks/limits.js';
import { fallback } from './blocks/limits.js';
import { cardBlocks } from './blocks/rfc.js';
import { releaseBlocks } from './blocks/release.js';
import { releaseCard } from '../../domain/release-cards.js';
import { releaseViewOf } from '../../notify/deliver.js';
import { type BotIdentity, deliveryMetadata, findDelivery, isConversationId } from './sent.js';
import { type CardRef, cardsOf, saveCard } from '../../db/repos/chat.js';
import { channelRef, slackCabChannel } from './channels.js';
import { type RetryOptions, type SlackConfig, type WebClient, toDeliveryError, withRetry } from './web.js';

export interface SlackNotifierOptions {
  log?: Logger;
  /** Retry policy for card refreshes and look-ups (deliveries are retried by the delivery layer). */
  retry?: RetryOptions;
}

export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;
  private teamId: string | undefined;
  private bot: BotIdentity | undefined;
  /** DM channel of each user id (U… -> D…), for reading a DM's history. */
  private readonly dms = new Map<string, string>();
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

  async resolve(recipient: Recipient, subject: Subject): Promise<Target[]> {
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
      case 'audience-refs':
        return (await this.audienceRefs(recipient.refs)).out;
      case 'team':
        return []; // expanded to its members, user group and channel before (src/notify/resolve.ts teamRecipients)
      case 'status-thread': {
        // The channel of the release's status message; `send` posts in that message's thread.
        const release = subject.type === 'release' ? findRelease(db, subject.key) : null;
        return release?.channels.slack ? [channel(channelRef(release.channels.slack))] : [];
      }
    }
  }

  private async audience(name: string): Promise<Target[]> {
    const service = findService(this.ctx.database.db, name);
    const { out, slackRefs } = await this.audienceRefs(service?.audience ?? []);
    // A service that names no audience at all is announced in the default channel; one whose
    // audience is on another platform only is told there, not here too.
    if (!slackRefs && !service?.audience.length && this.config.announceChannel) out.push(channel(channelRef(this.config.announceChannel)));
    return out;
  }

  /** The Slack targets among audience references (channels, user groups, people); `slackRefs`: how many were Slack's. */
  private async audienceRefs(refs: readonly string[]): Promise<{ out: Target[]; slackRefs: number }> {
    const out: Target[] = [];
    let slackRefs = 0;
    for (const ref of refs) {
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
    return { out, slackRefs };
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
    return this.teamId ?? (await this.whoAmI()).team;
  }

  /** Our bot user and bot id, to recognise our own messages in a conversation's history. */
  private async identity(): Promise<BotIdentity> {
    return this.bot ?? (await this.whoAmI()).bot;
  }

  private async whoAmI(): Promise<{ team: string; bot: BotIdentity }> {
    const res = await withRetry(() => this.client.auth.test(), this.opts.retry);
    if (!res.team_id) throw new DeliveryError('Slack auth.test returned no team id', false);
    this.teamId ??= res.team_id;
    this.bot = { ...(res.user_id ? { userId: res.user_id } : {}), ...(res.bot_id ? { botId: res.bot_id } : {}) };
    return { team: this.teamId, bot: this.bot };
  }

  async send(target: Target, message: OutboundMessage): Promise<{ messageRef?: string }> {
    if (isReleaseMessage(message)) return this.sendRelease(target, message);
    const rfc = this.rfcOf(message.subject);
    if (!rfc) throw new DeliveryError(`${message.subject.key} no longer exists`, false);
    const placement = this.placementOf(target, message, rfc);
    const { channel, thread } = this.where(target, placement, rfc);
    const { text, blocks } = this.content(placement, message);
    try {
      const res = await this.post(channel, text, blocks, thread, message.deliveryKey);
      return this.posted(target, placement, rfc, res.channel ?? channel, res.ts ?? '', { text, blocks });
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /**
   * Whether the message for this delivery already reached Slack (a crash came between the post
   * and recording it): reads the conversation, or the card's thread, since the delivery was
   * recorded, for our message carrying the delivery key. Found: does what `send` does after a
   * post (stores the card) and returns its reference; not found: null, so it is sent.
   * Transient failures (rate limit, network, 5xx) are thrown as retryable DeliveryErrors: the
   * delivery is checked again later, never re-sent blindly. A definite refusal (missing_scope
   * on an app not reinstalled since these scopes were added, not_in_channel...) will not cure
   * itself, and the delivery layer retries a failed check without counting attempts, so then it
   * is sent again (at least once, as without this check) and a warning says why.
   */
  async findSent(target: Target, message: OutboundMessage, since: Date): Promise<{ messageRef?: string } | null> {
    const key = message.deliveryKey;
    if (!key) return null;
    let where: string;
    let thread: string | undefined;
    let found: (channel: string, ts: string) => { messageRef: string };
    if (isReleaseMessage(message)) {
      const release = findRelease(this.ctx.database.db, message.subject.key);
      if (!release) return null;
      ({ channel: where, thread } = this.releaseWhere(target, release, message.event));
      found = (channel, ts) => this.postedRelease(target, channel, ts);
    } else {
      const rfc = this.rfcOf(message.subject);
      if (!rfc) return null;
      const placement = this.placementOf(target, message, rfc);
      ({ channel: where, thread } = this.where(target, placement, rfc));
      found = (channel, ts) => this.posted(target, placement, rfc, channel, ts);
    }
    try {
      const channel = target.kind === 'user' ? await this.dmChannel(where) : where;
      if (!isConversationId(channel)) {
        // A channel given by name (`#cab`): its history can only be read by id.
        this.opts.log?.warn({ delivery: key, channel }, 'slack: cannot check a channel given by name; sending again');
        return null;
      }
      const hit = await findDelivery(this.client, { channel, ...(thread ? { thread } : {}), since, key, by: await this.identity() });
      if (hit.ts) return found(channel, hit.ts);
      if (!hit.complete) this.opts.log?.warn({ delivery: key, channel }, 'slack: too many messages to check since the delivery; sending again');
      return null;
    } catch (err) {
      const e = toDeliveryError(err);
      if (e.retryable) throw e;
      this.opts.log?.warn({ delivery: key, error: e.message }, 'slack: cannot check whether an interrupted delivery went out; sending again');
      return null;
    }
  }

  /** Which card a message to `target` is, decided once for every platform (src/notify/placement.ts). */
  private placementOf(target: Target, message: OutboundMessage, rfc: Rfc): Placement {
    if (target.kind === 'user') return placementFor(message.event, { kind: 'user', viewer: personViewer(this.ctx, personIdOf(target)) }, rfc.owner);
    const cab = slackCabChannel(this.ctx.database.db, this.config.cabChannel);
    return placementFor(message.event, { kind: 'channel', isCabChannel: target.id === cab }, rfc.owner);
  }

  /** The channel (a user id for a DM) and, for a threaded message, the kept card's thread. */
  private where(target: Target, placement: Placement, rfc: Rfc): { channel: string; thread?: string } {
    if (target.kind === 'user') return { channel: userIdOf(target) };
    const card = placement.thread ? this.cardFor(rfcSubject(rfc.key), target.id, placement.thread) : undefined;
    return card ? { channel: card.conversation, thread: card.messageId } : { channel: target.id };
  }

  private content(placement: Placement, message: OutboundMessage): { text: string; blocks: Block[] } {
    if (isReleaseMessage(message)) throw new Error('a release message has no RFC card');
    const extras = placement.card === 'vote' ? {} : { message: message.text };
    return this.layout(cardFromView(this.ctx, placement.card, message.view, placement.viewer, extras));
  }

  /** One message posted; `deliveryKey` rides along so findSent can tell after a crash whether it went out. */
  private post(channel: string, text: string, blocks: Block[], thread: string | undefined | null, deliveryKey: string | undefined) {
    return this.client.chat.postMessage({
      channel,
      text,
      blocks,
      unfurl_links: false,
      ...(thread ? { thread_ts: thread } : {}),
      ...(deliveryKey ? { metadata: deliveryMetadata(deliveryKey) } : {}),
    });
  }

  /** A release's message: in its status message's thread when it goes to the status channel. */
  private async sendRelease(target: Target, message: ReleaseMessage): Promise<{ messageRef?: string }> {
    const release = findRelease(this.ctx.database.db, message.subject.key);
    if (!release) throw new DeliveryError(`${message.subject.key} no longer exists`, false);
    const { channel, thread } = this.releaseWhere(target, release, message.event);
    const viewer = target.kind === 'user' ? personViewer(this.ctx, personIdOf(target)) : ({ kind: 'channel' } as const);
    const card = releaseCard('notice', message.release, viewer, { message: message.text });
    const text = fallback(message.text);
    const blocks = releaseBlocks(card);
    try {
      const res = await this.post(channel, text, blocks, thread, message.deliveryKey);
      return this.postedRelease(target, res.channel ?? channel, res.ts ?? '');
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /** Where a release's message to `target` goes: a DM, the status message's thread, or the channel. */
  private releaseWhere(target: Target, release: Release, event: string): { channel: string; thread?: string } {
    if (target.kind === 'user') return { channel: userIdOf(target) };
    const status = RELEASE_THREAD_EVENTS.has(event) ? this.statusCard(release, target.id) : undefined;
    return status ? { channel: status.conversation, thread: status.messageId } : { channel: target.id };
  }

  /** The release's status message in `channelId` (its configured status channel, by id or name). */
  private statusCard(release: Release, channelId: string): CardRef | undefined {
    const cards = cardsOf(this.ctx.database.db, 'slack', { type: 'release', key: release.key }, RELEASE_STATUS);
    const configured = release.channels.slack ? channelRef(release.channels.slack) : null;
    return (
      cards.find((c) => c.conversation === channelId) ?? (!isConversationId(channelId) && channelId === configured && cards.length === 1 ? cards[0] : undefined)
    );
  }

  private postedRelease(target: Target, channel: string, ts: string): { messageRef: string } {
    if (target.kind === 'user' && channel.startsWith('D')) this.dms.set(userIdOf(target), channel);
    return { messageRef: `${channel}/${ts}` };
  }

  private layout(card: RfcCard): { text: string; blocks: Block[] } {
    return { text: fallback(card.fallback), blocks: cardBlocks(card, { zone: this.ctx.timezone }) };
  }

  /**
   * After a message reached Slack (just posted, or found by findSent): remembers the voting card
   * or the owner's card so it is updated in place later, and the DM channel of a user.
   */
  private posted(
    target: Target,
    placement: Placement,
    rfc: Rfc,
    channel: string,
    ts: string,
    sent?: { text: string; blocks: Block[] },
  ): { messageRef: string } {
    const db = this.ctx.database.db;
    const now = this.ctx.clock.now();
    if (placement.keep === 'vote-card') {
      const ref = { subject: rfcSubject(rfc.key), kind: 'vote-card' as const, conversation: channel, messageId: ts, thread: null };
      saveCard(db, 'slack', ref, now);
      // A card found after a crash may show an older state: left unrendered, the next refresh updates it.
      if (sent) this.rendered.set(cardKey(ref), JSON.stringify(sent));
    } else if (target.kind === 'user') {
      if (channel.startsWith('D')) this.dms.set(userIdOf(target), channel);
      if (placement.keep === 'owner-card' && ts && channel !== userIdOf(target))
        saveCard(db, 'slack', { subject: rfcSubject(rfc.key), kind: 'owner-card', conversation: channel, messageId: ts, thread: null }, now);
    }
    return { messageRef: `${channel}/${ts}` };
  }

  /** The DM channel with a user (D…), opened once and remembered. */
  private async dmChannel(userId: string): Promise<string> {
    const known = this.dms.get(userId);
    if (known) return known;
    const res = await this.client.conversations.open({ users: userId });
    const id = res.channel?.id;
    if (!id) throw new DeliveryError('Slack conversations.open returned no channel', true);
    this.dms.set(userId, id);
    return id;
  }

  /** The kept card a threaded message belongs under: the one in `channelId`, else the only one. */
  private cardFor(subject: Subject, channelId: string, kind: KeptCard): CardRef | undefined {
    const cards = cardsOf(this.ctx.database.db, 'slack', subject, kind);
    return cards.find((c) => c.conversation === channelId) ?? (cards.length === 1 ? cards[0] : undefined);
  }

  /** The RFC a message or card is about (releases have no cards here yet). */
  private rfcOf(subject: Subject): Rfc | null {
    return subject.type === 'rfc' ? findRfc(this.ctx.database.db, subject.key) : null;
  }

  async refreshCards(subject: Subject): Promise<void> {
    if (subject.type === 'release') return this.serially(subject.key, () => this.refreshStatus(subject));
    const db = this.ctx.database.db;
    const rfc = this.rfcOf(subject);
    if (!rfc) return;
    const failures: string[] = [];
    for (const card of cardsOf(db, 'slack', subject)) {
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

  /** Refreshes of one release run one after another, so its status message is never posted twice. */
  private readonly refreshing = new Map<string, Promise<void>>();

  private serially(key: string, run: () => Promise<void>): Promise<void> {
    const before = this.refreshing.get(key) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(run);
    const settled = next.catch(() => undefined);
    this.refreshing.set(key, settled);
    void settled.then(() => {
      if (this.refreshing.get(key) === settled) this.refreshing.delete(key);
    });
    return next;
  }

  /**
   * The release's status message: posted once in its status channel, then only updated in
   * place (chat.update) at every step; an unchanged message is not updated again.
   */
  private async refreshStatus(subject: Subject): Promise<void> {
    const db = this.ctx.database.db;
    const release = findRelease(db, subject.key);
    if (!release) return;
    // Shared: its times are in the default zone, its buttons those of the release team.
    const card = releaseCard('status', releaseViewOf(this.ctx, release, this.ctx.timezone), { kind: 'status-channel' });
    const content = { text: fallback(card.fallback), blocks: releaseBlocks(card) };
    const payload = JSON.stringify(content);
    const configured = release.channels.slack ? channelRef(release.channels.slack) : null;
    const cards = cardsOf(db, 'slack', subject, RELEASE_STATUS);
    if (configured && !this.statusCard(release, configured)) {
      try {
        const res = await withRetry(() => this.client.chat.postMessage({ channel: configured, ...content, unfurl_links: false }), this.opts.retry);
        const ref: CardRef = { subject, kind: RELEASE_STATUS, conversation: res.channel ?? configured, messageId: res.ts ?? '', thread: null };
        saveCard(db, 'slack', ref, this.ctx.clock.now());
        this.rendered.set(cardKey(ref), payload);
      } catch (err) {
        throw new DeliveryError(`could not post the status message of ${release.key}: ${toDeliveryError(err).message}`, true);
      }
    }
    const failures: string[] = [];
    for (const card of cards) {
      const key = cardKey(card);
      if (this.rendered.get(key) === payload) continue;
      try {
        await withRetry(() => this.client.chat.update({ channel: card.conversation, ts: card.messageId, ...content }), this.opts.retry);
        this.rendered.set(key, payload);
      } catch (err) {
        failures.push(`${card.kind} ${key}: ${toDeliveryError(err).message}`);
      }
    }
    if (failures.length) throw new DeliveryError(`could not update ${failures.join('; ')}`, true);
  }

  /** Renders a stored card as it should look now. */
  render(card: Pick<CardRef, 'kind'>, rfc: Rfc): { text: string; blocks: Block[] } {
    const kind = KEPT_CARD_KIND[card.kind as KeptCard] ?? 'owner';
    if (kind === 'vote') return this.layout(cardOf(this.ctx, 'vote', rfc.key, { kind: 'cab-channel' }, this.ctx.timezone));
    const zone = findPerson(this.ctx.database.db, rfc.owner)?.timezone ?? this.ctx.timezone;
    return this.layout(cardOf(this.ctx, 'owner', rfc.key, personViewer(this.ctx, rfc.owner), zone));
  }

  /** Forgets what was last rendered (a card changed outside this process). */
  forget(conversation: string, ts: string): void {
    this.rendered.delete(`${conversation}/${ts}`);
  }
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
