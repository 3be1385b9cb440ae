import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';

function message(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ChangebotError);
    return (e as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databasePath).toBe('./data/changebot.db');
    expect(c.timezone).toBe('UTC');
    expect(c.redisUrl).toBeUndefined();
    expect(c.admins).toEqual([]);
    expect(c.policy.cab).toEqual({ quorum: 3, minApprovals: 2, deadlineHours: 48, veto: true });
    expect(c.policy.emergency).toEqual({ quorum: 2, minApprovals: 1, deadlineHours: 2, veto: true });
    expect(c.policy.leadHours).toEqual({ standard: 0, minor: 24, significant: 72, major: 120 });
    expect(c.policy.required.major).toEqual(['justification', 'plan', 'test', 'backout', 'impact', 'likelihood', 'cost', 'resources']);
    expect(c.teams.appType).toBe('SingleTenant');
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_PATH: '/tmp/x.db',
      REDIS_URL: 'redis://127.0.0.1:6390',
      CHANGEBOT_ADMINS: 'slack:T1/U1, teams:0f1e-aa,cli:alice',
      CHANGEBOT_TIMEZONE: 'Europe/London',
      CAB_QUORUM: '5',
      EMERGENCY_DEADLINE_HOURS: '1',
      CAB_VETO: 'no',
      CAB_MIN_APPROVALS: '3',
      LEAD_TIME_MINOR: '2d',
      REQUIRED_MINOR: 'backout, test',
      HIGH_RISK_MINOR_TO_CAB: 'no',
    });
    expect(c.port).toBe(8080);
    expect(c.admins).toEqual(['slack:T1/U1', 'teams:0f1e-aa', 'cli:alice']);
    expect(c.policy.cab.quorum).toBe(5);
    expect(c.policy.cab.veto).toBe(false);
    expect(c.policy.emergency.deadlineHours).toBe(1);
    expect(c.policy.cab.minApprovals).toBe(3);
    expect(c.policy.leadHours.minor).toBe(48);
    expect(c.policy.required.minor).toEqual(['test', 'backout']);
    expect(c.policy.highRiskMinorToCab).toBe(false);
  });

  it('stops on a wrong value with one line naming the variable and what it expects', () => {
    expect(message({ PORT: 'eighty' })).toBe('PORT expects a TCP port (a whole number from 0 to 65535), got "eighty"');
    expect(message({ REDIS_URL: 'localhost:6379' })).toBe('REDIS_URL expects a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
    expect(message({ CHANGEBOT_ADMINS: 'alice' })).toBe(
      'CHANGEBOT_ADMINS expects a comma-separated list like slack:T1/U1,teams:<aad-object-id>,cli:alice; "alice" is not one',
    );
    expect(message({ CHANGEBOT_TIMEZONE: 'CEST' })).toContain('CHANGEBOT_TIMEZONE expects an IANA time zone');
    expect(message({ CAB_VETO: 'maybe' })).toBe('CAB_VETO expects yes or no, not “maybe”. Example: CAB_VETO=yes');
    expect(message({ CAB_QUORUM: '0' })).toBe('CAB_QUORUM expects a number of votes (a whole number from 1 to 100), not “0”. Example: CAB_QUORUM=3');
    expect(message({ REQUIRED_MAJOR: 'plan,budget' })).toBe(
      'REQUIRED_MAJOR expects a comma-separated list of description, justification, plan, test, backout, impact, likelihood, cost, resources (or none), not “plan,budget”. Example: REQUIRED_MAJOR=justification,plan,test,backout',
    );
    expect(message({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL /);
  });
});

describe('.env.example', () => {
  it('documents the policy defaults as they are', async () => {
    const { readFileSync } = await import('node:fs');
    const env = Object.fromEntries(
      readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).toContain('CAB_MIN_APPROVALS');
    expect(loadConfig(env).policy).toEqual(DEFAULT_POLICY);
  });
});
