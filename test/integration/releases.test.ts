/**
 * Release use cases on a real SQLite: a release of two approved RFCs walked from planning to
 * closed, each refusal on the way (with its words), the change log of the release and of its
 * RFCs, and the RFCs following the release.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorViewer, cardOf } from '../../src/app/cards.js';
import { addService } from '../../src/app/catalogue.js';
import { close, progress, schedule } from '../../src/app/implementation.js';
import {
  addReleaseRfc,
  addWave,
  advanceRelease,
  backOutRelease,
  cancelRelease,
  changePackage,
  closeRelease,
  createRelease,
  editRelease,
  finishWave,
  giveGo,
  giveNoGo,
  pilot,
  recordTest,
  removeReleaseRfc,
  resumeRelease,
  reviewRelease,
  setReleasePlan,
  signOff,
  startWave,
  suspendRelease,
  tickReadiness,
} from '../../src/app/releases.js';
import { cancel, raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { listLog } from '../../src/db/repos/log.js';
import { pendingOutbox } from '../../src/db/repos/outbox.js';
import { findRelease } from '../../src/db/repos/releases.js';
import { findRfc } from '../../src/db/repos/rfcs.js';
import { READINESS_FACTORS } from '../../src/domain/release.js';
import { releaseSubject, rfcSubject } from '../../src/domain/subject.js';
import type { Actor } from '../../src/domain/types.js';
import { addTask } from '../../src/app/tasks.js';
import { type TestApp, testApp } from '../support/app.js';
import { refusal } from '../support/commands.js';

let t: TestApp;
let rita: Actor, tess: Actor, cm: Actor, ana: Actor, bob: Actor;
const H = 3_600_000;
const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);

beforeEach(() => {
  t = testApp();
  const root = t.person('root', 'admin');
  rita = t.person('rita', 'release-manager');
  tess = t.person('tess');
  cm = t.person('carl', 'change-manager');
  ana = t.person('ana');
  bob = t.person('bob');
  addService(t.ctx, root, { name: 'api', audience: ['channel:C1'] });
  addService(t.ctx, root, { name: 'db' });
});
afterEach(() => t.close());

/** A minor change raised by `who` and approved by the change manager. */
function approved(who: Actor, title: string, services: string[]): string {
  const start = new Date(t.clock.now().getTime() + 24 * H);
  const key = raise(t.ctx, who, { title, category: 'minor', services, backout: 'revert', test: 'smoke', start, durationMinutes: 360 }).result.key;
  submit(t.ctx, who, key);
  vote(t.ctx, cm, key, 'approve');
  return key;
}

const rel = (key: string) => findRelease(t.ctx.database.db, key)!;
const rfcState = (key: string) => findRfc(t.ctx.database.db, key)!.state;
const outbox = () => pendingOutbox(t.ctx.database.db, 1000).map((r) => r.notification);
const releaseLog = (key: string) => listLog(t.ctx.database.db, releaseSubject(key)).map((e) => e.action);

function planned(): { key: string; rfcs: [string, string] } {
  const a = approved(ana, 'API 4.2', ['api']);
  const b = approved(bob, 'DB pool tuning', ['db']);
  const key = createRelease(t.ctx, rita, { name: 'December platform', goal: 'API 4.2 with its DB tuning', testing: 'cli:tess' }).result.key;
  addReleaseRfc(t.ctx, rita, key, { rfc: a });
  addReleaseRfc(t.ctx, rita, key, { rfc: b });
  return { key, rfcs: [a, b] };
}

const PLAN = { deploymentOrder: 'pilot site, then all', training: 'support briefed', communications: 'status page + email', backout: 'redeploy 4.1' };

/**
 * Takes `key` through planning and testing into its readiness review with `waves` one-hour waves
 * (tomorrow, two hours apart), every item ticked, and, unless `go` is false, go from both deciders.
 * Returns the first wave's start.
 */
