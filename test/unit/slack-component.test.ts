import { describe, expect, it } from 'vitest';
import { type BotDeps, NotifierRegistry, botDeps } from '../../src/component.js';
import { createSlackApp, slackComponent } from '../../src/chat/slack/index.js';
import { channelRef } from '../../src/chat/slack/channels.js';
import { inboundId } from '../../src/chat/slack/dedupe.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createHttpServer } from '../../src/server/http.js';
import { testApp } from '../support/app.js';

describe('slack component', () => {
  it('is on only with a bot token and a signing secret', () => {
    expect(slackComponent.enabled(loadConfig({}))).toBe('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET not set');
    expect(slackComponent.enabled(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toBe('SLACK_SIGNING_SECRET not set');
    expect(slackComponent.enabled(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe(true);
  });

  it('builds an HTTP app, or a Socket Mode app when SLACK_APP_TOKEN is set, without starting anything', () => {
    const t = testApp();
    const log = createLogger('silent');
    const deps = (env: Record<string, string>): BotDeps =>
      botDeps(
        { config: loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', ...env }), app: t.ctx, http: createHttpServer(), log },
        new NotifierRegistry(),
        () => {},
      );
    const http = deps({});
    expect(createSlackApp(http).mode).toBe('http');
    expect(http.notifiers).toEqual([]); // registered on start only
    expect(createSlackApp(deps({ SLACK_APP_TOKEN: 'xapp-1' })).mode).toBe('socket');
    t.close();
  });

  it('reads channel references and request identities', () => {
    expect(channelRef('slack:channel:C1')).toBe('C1');
    expect(channelRef('<#C2|cab>')).toBe('C2');
    expect(channelRef('channel:cab')).toBe('#cab');
    expect(channelRef('C3')).toBe('C3');
    expect(inboundId({ event_id: 'Ev1' })).toBe('slack:event:Ev1');
    expect(inboundId({ type: 'block_actions', trigger_id: '1.2' })).toBe('slack:block_actions:1.2');
    expect(inboundId({ command: '/rfc', trigger_id: '1.3' })).toBe('slack:/rfc:1.3');
    expect(inboundId({ type: 'view_submission', trigger_id: '1.4' })).toBe('slack:view_submission:1.4');
    expect(inboundId({ trigger_id: '1.5' })).toBe('slack:request:1.5');
    // Neither an event id nor a trigger id: the SHA-256 of the body's JSON (`printf '{"a":1}' | sha256sum`),
    // so a retried copy gets the same id and a different body a different one.
    expect(inboundId({ a: 1 })).toBe('slack:body:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(inboundId({ a: 2 })).toBe('slack:body:7e8059f495589fcd981232cc11d00b00da3802c01d688fa1cf1f6bed6e5bb33c');
  });
});
