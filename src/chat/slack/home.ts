/**
 * The App Home tab: my open RFCs, RFCs awaiting my vote, and the next 7 days of changes,
 * published when the person opens the tab.
 */
import type { App } from '@slack/bolt';
import { homeData } from '../../app/cards.js';
import { homeCard } from '../../domain/cards.js';
import { homeView } from './blocks/home.js';
import type { SlackRuntime } from './runtime.js';
import { withRetry } from './web.js';

export function registerHome(app: App, rt: SlackRuntime): void {
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const team = (body as { team_id?: string }).team_id ?? '';
    try {
      const actor = await rt.people.actor(team, event.user);
      const view = homeView(homeCard(homeData(rt.ctx, actor)));
      await withRetry(() => rt.web.views.publish({ user_id: event.user, view }), rt.retry);
    } catch (err) {
      rt.log.warn({ err, user: event.user }, 'slack: could not publish the Home tab');
    }
  });
}
