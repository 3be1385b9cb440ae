/**
 * The release side of the role x command x phase walk (test/integration/roles-release.test.ts):
 * one person per way of standing to a release, a release brought into each phase through the
 * real use cases, and a runner typing `release ...` through the real parser and execute().
 *
 * Each release bundles one approved minor RFC (its member, RFC-m in a command line) and has a
 * second approved RFC at hand that belongs to no release (RFC-s, for `release add`), each on a
 * service of its own; its one wave is planned from the start, inside the RFCs' window.
 *
 * Building a release into deployment takes some twenty use cases, so each phase's fixture is
 * built once, in a database of its own, and every case that needs a fresh one gets a copy of
 * that database (a file opened through the same migrations).
 */
import { addService } from '../../src/app/catalogue.js';
import { close } from '../../src/app/implementation.js';
import {
  addReleaseRfc,
  addWave,
  advanceRelease,
  cancelRelease,
  closeRelease,
  createRelease,
  finishWave,
  giveGo,
  reviewRelease,
  setReleasePlan,
  startWave,
  suspendRelease,
  tickReadiness,
} from '../../src/app/releases.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { findRelease } from '../../src/db/repos/releases.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangebotError } from '../../src/domain/errors.js';
import { READINESS_FACTORS } from '../../src/domain/release.js';
import type { Actor, Role } from '../../src/domain/types.js';
import { type TestApp, testApp } from './app.js';
import { cliCommand } from './commands.js';
import type { World } from './roles-matrix.js';

/**
 * The columns: nobody in particular, the release's testing coordinator (no role), its release
 * manager, another release manager (the role, not this release), a change manager, an admin.
 */
export const RELEASE_ROLES = ['none', 'tester', 'manager', 'otherReleaseManager', 'changeManager', 'admin'] as const;
export type ReleaseRoleName = (typeof RELEASE_ROLES)[number];

/**
 * The phases a fixture brings a release into: every phase of release.ts, with deployment twice,
 * before its wave starts (`deployment`) and with its wave deploying (`deploying`). Suspended and
 * cancelled are reached from planning.
 */
export const RELEASE_FIXTURES = [
  'planning',
  'building',
  'acceptance_testing',
  'readiness_review',
  'deployment',
  'deploying',
  'review',
  'closed',
  'suspended',
  'cancelled',
] as const;
export type ReleaseFixture = (typeof RELEASE_FIXTURES)[number];

/** Planning at T0; the RFCs' window and the wave's open a day later; T1 is inside them. */
const T0 = new Date('2026-12-01T09:00:00Z');
const WINDOW_START = new Date('2026-12-02T10:00:00Z');
const T1 = new Date('2026-12-02T10:10:00Z');
const PLAN = { deploymentOrder: 'pilot site, then all', training: 'support briefed', communications: 'status page', backout: 'redeploy 4.1' };

interface Fixture {
  release: string;
  member: string;
  spare: string;
  at: Date;
}

export interface ReleaseWorld extends World<ReleaseFixture, ReleaseRoleName> {
  close(): void;
}

const NAMES: Record<ReleaseRoleName, string> = {
  none: 'nobody',
  tester: 'tess',
  manager: 'rita',
  otherReleaseManager: 'otto',
  changeManager: 'carl',
  admin: 'root',
};
const ROLES: Partial<Record<ReleaseRoleName, Role>> = {
  manager: 'release-manager',
  otherReleaseManager: 'release-manager',
  changeManager: 'change-manager',
  admin: 'admin',
};

function people(t: TestApp, grant: boolean): Record<ReleaseRoleName, Actor> {
  const role = (r: ReleaseRoleName) => (grant && ROLES[r] ? [ROLES[r]!] : []);
  return Object.fromEntries(RELEASE_ROLES.map((r) => [r, t.person(NAMES[r], ...role(r))])) as Record<ReleaseRoleName, Actor>;
}

