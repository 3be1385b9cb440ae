/**
 * Reading releases on a real SQLite, after the real use cases: `release show` as text, lists,
 * the readable change log, the Home tab's "My releases", and the status card as each platform
 * draws it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homeData, releaseCardOf } from '../../src/app/cards.js';
import { addService } from '../../src/app/catalogue.js';
import { listReleasesFor, releaseLog, showRelease } from '../../src/app/release-queries.js';
import { addReleaseRfc, addWave, advanceRelease, cancelRelease, createRelease, setReleasePlan, tickReadiness } from '../../src/app/releases.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { homeView } from '../../src/chat/slack/blocks/home.js';
import { releaseBlocks } from '../../src/chat/slack/blocks/release.js';
import { releaseAdaptiveCard } from '../../src/chat/teams/release-card.js';
import { homeCard } from '../../src/domain/cards.js';
import type { Actor } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';
import { blockProblems, viewProblems } from '../support/slack-schema.js';
import { assertValidCard } from '../support/teams-cards.js';

let t: TestApp;
let rita: Actor, tess: Actor, cm: Actor, ana: Actor;
const H = 3_600_000;
const PLAN = { deploymentOrder: 'pilot site, then all', training: 'support briefed', communications: 'status page', backout: 'redeploy 4.1' };

beforeEach(() => {
  t = testApp();
  const root = t.person('root', 'admin');
  rita = t.person('rita', 'release-manager');
  tess = t.person('tess');
  cm = t.person('carl', 'change-manager');
  ana = t.person('ana');
  addService(t.ctx, root, { name: 'api' });
});
afterEach(() => t.close());

function approved(title: string): string {
  const start = new Date(t.clock.now().getTime() + 24 * H);
  const key = raise(t.ctx, ana, { title, category: 'minor', services: ['api'], backout: 'revert', test: 'smoke', start, durationMinutes: 360 }).result.key;
  submit(t.ctx, ana, key);
  vote(t.ctx, cm, key, 'approve');
  return key;
}

/** REL-1 in acceptance testing with one item ticked and a wave planned. */
function inTesting(): string {
  const rfc = approved('API 4.2');
  const key = createRelease(t.ctx, rita, { name: 'December platform', goal: 'API 4.2', testing: 'cli:tess', targetDate: new Date('2026-12-14T12:00:00Z') })
    .result.key;
  addReleaseRfc(t.ctx, rita, key, { rfc });
  setReleasePlan(t.ctx, rita, key, PLAN);
  advanceRelease(t.ctx, rita, key);
  advanceRelease(t.ctx, rita, key);
  addWave(t.ctx, rita, key, { start: new Date('2026-12-10T22:00:00Z'), durationMinutes: 60, services: ['api'] });
  tickReadiness(t.ctx, tess, key, { item: 'resources', note: 'two SREs on call' });
  return key;
}

