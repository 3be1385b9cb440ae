/**
 * How the Teams component starts: unauthenticated (no MicrosoftAppId) only on 127.0.0.1,
 * authenticated when credentials are set (a request without a token is refused), off when
 * Slack is configured and Teams is not, and a clear error for incomplete credentials.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/bot.js';
import { createTeamsComponent } from '../../src/chat/teams/component.js';
import { loadConfig } from '../../src/config.js';
import { conversations } from '../../src/db/schema.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { TeamsClient, personal, user } from '../support/teams-activities.js';
import { type TeamsHarness, startTeamsHarness } from '../support/teams-bot.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CREDENTIALS = {
  MicrosoftAppId: '00000000-0000-0000-0000-00000000b07',
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000te',
};

describe('Teams component modes', () => {
  it('without MicrosoftAppId accepts unauthenticated activities and listens on 127.0.0.1 only, whatever HOST says', async () => {
    h = await startTeamsHarness({ env: { HOST: '0.0.0.0' } });
    expect((h.bot.http.server.address() as AddressInfo).address).toBe('127.0.0.1');
    const u = user('emu');
    const res = await h.client.post(h.client.message(u, personal(u), 'rfc help'));
    expect(res.status).toBe(200);
    const reply = await h.connector.waitFor((c) => c.conversationId === personal(u).id);
    expect(String(reply.body.text)).toContain('rfc');
    expect(reply.authorization).toBeUndefined();
  });

  it("forgets a team's conversations when the bot is removed from it", async () => {
    h = await startTeamsHarness();
    const admin = user('owner');
    const general = { id: '19:gen@thread.tacv2', type: 'channel' as const, teamId: '19:gen@thread.tacv2' };
    const ops = { id: '19:ops@thread.tacv2', type: 'channel' as const, teamId: '19:gen@thread.tacv2' };
    await h.client.post(h.client.installed(admin, general));
    await h.client.post(h.client.message(admin, ops, 'rfc help'));
    await h.client.post(h.client.installationUpdate(admin, personal(admin)));
    const ids = () =>
      h!.bot.database.db
        .select()
        .from(conversations)
        .all()
        .map((c) => c.id)
        .sort();
    expect(ids()).toEqual([personal(admin).id, general.id, ops.id].sort());
    await h.client.post(
      h.client.base(admin, general, { type: 'conversationUpdate', membersRemoved: [{ id: '28:changebot' }], channelData: { team: { id: general.teamId } } }),
    );
    expect(ids()).toEqual([personal(admin).id]);
    await h.client.post(h.client.installationUpdate(admin, personal(admin), 'remove'));
    expect(ids()).toEqual([]);
  });

  it('with credentials refuses an activity that carries no token, and keeps HOST', async () => {
    h = await startTeamsHarness({ env: { ...CREDENTIALS, HOST: '127.0.0.2' } });
    expect((h.bot.http.server.address() as AddressInfo).address).toBe('127.0.0.2');
    const u = user('mallory');
    const client = new TeamsClient(`http://127.0.0.2:${h.bot.port}`, h.connector.url);
    const res = await client.post(client.message(u, personal(u), 'rfc admin grant teams:aad-mallory admin'));
    expect(res.status).toBe(401);
    expect(h.connector.calls).toEqual([]);
  });

  it('stays off without MicrosoftAppId when Slack is configured, unless asked to run anyway', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', LOG_LEVEL: 'silent' });
    expect(createTeamsComponent().enabled(config)).toMatch(/MicrosoftAppId is not set/);
    expect(createTeamsComponent({ unauthenticated: 'always' }).enabled(config)).toBe(true);
    expect(createTeamsComponent().enabled(loadConfig({ ...CREDENTIALS, SLACK_BOT_TOKEN: 'xoxb-test' }))).toBe(true);
  });

  it('names the missing variable when the credentials are incomplete', async () => {
    const config = loadConfig({
      PORT: '0',
      DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
      MicrosoftAppId: CREDENTIALS.MicrosoftAppId,
      MicrosoftAppPassword: 'x',
    });
    const err = await startBot(config, { components: [createTeamsComponent()] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChangebotError);
    expect((err as ChangebotError).code).toBe('config');
    expect((err as ChangebotError).message).toMatch(/^MicrosoftAppTenantId is required for a SingleTenant bot/);
  });
});