function toDeployment(key: string, waves = 1, go = true): Date {
  setReleasePlan(t.ctx, rita, key, PLAN);
  for (let i = 0; i < 3; i++) advanceRelease(t.ctx, rita, key);
  const start = new Date(t.clock.now().getTime() + 24 * H);
  for (let i = 0; i < waves; i++) addWave(t.ctx, rita, key, { start: new Date(start.getTime() + i * 2 * H), durationMinutes: 60 });
  for (const f of READINESS_FACTORS) tickReadiness(t.ctx, rita, key, { item: f });
  if (go) {
    giveGo(t.ctx, rita, key);
    giveGo(t.ctx, cm, key);
  }
  return start;
}

describe('the first wave and the changes it starts (issue 14)', () => {
  it('is refused while a change of the release has an open task, naming it; a change manager may override, and it is logged', () => {
    const { key, rfcs } = planned();
    const start = toDeployment(key);
    addTask(t.ctx, ana, { key: rfcs[0], title: 'Warm the API caches', person: ana.id });
    pilot(t.ctx, tess, key, { what: 'proven' });
    pilot(t.ctx, cm, key, { what: 'approve' });
    t.clock.current = new Date(start.getTime() + 5 * 60_000);
    const refused = refusal(() => startWave(t.ctx, rita, key, { wave: 1 }));
    expect(refused.code).toBe('incomplete');
    expect(refused.message).toContain('Still open: RFC-1 task 1: Warm the API caches.');
    expect([rfcState(rfcs[0]), rfcState(rfcs[1])]).toEqual(['approved', 'approved']);
    // The release manager cannot wave it through; a change manager can, with the reason logged.
    expect(refusal(() => startWave(t.ctx, rita, key, { wave: 1, override: 'caches warm themselves' })).code).toBe('forbidden');
    startWave(t.ctx, cm, key, { wave: 1, override: 'caches warm themselves' });
    expect(rfcState(rfcs[0])).toBe('implementing');
    const row = listLog(t.ctx.database.db, releaseSubject(key)).find((e) => e.action === 'wave-start');
    expect(row?.reason).toBe('caches warm themselves');
    expect(row?.detail).toMatchObject({ open: ['RFC-1 task 1: Warm the API caches'] });
  });
});

