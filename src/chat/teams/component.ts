/**
 * The Microsoft Teams component: `POST /api/messages` on the bot's port, the turn logic, and
 * the Teams notifier. With MicrosoftAppId it runs authenticated; without it, unauthenticated
 * for local use with the Bot Framework Emulator, and then the whole server listens on
 * 127.0.0.1 only (`bindHost`).
 */
import type { Component } from '../../component.js';
import type { Config } from '../../config.js';
import { APOLOGY } from './errors.js';
import { createAdapter, messagesHandler, requestIdOf, teamsAuth } from './adapter.js';
import { textActivity } from './messages.js';
import { TeamsNotifier } from './notifier.js';
import { createTurnLogic } from './turn.js';
import { tellUnfinished } from './unfinished.js';

export const LOOPBACK = '127.0.0.1';

export interface TeamsComponentOptions {
  /**
   * 'auto' (default): without MicrosoftAppId, run unauthenticated only when Slack is not
   * configured (a Slack deployment must not silently expose an unauthenticated endpoint or be
   * forced onto loopback). 'always': run unauthenticated anyway (local tests of both platforms).
   */
  unauthenticated?: 'auto' | 'always';
}

export function createTeamsComponent(opts: TeamsComponentOptions = {}): Component {
  return {
    name: 'teams',
    enabled(config: Config) {
      if (config.teams.appId) return true;
      if ((opts.unauthenticated ?? 'auto') === 'auto' && config.slack.botToken) {
        return 'MicrosoftAppId is not set (Slack is configured, so the unauthenticated Emulator mode stays off)';
      }
      return true;
    },
    async start(deps) {
      const startedAt = deps.app.clock.now(); // claims from here on are this process's own
      const { config, log, app, http } = deps;
      const auth = teamsAuth(config.teams);
      const adapter = createAdapter(config.teams);
      adapter.onTurnError = async (context, err) => {
        log.error({ err, activity: context.activity.type, requestId: requestIdOf(context) }, 'teams: turn failed');
        if (context.activity.type === 'message') await context.sendActivity(textActivity(APOLOGY)).catch(() => {});
      };
      deps.registerNotifier(new TeamsNotifier(app, adapter, auth.appId, log, deps.metrics));
      const tenantId = auth.mode === 'authenticated' && config.teams.appType === 'SingleTenant' ? config.teams.tenantId : undefined;
      http.route(
        'POST',
        '/api/messages',
        messagesHandler(
          adapter,
          createTurnLogic({ app, log, tenantId, teamsOnly: auth.mode === 'authenticated', metrics: deps.metrics }),
          auth,
          log,
          Date.now,
          deps.metrics,
        ),
      );
      const stop = async () => {};
      // Teams has no start-up call to check the credentials with: /readyz says how it is configured.
      const mode = auth.mode === 'authenticated' ? `configured: app ${auth.appId} (${config.teams.appType})` : `unauthenticated Emulator mode on ${LOOPBACK}`;
      http.check('teams', () => ({ ok: true, detail: mode }));
      // Once every part is ready: the authors of commands the last run did not finish are told.
      const ready = () => {
        tellUnfinished(app, adapter, auth.appId, log, startedAt).catch((err: unknown) => log.error({ err }, 'teams: telling unfinished commands failed'));
      };
      if (auth.mode === 'authenticated') {
        log.info({ appId: auth.appId, appType: config.teams.appType }, 'teams: Bot Framework authentication on');
        return { stop, ready };
      }
      log.warn(
        '!!! teams: MicrosoftAppId is not set: /api/messages accepts UNAUTHENTICATED requests (Bot Framework Emulator mode). ' +
          `The server listens on ${LOOPBACK} only. Set MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId for Teams. !!!`,
      );
      return { stop, ready, bindHost: LOOPBACK };
    },
  };
}

export const teamsComponent: Component = createTeamsComponent();
