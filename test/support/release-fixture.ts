/** A release written out by hand (src/domain/release.ts), for the card tests: no use case, no database. */
import type { Release, Wave } from '../../src/domain/release.js';

export const SHA = '0123456789abcdef'.repeat(4);

export function wave(number: number, over: Partial<Wave> = {}): Wave {
  return {
    number,
    pilot: false,
    window: { start: new Date(`2026-12-1${number}T22:00:00Z`), end: new Date(`2026-12-1${number}T23:30:00Z`) },
    services: ['web'],
    audience: null,
    outageMinutes: 0,
    state: 'planned',
    startedBy: null,
    startedAt: null,
    override: null,
    outcomeBy: null,
    outcomeNote: null,
    finishedAt: null,
    ...over,
  };
}

export function release(over: Partial<Release> = {}): Release {
  return {
    id: 3,
    key: 'REL-3',
    name: 'Winter release',
    goal: 'Patch the web tier',
    phase: 'planning',
    suspendedFrom: null,
    manager: 'cli:rm',
    team: { testing: 'cli:tester', communications: null, training: null },
    channels: { slack: 'C0REL', teams: null },
    targetDate: new Date('2026-12-14T12:00:00Z'),
    plan: { deploymentOrder: 'Pilot on web1, then the rest', training: 'None needed', communications: 'Mail to #ops', backout: 'Redeploy 2.0' },
    package: {
      artifacts: [{ name: 'web', version: '2.1', link: null, sha256: SHA }],
      install: 'apt install web',
      removal: null,
      frozenAt: null,
      amendedAfterReview: false,
    },
    tests: [],
    signoffs: [],
    goDecisions: [],
    readiness: {},
    waves: [],
    backoutProven: false,
    backoutProvenBy: null,
    pilotApprovedBy: null,
    review: null,
    reason: null,
    createdAt: new Date('2026-12-01T09:00:00Z'),
    updatedAt: new Date('2026-12-01T09:00:00Z'),
    ...over,
  };
}