describe('a release from planning to closed', () => {
  it('walks every phase, with its refusals, and the RFCs follow', () => {
    const { key, rfcs } = planned();
    const [a, b] = rfcs;
    expect(key).toBe('REL-1');
    expect(rel(key).phase).toBe('planning');
    expect(findRfc(t.ctx.database.db, a)!.releaseKey).toBe('REL-1');

    // Leaving planning needs the whole release plan.
    expect(refusal(() => advanceRelease(t.ctx, rita, key)).message).toBe(
      "REL-1 can't leave planning without a release plan. Missing: the deployment order, the training needs, the communications plan, a backout plan for the release as a whole.",
    );
    setReleasePlan(t.ctx, rita, key, PLAN);
    expect(advanceRelease(t.ctx, rita, key).message).toBe('REL-1 moved to building.');
    // One row on each RFC of the release.
    expect(listLog(t.ctx.database.db, rfcSubject(a)).at(-1)?.reason).toBe('REL-1 moved to building');
    expect(listLog(t.ctx.database.db, rfcSubject(b)).at(-1)?.reason).toBe('REL-1 moved to building');

    // The package: two artifacts with checksums, and its procedures.
    changePackage(t.ctx, rita, key, { artifact: { name: 'api', version: '4.2.0', sha256: SHA_A, link: 'https://dsl.example/api-4.2.0.tgz' } });
    changePackage(t.ctx, rita, key, { artifact: { name: 'db-tuning', version: '1', sha256: SHA_B } });
    changePackage(t.ctx, rita, key, { install: 'helm upgrade api 4.2.0', removal: 'helm rollback api' });
    expect(rel(key).package.artifacts.map((x) => `${x.name} ${x.version}`)).toEqual(['api 4.2.0', 'db-tuning 1']);
    expect(refusal(() => changePackage(t.ctx, rita, key, { artifact: { name: 'x', version: '1', sha256: 'abc' } })).message).toBe(
      'sha256 must be 64 hexadecimal digits; got "abc".',
    );

    advanceRelease(t.ctx, rita, key);
    expect(rel(key).phase).toBe('acceptance_testing');
    // Test results: the testing coordinator or the release manager records them.
    expect(refusal(() => recordTest(t.ctx, ana, key, { name: 'load', passed: true })).message).toBe(
      'Only its testing coordinator or its release manager can record test results of REL-1.',
    );
    recordTest(t.ctx, tess, key, { name: 'load test', passed: true, note: '2x peak' });
    recordTest(t.ctx, tess, key, { name: 'backout rehearsal', passed: true });
    for (const cluster of ['operations', 'security', 'support', 'service-level'] as const) signOff(t.ctx, bob, key, { cluster });
    expect(rel(key).signoffs.map((s) => `${s.cluster} by ${s.by}`)).toEqual([
      'operations by cli:bob',
      'security by cli:bob',
      'support by cli:bob',
      'service-level by cli:bob',
    ]);

    // Waves: a pilot and a second wave, tomorrow.
    const start = new Date(t.clock.now().getTime() + 24 * H);
    addWave(t.ctx, rita, key, { pilot: true, start, durationMinutes: 60, services: ['api'] });
    addWave(t.ctx, rita, key, { start: new Date(start.getTime() + 2 * H), durationMinutes: 120 });
    expect(rel(key).waves.map((w) => `${w.number} ${w.pilot ? 'pilot' : 'wave'} ${w.services.join(',')}`)).toEqual(['1 pilot api', '2 wave api,db']);

    advanceRelease(t.ctx, rita, key);
    expect(rel(key).phase).toBe('readiness_review');
    // Go is refused while an item is open, naming every open item.
    for (const f of READINESS_FACTORS.slice(0, 10)) tickReadiness(t.ctx, rita, key, { item: f });
    expect(refusal(() => giveGo(t.ctx, rita, key)).message).toBe("REL-1 can't be given go yet:\n• open: related changes approved");
    expect(tickReadiness(t.ctx, tess, key, { item: 'related-changes', notApplicable: 'no related changes' }).message).toBe(
      'Marked not applicable: related changes approved (REL-1). Every readiness item is done.',
    );
    // Go needs both the release manager and a change manager.
    expect(giveGo(t.ctx, rita, key).message).toBe(
      'Recorded your go for REL-1 as release manager. Still needed: a change manager other than the release manager.',
    );
    expect(refusal(() => giveGo(t.ctx, rita, key)).message).toBe(
      'You have given go to REL-1 already; a change manager other than the release manager must give it too.',
    );
    expect(giveGo(t.ctx, cm, key).message).toBe('REL-1 is go: it moves to deployment and its package is frozen.');
    expect(rel(key).phase).toBe('deployment');
    expect(rel(key).package.frozenAt).not.toBeNull();

    // After go the package changes only by a change manager, and shows it.
    expect(refusal(() => changePackage(t.ctx, rita, key, { install: 'x', reason: 'y' })).message).toBe(
      'Only a change manager can amend (after go) the package of REL-1.',
    );
    changePackage(t.ctx, cm, key, { artifact: { name: 'api', version: '4.2.1', sha256: SHA_B }, reason: 'hotfix' });
    expect(rel(key).package.amendedAfterReview).toBe(true);
    const amended = listLog(t.ctx.database.db, releaseSubject(key)).at(-1)!;
    expect(amended.detail).toMatchObject({ afterGo: true, changes: [{ field: 'artifact api', from: { version: '4.2.0' }, to: { version: '4.2.1' } }] });

    // The pilot waits for its window, a proven backout and a change manager.
    t.clock.current = new Date(start.getTime() + 5 * 60_000);
    expect(refusal(() => startWave(t.ctx, rita, key, { wave: 1 })).message).toBe(
      "The pilot of REL-1 can't start: the backout procedure is not yet recorded as proven in test; no change manager has approved the pilot.",
    );
    pilot(t.ctx, tess, key, { what: 'proven' });
    expect(refusal(() => pilot(t.ctx, rita, key, { what: 'approve' })).message).toBe('Only a change manager can approve the pilot of REL-1.');
    pilot(t.ctx, cm, key, { what: 'approve' });
    // The second wave may not start before the pilot is signed off.
    expect(refusal(() => startWave(t.ctx, rita, key, { wave: 2 })).message).toBe(
      'Wave 2 of REL-1 can start only after wave 1 (the pilot) is signed off successful; it is planned.',
    );
    expect(startWave(t.ctx, rita, key, { wave: 1 }).message).toBe('Wave 1 (the pilot) of REL-1 started. RFC-1, RFC-2 now implementing.');
    expect([rfcState(a), rfcState(b)]).toEqual(['implementing', 'implementing']);
    finishWave(t.ctx, rita, key, 'successful', { wave: 1, note: 'pilot site fine' });

    // Wave 2 outside its window needs a change manager's override.
    expect(refusal(() => startWave(t.ctx, rita, key, { wave: 2 })).message).toMatch(
      /^Wave 2 of REL-1 is planned for .*; it hasn't started yet\. A change manager can start it anyway with override="reason"\.$/,
    );
    expect(refusal(() => startWave(t.ctx, rita, key, { wave: 2, override: 'ahead of plan' })).code).toBe('forbidden');
    startWave(t.ctx, cm, key, { wave: 2, override: 'pilot went well, ahead of plan' });
    expect(refusal(() => finishWave(t.ctx, rita, key, 'backed_out', { wave: 2 })).message).toBe(
      'Say why wave 2 was backed out (what was done). Example: note="restored 4.1 on db02"',
    );
    const out = finishWave(t.ctx, rita, key, 'backed_out', { wave: 2, note: 'db pool errors; restored 4.1 on db02' });
    expect(out.message).toBe('Wave 2 of REL-1 is backed out. Every wave is finished: REL-1 moved to review and its RFCs to their post-implementation reviews.');
    expect(rel(key).waves[1]).toMatchObject({ state: 'backed_out', outcomeBy: 'cli:rita', outcomeNote: 'db pool errors; restored 4.1 on db02' });
    expect(rel(key).phase).toBe('review');
    expect([rfcState(a), rfcState(b)]).toEqual(['in_review', 'in_review']);
    expect(findRfc(t.ctx.database.db, a)!.review?.outcome).toBe('successful-with-issues');

    // Review with a follow-up RFC, then close once the RFCs' reviews are closed.
    expect(refusal(() => closeRelease(t.ctx, rita, key)).message).toBe(
      'Record the outcome of REL-1\'s review before closing it. Example: outcome="deployed to both groups"',
    );
    const reviewed = reviewRelease(t.ctx, rita, key, {
      outcome: 'pilot only; wave 2 backed out',
      lessons: 'load-test the pool',
      followUp: 'Tune the db02 pool',
    });
    expect(reviewed.message).toBe(
      'Recorded outcome, lessons, follow-up in the review of REL-1. Raised RFC-3 “Tune the db02 pool” as a draft, linked to REL-1.',
    );
    expect(rel(key).review?.followUps).toEqual(['RFC-3']);
    expect(refusal(() => closeRelease(t.ctx, rita, key)).message).toBe(
      "REL-1 closes once its RFCs' reviews are done. Still open: RFC-1 (in review), RFC-2 (in review).",
    );
    const other = t.person('olga', 'change-manager');
    for (const k of [a, b]) close(t.ctx, other, k);
    expect(closeRelease(t.ctx, rita, key).message).toBe('Closed REL-1.');
    expect(rel(key).phase).toBe('closed');

    expect(releaseLog(key)).toEqual([
      'release-create',
      'release-add-rfc',
      'release-add-rfc',
      'release-plan',
      'release-phase',
      'release-package',
      'release-package',
      'release-package',
      'release-phase',
      'release-test',
      'release-test',
      'release-signoff',
      'release-signoff',
      'release-signoff',
      'release-signoff',
      'wave-add',
      'wave-add',
      'release-phase',
      ...Array(11).fill('release-tick'),
      'release-go',
      'release-go',
      'release-package',
      'release-pilot',
      'release-pilot',
      'wave-start',
      'wave-successful',
      'wave-start',
      'wave-backed_out',
      'release-complete',
      'release-review',
      'release-close',
    ]);
    // Decisions went to the status thread and the team; the go announced the release to its services' audiences.
    const events = outbox()
      .filter((n) => n.subject.key === key)
      .map((n) => n.event);
    expect(events.filter((e) => e !== 'card-update')).toEqual([
      'release-decision',
      'release-announcement',
      'wave-started',
      'wave-finished',
      'wave-started',
      'wave-finished',
      'release-decision',
    ]);
  });
});

