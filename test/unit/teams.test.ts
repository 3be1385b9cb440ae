import { rfcSubject } from '../../src/domain/subject.js';
import { type BotAdapter, type CloudAdapter, TurnContext } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addService } from '../../src/app/catalogue.js';
import { viewRfc } from '../../src/app/queries.js';
import { raise, submit } from '../../src/app/rfcs.js';
import { vote } from '../../src/app/voting.js';
import { teamsAuth } from '../../src/chat/teams/adapter.js';
import { teamsCard } from '../../src/chat/teams/cards.js';
import { type Viewer, rfcCard } from '../../src/domain/cards.js';
import { retryAfterMs, toDeliveryError } from '../../src/chat/teams/delivery-errors.js';
import { showError } from '../../src/chat/teams/errors.js';
import { formCard, readForm } from '../../src/chat/teams/form.js';
import { baseConversationId, commandText } from '../../src/chat/teams/identity.js';
import { markdown } from '../../src/chat/teams/messages.js';
import { TeamsNotifier } from '../../src/chat/teams/notifier.js';
import { createTurnLogic } from '../../src/chat/teams/turn.js';
import { conversations } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { RFC_FORM, formToFields } from '../../src/commands/form.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { DeliveryError } from '../../src/notify/types.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { draftRfc } from '../../src/domain/rfc.js';
import { rfcView } from '../../src/domain/views.js';
import { type TestApp, testApp } from '../support/app.js';
import { assertValidCard, cardText, verbsOf } from '../support/teams-cards.js';

describe('Teams recipients', () => {
  it('targets a person without a chat with the bot, so the delivery fails with the reason instead of vanishing', async () => {
    const t = testApp();
    try {
      const notifier = new TeamsNotifier(t.ctx, {} as CloudAdapter, '', createLogger('silent'));
      const req = t.person('teams:aad-new');
      const rfc = raise(t.ctx, req, { title: 'x' }).result;
      const [target] = await notifier.resolve({ kind: 'person', id: 'teams:aad-new' }, rfcSubject(rfc.key));
      expect(target).toEqual({ platform: 'teams', kind: 'user', id: 'aad-new' });
      const view = viewRfc(t.ctx, rfc.key);
      const refused = await notifier.send(target!, { event: 'decided', subject: rfcSubject(rfc.key), text: 'x', view }).catch((e: DeliveryError) => e);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect(refused).toMatchObject({
        retryable: false,
        message: 'teams:aad-new has no chat with the bot yet, so it cannot message them: they should open changebot in Teams once',
      });
    } finally {
      t.close();
    }
  });
});

