/**
 * The context keeps the policy it read until the settings may have changed: a commit by another
 * connection (the CLI beside the bot), a write by its own, never a write later rolled back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppContext, createContext } from '../../src/app/context.js';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { writePolicyEntry } from '../../src/db/repos/policy.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';

describe('the policy a context reads', () => {
  let dir: string;
  let bot: AppDatabase;
  let cli: AppDatabase;
  let ctx: AppContext;
  const at = new Date('2026-12-01T09:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'changebot-perf-policy-'));
    bot = openDatabase(join(dir, 'bot.db'));
    cli = openDatabase(join(dir, 'bot.db'));
    ctx = createContext(bot, { policy: { ...DEFAULT_POLICY, cab: { ...DEFAULT_POLICY.cab, minApprovals: 2 } }, timezone: 'UTC' });
  });
  afterEach(() => {
    bot.close();
    cli.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is read again when another connection (the CLI) commits a change', () => {
    expect(ctx.policy.cab.minApprovals).toBe(2);
    expect(ctx.policy.cab.minApprovals).toBe(2);
    writePolicyEntry(cli.db, 'CAB_MIN_APPROVALS', '4', 'cli:alice', at);
    expect(ctx.policy.cab.minApprovals).toBe(4);
  });

  it('is read again after a write on its own connection', () => {
    expect(ctx.policy.cab.minApprovals).toBe(2);
    writePolicyEntry(bot.db, 'CAB_MIN_APPROVALS', '5', 'slack:T1/UADMIN', at);
    expect(ctx.policy.cab.minApprovals).toBe(5);
  });

  it('sees a write inside its transaction, and forgets it when the transaction rolls back', () => {
    expect(ctx.policy.cab.minApprovals).toBe(2);
    expect(() =>
      bot.db.transaction((tx) => {
        writePolicyEntry(tx, 'CAB_MIN_APPROVALS', '7', 'slack:T1/UADMIN', at);
        expect(ctx.policy.cab.minApprovals).toBe(7);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(ctx.policy.cab.minApprovals).toBe(2);
  });
});