describe('membership', () => {
  it('takes only approved RFCs, each in one release at most, and names an RFC that leaves to the manager', () => {
    const { key, rfcs } = planned();
    const draft = raise(t.ctx, ana, { title: 'Not yet', category: 'minor' }).result.key;
    expect(refusal(() => addReleaseRfc(t.ctx, rita, key, { rfc: draft })).message).toBe('RFC-3 is draft; only approved RFCs join a release.');
    const other = createRelease(t.ctx, cm, { name: 'Other' }).result.key;
    expect(refusal(() => addReleaseRfc(t.ctx, cm, other, { rfc: rfcs[0] })).message).toBe(
      'RFC-1 already belongs to REL-1; an RFC belongs to one release at most. Remove it there first.',
    );
    expect(cancel(t.ctx, ana, rfcs[0], 'not needed').message).toBe('Cancelled RFC-1. It left REL-1.');
    expect(findRfc(t.ctx.database.db, rfcs[0])!.releaseKey).toBeNull();
    const left = outbox().find((n) => n.event === 'release-rfc-left')!;
    expect(left).toMatchObject({
      subject: { type: 'release', key: 'REL-1' },
      recipients: [{ kind: 'person', id: 'cli:rita' }],
      detail: 'RFC-1 “API 4.2” was cancelled: not needed',
    });
  });

  it('keeps the RFCs of a release given go to the release: no leaving, starting or moving them on their own', () => {
    const { key, rfcs } = planned();
    const start = toDeployment(key, 1, false);
    giveGo(t.ctx, rita, key);
    // An RFC joining after a go withdraws it: what was decided did not include that RFC.
    const late = approved(ana, 'Late fix', ['api']);
    expect(addReleaseRfc(t.ctx, rita, key, { rfc: late }).message).toBe(
      'Added RFC-3 “Late fix” to REL-1. The go given before it joined is withdrawn: go must be given again.',
    );
    expect(rel(key).goDecisions).toEqual([]);
    giveGo(t.ctx, rita, key);
    giveGo(t.ctx, cm, key);
    expect(refusal(() => cancel(t.ctx, ana, rfcs[0], 'changed my mind')).message).toBe(
      'RFC-1 is in REL-1, which has been given go: a change manager takes it out of the release first (release remove REL-1 RFC-1 reason="...").',
    );
    expect(refusal(() => schedule(t.ctx, ana, rfcs[0], { start, durationMinutes: 30 })).message).toBe(
      "RFC-1 is deployed by REL-1's waves, so it can't be scheduled on its own. Run the release's waves.",
    );
    t.clock.current = new Date(start.getTime() + 60_000);
    startWave(t.ctx, rita, key, { wave: 1, note: 'on time' });
    expect(listLog(t.ctx.database.db, releaseSubject(key)).at(-1)).toMatchObject({ action: 'wave-start', reason: 'on time' });
    // The RFC's own card follows the same rule: no Done, Failed or Back out of its own; it names its release.
    const card = cardOf(t.ctx, 'owner', rfcs[0], actorViewer(ana), 'UTC');
    expect(card.buttons.map((x) => x.label)).toEqual(['Details']);
    expect(card.facts.find((f) => f.label === 'Release')?.value).toEqual({ kind: 'text', text: 'REL-1' });
    expect(refusal(() => progress(t.ctx, ana, rfcs[0], 'complete')).message).toBe(
      "RFC-1 is deployed by REL-1's waves, so it can't be marked done on its own. Run the release's waves.",
    );
    // Once deploying, an RFC can't leave, and the release can't be cancelled: it is backed out instead.
    expect(refusal(() => removeReleaseRfc(t.ctx, cm, key, { rfc: rfcs[1], reason: 'x' })).message).toBe(
      "RFC-2 is implementing with REL-1's waves, so it can't leave the release now. Back the release out as a whole instead.",
    );
    // A failure may be reported at once; its backout says what was done.
    expect(finishWave(t.ctx, rita, key, 'failed', { wave: 1 }).message).toBe('Wave 1 of REL-1 failed. Back it out, or back the release out as a whole.');
    finishWave(t.ctx, rita, key, 'backed_out', { wave: 1, note: 'restored 4.1' });
    expect(rel(key).phase).toBe('review');
    expect(refusal(() => cancelRelease(t.ctx, rita, key, 'give up')).code).toBe('invalid_transition');
  });

  it('lets an RFC sent back for approval before go leave the release, and withdraws a partial go when a wave is added', () => {
    const { key, rfcs } = planned();
    // Its owner moves it outside its approved window: it goes back for approval.
    schedule(t.ctx, ana, rfcs[0], { start: new Date(t.clock.now().getTime() + 72 * H), durationMinutes: 60 });
    expect(rfcState(rfcs[0])).toBe('awaiting_approval');
    expect(removeReleaseRfc(t.ctx, rita, key, { rfc: rfcs[0] }).message).toBe('Removed RFC-1 from REL-1.');
    const start = toDeployment(key, 1, false);
    giveGo(t.ctx, rita, key);
    expect(addWave(t.ctx, rita, key, { start: new Date(start.getTime() + 4 * H), durationMinutes: 30 }).message).toMatch(
      / The go given before this wave was planned is withdrawn: go must be given again\.$/,
    );
    expect(rel(key).goDecisions).toEqual([]);
  });

  it('refuses cancelling a release that has started deploying', () => {
    const { key } = planned();
    const start = toDeployment(key, 2);
    t.clock.current = new Date(start.getTime() + 60_000);
    startWave(t.ctx, rita, key, { wave: 1 });
    finishWave(t.ctx, rita, key, 'backed_out', { wave: 1, note: 'restored 4.1' });
    expect(refusal(() => cancelRelease(t.ctx, rita, key, 'give up')).message).toBe(
      'REL-1 has started deploying, so its RFCs are in production work; back it out as a whole (wave backout REL-1 all) instead of cancelling it.',
    );
  });

  it('needs a change manager, and a reason, to remove an RFC after go', () => {
    const { key, rfcs } = planned();
    toDeployment(key);
    expect(refusal(() => removeReleaseRfc(t.ctx, rita, key, { rfc: rfcs[1] })).message).toBe('Only a change manager can remove RFCs (after go) from REL-1.');
    expect(refusal(() => removeReleaseRfc(t.ctx, cm, key, { rfc: rfcs[1] })).details.field).toBe('reason');
    removeReleaseRfc(t.ctx, cm, key, { rfc: rfcs[1], reason: 'vendor fix late' });
    const row = listLog(t.ctx.database.db, releaseSubject(key)).at(-1)!;
    expect(row).toMatchObject({
      actor: 'cli:carl',
      action: 'release-remove-rfc',
      reason: 'vendor fix late',
      detail: { rfc: 'RFC-2', why: 'removed after go' },
    });
  });
});

