/**
 * Reading messages back from the fake Slack like conversations.history and conversations.replies:
 * `oldest` / `latest` filters, one page at a time (limit, cursor), metadata only when asked.
 */
import type { StoredMessage } from './slack-server.js';

interface Store {
  /** Every message, keyed `channel/ts`. */
  messages: Map<string, StoredMessage>;
  bot: { user: string; botId: string };
}

/** conversations.history (top-level messages, newest first) or conversations.replies (parent, then replies oldest first). */
export function readBack(method: string, a: Record<string, unknown>, store: Store): Record<string, unknown> {
  const channel = String(a.channel ?? '');
  const inChannel = [...store.messages.values()].filter((m) => m.channel === channel).sort((x, y) => compareTs(x.ts, y.ts));
  if (method === 'conversations.history') {
    if (!channel) return { ok: false, error: 'channel_not_found' };
    return historyPage(inChannel.filter((m) => !m.thread_ts && inRange(m.ts, a)).reverse(), a, store.bot);
  }
  const parent = store.messages.get(`${channel}/${String(a.ts ?? '')}`);
  if (!parent || parent.thread_ts) return { ok: false, error: 'thread_not_found' };
  return historyPage([parent, ...inChannel.filter((m) => m.thread_ts === parent.ts && inRange(m.ts, a))], a, store.bot);
}

/** One page of messages as conversations.history/replies answer it (cursor = where the next page starts). */
export function historyPage(found: StoredMessage[], a: Record<string, unknown>, bot: { user: string; botId: string }): Record<string, unknown> {
  const limit = Math.min(999, Number(a.limit ?? 100) || 100);
  const cursor =
    typeof a.cursor === 'string' && a.cursor
      ? Buffer.from(a.cursor, 'base64')
          .toString('utf8')
          .replace(/^next_ts:/, '')
      : undefined;
  const start = cursor ? found.findIndex((m) => m.ts === cursor) : 0;
  if (start < 0) return { ok: false, error: 'invalid_cursor' };
  const slice = found.slice(start, start + limit);
  const next = found[start + limit];
  const metadata = a.include_all_metadata === 'true' || a.include_all_metadata === '1';
  const messages = slice.map((m) => ({
    type: 'message',
    user: bot.user,
    bot_id: bot.botId,
    app_id: 'AFAKE',
    text: m.text ?? '',
    ts: m.ts,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(metadata && m.metadata ? { metadata: m.metadata } : {}),
  }));
  return {
    ok: true,
    messages,
    has_more: Boolean(next),
    pin_count: 0,
    ...(next ? { response_metadata: { next_cursor: Buffer.from(`next_ts:${next.ts}`).toString('base64') } } : {}),
  };
}

/** Slack timestamps compared exactly (`seconds.micro` strings; floats lose the last digits). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  return Number(as) - Number(bs) || af.padEnd(6, '0').localeCompare(bf.padEnd(6, '0'));
}

/** `oldest` / `latest` (exclusive unless `inclusive`), as conversations.history applies them. */
export function inRange(ts: string, a: Record<string, unknown>): boolean {
  const inclusive = a.inclusive === 'true' || a.inclusive === '1';
  if (typeof a.oldest === 'string' && a.oldest) {
    const c = compareTs(ts, a.oldest);
    if (c < 0 || (c === 0 && !inclusive)) return false;
  }
  if (typeof a.latest === 'string' && a.latest) {
    const c = compareTs(ts, a.latest);
    if (c > 0 || (c === 0 && !inclusive)) return false;
  }
  return true;
}
