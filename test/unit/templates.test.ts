/**
 * Issue 14 item 1: the rules of standard-change templates. Pure: the title pattern, the window
 * rule, the "edited plan is a normal change" rule and validation. Through the use cases on a
 * real (in-memory) database: versions, pre-approval for a requester with no role, the edited
 * plan leading to approval, and the retired template refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMaintenanceWindow, addService } from '../../src/app/catalogue.js';
import { edit, raise, submit } from '../../src/app/rfcs.js';
import { addTemplate, editTemplate, retireTemplate, showTemplate, templateTasks } from '../../src/app/templates.js';
import { checkTemplateContent, leavesTemplate, splitTasks, type TemplateContent, templateWindowProblem, titleMatches } from '../../src/domain/templates.js';
import type { Actor, MaintenanceWindow } from '../../src/domain/types.js';
import { type TestApp, testApp } from '../support/app.js';

describe('title patterns', () => {
  it('matches each * with one or more words, ignoring case and spacing', () => {
    expect(titleMatches('Add * users to *', 'Add 3 users to Sales')).toBe(true);
    expect(titleMatches('Add * users to *', 'add 3  users to the Sales team')).toBe(true);
    expect(titleMatches('Add * users to *', 'Add many new users to HR')).toBe(true);
  });
  it('refuses missing words, extra words and an empty *', () => {
    expect(titleMatches('Add * users to *', 'Add users to Sales')).toBe(false);
    expect(titleMatches('Add * users to *', 'Add 3 users to')).toBe(false);
    expect(titleMatches('Add * users to *', 'Please add 3 users to Sales')).toBe(false);
    expect(titleMatches('Create content database', 'Create content database now')).toBe(false);
  });
  it('reads a * inside a word as part of that word', () => {
    expect(titleMatches('Patch db*', 'Patch db01')).toBe(true);
    expect(titleMatches('Patch db*', 'Patch web01')).toBe(false);
  });
  it('stays fast on a long title with many stars (word by word, no backtracking)', () => {
    const t0 = performance.now();
    expect(titleMatches('* * * * * * * * x', `${'a '.repeat(100)}b`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

const weekly: MaintenanceWindow = { id: 1, service: 'ad', rrule: 'FREQ=DAILY;BYHOUR=22;BYMINUTE=0', durationMinutes: 240, timezone: 'UTC' };
const v = { name: 'add-user', version: 2, maxDurationMinutes: 120, allowedWindows: 'maintenance' as const };
const at = (start: string, minutes: number) => ({ start: new Date(start), end: new Date(new Date(start).getTime() + minutes * 60_000) });

describe('the window rule', () => {
  it('allows a window inside the maintenance window and within the longest', () => {
    expect(templateWindowProblem(v, ['ad'], at('2026-12-02T22:30:00Z', 60), [weekly])).toBeNull();
  });
  it('refuses a window longer than the template allows, naming both', () => {
    expect(templateWindowProblem(v, ['ad'], at('2026-12-02T22:00:00Z', 180), [weekly])).toContain(
      'The window is 3h long, and template add-user v2 allows at most 2h.',
    );
  });
  it('refuses a window outside the maintenance window, or a service with none, unless windows=any', () => {
    expect(templateWindowProblem(v, ['ad'], at('2026-12-02T12:00:00Z', 60), [weekly])).toContain('runs only inside a maintenance window of ad');
    expect(templateWindowProblem(v, ['ad'], at('2026-12-02T12:00:00Z', 60), [])).toContain('ad has none');
    expect(templateWindowProblem({ ...v, allowedWindows: 'any' }, ['ad'], at('2026-12-02T12:00:00Z', 60), [])).toBeNull();
  });
});

describe('the edited-plan rule', () => {
  const rfc = { plan: 'p', backout: 'b', test: null, services: ['ad'] };
  it('names the template-bound fields that changed', () => {
    expect(leavesTemplate(rfc, { ...rfc })).toEqual([]);
    expect(leavesTemplate(rfc, { ...rfc, plan: 'other' })).toEqual(['plan']);
    expect(leavesTemplate(rfc, { ...rfc, test: 't', services: ['ad', 'db'] })).toEqual(['test', 'services']);
  });
});

describe('validation', () => {
  const good: TemplateContent = {
    titlePattern: 'Add * users to *',
    description: null,
    services: ['ad'],
    plan: 'p',
    backout: 'b',
    test: null,
    maxDurationMinutes: 120,
    allowedWindows: 'maintenance',
    tasks: [{ title: 'Open 443', team: 'Network' }],
    checklist: ['HR request', 'HR request'],
  };
  it('keeps a good template, lower-casing team names and dropping repeated checklist items', () => {
    const c = checkTemplateContent(good);
    expect(c.tasks).toEqual([{ title: 'Open 443', team: 'network' }]);
    expect(c.checklist).toEqual(['HR request']);
  });
  it('refuses a pattern of only stars, no plan, no backout, no services, a zero max, a bad team', () => {
    expect(() => checkTemplateContent({ ...good, titlePattern: '* *' })).toThrow('has no words besides *');
    expect(() => checkTemplateContent({ ...good, plan: ' ' })).toThrow('A template needs its implementation plan');
    expect(() => checkTemplateContent({ ...good, backout: '' })).toThrow('A template needs its backout plan');
    expect(() => checkTemplateContent({ ...good, services: [] })).toThrow('A template names the services');
    expect(() => checkTemplateContent({ ...good, maxDurationMinutes: 0 })).toThrow('The longest window (max=) is from 1 minute to a year');
    expect(() => checkTemplateContent({ ...good, tasks: [{ title: 'x', team: 'no such team!' }] })).toThrow("can't be a team name");
  });
  it('splits tasks with their team or person, and refuses one without a colon', () => {
    expect(splitTasks('team=network:Open 443; person=@ana : Check logs;Update the wiki')).toEqual([
      { title: 'Open 443', team: 'network' },
      { title: 'Check logs', person: '@ana' },
      { title: 'Update the wiki' },
    ]);
    expect(() => splitTasks('team=network Open 443')).toThrow('put a colon between whom it is for and what to do');
  });
});

describe('templates through the use cases', () => {
  let t: TestApp;
  let root: Actor;
  let cm: Actor;
  let ana: Actor;
  beforeEach(() => {
    t = testApp();
    root = t.person('root', 'admin');
    cm = t.person('cm', 'change-manager');
    ana = t.person('ana');
    addService(t.ctx, root, { name: 'ad' });
    addMaintenanceWindow(t.ctx, root, { service: 'ad', rrule: 'FREQ=DAILY;BYHOUR=22', durationMinutes: 240 });
    addTemplate(t.ctx, cm, {
      name: 'Add-User',
      titlePattern: 'Add * users to *',
      services: ['AD'],
      plan: 'Create the accounts',
      backout: 'Disable them',
      maxDurationMinutes: 120,
      tasks: [{ title: 'Open 443', team: 'network' }],
    });
  });
  afterEach(() => t.close());

  const fromTemplate = () =>
    raise(t.ctx, ana, { template: 'add-user', title: 'Add 3 users to Sales', start: new Date('2026-12-01T22:30:00Z'), durationMinutes: 60 }).result;

  it('is for change managers and admins only', () => {
    expect(() => addTemplate(t.ctx, ana, { name: 'x', titlePattern: 'X *', services: ['ad'], plan: 'p', backout: 'b' })).toThrow(
      'Only a change manager or an admin can add, edit or retire standard-change templates.',
    );
  });

  it('pre-approves a change raised from it by a requester with no role', () => {
    const rfc = fromTemplate();
    expect(rfc).toMatchObject({ category: 'standard', services: ['ad'], plan: 'Create the accounts', templateName: 'add-user', templateVersion: 1 });
    expect(templateTasks(t.ctx, rfc)).toEqual([{ title: 'Open 443', team: 'network' }]);
    const out = submit(t.ctx, ana, rfc.key);
    expect(out.result.state).toBe('approved');
    expect(out.message).toBe('RFC-1 is a standard change (template add-user v1) and is approved.');
  });

  it('without a template, a requester still cannot mark a change standard', () => {
    expect(() => raise(t.ctx, ana, { title: 'Add 3 users to Sales', category: 'standard' })).toThrow('only a change manager can mark a change standard');
  });

  it('makes a change whose plan is edited a minor one that goes for approval', () => {
    const rfc = fromTemplate();
    const out = edit(t.ctx, ana, rfc.key, { plan: 'By hand' });
    expect(out.message).toBe(
      'Updated plan of RFC-1. RFC-1 is now a normal (minor) change: its plan no longer follows template add-user v1, so it needs approval.',
    );
    expect(out.result).toMatchObject({ category: 'minor', templateName: null, templateVersion: null });
    expect(submit(t.ctx, ana, rfc.key).result.state).toBe('awaiting_approval');
  });

  it('keeps a change that still follows its template standard when only its window or description changes', () => {
    const rfc = fromTemplate();
    const out = edit(t.ctx, ana, rfc.key, { description: 'for the new hires' });
    expect(out.result).toMatchObject({ category: 'standard', templateName: 'add-user' });
    expect(() => edit(t.ctx, ana, rfc.key, { durationMinutes: 180 })).toThrow('allows at most 2h');
  });

  it('versions every edit, keeps the version a change came from, and refuses a retired template', () => {
    const first = fromTemplate();
    expect(editTemplate(t.ctx, cm, { name: 'add-user', maxDurationMinutes: 180 }).result.version).toBe(2);
    expect(() => editTemplate(t.ctx, cm, { name: 'add-user', maxDurationMinutes: 180 })).toThrow('nothing to change');
    const second = fromTemplate();
    expect([first.templateVersion, second.templateVersion]).toEqual([1, 2]);
    // The draft raised from v1 is not pre-approved by a recipe the manager has replaced.
    expect(() => submit(t.ctx, ana, first.key)).toThrow('was raised from template add-user v1, and the template is v2 now');
    expect(showTemplate(t.ctx, cm, 'add-user').result.map((h) => h.maxDurationMinutes)).toEqual([120, 180]);
    retireTemplate(t.ctx, cm, 'add-user');
    expect(() => fromTemplate()).toThrow('Template add-user is retired, so no change can be raised from it.');
    // A draft raised before is no longer pre-approved either.
    expect(() => submit(t.ctx, ana, second.key)).toThrow('which is retired now, so it is no longer pre-approved');
  });
});