describe('phases', () => {
  it('suspends and resumes to the phase it left; no-go returns to a chosen phase; cancel frees the RFCs', () => {
    const { key, rfcs } = planned();
    setReleasePlan(t.ctx, rita, key, PLAN);
    advanceRelease(t.ctx, rita, key);
    expect(refusal(() => suspendRelease(t.ctx, rita, key)).message).toBe('Say why REL-1 is suspended. Example: reason="waiting for the vendor fix"');
    suspendRelease(t.ctx, rita, key, 'vendor');
    expect(rel(key)).toMatchObject({ phase: 'suspended', suspendedFrom: 'building' });
    expect(refusal(() => advanceRelease(t.ctx, rita, key)).message).toBe("REL-1 is suspended, so it can't move to the next phase that way.");
    resumeRelease(t.ctx, rita, key);
    expect(rel(key)).toMatchObject({ phase: 'building', suspendedFrom: null });
    advanceRelease(t.ctx, rita, key);
    advanceRelease(t.ctx, rita, key);
    expect(refusal(() => giveNoGo(t.ctx, cm, key, { reason: '', to: 'building' })).details.field).toBe('reason');
    expect(giveNoGo(t.ctx, cm, key, { reason: 'backup not verified', to: 'building' }).message).toBe('REL-1 is no-go; it moved to building.');
    expect(listLog(t.ctx.database.db, rfcSubject(rfcs[0])).at(-1)?.reason).toBe('REL-1 moved to building: backup not verified');
    expect(refusal(() => editRelease(t.ctx, ana, key, { goal: 'x' })).message).toBe('Only its release manager or a change manager can change REL-1.');
    expect(cancelRelease(t.ctx, rita, key, 'superseded').message).toBe('Cancelled REL-1. RFC-1, RFC-2 left it and may join another release.');
    expect(findRfc(t.ctx.database.db, rfcs[1])!.releaseKey).toBeNull();
    expect(refusal(() => cancelRelease(t.ctx, rita, key, 'again')).message).toBe("REL-1 is cancelled, so it can't be cancelled.");
  });

  it('lets only a release manager or a change manager open a release', () => {
    expect(refusal(() => createRelease(t.ctx, ana, { name: 'Mine' })).message).toBe(
      'Only a release manager or a change manager can open a release. Ask an admin to grant you release-manager.',
    );
    expect(refusal(() => createRelease(t.ctx, rita, { name: '  ' })).details.field).toBe('name');
  });

  it('backs a release out as a whole: its waves and RFCs', () => {
    const { key, rfcs } = planned();
    const start = toDeployment(key, 2);
    expect(refusal(() => backOutRelease(t.ctx, rita, key, 'x')).message).toBe(
      'No wave of REL-1 has started, so there is nothing to back out. Suspend or cancel it instead.',
    );
    t.clock.current = new Date(start.getTime() + 60_000);
    startWave(t.ctx, rita, key, { wave: 1 });
    finishWave(t.ctx, rita, key, 'failed', { wave: 1, note: 'timeouts' });
    backOutRelease(t.ctx, rita, key, 'restored 4.1 everywhere');
    expect(rel(key).phase).toBe('review');
    expect(rel(key).waves.map((w) => w.state)).toEqual(['backed_out', 'planned']);
    expect(rfcs.map(rfcState)).toEqual(['in_review', 'in_review']);
    expect(findRfc(t.ctx.database.db, rfcs[0])!.review?.outcome).toBe('backed-out');
  });
});
