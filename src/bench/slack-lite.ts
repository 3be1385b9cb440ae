/**
 * A minimal Slack notifier over plain HTTP, for the crash test and the benchmarks. Unlike the
 * chat adapter's SlackNotifier it attaches each delivery's key as message metadata and
 * implements `findSent` (conversations.history), which makes a delivery interrupted by a crash
 * exactly-once: the pattern the real adapter can adopt.
 */
import type { AppContext } from '../app/context.js';
import { findService } from '../db/repos/catalogue.js';
import { peopleWithRole } from '../db/repos/people.js';
import type { Recipient } from '../domain/notifications.js';
import type { Rfc } from '../domain/types.js';
import { DeliveryError, type Notifier, type OutboundMessage, type Target } from '../notify/types.js';
import { getSetting } from '../db/repos/catalogue.js';

const SLACK_PERSON = /^slack:([A-Z0-9]+)\/([A-Z0-9]+)$/i;

export class SlackLiteNotifier implements Notifier {
  readonly platform = 'slack' as const;
  /** Messages posted by this notifier (for counting in benchmarks). */
  sent = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly apiUrl: string,
    private readonly teamId: string,
  ) {}

  async resolve(recipient: Recipient, _rfc: Rfc): Promise<Target[]> {
    const db = this.ctx.database.db;
    switch (recipient.kind) {
      case 'person':
        return userTarget(recipient.id);
      case 'role':
        return peopleWithRole(db, recipient.role).flatMap(userTarget);
      case 'cab-channel': {
        const ch = getSetting(db, 'cab-channel:slack');
        return ch ? [{ platform: 'slack', kind: 'channel', id: ch.replace(/^slack:channel:/, '') }] : [];
      }
      case 'audience': {
        const out: Target[] = [];
        for (const ref of findService(db, recipient.service)?.audience ?? []) {
          if (ref.startsWith('slack:channel:')) out.push({ platform: 'slack', kind: 'channel', id: ref.slice('slack:channel:'.length) });
          else if (ref.startsWith('slack:usergroup:')) {
            const res = await this.call('usergroups.users.list', { usergroup: ref.slice('slack:usergroup:'.length) });
            for (const u of (res.users as string[] | undefined) ?? []) out.push({ platform: 'slack', kind: 'user', id: `${this.teamId}/${u}` });
          } else out.push(...userTarget(ref));
        }
        return out;
      }
    }
  }

  async send(target: Target, message: OutboundMessage): Promise<{ messageRef?: string }> {
    const res = await this.call('chat.postMessage', {
      channel: channelOf(target),
      text: message.text,
      ...(message.deliveryKey ? { metadata: { event_type: 'changebot_delivery', event_payload: { key: message.deliveryKey } } } : {}),
    });
    this.sent++;
    return { messageRef: `${String(res.channel)}/${String(res.ts)}` };
  }

  async findSent(target: Target, message: OutboundMessage): Promise<{ messageRef?: string } | null> {
    if (!message.deliveryKey) return null;
    let channel = channelOf(target);
    if (target.kind === 'user') channel = String(((await this.call('conversations.open', { users: channel })).channel as { id: string }).id);
    const res = await this.call('conversations.history', { channel, include_all_metadata: true, limit: 100 });
    const found = ((res.messages as { ts: string; metadata?: { event_payload?: { key?: string } } }[]) ?? []).find(
      (m) => m.metadata?.event_payload?.key === message.deliveryKey,
    );
    return found ? { messageRef: `${channel}/${found.ts}` } : null;
  }

  async refreshCards(): Promise<void> {}

  private async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.apiUrl}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-bench' },
        body: JSON.stringify(args),
      });
    } catch (err) {
      throw new DeliveryError(`Slack request failed: ${(err as Error).message}`, true);
    }
    if (res.status === 429) {
      await res.body?.cancel();
      throw new DeliveryError('Slack rate limit', true, Number(res.headers.get('retry-after') ?? '1') * 1000);
    }
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 500) throw new DeliveryError(`Slack answered HTTP ${res.status}`, true);
    if (json.ok !== true) throw new DeliveryError(`Slack refused the call: ${String(json.error)}`, json.error === 'internal_error');
    return json;
  }
}

function userTarget(personId: string): Target[] {
  const m = SLACK_PERSON.exec(personId);
  return m ? [{ platform: 'slack', kind: 'user', id: `${m[1]}/${m[2]}` }] : [];
}

function channelOf(target: Target): string {
  return target.kind === 'user' ? (target.id.split('/').pop() as string) : target.id;
}
