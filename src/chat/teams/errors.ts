/**
 * How Teams shows a refusal, in one place: the ChangebotError's message (already written for a
 * person, saying what to do instead) as a reply or a card notice; the form's field errors from
 * `details`; anything else as a short apology (the error itself goes to the log).
 */
import { isChangebotError } from '../../domain/errors.js';

export interface Shown {
  text: string;
  /** Form field -> message, when the error belongs to fields of the RFC form. */
  fields: Record<string, string>;
  /** Not the user's fault: log it. */
  internal: boolean;
}

/** The same words as Slack's. */
export const APOLOGY = '⚠️ Something went wrong on our side and nothing was changed. Please try again; if it keeps happening, tell an admin.';

/** Use-case field names -> the RFC form field they belong to (as on the Slack modal). */
const FORM_FIELD: Record<string, string> = { durationMinutes: 'end', duration: 'end', outageMinutes: 'outage', window: 'start' };

export function showError(e: unknown): Shown {
  if (!isChangebotError(e)) return { text: APOLOGY, fields: {}, internal: true };
  const fields: Record<string, string> = {};
  const errors = e.details.errors;
  if (errors && typeof errors === 'object') {
    for (const [k, v] of Object.entries(errors as Record<string, unknown>)) put(fields, k, String(v));
  } else if (typeof e.details.field === 'string') {
    put(fields, e.details.field, e.message);
  }
  return { text: e.message, fields, internal: e.details.internal === true || e.code === 'unavailable' };
}

function put(fields: Record<string, string>, field: string, message: string): void {
  const name = FORM_FIELD[field] ?? field;
  fields[name] = fields[name] ? `${fields[name]} ${message}` : message;
}

/** The reply text for a refused command: the same as Slack's. */
export function errorReply(e: unknown): string {
  return showError(e).text;
}
