/** How an HTTP answer shows an error: the one place ChangebotError codes become statuses. */
import { type ErrorCode, isChangebotError } from '../domain/errors.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_command: 422,
  bad_value: 422,
  incomplete: 422,
  not_found: 404,
  forbidden: 403,
  self_approval: 403,
  invalid_transition: 409,
  conflict: 409,
  already_voted: 409,
  config: 500,
  unavailable: 503,
};

/** A ChangebotError's status; a framework error's own 4xx (a malformed body: 400, too large: 413); anything else 500. */
export function statusOf(err: unknown): number {
  if (isChangebotError(err)) return HTTP_STATUS[err.code];
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : 500;
}

/** The JSON body of an error answer: the person-readable message and a code; a 500 says no more than that. */
export function errorBody(err: unknown, status = statusOf(err)): { ok: false; error: string; code: string } {
  if (isChangebotError(err)) return { ok: false, error: err.message, code: err.code };
  if (status >= 500) return { ok: false, error: 'internal error', code: 'internal' };
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, error: message, code: typeof code === 'string' ? code.toLowerCase() : 'bad_request' };
}
