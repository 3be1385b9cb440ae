/**
 * Teams side of the delivery layer. Recipients resolve to stored conversations: the CAB
 * conversation (setting `cab-channel:teams`), a person's personal chat with the bot, channels
 * named in a service's audience. Messages go out proactively through the stored conversation
 * references (`continueConversationAsync`), so they work after a restart too. The voting card's
 * message id is kept so the card can be updated in place and the decision posted in its thread.
 */
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { cabChannel } from '../../app/admin.js';
import { cardFromView, cardOf, personViewer } from '../../app/cards.js';
import type { AppContext } from '../../app/context.js';
import { findService } from '../../db/repos/catalogue.js';
import { findPerson, peopleWithRole } from '../../db/repos/people.js';
import { findRelease } from '../../db/repos/releases.js';
import { findRfc } from '../../db/repos/rfcs.js';
import type { Recipient } from '../../domain/notifications.js';
import { type Subject, rfcSubject } from '../../domain/subject.js';
import type { Rfc } from '../../domain/types.js';
import type { Logger } from '../../log.js';
import { type Metrics, NO_METRICS } from '../../server/metrics.js';
import { KEPT_CARD_KIND, type KeptCard, type Placement, RELEASE_STATUS, RELEASE_THREAD_EVENTS, placementFor } from '../../notify/placement.js';
import { DeliveryError, type Notifier, type OutboundMessage, type ReleaseMessage, type Target, isReleaseMessage } from '../../notify/types.js';
import { attachment, teamsCard } from './cards.js';
import { connectorCodeOf, toDeliveryError } from './delivery-errors.js';
import { displayNames } from './identity.js';
import { textActivity } from './messages.js';
import { releaseAdaptiveCard } from './release-card.js';
import { releaseCard } from '../../domain/release-cards.js';
import { releaseViewOf } from '../../notify/deliver.js';
import { type StoredConversation, cardMessages, findConversation, personalConversation, saveCardMessage } from './store.js';
import { refreshUserIds, renderCard } from './votecard.js';

const CONVERSATION_REF = 'teams:conversation:';
const TEAM_REF = 'teams:team:';

/** A conversation id as stored in settings or audiences (with or without the ref prefix). */
export function conversationIdOf(ref: string): string {
  return ref.startsWith(CONVERSATION_REF) ? ref.slice(CONVERSATION_REF.length) : ref;
}

export class TeamsNotifier implements Notifier {
  readonly platform = 'teams' as const;

