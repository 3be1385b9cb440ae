/**
 * What a Slack request body must look like before Bolt and our listeners see it: the fields
 * Bolt reads to route and authorize a request (user, team, actions[0], view, event) and the
 * fields the listeners in commands.ts, actions.ts, views.ts and home.ts read, each with its
 * type. Unknown fields pass through untouched (Slack adds fields over time); a known field with
 * the wrong type, or a missing one that is used, refuses the request.
 *
 * `classify` mirrors Bolt's own routing (helpers.js getTypeAndConversation: `event`, then
 * `command`, then `name`/block_suggestion, then `actions`, then shortcuts, then views), so the
 * schema checked is always the one for the path Bolt will take.
 */
import { z } from 'zod';

const LONG = 100_000;
const id = z.string().min(1).max(255);
const str = z.string().max(LONG);

const user = z.looseObject({ id, name: str.optional(), username: str.optional(), team_id: id.optional() });
const team = z.looseObject({ id, domain: str.optional() }).nullable().optional();
const enterprise = z.looseObject({ id }).nullable().optional();
const option = z.looseObject({ value: str });

/** One input's state in `view.state.values` (what readValues in blocks/modal.ts reads). */
const stateValue = z.looseObject({
  type: z.string().max(100),
  value: str.nullable().optional(),
  selected_option: option.nullable().optional(),
  selected_options: z.array(option).max(1000).optional(),
  selected_date_time: z.number().finite().nullable().optional(),
  selected_date: str.nullable().optional(),
  selected_user: str.nullable().optional(),
  selected_conversation: str.nullable().optional(),
});

const view = z.looseObject({
  id,
  type: z.string().max(100).optional(),
  callback_id: z.string().max(255),
  team_id: id.optional(),
  app_installed_team_id: id.nullable().optional(),
  hash: str.optional(),
  private_metadata: z.string().max(3000),
  state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), stateValue)) }),
});

const container = z.looseObject({
  type: z.string().max(100).optional(),
  message_ts: str.optional(),
  view_id: str.optional(),
  channel_id: str.optional(),
  is_ephemeral: z.boolean().optional(),
});

const action = z.looseObject({
  action_id: z.string().min(1).max(255),
  type: z.string().max(100),
  block_id: str.optional(),
  value: z.string().max(2000).optional(),
});

const responseUrls = z.array(z.looseObject({ response_url: z.string().max(2000) })).max(100);

export const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user,
  team,
  enterprise,
  trigger_id: id,
  actions: z.array(action).min(1).max(25),
  container: container.optional(),
  channel: z.looseObject({ id }).nullable().optional(),
  view: z.looseObject({ id, type: z.string().max(100).optional(), hash: str.optional() }).optional(),
  message: z.looseObject({ blocks: z.array(z.unknown()).max(100).optional(), text: str.optional() }).optional(),
  response_url: z.string().max(2000).optional(),
});

export const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  team,
  enterprise,
  trigger_id: id.optional(),
  view,
  response_urls: responseUrls.optional(),
});

export const viewClosed = z.looseObject({ type: z.literal('view_closed'), user, team, enterprise, view });

export const blockSuggestion = z.looseObject({
  type: z.literal('block_suggestion'),
  user,
  team,
  enterprise,
  action_id: z.string().max(255),
  value: str,
});

export const shortcut = z.looseObject({
  type: z.enum(['shortcut', 'message_action']),
  user,
  team,
  enterprise,
  callback_id: z.string().max(255),
  trigger_id: id,
  response_url: z.string().max(2000).optional(),
});

/** A slash command, form-encoded: every field a single string. */
export const slashCommand = z.looseObject({
  command: z.string().regex(/^\/[^\s]{1,64}$/),
  text: z.string().max(LONG),
  user_id: id,
  user_name: str.optional(),
  team_id: id,
  channel_id: id,
  trigger_id: id,
  response_url: z.string().max(2000),
  enterprise_id: id.optional(),
});

export const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  team_id: id,
  event_id: id,
  event: z.looseObject({ type: z.string().min(1).max(255), user: z.union([id, z.looseObject({ id })]).optional(), tab: z.string().max(100).optional() }),
  authorizations: z.array(z.looseObject({ team_id: id.nullable().optional(), enterprise_id: id.nullable().optional() })).optional(),
});

export const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string().min(1).max(1000) });
export const appRateLimited = z.looseObject({ type: z.literal('app_rate_limited') });

export type Kind = 'event' | 'command' | 'options' | 'action' | 'shortcut' | 'view' | 'url_verification' | 'app_rate_limited';

/** Which of Bolt's paths a parsed body takes (the same tests, in the same order, as Bolt). */
export function classify(body: Record<string, unknown>): Kind | undefined {
  if (body.type === 'url_verification') return 'url_verification';
  if (body.event !== undefined) return 'event';
  if (body.command !== undefined) return 'command';
  if (body.name !== undefined || body.type === 'block_suggestion') return 'options';
  if (body.actions !== undefined || body.type === 'dialog_submission') return 'action';
  if (body.type === 'shortcut' || body.type === 'message_action') return 'shortcut';
  if (body.type === 'view_submission' || body.type === 'view_closed') return 'view';
  if (body.type === 'app_rate_limited') return 'app_rate_limited';
  return undefined;
}

export function schemaFor(kind: Kind, body: Record<string, unknown>): z.ZodType {
  switch (kind) {
    case 'event':
      return eventCallback;
    case 'command':
      return slashCommand;
    case 'options':
      return blockSuggestion;
    case 'action':
      return blockActions;
    case 'shortcut':
      return shortcut;
    case 'view':
      return body.type === 'view_closed' ? viewClosed : viewSubmission;
    case 'url_verification':
      return urlVerification;
    case 'app_rate_limited':
      return appRateLimited;
  }
}

/** "actions.0.value: expected string" from a zod error, for the 400 answer and the log. */
export function describeIssue(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.length ? first.path.map(String).join('.') : '(body)';
  return `${path}: ${first.message}`;
}