/** Builds one release into `phase` in a database of its own: the database, and where things are in it. */
function buildFixture(phase: ReleaseFixture): { image: Buffer; fixture: Fixture } {
  const t: TestApp = testApp();
  t.clock.current = T0;
  const as = people(t, true);
  const raiser = t.person('ana');
  const { manager: rm, changeManager: cm } = as;
  let services = 0;
  /** A minor change on a service of its own, approved by the change manager. */
  function approvedRfc(): string {
    const service = `svc${++services}`;
    addService(t.ctx, as.admin, { name: service });
    const fields = {
      title: 'API 4.2',
      category: 'minor' as const,
      services: [service],
      backout: 'revert',
      test: 'smoke',
      start: WINDOW_START,
      durationMinutes: 120,
    };
    const key = raise(t.ctx, raiser, fields).result.key;
    submit(t.ctx, raiser, key);
    vote(t.ctx, cm, key, 'approve');
    return key;
  }

  function bring(f: Fixture, phase: ReleaseFixture): void {
    const key = f.release;
    const step = (p: ReleaseFixture) => bring(f, p);
    switch (phase) {
      case 'planning':
        return;
      case 'building':
        advanceRelease(t.ctx, rm, key);
        return;
      case 'acceptance_testing':
        step('building');
        advanceRelease(t.ctx, rm, key);
        for (const item of READINESS_FACTORS) tickReadiness(t.ctx, rm, key, { item });
        return;
      case 'readiness_review':
        step('acceptance_testing');
        advanceRelease(t.ctx, rm, key);
        return;
      case 'deployment':
        step('readiness_review');
        giveGo(t.ctx, rm, key);
        giveGo(t.ctx, cm, key);
        return;
      case 'deploying':
        step('deployment');
        t.clock.current = T1;
        startWave(t.ctx, rm, key, { wave: 1 });
        return;
      case 'review':
        step('deploying');
        finishWave(t.ctx, rm, key, 'successful', { wave: 1 });
        reviewRelease(t.ctx, rm, key, { outcome: 'deployed' });
        // The RFC's own review, closed by a change manager who did not implement it.
        close(t.ctx, cm, f.member);
        return;
      case 'closed':
        step('review');
        closeRelease(t.ctx, rm, key);
        return;
      case 'suspended':
        suspendRelease(t.ctx, rm, key, 'waiting for the vendor');
        return;
      case 'cancelled':
        cancelRelease(t.ctx, rm, key, 'superseded');
        return;
    }
  }

  const member = approvedRfc();
  const spare = approvedRfc();
  const release = createRelease(t.ctx, rm, { name: 'December platform', testing: as.tester.id }).result.key;
  addReleaseRfc(t.ctx, rm, release, { rfc: member });
  setReleasePlan(t.ctx, rm, release, PLAN);
  addWave(t.ctx, rm, release, { start: WINDOW_START, durationMinutes: 120 });
  const f = { release, member, spare, at: T0 };
  bring(f, phase);
  const got = findRelease(t.ctx.database.db, release)!.phase;
  if (got !== (phase === 'deploying' ? 'deployment' : phase)) throw new Error(`the fixture for ${phase} left ${release} ${got}`);
  const image = t.ctx.database.sqlite.serialize();
  const at = t.clock.now();
  t.close();
  return { image, fixture: { ...f, at } };
}

export function releaseWorld(): ReleaseWorld {
  // In memory where the system offers a file system there (the copies are many and short-lived).
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'roles-release-'));
  const built = new Map<ReleaseFixture, ReturnType<typeof buildFixture>>();
  let current: { t: TestApp; as: Record<ReleaseRoleName, Actor>; fixture: Fixture } | null = null;
  let copies = 0;

  return {
    fresh(phase) {
      current?.t.close();
      let b = built.get(phase);
      if (!b) built.set(phase, (b = buildFixture(phase)));
      const path = join(dir, `case-${++copies}.db`);
      writeFileSync(path, b.image);
      const t = testApp({ path });
      current = { t, as: people(t, false), fixture: b.fixture };
      return `${phase}#${copies}`;
    },
    run(role, line) {
      const { t, as, fixture: f } = current!;
      // A wave starts inside its window; everything else at the time the fixture was left at.
      t.clock.current = line.startsWith('release wave start ') ? T1 : f.at;
      const typed = line.replaceAll('REL-n', f.release).replaceAll('RFC-m', f.member).replaceAll('RFC-s', f.spare);
      try {
        cliCommand(t, as[role], typed);
      } catch (e) {
        if (e instanceof ChangebotError) return { answer: e.code, allowed: false };
        throw e;
      }
      return { answer: findRelease(t.ctx.database.db, f.release)!.phase, allowed: true };
    },
    close() {
      current?.t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