describe('Teams delivery errors', () => {
  const restError = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`status ${status}`), { statusCode: status, response: { status, headers: { get: (n: string) => headers[n.toLowerCase()] } } });

  it('retries 429 after Retry-After, retries 5xx and network failures, not other 4xx', () => {
    const throttled = toDeliveryError(restError(429, { 'retry-after': '7' }));
    expect([throttled.retryable, throttled.retryAfterMs]).toEqual([true, 7000]);
    expect(toDeliveryError(restError(503)).retryable).toBe(true);
    expect(toDeliveryError(restError(403)).retryable).toBe(false);
    expect(toDeliveryError(restError(404)).message).toMatch(/HTTP 404/);
    expect(toDeliveryError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).retryable).toBe(true);
    const own = new DeliveryError('x', false);
    expect(toDeliveryError(own)).toBe(own);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('Teams credentials', () => {
  const base = { appType: 'SingleTenant' as const };
  it('runs unauthenticated without an app id, and names what is missing otherwise', () => {
    expect(teamsAuth(base)).toEqual({ mode: 'unauthenticated', appId: '' });
    expect(teamsAuth({ ...base, appId: 'a', appPassword: 'p', tenantId: 't' })).toEqual({ mode: 'authenticated', appId: 'a' });
    expect(() => teamsAuth({ ...base, appId: 'a', appPassword: 'p' })).toThrow(/^MicrosoftAppTenantId is required/);
    expect(() => teamsAuth({ ...base, appId: 'a', tenantId: 't' })).toThrow(/^MicrosoftAppPassword is required/);
    expect(() => teamsAuth({ appType: 'MultiTenant', appId: 'a' })).toThrow(/^MicrosoftAppPassword is required/);
    expect(teamsAuth({ appType: 'MultiTenant', appId: 'a', appPassword: 'p' }).mode).toBe('authenticated');
    expect(() => teamsAuth({ appType: 'UserAssignedMSI', appId: 'a', tenantId: 't', appPassword: 'p' })).toThrow(/must not be set/);
    expect(() => teamsAuth({ ...base, appPassword: 'p' })).toThrow(/^MicrosoftAppId is required/);
  });
});

describe('Teams form card', () => {
  it('has an input for every RFC_FORM field and validates', () => {
    const card = formCard({ services: ['db', 'web'] });
    assertValidCard(card);
    const json = JSON.stringify(card);
    for (const f of RFC_FORM) expect(json).toContain(`"id":"${f.name}"`);
    expect(verbsOf(card as unknown as Record<string, unknown>)).toEqual(['rfc_form_submit']);
  });

  it('puts each error next to its field and keeps the values', () => {
    const card = formCard({ services: [], values: { title: 'x', outage: 'soon', start: '2026-12-05 22:00' }, errors: { outage: 'Bad outage.' } });
    assertValidCard(card);
    const outage = card.body.find((e) => e.id === 'outage');
    expect(outage).toMatchObject({ errorMessage: 'Bad outage.', value: 'soon' });
    expect(card.body[card.body.indexOf(outage!) + 1]).toMatchObject({ type: 'TextBlock', text: 'Expected outage: Bad outage.', color: 'Attention' });
    expect(card.body.find((e) => e.id === 'start')).toMatchObject({ type: 'Input.Date', value: '2026-12-05' });
    expect(card.body.find((e) => e.id === 'start_time')).toMatchObject({ type: 'Input.Time', value: '22:00' });
    expect(card.body.find((e) => e.id === 'services')).toMatchObject({ type: 'Input.Text' }); // empty catalogue
    expect(cardText(card)).toContain('Please fix: Expected outage.');
  });

  it('reads submitted values back into what formToFields expects', () => {
    const values = readForm({ title: 'T', start: '2026-12-05', start_time: '22:00', end: '2026-12-06', services: 'db,web', emergency: 'true', junk: 'x' });
    expect(values).toEqual({ title: 'T', start: '2026-12-05 22:00', end: '2026-12-06 00:00', services: 'db,web', emergency: 'true' });
    const fields = formToFields(
      { ...values, category: 'minor' },
      { platform: 'teams', workspace: 't', timezone: 'UTC', now: new Date('2026-12-01T00:00:00Z') },
    );
    expect(fields).toMatchObject({ title: 'T', services: ['db', 'web'], emergency: true, start: new Date('2026-12-05T22:00:00Z') });
  });
});

describe('Teams RFC cards', () => {
  let t: TestApp;
  beforeEach(() => {
    t = testApp();
  });
  afterEach(() => t.close());

  it('stay under the Teams message size even when every text field is at its longest', () => {
    const long = 'x'.repeat(10_000);
    const view = rfcView(
      draftRfc('teams:aad-u', new Date('2026-12-01T09:00:00Z'), {
        key: 'RFC-9',
        title: long.slice(0, 500),
        description: long,
        justification: long,
        plan: long,
        backout: long,
        test: long,
      }),
      { votes: [], conflicts: [], implementers: [], policy: DEFAULT_POLICY, zone: 'UTC' },
    );
    for (const kind of ['details', 'vote'] as const) {
      const card = teamsCard(rfcCard(kind, view, { kind: 'cab-channel' }, DEFAULT_POLICY));
      assertValidCard(card);
      expect(JSON.stringify(card).length).toBeLessThan(28_000);
      expect(cardText(card)).toContain('…');
    }
  });

  it('render valid Adaptive Cards in every state with every option', () => {
    const root = t.person('root', 'admin');
    const req = t.person('teams:aad-req');
    const cab = t.person('teams:aad-cab', 'cab');
    addService(t.ctx, root, { name: 'db' });
    const r = raise(t.ctx, req, {
      title: 'Patch',
      category: 'significant',
      services: ['db'],
      backout: 'Restore the snapshot',
      test: 'Run the smoke tests',
      description: 'why *not*',
      start: new Date('2026-12-05T22:00:00Z'),
      durationMinutes: 60,
      outageMinutes: 30,
    }).result;
    const views = [viewRfc(t.ctx, r.key)];
    submit(t.ctx, req, r.key);
    vote(t.ctx, cab, r.key, 'approve', 'fine');
    views.push(viewRfc(t.ctx, r.key, 'America/New_York'));
    const cabMember: Viewer = { kind: 'person', id: cab.id, roles: cab.roles };
    for (const view of views) {
      for (const kind of ['vote', 'owner', 'notice', 'details', 'reply'] as const) {
        for (const viewer of [cabMember, { kind: 'cab-channel' } as const]) {
          const model = rfcCard(kind, view, viewer, DEFAULT_POLICY, { message: 'ok', tone: 'good', personal: 'Your vote: approve' });
          assertValidCard(teamsCard(model, { refreshFor: ['29:a'] }));
        }
      }
    }
    const voting = teamsCard(rfcCard('vote', views[1]!, { kind: 'cab-channel' }, DEFAULT_POLICY), {
      name: (id: string) => (id === 'teams:aad-cab' ? 'Cab Member' : id),
    });
    expect(cardText(voting)).toContain('Cab Member: approve');
    expect(cardText(voting)).toContain('Expected outage: 30 min');
    expect(verbsOf(voting as unknown as Record<string, unknown>)).toEqual(['rfc_vote_approve', 'rfc_vote_reject', 'rfc_vote_abstain', 'rfc_details']);
  });
});

describe('Teams message text', () => {
  const context = (text: string, entities: unknown[]) =>
    new TurnContext(
      {} as BotAdapter,
      {
        type: 'message',
        text,
        entities,
        recipient: { id: '28:bot', name: 'changebot' },
        from: { id: '29:u', name: 'U' },
        conversation: { id: 'c' },
      } as never,
    );

  it('drops the bot mention, turns people and channel mentions into ids, and strips HTML', async () => {
    const entities = [
      { type: 'mention', text: '<at>changebot</at>', mentioned: { id: '28:bot', name: 'changebot' } },
      { type: 'mention', text: '<at>Alice Smith</at>', mentioned: { id: '29:alice', name: 'Alice Smith', aadObjectId: 'aad-alice' } },
      { type: 'mention', text: '<at>Ops</at>', mentioned: { id: '19:ops@thread.tacv2', name: 'Ops' } },
    ];
    const text = '<p><at>changebot</at> rfc admin service add db owner=<at>Alice Smith</at>&nbsp;audience=<at>Ops</at></p>';
    expect(await commandText(context(text, entities))).toBe('rfc admin service add db owner=teams:aad-alice audience=teams:conversation:19:ops@thread.tacv2');
  });

  it('keeps text without mentions, and writes line breaks the way Teams markdown needs', async () => {
    expect(await commandText(context('  /rfc   list all ', []))).toBe('/rfc list all');
    expect(markdown('a\nb')).toBe('a\n\nb');
    expect(baseConversationId('19:x@thread.tacv2;messageid=123')).toBe('19:x@thread.tacv2');
  });

  it('shows a refusal with its field errors, and anything else as an apology', () => {
    const e = new ChangebotError('bad_value', 'Bad.', { field: 'title', errors: { title: 'No title.', end: 'Too early.' } });
    expect(showError(e)).toEqual({ text: 'Bad.', fields: { title: 'No title.', end: 'Too early.' }, internal: false });
    expect(showError(new ChangebotError('not_found', 'Nope.', { field: 'services' })).fields).toEqual({ services: 'Nope.' });
    expect(showError(new Error('boom')).internal).toBe(true);
  });
});

describe('Teams tenant guard', () => {
  it('refuses activities from another tenant or another channel when authenticated, storing nothing', async () => {
    const t = testApp();
    try {
      const sent: { type?: string; value?: unknown }[] = [];
      const adapter = {
        sendActivities: async (_c: unknown, acts: typeof sent) => {
          sent.push(...acts);
          return acts.map(() => ({ id: 'x' }));
        },
      } as unknown as BotAdapter;
      const logic = createTurnLogic({ app: t.ctx, log: createLogger('silent'), tenantId: 'home', teamsOnly: true });
      const activity = (tenant: string, type: string, channelId = 'msteams') =>
        ({
          type,
          id: `${tenant}-${type}`,
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'rfc_details', data: { key: 'RFC-1' } } },
          serviceUrl: 'http://127.0.0.1:9/',
          channelId,
          from: { id: '29:u', aadObjectId: 'aad-u' },
          recipient: { id: '28:bot' },
          conversation: { id: `a:${tenant}`, conversationType: 'personal', tenantId: tenant },
          channelData: { tenant: { id: tenant } },
        }) as never;
      await logic(new TurnContext(adapter, activity('elsewhere', 'invoke')));
      expect(sent).toEqual([expect.objectContaining({ type: 'invokeResponse', value: { status: 403 } })]);
      await logic(new TurnContext(adapter, activity('elsewhere', 'installationUpdate')));
      expect(t.ctx.database.db.select().from(conversations).all()).toEqual([]);
      // Another Bot Framework channel (Web Chat, Direct Line) lets the client choose who it is.
      await logic(new TurnContext(adapter, activity('home', 'installationUpdate', 'directline')));
      expect(t.ctx.database.db.select().from(conversations).all()).toEqual([]);
      await logic(new TurnContext(adapter, activity('home', 'installationUpdate')));
      expect(t.ctx.database.db.select().from(conversations).all()).toHaveLength(1);
    } finally {
      t.close();
    }
  });
});