  constructor(
    private readonly app: AppContext,
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly log: Logger,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  private get db() {
    return this.app.database.db;
  }

  private cabConversation(): string | null {
    const v = cabChannel(this.db, 'teams');
    return v ? conversationIdOf(v) : null;
  }

  /**
   * Every Teams person is a target, with or without a stored 1:1 chat: without one the delivery
   * fails with the reason (the bot cannot start a chat) and the change owner is told, rather
   * than the person being skipped without a trace.
   */
  private personTargets(personId: string): Target[] {
    if (!personId.startsWith('teams:') || personId.startsWith(CONVERSATION_REF) || personId.startsWith(TEAM_REF)) return [];
    return [{ platform: 'teams', kind: 'user', id: personId.slice('teams:'.length) }];
  }

  /** The Teams targets among audience references (conversations, teams, people). */
  private audienceRefs(refs: readonly string[]): Target[] {
    const out: Target[] = [];
    for (const ref of refs) {
      if (ref.startsWith(CONVERSATION_REF)) out.push({ platform: 'teams', kind: 'channel', id: conversationIdOf(ref) });
      else if (ref.startsWith(TEAM_REF)) out.push({ platform: 'teams', kind: 'channel', id: ref.slice(TEAM_REF.length) });
      else if (ref.startsWith('teams:')) out.push(...this.personTargets(ref));
    }
    return out;
  }

  async resolve(recipient: Recipient, subject: Subject): Promise<Target[]> {
    switch (recipient.kind) {
      case 'cab-channel': {
        const id = this.cabConversation();
        return id ? [{ platform: 'teams', kind: 'channel', id }] : [];
      }
      case 'person':
        return this.personTargets(recipient.id);
      case 'role':
        return peopleWithRole(this.db, recipient.role).flatMap((p) => this.personTargets(p));
      case 'audience':
        return this.audienceRefs(findService(this.db, recipient.service)?.audience ?? []);
      case 'audience-refs':
        return this.audienceRefs(recipient.refs);
      case 'team':
        return []; // expanded to its members, user group and channel before (src/notify/resolve.ts teamRecipients)
      case 'status-thread': {
        // The conversation of the release's status message; `send` replies to that message.
        const release = subject.type === 'release' ? findRelease(this.db, subject.key) : null;
        return release?.channels.teams ? [{ platform: 'teams', kind: 'channel', id: conversationIdOf(release.channels.teams) }] : [];
      }
    }
  }

  private conversationFor(target: Target): StoredConversation {
    const conv = target.kind === 'user' ? personalConversation(this.db, `teams:${target.id}`) : findConversation(this.db, target.id);
    if (!conv) {
      throw new DeliveryError(
        target.kind === 'user'
          ? `teams:${target.id} has no chat with the bot yet, so it cannot message them: they should open changebot in Teams once`
          : `the bot has no stored Teams conversation ${target.id}: install the app there`,
        false,
      );
    }
    return conv;
  }

  /** Which card a message to `target` is, decided once for every platform (src/notify/placement.ts). */
  private placementOf(target: Target, message: OutboundMessage, rfc: Rfc): Placement {
    if (target.kind === 'user') return placementFor(message.event, { kind: 'user', viewer: personViewer(this.app, `teams:${target.id}`) }, rfc.owner);
    return placementFor(message.event, { kind: 'channel', isCabChannel: target.id === this.cabConversation() }, rfc.owner);
  }

  async send(target: Target, message: OutboundMessage): Promise<{ messageRef?: string }> {
    const conv = this.conversationFor(target);
    if (isReleaseMessage(message)) return this.sendRelease(target, conv, message);
    const rfc = this.rfcOf(message.subject);
    if (!rfc) throw new DeliveryError(`${message.subject.key} no longer exists`, false);
    const placement = this.placementOf(target, message, rfc);
    const names = displayNames(this.app);
    const card =
      placement.card === 'vote'
        ? teamsCard(cardFromView(this.app, 'vote', message.view, placement.viewer), { name: names, refreshFor: refreshUserIds(this.app) })
        : teamsCard(cardFromView(this.app, 'notice', message.view, placement.viewer, { message: message.text }), { name: names, messageAsText: true });
    // A threaded message goes under the kept card in this conversation, when there is one.
    const thread = placement.thread ? this.kept(rfcSubject(rfc.key), placement.thread, conv.id)?.messageId : undefined;
    const id = await this.post(conv.reference, { ...textActivity(message.text), attachments: [attachment(card)] }, thread);
    if (id && placement.keep)
      saveCardMessage(this.db, { subject: rfcSubject(rfc.key), kind: placement.keep, conversation: conv.id, messageId: id }, this.app.clock.now());
    return id ? { messageRef: id } : {};
  }

  /** A release's message: a reply to its status message when it goes to the status conversation. */
  private async sendRelease(target: Target, conv: StoredConversation, message: ReleaseMessage): Promise<{ messageRef?: string }> {
    const release = findRelease(this.db, message.subject.key);
    if (!release) throw new DeliveryError(`${message.subject.key} no longer exists`, false);
    const thread =
      target.kind === 'channel' && RELEASE_THREAD_EVENTS.has(message.event) ? this.kept(message.subject, RELEASE_STATUS, conv.id)?.messageId : undefined;
    const viewer = target.kind === 'user' ? personViewer(this.app, `teams:${target.id}`) : ({ kind: 'channel' } as const);
    const model = releaseCard('notice', message.release, viewer, { message: message.text });
    const card = releaseAdaptiveCard(model, { name: displayNames(this.app), messageAsText: true });
    const id = await this.post(conv.reference, { ...textActivity(message.text), attachments: [attachment(card)] }, thread);
    return id ? { messageRef: id } : {};
  }

  /**
   * The release's status message: posted once in its status conversation, then only updated in
   * place at every step. Refreshes of one release run one after another, so it is never posted twice.
   */
  private async refreshStatus(subject: Subject): Promise<void> {
    const release = findRelease(this.db, subject.key);
    if (!release) return;
    const activity = (): Partial<Activity> => {
      const model = releaseCard('status', releaseViewOf(this.app, release, this.app.timezone), { kind: 'status-channel' });
      return { ...textActivity(model.fallback), attachments: [attachment(releaseAdaptiveCard(model, { name: displayNames(this.app) }))] };
    };
    const payload = JSON.stringify(activity());
    const where = release.channels.teams ? conversationIdOf(release.channels.teams) : null;
    const kept = cardMessages(this.db, subject).filter((m) => m.kind === RELEASE_STATUS);
    if (where && !kept.some((m) => m.conversation === where)) {
      const conv = findConversation(this.db, where);
      if (!conv) {
        this.log.warn({ release: release.key, conversation: where }, 'teams: no stored conversation for the release status channel; install the app there');
      } else {
        const id = await this.post(conv.reference, activity());
        if (id) {
          saveCardMessage(this.db, { subject, kind: RELEASE_STATUS, conversation: conv.id, messageId: id }, this.app.clock.now());
          this.rendered.set(`${conv.id}/${id}`, payload);
        }
      }
    }
    for (const m of kept) {
      const conv = findConversation(this.db, m.conversation);
      const key = `${m.conversation}/${m.messageId}`;
      if (!conv || this.rendered.get(key) === payload) continue;
      await this.run(conv.reference, 'updateActivity', async (ctx) => {
        await ctx.updateActivity({ ...activity(), id: m.messageId });
      });
      this.rendered.set(key, payload);
    }
  }

  /** Last payload sent to each status message, so an unchanged one is not updated again. */
  private readonly rendered = new Map<string, string>();
  private readonly refreshing = new Map<string, Promise<void>>();

  private serially(key: string, run: () => Promise<void>): Promise<void> {
    const next = (this.refreshing.get(key) ?? Promise.resolve()).catch(() => undefined).then(run);
    const settled = next.catch(() => undefined);
    this.refreshing.set(key, settled);
    void settled.then(() => {
      if (this.refreshing.get(key) === settled) this.refreshing.delete(key);
    });
    return next;
  }

  private kept(subject: Subject, kind: string, conversation: string) {
    return cardMessages(this.db, subject).find((m) => m.kind === kind && m.conversation === conversation);
  }

  /** The RFC a message or card is about (releases have no cards here yet). */
  private rfcOf(subject: Subject): Rfc | null {
    return subject.type === 'rfc' ? findRfc(this.db, subject.key) : null;
  }

  async refreshCards(subject: Subject): Promise<void> {
    if (subject.type === 'release') return this.serially(subject.key, () => this.refreshStatus(subject));
    const rfc = this.rfcOf(subject);
    if (!rfc) return;
    for (const m of cardMessages(this.db, subject)) {
      const kind = KEPT_CARD_KIND[m.kind as KeptCard] as (typeof KEPT_CARD_KIND)[KeptCard] | undefined;
      const conv = kind && findConversation(this.db, m.conversation);
      if (!conv) continue;
      const activity: Partial<Activity> = { type: 'message', id: m.messageId };
      if (kind === 'vote') {
        activity.attachments = [attachment(renderCard(this.app, rfc.key, 'vote', { kind: 'cab-channel' }))];
      } else {
        const zone = findPerson(this.db, rfc.owner)?.timezone ?? this.app.timezone;
        const model = cardOf(this.app, 'owner', rfc.key, personViewer(this.app, rfc.owner), zone);
        Object.assign(activity, textActivity(model.message ?? model.fallback));
        activity.attachments = [attachment(teamsCard(model, { name: displayNames(this.app), messageAsText: true }))];
      }
      await this.run(conv.reference, 'updateActivity', async (ctx) => {
        await ctx.updateActivity(activity);
      });
    }
  }

  /**
   * Sends one activity into a stored conversation (as a reply to `replyTo` when given, i.e. in
   * that message's thread); returns its id. The continuation turn's activity carries a random
   * id that botbuilder would use as `replyToId`, so it is replaced by `replyTo` or removed.
   */
  private async post(reference: Partial<ConversationReference>, activity: Partial<Activity>, replyTo?: string): Promise<string | undefined> {
    let id: string | undefined;
    await this.run(reference, 'sendActivity', async (ctx) => {
      if (replyTo) ctx.activity.id = replyTo;
      else delete (ctx.activity as Partial<Activity>).id;
      id = (await ctx.sendActivity(activity))?.id;
    });
    return id;
  }

  /**
   * Runs `logic` in a proactive turn. Its errors are caught here: the adapter's onTurnError would
   * swallow them. A failure is counted as a chat API error of `method` with its HTTP status.
   */
  private async run(
    reference: Partial<ConversationReference>,
    method: 'sendActivity' | 'updateActivity',
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void> {
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
        try {
          await logic(ctx);
        } catch (err) {
          failure = err;
        }
      });
    } catch (err) {
      failure = err;
    }
    if (failure !== undefined) {
      const e = toDeliveryError(failure);
      this.metrics.chatApiError('teams', method, connectorCodeOf(failure));
      this.log.debug({ err: failure, retryable: e.retryable }, 'teams: connector call failed');
      throw e;
    }
  }
}
