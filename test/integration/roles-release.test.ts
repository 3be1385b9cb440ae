/**
 * Role x command x phase, for releases (issue 12 item 11): every way of standing to a release
 * types every state-changing `release` command, through the real parser and execute() on a real
 * SQLite, against a release brought into each phase by the real use cases. The expected answers
 * are written by hand from domain.md ("Releases (001)", "People and roles") and the release
 * permission table (src/domain/release-permissions.ts), not computed from it; one assertion
 * compares the whole matrix and prints every cell that differs.
 *
 * A cell is the release's phase after the command when it was allowed, or the refusal's code:
 * F forbidden, X invalid_transition. The rights are the release's own (its manager, its team),
 * plus a change manager's: holding the release-manager role gives nothing on someone else's
 * release. A permission check comes before the phase check, so someone without the right hears
 * that in every phase.
 *
 * Not covered: a pipeline token (no such actor exists yet), and the communications and training
 * coordinators (they differ from the testing one only in `tick`, the unit tests cover that).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandRows, describeDifferences, walk } from '../support/roles-matrix.js';
import { RELEASE_FIXTURES, RELEASE_ROLES, type ReleaseFixture, releaseWorld } from '../support/roles-release.js';

const F = 'forbidden';
const X = 'invalid_transition';

type Row = readonly [none: string, tester: string, manager: string, otherReleaseManager: string, changeManager: string, admin: string];
type Rows = CommandRows<ReleaseFixture> & { in: readonly (readonly [readonly ReleaseFixture[], Row])[]; elsewhere: Row };

/** The cells where a command changed the release but not its phase: the phase it was in. */
const same = (p: ReleaseFixture) => (p === 'deploying' ? 'deployment' : p);
/** A command that those in `who` may run in `phases`, leaving the phase as it was; `X` for them elsewhere. */
function keepsPhase(line: string, phases: readonly ReleaseFixture[], who: Row): Rows {
  const cell = (p: ReleaseFixture) => who.map((w) => (w === 'ok' ? same(p) : w)) as unknown as Row;
  return { line, in: phases.map((p) => [[p], cell(p)] as const), elsewhere: who.map((w) => (w === 'ok' ? X : w)) as unknown as Row };
}

const BEFORE_GO: readonly ReleaseFixture[] = ['planning', 'building', 'acceptance_testing', 'readiness_review'];
const TESTING: readonly ReleaseFixture[] = ['building', 'acceptance_testing', 'readiness_review'];
const DEPLOYMENT: readonly ReleaseFixture[] = ['deployment', 'deploying'];
const EDITABLE: readonly ReleaseFixture[] = [...BEFORE_GO, ...DEPLOYMENT, 'review', 'suspended'];
const ok = 'ok';

