/** What a release card shows, worded by hand: the release view built from a hand-written release. */
import { describe, expect, it } from 'vitest';
import { releaseLogLine } from '../../src/domain/release-log.js';
import { releaseSummaryView, releaseView } from '../../src/domain/release-views.js';
import { SHA, release, wave } from '../support/release-fixture.js';

const RFCS = [
  { key: 'RFC-1', title: 'Patch web01', state: 'approved' as const },
  { key: 'RFC-2', title: 'Patch web02', state: 'awaiting_approval' as const },
];
const at = new Date('2026-12-05T10:00:00Z');

describe('releaseView', () => {
  it('words the release: phase, manager, target date in the zone, RFCs, plan', () => {
    const v = releaseView(release(), RFCS, { zone: 'Europe/London' });
    expect(v.key).toBe('REL-3');
    expect(v.name).toBe('Winter release');
    expect(v.goal).toBe('Patch the web tier');
    expect(v.phaseLabel).toBe('planning');
    expect(v.manager).toBe('cli:rm');
    expect(v.targetDate).toBe('Mon 14 Dec 2026');
    expect(v.channels).toEqual({ slack: 'C0REL', teams: null });
    expect(v.rfcs).toEqual([
      { key: 'RFC-1', title: 'Patch web01', state: 'approved', stateLabel: 'Approved' },
      { key: 'RFC-2', title: 'Patch web02', state: 'awaiting_approval', stateLabel: 'Awaiting approval' },
    ]);
    expect(v.planMissing).toEqual([]);
    const lacking = releaseView(release({ plan: { deploymentOrder: null, training: 'x', communications: ' ', backout: null } }), [], { zone: 'UTC' });
    expect(lacking.planMissing).toEqual(['the deployment order', 'the communications plan', 'a backout plan for the release as a whole']);
  });

  it('shows the target date in the viewer’s own zone', () => {
    const late = release({ targetDate: new Date('2026-12-14T23:30:00Z') });
    expect(releaseView(late, [], { zone: 'UTC' }).targetDate).toBe('Mon 14 Dec 2026');
    expect(releaseView(late, [], { zone: 'Asia/Tokyo' }).targetDate).toBe('Tue 15 Dec 2026');
  });

  it('shows the package with short checksums, frozen at go and amended after review', () => {
    const open = releaseView(release(), [], { zone: 'UTC' }).package;
    expect(open).toEqual({
      artifacts: [{ name: 'web', version: '2.1', link: null, checksum: '0123456789ab', line: 'web 2.1 (sha256 0123456789ab)' }],
      install: 'apt install web',
      removal: null,
      frozen: false,
      frozenAt: null,
      amendedAfterReview: false,
    });
    const pkg = { artifacts: [{ name: 'web', version: '2.1', link: null, sha256: SHA }], install: null, removal: null, frozenAt: at, amendedAfterReview: true };
    const frozen = releaseView(release({ package: pkg }), [], { zone: 'UTC' }).package;
    expect([frozen.frozen, frozen.frozenAt, frozen.amendedAfterReview]).toEqual([true, 'Sat 5 Dec 10:00 UTC', true]);
  });

  it('lists the readiness items in the guide’s order: open, ticked by someone with a note, or not applicable with a reason', () => {
    const r = release({
      phase: 'readiness_review',
      readiness: {
        'deployment-order': { kind: 'ticked', by: 'cli:rm', at, note: 'pilot first' },
        training: { kind: 'not-applicable', by: 'cli:rm', at, note: null, reason: 'no new features' },
        resources: { kind: 'ticked', by: 'cli:tester', at, note: null },
      },
    });
    const v = releaseView(r, RFCS, { zone: 'UTC' });
    expect(v.readiness).toHaveLength(11);
    expect(v.readiness.map((i) => i.id)).toEqual([
      'deployment-order',
      'business-alignment',
      'deployment-plans',
      'action-ownership',
      'target-group-issues',
      'plans-signed-off',
      'resources',
      'communications',
      'training',
      'production-ready',
      'related-changes',
    ]);
    expect(v.readiness[0]).toEqual({
      id: 'deployment-order',
      label: 'deployment order to the target group',
      state: 'ticked',
      by: 'cli:rm',
      note: 'pilot first',
      reason: null,
      status: 'ticked by cli:rm: pilot first',
    });
    expect(v.readiness[1]?.status).toBe('open');
    expect(v.readiness[6]?.status).toBe('ticked by cli:tester');
    expect(v.readiness[8]?.status).toBe('not applicable: no new features (cli:rm)');
    // Go: eight items open, RFC-2 not approved and no wave planned; both decisions still to give.
    expect(v.goBlockers).toHaveLength(10);
    expect(v.goBlockers.slice(-2)).toEqual(['RFC-2 is awaiting approval, not approved', 'no deployment wave is planned']);
    expect(v.goStillNeeds).toEqual(['the release manager', 'a change manager other than the release manager']);
  });

  it('says what go still needs after the release manager’s go', () => {
    const v = releaseView(release({ phase: 'readiness_review', goDecisions: [{ by: 'cli:rm', as: 'release-manager', at }] }), [], { zone: 'UTC' });
    expect(v.goDecisions).toEqual([{ by: 'cli:rm', as: 'release-manager', asLabel: 'release manager', at: 'Sat 5 Dec 10:00 UTC' }]);
    expect(v.goStillNeeds).toEqual(['a change manager other than the release manager']);
  });

  it('names the clusters that have not signed off', () => {
    const v = releaseView(release({ phase: 'acceptance_testing', signoffs: [{ cluster: 'security', by: 'cli:sec', at, note: 'scan clean' }] }), [], {
      zone: 'UTC',
    });
    expect(v.signoffs).toEqual([{ cluster: 'security', label: 'security', by: 'cli:sec', note: 'scan clean' }]);
    expect(v.signoffsMissing).toEqual(['operations', 'support', 'service level']);
  });

  it('orders the waves pilot first, with windows in the zone, and knows which may start now', () => {
    const waves = [wave(1, { services: ['web', 'api'], outageMinutes: 90, audience: '#web-users' }), wave(2, { pilot: true }), wave(3)];
    const r = release({ phase: 'deployment', waves, backoutProven: true, pilotApprovedBy: 'cli:cm' });
    const inPilotWindow = new Date('2026-12-12T22:30:00Z');
    const v = releaseView(r, [], { zone: 'Europe/London', now: inPilotWindow });
    expect(v.waves.map((w) => w.label)).toEqual(['Wave 2 (pilot)', 'Wave 1', 'Wave 3']);
    expect(v.waves[0]?.window).toBe('from Sat 12 Dec 22:00 to Sat 12 Dec 23:30 GMT');
    expect(v.waves[1]?.line).toBe('Wave 1 · from Fri 11 Dec 22:00 to Fri 11 Dec 23:30 GMT · web, api · outage 1 h 30 min for #web-users · planned');
    expect(v.nextWave).toBe(2);
    expect(v.pilotBlockers).toEqual([]);
    // Outside the pilot's window nothing may start from a button (a change manager's override is typed).
    expect(releaseView(r, [], { zone: 'UTC', now: new Date('2026-12-11T22:30:00Z') }).nextWave).toBe(null);
    // Without the pilot's conditions it can't start, and the view says why.
    const unproven = releaseView({ ...r, backoutProven: false, pilotApprovedBy: null }, [], { zone: 'UTC' });
    expect(unproven.nextWave).toBe(null);
    expect(unproven.pilotBlockers).toEqual(['the backout procedure is not yet recorded as proven in test', 'no change manager has approved the pilot']);
  });

  it('follows the waves: the deploying one, then the next once it succeeded, and what was done', () => {
    const deploying = release({ phase: 'deployment', waves: [wave(1, { state: 'deploying', startedBy: 'cli:rm' }), wave(2)] });
    const v = releaseView(deploying, [], { zone: 'UTC' });
    expect([v.deployingWave, v.nextWave]).toEqual([1, null]);
    expect(v.waves[0]?.outcome).toBe('started by cli:rm');
    const done = release({
      phase: 'deployment',
      waves: [wave(1, { state: 'successful', startedBy: 'cli:rm', outcomeBy: 'cli:rm', outcomeNote: 'all green' }), wave(2)],
    });
    const d = releaseView(done, [], { zone: 'UTC' });
    expect([d.deployingWave, d.nextWave]).toEqual([null, 2]);
    expect(d.waves[0]?.line).toBe('Wave 1 · from Fri 11 Dec 22:00 to Fri 11 Dec 23:30 UTC · web · successful — by cli:rm: all green');
    const failed = release({ phase: 'deployment', waves: [wave(1, { state: 'failed', outcomeBy: 'cli:rm', outcomeNote: 'db locked' }), wave(2)] });
    expect(releaseView(failed, [], { zone: 'UTC' }).nextWave).toBe(null);
  });

  it('says the last step from the change log', () => {
    const log = [
      { at, actor: 'cli:rm', action: 'release-create', reason: null },
      { at: new Date('2026-12-06T10:00:00Z'), actor: 'cli:cm', action: 'release-nogo', reason: 'backup not verified' },
      // The bot's own rows about what it sent are not steps.
      { at: new Date('2026-12-06T10:00:01Z'), actor: 'changebot', action: 'notify', reason: null },
      { at: new Date('2026-12-06T11:00:00Z'), actor: 'changebot', action: 'notified', reason: null },
    ];
    expect(releaseView(release(), [], { zone: 'UTC', log }).lastStep).toBe('Sun 6 Dec 10:00 UTC cli:cm release-nogo — backup not verified');
  });

  it('summarises a release for lists', () => {
    expect(releaseSummaryView(release({ waves: [wave(1)] }), 2, 'UTC')).toEqual({
      key: 'REL-3',
      name: 'Winter release',
      phase: 'planning',
      phaseLabel: 'planning',
      manager: 'cli:rm',
      targetDate: 'Mon 14 Dec 2026',
      rfcCount: 2,
      waveCount: 1,
    });
  });
});