describe('reading a release', () => {
  it('shows the whole release as text, with what the reader may do', () => {
    const key = inTesting();
    const shown = showRelease(t.ctx, rita, key);
    expect(shown.view.phaseLabel).toBe('acceptance testing');
    const lines = shown.text.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'REL-1 December platform',
      'Phase: acceptance testing',
      'Release manager: cli:rita',
      'Target date: Mon 14 Dec 2026',
      'RFCs: RFC-1',
      'Testing coordinator: cli:tess',
      'Status channels: none',
      'Sign-offs: missing operations, security, support, service level',
    ]);
    expect(lines).toContain('Changes: RFC-1 API 4.2 (Approved)');
    expect(lines).toContain('Waves: Wave 1 · from Thu 10 Dec 22:00 to Thu 10 Dec 23:00 UTC · api · planned');
    expect(lines).toContain('  [x] resources in place: ticked by cli:tess: two SREs on call');
    expect(lines).toContain('  [ ] production environment ready, including a verified backup: open [Tick]');
    expect(lines.at(-1)).toBe('Actions: Next phase · Details');
    // Someone outside the release reads it without buttons.
    const outside = showRelease(t.ctx, ana, key).text.split('\n');
    expect(outside).toContain('  [ ] production environment ready, including a verified backup: open');
    expect(outside.at(-1)).toBe('Actions: Details');
  });

  it('refuses an unknown release with how to find one', () => {
    expect(() => showRelease(t.ctx, rita, 'REL-9')).toThrow('There is no REL-9. `release list all` lists every release.');
  });

  it('lists my open releases, the open ones, and all of them', () => {
    const key = inTesting();
    const other = createRelease(t.ctx, cm, { name: 'Old plan' }).result.key;
    cancelRelease(t.ctx, cm, other, 'merged into REL-1');
    expect(listReleasesFor(t.ctx, tess, { which: 'mine' }).items.map((i) => i.key)).toEqual([key]);
    expect(listReleasesFor(t.ctx, ana, { which: 'mine' })).toEqual({ items: [], text: 'You manage no open release and are on no release team.' });
    expect(listReleasesFor(t.ctx, ana, { which: 'open' }).text).toBe('REL-1  acceptance testing December platform (target Mon 14 Dec 2026) · cli:rita');
    expect(listReleasesFor(t.ctx, ana, { which: 'all' }).items.map((i) => [i.key, i.phaseLabel])).toEqual([
      ['REL-2', 'cancelled'],
      ['REL-1', 'acceptance testing'],
    ]);
  });

  it('reads the change log line by line', () => {
    const key = inTesting();
    expect(releaseLog(t.ctx, rita, key).text.split('\n')).toEqual([
      'Change log of REL-1:',
      'Tue 1 Dec 09:00 UTC  cli:rita  release-create in planning',
      'Tue 1 Dec 09:00 UTC  cli:rita  release-add-rfc RFC-1',
      'Tue 1 Dec 09:00 UTC  cli:rita  release-plan deployment order: none → “pilot site, then all”; training needs: none → “support briefed”; communications plan: none → “status page”; backout plan: none → “redeploy 4.1”',
      'Tue 1 Dec 09:00 UTC  cli:rita  release-phase planning → building',
      'Tue 1 Dec 09:00 UTC  cli:rita  release-phase building → acceptance testing',
      'Tue 1 Dec 09:00 UTC  cli:rita  wave-add wave 1, from Thu 10 Dec 22:00 to Thu 10 Dec 23:00 UTC, api',
      'Tue 1 Dec 09:00 UTC  cli:tess  release-tick resources in place — two SREs on call',
    ]);
  });

  it('lists my releases on the Home tab', () => {
    const key = inTesting();
    const home = homeCard(homeData(t.ctx, tess));
    const mine = home.sections.find((s) => s.heading === 'My releases');
    expect(mine?.items.map((i) => [i.key, i.line, i.button.action])).toEqual([
      [key, 'acceptance testing · target Mon 14 Dec 2026 · 1 RFC · 1 wave', 'release_details'],
    ]);
    expect(homeCard(homeData(t.ctx, ana)).sections.find((s) => s.heading === 'My releases')?.items).toEqual([]);
    const view = homeView(home);
    expect(viewProblems(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('My releases');
  });

  it('draws the status message for the channel on both platforms', () => {
    const key = inTesting();
    const card = releaseCardOf(t.ctx, 'status', key, { kind: 'status-channel' }, t.ctx.timezone);
    expect(card.status).toBe('Last step: Tue 1 Dec 09:00 UTC cli:tess release-tick — two SREs on call');
    expect(card.buttons.map((b) => b.label)).toEqual(['Next phase', 'Details']);
    expect(card.readiness.filter((i) => i.button).length).toBe(10);
    expect(blockProblems(releaseBlocks(card), 50)).toEqual([]);
    assertValidCard(releaseAdaptiveCard(card));
  });
});
