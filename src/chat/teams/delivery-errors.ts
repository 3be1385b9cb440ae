/**
 * Bot Connector failures -> DeliveryError, which drives the delivery layer's retries:
 * 429 is retried after its Retry-After, 5xx and network failures are retried, other 4xx
 * (a conversation the bot was removed from, a bad request) are not.
 */
import { DeliveryError } from '../../notify/types.js';

interface HeadersLike {
  get?(name: string): string | null | undefined;
  [name: string]: unknown;
}

interface ConnectorErrorLike {
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { status?: number; headers?: HeadersLike };
}

function header(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value.trim());
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A connector failure's code for the metrics: `http_<status>`, or `request_failed` (no answer: network, timeout). */
export function connectorCodeOf(err: unknown): string {
  const e = (err ?? {}) as ConnectorErrorLike;
  const status = e.statusCode ?? e.response?.status;
  return typeof status === 'number' ? `http_${status}` : 'request_failed';
}

export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as ConnectorErrorLike;
  const status = e.statusCode ?? e.response?.status;
  const message = `Teams: ${status ? `HTTP ${status}: ` : ''}${e.message ?? String(err)}`;
  if (status === 429) return new DeliveryError(message, true, retryAfterMs(header(e.response?.headers, 'retry-after')));
  if (status && status >= 500) return new DeliveryError(message, true);
  if (status && status >= 400) return new DeliveryError(message, false);
  return new DeliveryError(message, true);
}
