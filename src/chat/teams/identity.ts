/**
 * Who and where, from a Teams activity: the person id (`teams:<aadObjectId>`), the actor with
 * roles, the conversation to remember, and the command text with mentions turned into ids.
 */
import { IANAZone } from 'luxon';
import { type Activity, type ChannelAccount, type ConversationReference, TeamsInfo, TurnContext } from 'botbuilder';
import { type AppContext, loadActor } from '../../app/context.js';
import type { Where } from '../../commands/execute.js';
import type { ParseContext } from '../../commands/types.js';
import { findPerson } from '../../db/repos/people.js';
import type { Actor } from '../../domain/types.js';
import type { ConversationKind, StoredConversation } from './store.js';

/** `teams:<aadObjectId>`; the Emulator sends no AAD id, so its user id stands in. */
export function personIdOf(account: Partial<ChannelAccount> | undefined): string {
  const id = account?.aadObjectId || account?.id || 'unknown';
  return `teams:${id}`;
}

/** A channel message's conversation id carries `;messageid=<root>` for thread replies. */
export function baseConversationId(id: string): string {
  const i = id.indexOf(';messageid=');
  return i === -1 ? id : id.slice(0, i);
}

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const t = activity.conversation?.conversationType;
  if (t === 'channel') return 'channel';
  if (t === 'groupChat' || activity.conversation?.isGroup) return 'group';
  return 'personal';
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
  eventType?: string;
}

export function channelDataOf(activity: Partial<Activity>): TeamsChannelData {
  return (activity.channelData ?? {}) as TeamsChannelData;
}

export function tenantOf(activity: Partial<Activity>): string | null {
  return channelDataOf(activity).tenant?.id ?? activity.conversation?.tenantId ?? null;
}

/** The conversation this activity came from, as a reference the bot can write to later. */
export function conversationOf(activity: Partial<Activity>, conversationId?: string): StoredConversation {
  const kind = conversationKind(activity);
  const reference = TurnContext.getConversationReference(activity) as Partial<ConversationReference>;
  const id = conversationId ?? baseConversationId(activity.conversation?.id ?? '');
  delete reference.activityId;
  reference.conversation = { ...(reference.conversation as ConversationReference['conversation']), id };
  if (kind !== 'personal') delete reference.user;
  return {
    id,
    kind,
    tenant: tenantOf(activity),
    team: channelDataOf(activity).team?.id ?? null,
    personId: kind === 'personal' ? personIdOf(activity.from) : null,
    reference,
  };
}

export function timezoneOf(ctx: AppContext, activity: Partial<Activity>, personId: string): string {
  const tz = activity.localTimezone;
  if (tz && IANAZone.isValidZone(tz)) return tz;
  return findPerson(ctx.database.db, personId)?.timezone ?? ctx.timezone;
}

export function actorOf(ctx: AppContext, activity: Partial<Activity>): Actor {
  const id = personIdOf(activity.from);
  const tz = activity.localTimezone && IANAZone.isValidZone(activity.localTimezone) ? activity.localTimezone : undefined;
  const actor = loadActor(ctx, id, { displayName: activity.from?.name, timezone: tz });
  return { ...actor, timezone: timezoneOf(ctx, activity, id) };
}

export function parseContextOf(ctx: AppContext, activity: Partial<Activity>, actor: Actor): ParseContext {
  return { platform: 'teams', workspace: tenantOf(activity) ?? '', timezone: actor.timezone, now: ctx.clock.now() };
}

/** `cab-channel` without an argument names the channel (or group chat) it is typed in, as an audience ref. */
export function whereOf(activity: Partial<Activity>): Where {
  const kind = conversationKind(activity);
  return kind === 'personal'
    ? { platform: 'teams' }
    : { platform: 'teams', channel: `teams:conversation:${baseConversationId(activity.conversation?.id ?? '')}`, shared: true };
}

interface MentionEntity {
  type: string;
  text?: string;
  mentioned?: { id?: string; name?: string; aadObjectId?: string };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/**
 * The command typed to the bot: the bot's own @mention removed, other people's mentions
 * replaced by `teams:<aadObjectId>` (looked up when Teams leaves the AAD id out), channel
 * mentions by `teams:conversation:<id>`, and stray HTML removed.
 */
export async function commandText(context: TurnContext): Promise<string> {
  const activity = context.activity;
  let text = activity.text ?? '';
  const mentions = (activity.entities ?? []).filter((e) => e.type === 'mention') as MentionEntity[];
  for (const m of mentions) {
    const said = m.text ?? (m.mentioned?.name ? `<at>${m.mentioned.name}</at>` : '');
    if (!said || !text.includes(said)) continue;
    const id = await mentionId(context, m);
    text = text.split(said).join(id || ' ');
  }
  text = text.replace(/<\/?(?:p|div|span|br)\b[^>]*>/gi, ' ').replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (e) => ENTITIES[e] ?? e);
  return text.replace(/\s+/g, ' ').trim();
}

async function mentionId(context: TurnContext, m: MentionEntity): Promise<string> {
  const who = m.mentioned;
  if (!who?.id && !who?.aadObjectId) return m.mentioned?.name ?? '';
  if (who.id === context.activity.recipient?.id) return '';
  if (who.id?.startsWith('19:')) return `teams:conversation:${who.id}`;
  if (who.aadObjectId) return `teams:${who.aadObjectId}`;
  try {
    const member = await TeamsInfo.getMember(context, who.id as string);
    if (member.aadObjectId) return `teams:${member.aadObjectId}`;
  } catch {
    // Outside Teams (Emulator) or the member left: fall through to the name, which the parser
    // refuses with "@mention the person".
  }
  return JSON.stringify(who.name ?? who.id ?? '');
}

/** Display names for person ids on cards (the id when the person is unknown). */
export function displayNames(ctx: AppContext): (personId: string) => string {
  const cache = new Map<string, string>();
  return (id) => {
    let n = cache.get(id);
    if (n === undefined) {
      n = findPerson(ctx.database.db, id)?.displayName ?? id;
      cache.set(id, n);
    }
    return n;
  };
}
