/** The release's phases and the rules that gate its moves (issue 10's domain, before storage and commands). */
import { describe, expect, it } from 'vitest';
import { checkWaveStart, goBlockers, goStillNeeds, orderedWaves, pilotBlockers, planMissing, refuseGo, rfcsFollow } from '../../src/domain/release-rules.js';
import {
  READINESS_FACTORS,
  RELEASE_PHASES,
  type ReleaseFacts,
  type ReleaseMove,
  type ReleasePhase,
  type Wave,
  releaseTransition,
} from '../../src/domain/release.js';
import { refusal } from '../support/commands.js';

// Every move from every phase, written out by hand: the phase it leads to, or '-' for refused.
const MOVES: Record<string, ReleaseMove> = {
  advance: { move: 'advance' },
  go: { move: 'go' },
  'nogo->building': { move: 'nogo', to: 'building' },
  'nogo->cancelled': { move: 'nogo', to: 'cancelled' },
  complete: { move: 'complete' },
  close: { move: 'close' },
  suspend: { move: 'suspend' },
  resume: { move: 'resume' },
  cancel: { move: 'cancel' },
};
const TABLE: Record<ReleasePhase, Record<string, ReleasePhase | '-'>> = {
  planning: {
    advance: 'building',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: '-',
    close: '-',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  building: {
    advance: 'acceptance_testing',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: '-',
    close: '-',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  acceptance_testing: {
    advance: 'readiness_review',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: '-',
    close: '-',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  readiness_review: {
    advance: '-',
    go: 'deployment',
    'nogo->building': 'building',
    'nogo->cancelled': 'cancelled',
    complete: '-',
    close: '-',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  deployment: {
    advance: '-',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: 'review',
    close: '-',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  review: {
    advance: '-',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: '-',
    close: 'closed',
    suspend: 'suspended',
    resume: '-',
    cancel: 'cancelled',
  },
  closed: { advance: '-', go: '-', 'nogo->building': '-', 'nogo->cancelled': '-', complete: '-', close: '-', suspend: '-', resume: '-', cancel: '-' },
  suspended: {
    advance: '-',
    go: '-',
    'nogo->building': '-',
    'nogo->cancelled': '-',
    complete: '-',
    close: '-',
    suspend: '-',
    resume: 'acceptance_testing',
    cancel: 'cancelled',
  },
  cancelled: { advance: '-', go: '-', 'nogo->building': '-', 'nogo->cancelled': '-', complete: '-', close: '-', suspend: '-', resume: '-', cancel: '-' },
};

describe('release phases', () => {
  const cases = RELEASE_PHASES.flatMap((phase) => Object.keys(MOVES).map((m) => [phase, m] as const));
  it.each(cases)('%s, %s', (phase, m) => {
    const r = { key: 'REL-3', phase, suspendedFrom: phase === 'suspended' ? ('acceptance_testing' as const) : null };
    const expected = TABLE[phase][m];
    if (expected === '-') expect(refusal(() => releaseTransition(r, MOVES[m]!)).code).toBe('invalid_transition');
    else expect(releaseTransition(r, MOVES[m]!)).toBe(expected);
  });
  it('says why a move is refused', () => {
    expect(refusal(() => releaseTransition({ key: 'REL-3', phase: 'building', suspendedFrom: null }, { move: 'go' })).message).toBe(
      "REL-3 is in building, so it can't be given go.",
    );
    expect(refusal(() => releaseTransition({ key: 'REL-3', phase: 'closed', suspendedFrom: null }, { move: 'cancel' })).message).toBe(
      "REL-3 is closed, so it can't be cancelled.",
    );
  });
});

const wave = (number: number, state: Wave['state'] = 'planned', pilot = false): Wave => ({
  number,
  pilot,
  window: { start: new Date('2026-12-10T22:00:00Z'), end: new Date('2026-12-10T23:00:00Z') },
  services: ['db'],
  audience: null,
  outageMinutes: 0,
  state,
  startedBy: null,
  startedAt: null,
  override: null,
  outcomeBy: null,
  outcomeNote: null,
  finishedAt: null,
});
const release = (over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  key: 'REL-3',
  phase: 'deployment',
  suspendedFrom: null,
  manager: 'cli:rita',
  plan: { deploymentOrder: null, training: null, communications: null, backout: null },
  readiness: {},
  waves: [],
  backoutProven: false,
  pilotApprovedBy: null,
  ...over,
});

describe('leaving planning', () => {
  it('needs every part of the release plan', () => {
    expect(planMissing({ deploymentOrder: 'EU first', training: '  ', communications: null, backout: null })).toEqual([
      'the training needs',
      'the communications plan',
      'a backout plan for the release as a whole',
    ]);
    expect(planMissing({ deploymentOrder: 'EU first', training: 'none needed', communications: 'mail', backout: 'restore v1' })).toEqual([]);
  });
});

describe('the readiness review', () => {
  const ticked = { kind: 'ticked' as const, by: 'cli:ann', at: new Date(0), note: null };
  it('names every open item and every RFC that is not approved', () => {
    const readiness = Object.fromEntries(READINESS_FACTORS.slice(0, 9).map((f) => [f, ticked]));
    const blockers = goBlockers({ readiness }, [
      { key: 'RFC-1', state: 'approved' },
      { key: 'RFC-2', state: 'awaiting_approval' },
    ]);
    expect(blockers).toEqual([
      'open: production environment ready, including a verified backup',
      'open: related changes approved',
      'RFC-2 is awaiting approval, not approved',
    ]);
    expect(refusal(() => refuseGo('REL-3', blockers)).message).toBe(
      "REL-3 can't be given go yet:\n• open: production environment ready, including a verified backup\n• open: related changes approved\n• RFC-2 is awaiting approval, not approved",
    );
  });
  it('counts an item marked not applicable, with its reason, as done', () => {
    const readiness = Object.fromEntries(
      READINESS_FACTORS.map((f) => [
        f,
        f === 'training' ? { kind: 'not-applicable' as const, reason: 'no new UI', by: 'cli:ann', at: new Date(0), note: null } : ticked,
      ]),
    );
    expect(goBlockers({ readiness }, [{ key: 'RFC-1', state: 'scheduled' }])).toEqual([]);
  });
  it('takes the release manager and a different change manager', () => {
    const r = { manager: 'cli:rita' };
    expect(goStillNeeds(r, [])).toEqual(['the release manager', 'a change manager other than the release manager']);
    expect(
      goStillNeeds(r, [
        { by: 'cli:rita', as: 'release-manager' },
        { by: 'cli:rita', as: 'change-manager' },
      ]),
    ).toEqual(['a change manager other than the release manager']);
    expect(
      goStillNeeds(r, [
        { by: 'cli:rita', as: 'release-manager' },
        { by: 'cli:max', as: 'change-manager' },
      ]),
    ).toEqual([]);
  });
});

describe('waves', () => {
  it('deploy the pilot first, then in order', () => {
    expect(orderedWaves([wave(2), wave(3), wave(1, 'planned', true)]).map((w) => w.number)).toEqual([1, 2, 3]);
    expect(orderedWaves([wave(1), wave(2, 'planned', true)]).map((w) => w.number)).toEqual([2, 1]);
  });
  it('start a pilot only with a proven backout and a change manager’s approval', () => {
    expect(pilotBlockers(release())).toEqual(['the backout procedure is not yet recorded as proven in test', 'no change manager has approved the pilot']);
    const r = release({ waves: [wave(1, 'planned', true), wave(2)] });
    expect(refusal(() => checkWaveStart(r, 1)).message).toBe(
      "The pilot of REL-3 can't start: the backout procedure is not yet recorded as proven in test; no change manager has approved the pilot.",
    );
    expect(checkWaveStart({ ...r, backoutProven: true, pilotApprovedBy: 'cli:max' }, 1).number).toBe(1);
  });
  it('start the next wave only after the one before was signed off successful', () => {
    const r = release({ waves: [wave(1, 'deploying', true), wave(2)], backoutProven: true, pilotApprovedBy: 'cli:max' });
    expect(refusal(() => checkWaveStart(r, 2)).message).toBe(
      'Wave 2 of REL-3 can start only after wave 1 (the pilot) is signed off successful; it is deploying.',
    );
    expect(checkWaveStart({ ...r, waves: [wave(1, 'successful', true), wave(2)] }, 2).number).toBe(2);
    expect(refusal(() => checkWaveStart({ ...r, phase: 'readiness_review' }, 1)).message).toBe("REL-3 is not in deployment, so wave 1 can't start.");
    expect(refusal(() => checkWaveStart(r, 9)).message).toBe('REL-3 has no wave 9.');
  });
  it('take the RFCs along: implementing at the first start, implemented at the last success, backed out with the release', () => {
    const waves = [wave(2), wave(1, 'planned', true), wave(3)];
    expect(rfcsFollow({ kind: 'wave-started', wave: 1 }, waves)).toBe('implementing');
    expect(rfcsFollow({ kind: 'wave-started', wave: 2 }, waves)).toBeNull();
    expect(rfcsFollow({ kind: 'wave-successful', wave: 2 }, waves)).toBeNull();
    expect(rfcsFollow({ kind: 'wave-successful', wave: 3 }, waves)).toBe('implemented');
    expect(rfcsFollow({ kind: 'release-backed-out' }, waves)).toBe('backed_out');
  });
});