describe('the release change log, readable', () => {
  const row = (action: string, detail: Record<string, unknown> | null, extra: { from?: string; to?: string; reason?: string } = {}) => ({
    at,
    actor: 'cli:rm',
    action,
    fromState: (extra.from ?? null) as never,
    toState: (extra.to ?? null) as never,
    reason: extra.reason ?? null,
    detail,
  });
  it('says what each step did, in the reader’s zone', () => {
    const lines = [
      row('release-tick', { item: 'training', kind: 'not-applicable' }, { reason: 'no new features' }),
      row('release-go', { as: 'release-manager', stillNeeded: ['a change manager other than the release manager'] }),
      row('release-nogo', { to: 'building' }, { from: 'readiness_review', to: 'building', reason: 'backup not verified' }),
      row(
        'release-package',
        { changes: [{ field: 'artifact api', from: { version: '4.2.0' }, to: { version: '4.2.1' } }], afterGo: true },
        { reason: 'hotfix' },
      ),
      row('release-pilot', { backoutProven: true }),
      row('wave-start', { wave: 2, pilot: false, override: true }, { reason: 'ahead of plan' }),
      row('release-test', { name: 'load', passed: false, note: 'p99 too high' }),
      row('release-signoff', { cluster: 'service-level', note: null }),
    ].map((r) => releaseLogLine(r, 'Europe/Paris'));
    expect(lines).toEqual([
      'Sat 5 Dec 11:00 CET  cli:rm  release-tick training of administration and support staff (not applicable) — no new features',
      'Sat 5 Dec 11:00 CET  cli:rm  release-go as release manager, still needs a change manager other than the release manager',
      'Sat 5 Dec 11:00 CET  cli:rm  release-nogo readiness review → building — backup not verified',
      'Sat 5 Dec 11:00 CET  cli:rm  release-package artifact api: version 4.2.0 → version 4.2.1, after go — hotfix',
      'Sat 5 Dec 11:00 CET  cli:rm  release-pilot backout proven in test',
      'Sat 5 Dec 11:00 CET  cli:rm  wave-start wave 2, outside its window — ahead of plan',
      'Sat 5 Dec 11:00 CET  cli:rm  release-test load failed, “p99 too high”',
      'Sat 5 Dec 11:00 CET  cli:rm  release-signoff service level',
    ]);
  });
});
