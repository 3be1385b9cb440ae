/**
 * The Slack component: on when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (Socket Mode
 * when SLACK_APP_TOKEN is set too). Registers the Slack notifier with the delivery layer, and
 * once every part is ready, finishes the requests the last run acknowledged but did not
 * (replay.ts).
 */
import type { Component } from '../../component.js';
import { createSlackApp } from './app.js';
import { replayUnfinished } from './replay.js';

export { SlackNotifier } from './notifier.js';
export { createSlackApp } from './app.js';

export const slackComponent: Component = {
  name: 'slack',
  enabled(config) {
    const missing = [config.slack.botToken ? null : 'SLACK_BOT_TOKEN', config.slack.signingSecret ? null : 'SLACK_SIGNING_SECRET'].filter(Boolean);
    return missing.length ? `${missing.join(' and ')} not set` : true;
  },
  async start(deps) {
    const slack = createSlackApp(deps);
    // Claims made from here on are this process's own (Socket Mode takes requests at once).
    const startedAt = deps.app.clock.now();
    await slack.start();
    deps.http.check('slack', () => slack.health());
    deps.log.info({ mode: slack.mode }, slack.mode === 'socket' ? 'slack: Socket Mode' : 'slack: listening at POST /slack/events');
    return {
      stop: () => slack.stop(),
      ready() {
        replayUnfinished(slack.runtime, startedAt).catch((err: unknown) => deps.log.error({ err }, 'slack: replaying unfinished requests failed'));
      },
    };
  },
};
