/** Releases and waves stored straight through the repo (for tests that do not need the use cases). */
import type { Db } from '../../src/db/client.js';
import { insertRelease, updateRelease } from '../../src/db/repos/releases.js';
import type { GoDecision, Release, ReleasePhase, Wave } from '../../src/domain/release.js';
import type { Window } from '../../src/domain/types.js';

export function fixtureWave(number: number, window: Window, services: string[], extra: Partial<Wave> = {}): Wave {
  return {
    number,
    pilot: false,
    window,
    services,
    audience: null,
    outageMinutes: 0,
    state: 'planned',
    startedBy: null,
    startedAt: null,
    override: null,
    outcomeBy: null,
    outcomeNote: null,
    finishedAt: null,
    ...extra,
  };
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
