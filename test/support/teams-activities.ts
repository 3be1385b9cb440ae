/**
 * Bot Framework activities as Teams sends them, and a client that posts them to the running
 * bot's `/api/messages` (no Authorization header: the bot runs without credentials).
 */
import { randomUUID } from 'node:crypto';

export interface TeamsUser {
  /** The Teams user id (MRI), `29:...`. */
  id: string;
  name: string;
  aadObjectId: string;
}

export interface TeamsConversation {
  id: string;
  type: 'personal' | 'channel' | 'groupChat';
  teamId?: string;
}

export const TENANT = 'tenant-0001';
export const BOT = { id: '28:changebot', name: 'changebot' };

export function user(name: string): TeamsUser {
  return { id: `29:${name}`, name, aadObjectId: `aad-${name}` };
}

export function personal(u: TeamsUser): TeamsConversation {
  return { id: `a:personal-${u.name}`, type: 'personal' };
}

export function channel(name: string, teamId = '19:team-general@thread.tacv2'): TeamsConversation {
  return { id: `19:${name}@thread.tacv2`, type: 'channel', teamId };
}

export type Activity = Record<string, unknown>;

export class TeamsClient {
  constructor(
    readonly botUrl: string,
    readonly serviceUrl: string,
  ) {}

  base(from: TeamsUser, conv: TeamsConversation, extra: Activity = {}): Activity {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      localTimezone: 'Europe/London',
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: BOT,
      conversation: {
        id: conv.id,
        conversationType: conv.type,
        tenantId: TENANT,
        ...(conv.type === 'personal' ? {} : { isGroup: true }),
      },
      channelData: {
        tenant: { id: TENANT },
        ...(conv.teamId ? { team: { id: conv.teamId }, channel: { id: conv.id } } : {}),
      },
      ...extra,
    };
  }

  /** A message; `mentions` become Teams mention entities for `<at>Name</at>` in the text. */
  message(from: TeamsUser, conv: TeamsConversation, text: string, mentions: { id: string; name: string; aadObjectId?: string }[] = []): Activity {
    return this.base(from, conv, {
      type: 'message',
      text,
      textFormat: 'plain',
      entities: mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: m })),
    });
  }

  /** A click on an Action.Execute button. `cardId` makes it a click on a posted card in a channel. */
  action(from: TeamsUser, conv: TeamsConversation, verb: string, data: Record<string, unknown>, cardId?: string): Activity {
    const a = this.base(from, conv, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
    });
    if (cardId) {
      a.replyToId = cardId;
      if (conv.type === 'channel') (a.conversation as Record<string, unknown>).id = `${conv.id};messageid=${cardId}`;
    }
    return a;
  }

  /** The bot was added: to a team (lands in its General channel) or to a personal scope. */
  installed(by: TeamsUser, conv: TeamsConversation): Activity {
    return this.base(by, conv, {
      type: 'conversationUpdate',
      membersAdded: [BOT],
      channelData: {
        tenant: { id: TENANT },
        ...(conv.teamId ? { team: { id: conv.teamId }, eventType: 'teamMemberAdded' } : {}),
      },
    });
  }

  installationUpdate(by: TeamsUser, conv: TeamsConversation, action: 'add' | 'remove' = 'add'): Activity {
    return this.base(by, conv, { type: 'installationUpdate', action });
  }

  async post(activity: Activity): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  }
}