// biome-ignore format: a matrix, aligned by hand (rows: commands; columns: roles)
const EXPECTED: Record<string, Rows> = {
  // Commands that leave the phase as it was: the roles allowed (ok) and the phases they may act in.
  //                                                                                        none tester manager otherRM changeManager admin
  edit:            keepsPhase('release edit REL-n goal="New goal"', EDITABLE,              [F,   F,     ok,     F,      ok,           F]),
  plan:            keepsPhase('release plan REL-n backout="redeploy 4.0"', EDITABLE,       [F,   F,     ok,     F,      ok,           F]),
  add:             keepsPhase('release add REL-n RFC-s', BEFORE_GO,                        [F,   F,     ok,     F,      ok,           F]),
  test:            keepsPhase('release test REL-n "smoke" pass', TESTING,                  [F,   ok,    ok,     F,      F,            F]),
  // A sign-off is a named person's word for their cluster: anyone gives it, as themselves.
  signoff:         keepsPhase('release signoff REL-n operations', TESTING,                 [ok,  ok,    ok,     ok,     ok,           ok]),
  'pilot proven':  keepsPhase('release pilot REL-n proven', [...TESTING, ...DEPLOYMENT],   [F,   ok,    ok,     F,      F,            F]),
  'pilot approve': keepsPhase('release pilot REL-n approve', [...TESTING, ...DEPLOYMENT],  [F,   F,     F,      F,      ok,           F]),
  tick:            keepsPhase('release tick REL-n 1', ['acceptance_testing', 'readiness_review'], [F, ok, ok,    F,      ok,           F]),
  // Go takes the release manager and a change manager: one go alone leaves it in readiness review.
  go:              keepsPhase('release go REL-n', ['readiness_review'],                    [F,   F,     ok,     F,      ok,           F]),
  'wave add':      keepsPhase('release wave add REL-n start="2026-12-03 10:00" duration=1h', [...BEFORE_GO, ...DEPLOYMENT], [F, F, ok, F, ok, F]),
  review:          keepsPhase('release review REL-n outcome="deployed to all"', ['review'], [F,   F,     ok,     F,      ok,           F]),

  // Commands that move the phase, or whose rights change at go.
  // After go, what was reviewed is what is deployed: only a change manager takes an RFC out (not
  // while its wave deploys it), or amends the package. Before go, a suspended release keeps both.
  remove: { line: 'release remove REL-n RFC-m reason="not ready"',
    in: [[['planning'],                                    [F,   F,     'planning',           F,  'planning',           F]],
         [['building'],                                    [F,   F,     'building',           F,  'building',           F]],
         [['acceptance_testing'],                          [F,   F,     'acceptance_testing', F,  'acceptance_testing', F]],
         [['readiness_review'],                            [F,   F,     'readiness_review',   F,  'readiness_review',   F]],
         [['deployment'],                                  [F,   F,     F,                    F,  'deployment',         F]],
         [['deploying', 'review', 'closed'],               [F,   F,     F,                    F,  X,                    F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  package: { line: 'release package REL-n install="apt install api" reason="one more step"',
    in: [[['planning'],                                    [F,   F,     'planning',           F,  'planning',           F]],
         [['building'],                                    [F,   F,     'building',           F,  'building',           F]],
         [['acceptance_testing'],                          [F,   F,     'acceptance_testing', F,  'acceptance_testing', F]],
         [['readiness_review'],                            [F,   F,     'readiness_review',   F,  'readiness_review',   F]],
         [DEPLOYMENT,                                      [F,   F,     F,                    F,  'deployment',         F]],
         [['review'],                                      [F,   F,     F,                    F,  'review',             F]],
         [['closed'],                                      [F,   F,     F,                    F,  X,                    F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  phase: { line: 'release phase REL-n',
    in: [[['planning'],                                    [F,   F,     'building',           F,  'building',           F]],
         [['building'],                                    [F,   F,     'acceptance_testing', F,  'acceptance_testing', F]],
         [['acceptance_testing'],                          [F,   F,     'readiness_review',   F,  'readiness_review',   F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  nogo: { line: 'release nogo REL-n to=building reason="backup not verified"',
    in: [[['readiness_review'],                            [F,   F,     'building',           F,  'building',           F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  // The waves: a wave starts inside its window; finishing the only wave (done, or backed out)
  // ends the deployment, a failed wave waits for its backout.
  'wave start': { line: 'release wave start REL-n 1',
    in: [[['deployment'],                                  [F,   F,     'deployment',         F,  'deployment',         F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  'wave done': { line: 'release wave done REL-n 1',
    in: [[['deploying'],                                   [F,   F,     'review',             F,  'review',             F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  'wave fail': { line: 'release wave fail REL-n 1',
    in: [[['deploying'],                                   [F,   F,     'deployment',         F,  'deployment',         F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  'wave backout': { line: 'release wave backout REL-n 1 note="restored 4.1"',
    in: [[['deploying'],                                   [F,   F,     'review',             F,  'review',             F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  backout: { line: 'release backout REL-n reason="restored 4.1"',
    in: [[['deploying'],                                   [F,   F,     'review',             F,  'review',             F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  close: { line: 'release close REL-n',
    in: [[['review'],                                      [F,   F,     'closed',             F,  'closed',             F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  // Not while a wave deploys; a release that deployed is backed out, not cancelled.
  suspend: { line: 'release suspend REL-n reason="vendor fix"',
    in: [[[...BEFORE_GO, 'deployment', 'review'],          [F,   F,     'suspended',          F,  'suspended',          F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  resume: { line: 'release resume REL-n',
    in: [[['suspended'],                                   [F,   F,     'planning',           F,  'planning',           F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
  cancel: { line: 'release cancel REL-n reason="superseded"',
    in: [[[...BEFORE_GO, 'deployment', 'suspended'],       [F,   F,     'cancelled',          F,  'cancelled',          F]]],
    elsewhere:                                             [F,   F,     X,                    F,  X,                    F] },
};

const world = releaseWorld();
afterAll(() => world.close());

describe('release commands by role and phase', () => {
  it('answer as the release permission table says, in every phase', () => {
    const { cells, differing } = walk(world, RELEASE_FIXTURES, RELEASE_ROLES, EXPECTED);
    expect(cells.length).toBe(RELEASE_FIXTURES.length * Object.keys(EXPECTED).length * RELEASE_ROLES.length);
    expect(differing, describeDifferences(differing)).toEqual([]);
  }, 60_000); // about 1,600 commands: seconds on an idle machine, far more on a loaded one
});
