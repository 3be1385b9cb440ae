/**
 * What every Slack listener needs, and the one way they answer the person who acted: an
 * ephemeral reply through response_url when there is one, else a DM.
 */
import type { RespondFn } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../server/metrics.js';
import type { SlackPeople } from './actor.js';
import type { Block } from './blocks/limits.js';
import { fallback } from './blocks/limits.js';
import type { SlackNotifier } from './notifier.js';
import { type SlackConfig, type WebClient, withRetry } from './web.js';

export interface SlackRuntime {
  ctx: AppContext;
  config: SlackConfig;
  log: Logger;
  /** Commands are counted through `metrics.counted` where they run. */
  metrics: Metrics;
  people: SlackPeople;
  notifier: SlackNotifier;
  /** Fail-fast client used for look-ups and fallbacks (listeners also get Bolt's client). */
  web: WebClient;
  /** Retry policy for calls made while a person waits. */
  retry: { attempts: number; baseMs: number; maxWaitMs: number };
}

/**
 * Called right after ack(): lets requests that already arrived be read and acknowledged before
 * this one's work runs (that work is synchronous: SQLite, rendering), so an ack never waits
 * behind other people's commands. Order is kept (setImmediate callbacks run first in, first out);
 * what it trades is that under a burst the work finishes a little later, the acks sooner.
 */
export function afterAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Audience {
  userId: string;
  respond?: RespondFn | undefined;
  client: WebClient;
}

/**
 * Tells the person who acted. Returns false if even the DM fallback failed (logged).
 */
export async function tell(rt: SlackRuntime, to: Audience, text: string, blocks?: Block[], opts: { replaceOriginal?: boolean } = {}): Promise<boolean> {
  const payload = { text: fallback(text), ...(blocks ? { blocks } : {}) };
  if (to.respond) {
    try {
      const respond = to.respond;
      await withRetry(async () => {
        const res = await respond({ response_type: 'ephemeral', replace_original: opts.replaceOriginal ?? false, ...payload });
        if (res && typeof res.status === 'number' && res.status >= 400) throw new Error(`response_url answered ${res.status}`);
      }, rt.retry);
      return true;
    } catch (err) {
      rt.log.warn({ err }, 'slack: response_url failed; sending a DM instead');
    }
  }
  try {
    await withRetry(() => to.client.chat.postMessage({ channel: to.userId, ...payload }), rt.retry);
    return true;
  } catch (err) {
    rt.log.error({ err, user: to.userId }, 'slack: could not tell the user');
    return false;
  }
}

/** A respond function for a response_url already checked to be Slack's (a stored one lives 30 minutes after the command). */
export function responder(url: string): RespondFn {
  return (async (message: unknown) => {
    const body = typeof message === 'string' ? { text: message } : message;
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }) as unknown as RespondFn;
}
