import { expect } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import type { ErrorCode } from '../../src/domain/errors.js';
import type { ParseContext } from '../../src/commands/types.js';

/** Thursday 2026-12-03 12:00 UTC (12:00 in London, 07:00 in New York). */
export const NOW = new Date('2026-12-03T12:00:00Z');

export const slack: ParseContext = { platform: 'slack', workspace: 'T1', timezone: 'Europe/London', now: NOW };
export const cli: ParseContext = { platform: 'cli', workspace: '', timezone: 'Europe/London', now: NOW };
export const teams: ParseContext = { platform: 'teams', workspace: 'tenant-1', timezone: 'Europe/London', now: NOW };
export const ny: ParseContext = { platform: 'cli', workspace: '', timezone: 'America/New_York', now: NOW };

export function at(ctx: ParseContext, iso: string): ParseContext {
  return { ...ctx, now: new Date(iso) };
}

/** Runs fn, expects a ChangebotError with this code (and field / message text if given), returns it. */
export function expectError(fn: () => unknown, code: ErrorCode, opts: { field?: string; message?: string | RegExp } = {}): ChangebotError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ChangebotError);
  const err = caught as ChangebotError;
  expect(err.code).toBe(code);
  if (opts.field !== undefined) expect(err.details.field).toBe(opts.field);
  if (typeof opts.message === 'string') expect(err.message).toContain(opts.message);
  else if (opts.message) expect(err.message).toMatch(opts.message);
  return err;
}
