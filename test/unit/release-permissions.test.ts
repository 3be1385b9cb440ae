/** The release permission table: who may take each step, in which phases, and the refusals' words. */
import { describe, expect, it } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import type { ReleasePhase } from '../../src/domain/release.js';
import {
  type RuleRelease,
  authorizeCreateRelease,
  authorizeRelease,
  canRelease,
  checkReleasePhase,
  releaseTeamOf,
} from '../../src/domain/release-permissions.js';
import type { Role } from '../../src/domain/types.js';

const person = (id: string, ...roles: Role[]) => ({ id, roles: new Set<Role>(roles) });
const rita = person('cli:rita', 'release-manager'); // the release's manager
const tess = person('cli:tess'); // its testing coordinator
const carl = person('cli:carl', 'change-manager');
const otherRm = person('cli:otto', 'release-manager'); // a release manager, but not of this release
const ana = person('cli:ana');

const release = (phase: ReleasePhase): RuleRelease => ({
  key: 'REL-3',
  phase,
  manager: 'cli:rita',
  team: { testing: 'cli:tess', communications: 'cli:cora', training: null },
});

function why(run: () => void): string {
  try {
    run();
  } catch (e) {
    if (e instanceof ChangebotError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'allowed';
}

describe('who may act on a release', () => {
  // [permission, phase, [rita, tess, carl, otto, ana]] — hand-written from the issue.
  const TABLE: [Parameters<typeof canRelease>[2], ReleasePhase, [boolean, boolean, boolean, boolean, boolean]][] = [
    ['view', 'closed', [true, true, true, true, true]],
    ['edit', 'planning', [true, false, true, false, false]],
    ['add-rfc', 'building', [true, false, true, false, false]],
    ['add-rfc', 'deployment', [false, false, false, false, false]],
    ['remove-rfc-after-go', 'deployment', [false, false, true, false, false]],
    ['phase', 'acceptance_testing', [true, false, true, false, false]],
    ['phase', 'readiness_review', [false, false, false, false, false]],
    ['package', 'building', [true, false, true, false, false]],
    ['amend-package', 'deployment', [false, false, true, false, false]],
    ['test', 'acceptance_testing', [true, true, false, false, false]],
    ['signoff', 'acceptance_testing', [true, true, true, true, true]],
    ['prove-backout', 'acceptance_testing', [true, true, false, false, false]],
    ['approve-pilot', 'deployment', [false, false, true, false, false]],
    ['tick', 'readiness_review', [true, true, true, false, false]],
    ['tick', 'planning', [false, false, false, false, false]],
    ['go', 'readiness_review', [true, false, true, false, false]],
    ['go', 'deployment', [false, false, false, false, false]],
    ['run-wave', 'deployment', [true, false, true, false, false]],
    ['close', 'review', [true, false, true, false, false]],
    ['resume', 'suspended', [true, false, true, false, false]],
    ['cancel', 'closed', [false, false, false, false, false]],
  ];
  it.each(TABLE)('%s in %s', (perm, phase, expected) => {
    expect([rita, tess, carl, otherRm, ana].map((a) => canRelease(a, release(phase), perm))).toEqual(expected);
  });

  it('names who may act when refusing', () => {
    expect(why(() => authorizeRelease(ana, release('building'), 'edit'))).toBe('forbidden: Only its release manager or a change manager can change REL-3.');
    expect(why(() => authorizeRelease(carl, release('building'), 'test'))).toBe(
      'forbidden: Only its testing coordinator or its release manager can record test results of REL-3.',
    );
    expect(why(() => authorizeRelease(rita, release('deployment'), 'approve-pilot'))).toBe('forbidden: Only a change manager can approve the pilot of REL-3.');
  });

  it('names the phases an action needs', () => {
    expect(why(() => checkReleasePhase(release('deployment'), 'add-rfc'))).toBe(
      'invalid_transition: REL-3 is in deployment; you can add RFCs to it only in planning, building, acceptance testing or readiness review.',
    );
    expect(why(() => checkReleasePhase(release('closed'), 'tick'))).toBe(
      'invalid_transition: REL-3 is closed; you can tick readiness items of it only in acceptance testing or readiness review.',
    );
  });

  it('lets release managers and change managers open releases', () => {
    expect(why(() => authorizeCreateRelease(otherRm))).toBe('allowed');
    expect(why(() => authorizeCreateRelease(carl))).toBe('allowed');
    expect(why(() => authorizeCreateRelease(ana))).toBe(
      'forbidden: Only a release manager or a change manager can open a release. Ask an admin to grant you release-manager.',
    );
  });

  it('tells decisions to the manager and the named team', () => {
    expect(releaseTeamOf(release('deployment'))).toEqual(['cli:rita', 'cli:tess', 'cli:cora']);
  });
});
