/**
 * How Slack shows a failure, in one place: ChangebotErrors as their (already helpful) message,
 * Web API failures as "could not be completed, try again", anything else as a generic apology.
 * In a modal, errors go inline on the fields (`response_action: errors`).
 */
import { isChangebotError } from '../../domain/errors.js';
import { DeliveryError } from '../../notify/types.js';
import { truncate } from './blocks/limits.js';

export function errorText(err: unknown): string {
  if (isChangebotError(err)) return err.message;
  if (err instanceof DeliveryError) {
    return `:warning: That could not be completed because Slack did not answer in time (${err.message}). Please try again.`;
  }
  return ':warning: Something went wrong on our side and nothing was changed. Please try again; if it keeps happening, tell an admin.';
}

/** Field name (as in RFC_FORM) a use-case field maps to in the modal. */
const FIELD_BLOCK: Record<string, string> = {
  durationMinutes: 'end',
  duration: 'end',
  outageMinutes: 'outage',
  window: 'start',
  targetDate: 'target',
  slackChannel: 'channel',
};

/**
 * `{ block_id: message }` for `response_action: errors`: every field the error names that the
 * modal has; otherwise the whole message on `fallbackBlock`.
 */
export function modalErrors(err: unknown, blockIds: readonly string[], fallbackBlock: string): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (field: string, msg: string) => {
    const block = blockIds.includes(field) ? field : FIELD_BLOCK[field];
    const target = block && blockIds.includes(block) ? block : fallbackBlock;
    out[target] = truncate(out[target] ? `${out[target]} ${msg}` : msg, 2000);
  };
  if (isChangebotError(err)) {
    const errors = err.details.errors;
    if (errors && typeof errors === 'object') {
      for (const [field, msg] of Object.entries(errors as Record<string, unknown>)) put(field, String(msg));
    } else {
      put(typeof err.details.field === 'string' ? err.details.field : fallbackBlock, err.message);
    }
  } else {
    put(fallbackBlock, errorText(err));
  }
  return out;
}
