/**
 * Every refusal in changebot is a ChangebotError with a code. Adapters map codes to how they
 * show an error (ephemeral reply, inline modal error, card text) in one place each; the
 * message is already written for a person and says what to do instead.
 */
export const ERROR_CODES = [
  'bad_command', // the command text could not be parsed
  'bad_value', // a value (date, level, duration...) is not acceptable
  'not_found', // an RFC, service or window does not exist
  'forbidden', // the actor lacks the role or relationship
  'invalid_transition', // the RFC's state does not allow this action
  'incomplete', // evaluation: something the policy needs is missing
  'conflict', // scheduling conflicts that need a reason or acknowledgement
  'already_voted', // duplicate vote with the same choice (idempotent callers may ignore)
  'self_approval', // requester/owner voting on their own RFC
  'config', // configuration is wrong
  'unavailable', // a dependency (Redis, chat API) is down
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ChangebotError extends Error {
  override readonly name = 'ChangebotError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Structured detail for adapters, e.g. the list of missing fields or the field a form error belongs to. */
    readonly details: { field?: string; missing?: string[]; example?: string; [k: string]: unknown } = {},
  ) {
    super(message);
  }
}

export function isChangebotError(e: unknown): e is ChangebotError {
  return e instanceof ChangebotError;
}
