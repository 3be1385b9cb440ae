/**
 * The Slack Web API clients and what their failures mean: rate limits and server or network
 * failures are worth retrying; everything else (channel_not_found, not_in_channel...) is not.
 */
import { webApi } from '@slack/bolt';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { DeliveryError } from '../../notify/types.js';
import type { Metrics } from '../../server/metrics.js';

export type WebClient = webApi.WebClient;
export type SlackConfig = Config['slack'];

/** Time allowed for one Web API call before it counts as a (retryable) timeout. */
export const CALL_TIMEOUT_MS = 10_000;

/** Bridges Slack's SDK logger interface to the bot's pino logger. */
export function slackLogger(log: Logger, name = 'slack'): webApi.Logger {
  const child = log.child({ component: name });
  let level = webApi.LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => child.debug(text(m)),
    info: (...m: unknown[]) => child.debug(text(m)),
    warn: (...m: unknown[]) => child.warn(text(m)),
    error: (...m: unknown[]) => child.error(text(m)),
    setLevel: (l: webApi.LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

function apiUrl(config: SlackConfig): string | undefined {
  if (!config.apiUrl) return undefined;
  return config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/`;
}

/** A failed Web API call's code for the metrics: Slack's error (`channel_not_found`), `ratelimited`, `http_503`, `timeout`, `request_failed`. */
export function errorCodeOf(err: unknown): string {
  if (err instanceof webApi.WebAPIRateLimitedError) return 'ratelimited';
  if (err instanceof webApi.WebAPIPlatformError) return typeof err.data.error === 'string' ? err.data.error.slice(0, 64) : 'unknown';
  if (err instanceof webApi.WebAPIHTTPError) return `http_${err.statusCode}`;
  if (err instanceof webApi.WebAPIRequestError) {
    const name = err.original?.name;
    return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'request_failed';
  }
  return 'unknown';
}

/** The SDK's client, counting every call that fails (each attempt) by method and code. */
class CountingWebClient extends webApi.WebClient {
  constructor(
    token: string | undefined,
    options: webApi.WebClientOptions,
    private readonly metrics: Metrics,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    try {
      return await super.apiCall(method, options);
    } catch (err) {
      this.metrics.chatApiError('slack', method, errorCodeOf(err));
      throw err;
    }
  }
}

/**
 * A client that fails fast: no internal retries, 429s rejected at once with their
 * Retry-After, so the caller (the delivery layer, or `withRetry`) decides what to do.
 * With `metrics`, its failed calls are counted.
 */
export function createWebClient(config: SlackConfig, log: Logger, opts: { timeoutMs?: number; metrics?: Metrics } = {}): WebClient {
  const options: webApi.WebClientOptions = {
    ...(apiUrl(config) ? { slackApiUrl: apiUrl(config) } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? CALL_TIMEOUT_MS,
    logger: slackLogger(log),
  };
  return opts.metrics ? new CountingWebClient(config.botToken, options, opts.metrics) : new webApi.WebClient(config.botToken, options);
}

/** Options for Bolt's own client (`clientOptions`): same base URL, same fail-fast policy. */
export function boltClientOptions(config: SlackConfig, log: Logger): webApi.WebClientOptions {
  return {
    ...(apiUrl(config) ? { slackApiUrl: apiUrl(config) } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: CALL_TIMEOUT_MS,
    logger: slackLogger(log),
  };
}

/** Slack error codes that a later attempt can cure. */
const TRANSIENT = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A Web API failure as the delivery layer understands it. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new DeliveryError(`Slack rate limit: retry after ${err.retryAfter} s`, true, err.retryAfter * 1000);
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    return new DeliveryError(`Slack answered HTTP ${err.statusCode}`, err.statusCode >= 500 || err.statusCode === 408);
  }
  if (err instanceof webApi.WebAPIRequestError) {
    return new DeliveryError(`Slack request failed: ${err.original?.message ?? err.message}`, true);
  }
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = err.data.error;
    return new DeliveryError(`Slack refused the call: ${code}`, TRANSIENT.has(code));
  }
  return new DeliveryError(err instanceof Error ? err.message : String(err), true);
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  /** Longest wait between attempts, even if Slack's Retry-After asks for more. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs one Web API call, retrying transient failures a bounded number of times with
 * exponential backoff (or the Retry-After Slack asked for). Throws the last DeliveryError.
 */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const sleep = opts.sleep ?? realSleep;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const e = toDeliveryError(err);
      if (!e.retryable || i >= attempts) throw e;
      const backoff = (opts.baseMs ?? 250) * 2 ** (i - 1);
      await sleep(Math.min(e.retryAfterMs ?? backoff, opts.maxWaitMs ?? 5_000));
    }
  }
}
