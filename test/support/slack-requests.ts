/**
 * Requests shaped exactly like Slack's, correctly signed (v0 HMAC-SHA256 over
 * `v0:<timestamp>:<body>` with the signing secret): form-encoded slash commands,
 * `payload=<json>` interactions (block_actions, view_submission), and JSON Events API callbacks.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  retryNum?: number;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Replaces the computed signature (to test refusals). */
  signature?: string;
  contentType?: string;
}

export interface SlackResponse {
  status: number;
  text: string;
  json: unknown;
}

const rid = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

export class SlackSender {
  constructor(
    /** e.g. http://127.0.0.1:PORT/slack/events */
    readonly url: string,
    readonly secret: string,
  ) {}

  async send(body: string, opts: SendOptions = {}): Promise<SlackResponse> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? (body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded'),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': opts.signature ?? signature(this.secret, ts, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const res = await fetch(this.url, { method: 'POST', headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }
}

export interface Who {
  team: string;
  user: string;
  name?: string;
}

/** A slash command as Slack posts it (application/x-www-form-urlencoded). */
export function slashCommand(
  who: Who,
  text: string,
  opts: { channel?: string; channelName?: string; responseUrl: string; triggerId?: string; command?: string },
): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: who.team,
    team_domain: 'fake',
    channel_id: opts.channel ?? 'CGENERAL',
    channel_name: opts.channelName ?? 'general',
    user_id: who.user,
    user_name: who.name ?? who.user.toLowerCase(),
    command: opts.command ?? '/rfc',
    text,
    api_app_id: 'A0CHANGEBOT',
    is_enterprise_install: 'false',
    response_url: opts.responseUrl,
    trigger_id: opts.triggerId ?? `${Date.now()}.${rid('')}`,
  }).toString();
}

/** Any interaction payload, form-encoded the way Slack sends it. */
export function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ClickOptions {
  actionId: string;
  value: string;
  label?: string;
  blockId?: string;
  /** The message the button is on. */
  message?: { channel: string; ts: string; blocks?: unknown[]; text?: string };
  ephemeral?: { channel: string };
  /** A modal or the Home tab the button is on. */
  view?: Record<string, unknown>;
  responseUrl?: string;
}

/** A block_actions payload for a button click. */
export function buttonClick(who: Who, o: ClickOptions): Record<string, unknown> {
  const action = {
    action_id: o.actionId,
    block_id: o.blockId ?? 'b1',
    text: { type: 'plain_text', text: o.label ?? o.actionId, emoji: true },
    value: o.value,
    type: 'button',
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
  };
  const base = {
    type: 'block_actions',
    user: { id: who.user, username: who.name ?? who.user.toLowerCase(), name: who.name ?? who.user.toLowerCase(), team_id: who.team },
    api_app_id: 'A0CHANGEBOT',
    token: 'verification-token-unused',
    trigger_id: `${Date.now()}.${rid('')}`,
    team: { id: who.team, domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [action],
  };
  if (o.view) {
    return { ...base, container: { type: 'view', view_id: o.view.id }, view: o.view };
  }
  if (o.ephemeral) {
    return {
      ...base,
      container: { type: 'message', message_ts: `${Math.floor(Date.now() / 1000)}.000100`, channel_id: o.ephemeral.channel, is_ephemeral: true },
      channel: { id: o.ephemeral.channel, name: 'general' },
      response_url: o.responseUrl,
    };
  }
  const m = o.message ?? { channel: 'C0', ts: '0.0' };
  return {
    ...base,
    container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
    channel: { id: m.channel, name: 'channel' },
    message: { type: 'message', user: 'UBOT', ts: m.ts, bot_id: 'BBOT', text: m.text ?? '', blocks: m.blocks ?? [] },
    response_url: o.responseUrl,
  };
}

type Block = { type: string; block_id?: string; element?: { type: string; action_id: string; options?: { text: unknown; value: string }[] } };

/**
 * The `view.state.values` Slack sends for a modal, from the view the bot opened and the
 * values typed: strings for text inputs and selects, string[] for multi-selects, Date for
 * date-time pickers, boolean for a single checkbox, 'YYYY-MM-DD' for date pickers, ids for user and
 * conversation selects. Untouched inputs come back empty, as in Slack, except a select with an
 * initial value, which comes back with it.
 */
export function stateValues(view: { blocks?: unknown[] }, values: Record<string, string | string[] | Date | boolean>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const b of (view.blocks ?? []) as Block[]) {
    if (b.type !== 'input' || !b.block_id || !b.element) continue;
    const el = b.element;
    const v = values[b.block_id];
    const opt = (value: string) => {
      const found = el.options?.find((o) => o.value === value);
      if (!found) throw new Error(`stateValues: ${b.block_id} has no option ${value}`);
      return { text: found.text, value: found.value };
    };
    let state: Record<string, unknown>;
    switch (el.type) {
      case 'plain_text_input':
        state = { value: typeof v === 'string' ? v : null };
        break;
      case 'static_select':
        state = { selected_option: typeof v === 'string' ? opt(v) : null };
        break;
      case 'multi_static_select':
        state = { selected_options: Array.isArray(v) ? v.map(opt) : [] };
        break;
      case 'checkboxes':
        state = { selected_options: v === true ? [opt(el.options?.[0]?.value ?? 'true')] : [] };
        break;
      case 'datetimepicker':
        state = { selected_date_time: v instanceof Date ? Math.floor(v.getTime() / 1000) : null };
        break;
      case 'datepicker':
        state = { selected_date: typeof v === 'string' ? v : null };
        break;
      case 'users_select':
        state = { selected_user: typeof v === 'string' ? v : ((el as { initial_user?: string }).initial_user ?? null) };
        break;
      case 'conversations_select':
        state = { selected_conversation: typeof v === 'string' ? v : ((el as { initial_conversation?: string }).initial_conversation ?? null) };
        break;
      default:
        throw new Error(`stateValues: unsupported element ${el.type}`);
    }
    out[b.block_id] = { [el.action_id]: { type: el.type, ...state } };
  }
  return out;
}

/** A view_submission payload for a modal the bot opened (as recorded by the fake's views.open). */
export function viewSubmission(who: Who, view: Record<string, unknown>, values: Record<string, string | string[] | Date | boolean>): Record<string, unknown> {
  const id = typeof view.id === 'string' ? view.id : rid('V');
  return {
    type: 'view_submission',
    team: { id: who.team, domain: 'fake' },
    user: { id: who.user, username: who.name ?? who.user.toLowerCase(), name: who.name ?? who.user.toLowerCase(), team_id: who.team },
    api_app_id: 'A0CHANGEBOT',
    token: 'verification-token-unused',
    trigger_id: `${Date.now()}.${rid('')}`,
    view: {
      ...view,
      id,
      team_id: who.team,
      state: { values: stateValues(view, values) },
      hash: typeof view.hash === 'string' ? view.hash : rid('h'),
      previous_view_id: null,
      root_view_id: id,
      app_id: 'A0CHANGEBOT',
      external_id: '',
      app_installed_team_id: who.team,
      bot_id: 'BBOT',
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** An Events API callback (JSON). */
export function eventCallback(team: string, event: Record<string, unknown>, eventId = rid('Ev')): string {
  return JSON.stringify({
    token: 'verification-token-unused',
    team_id: team,
    api_app_id: 'A0CHANGEBOT',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}
