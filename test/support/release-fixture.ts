/**
 * Releases for tests: written out by hand (no use case, no database) for the card tests, or
 * stored straight through the repo for tests that do not need the use cases.
 */
import type { Db } from '../../src/db/client.js';
import { insertRelease, updateRelease } from '../../src/db/repos/releases.js';
import { type GoDecision, type Release, type ReleasePhase, type Wave, plannedWave } from '../../src/domain/release.js';
import type { Window } from '../../src/domain/types.js';

export const SHA = '0123456789abcdef'.repeat(4);

export function wave(number: number, over: Partial<Wave> = {}): Wave {
  const window = { start: new Date(`2026-12-1${number}T22:00:00Z`), end: new Date(`2026-12-1${number}T23:30:00Z`) };
  return { ...plannedWave({ number, window, services: ['web'] }), ...over };
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

export function fixtureWave(number: number, window: Window, services: string[], extra: Partial<Wave> = {}): Wave {
  return { ...plannedWave({ number, window, services }), ...extra };
}

export function storeRelease(
  db: Db,
  name: string,
  waves: Wave[],
  opts: { phase?: ReleasePhase; manager?: string; at?: Date; goDecisions?: GoDecision[] } = {},
): Release {
  const at = opts.at ?? new Date('2026-11-20T09:00:00Z');
  const r = insertRelease(db, {
    name,
    goal: null,
    manager: opts.manager ?? 'cli:relmgr',
    targetDate: null,
    team: { testing: null, communications: null, training: null },
    channels: { slack: null, teams: null },
    phase: opts.phase ?? 'deployment',
    suspendedFrom: null,
    plan: { deploymentOrder: null, training: null, communications: null, backout: null },
    package: { artifacts: [], install: null, removal: null, frozenAt: null, amendedAfterReview: false },
    tests: [],
    signoffs: [],
    readiness: {},
    goDecisions: opts.goDecisions ?? [],
    backoutProven: false,
    backoutProvenBy: null,
    pilotApprovedBy: null,
    review: null,
    reason: null,
    createdAt: at,
    updatedAt: at,
  });
  return updateRelease(db, { ...r, waves });
}
