/**
 * The App Home tab: my open RFCs, RFCs awaiting my vote, and the next 7 days of changes,
 * published when the person opens the tab.
 */
import type { App } from '@slack/bolt';
import { calendar, list } from '../../app/queries.js';
import { listRfcs, listVotes } from '../../db/repos/rfcs.js';
import { formatRange } from '../../domain/schedule.js';
import { summaryView } from '../../domain/views.js';
import { voteCapacity } from '../../domain/votes.js';
import type { Actor } from '../../domain/types.js';
import { STATE_LABELS } from '../../domain/rfc-machine.js';
import { type HomeModel, homeView } from './blocks/home.js';
import type { SlackRuntime } from './runtime.js';
import { withRetry } from './web.js';

export function homeModel(rt: SlackRuntime, actor: Actor): HomeModel {
  const db = rt.ctx.database.db;
  const awaiting = listRfcs(db, { states: ['awaiting_approval'] }).filter((rfc) => {
    const votes = listVotes(db, rfc.id);
    try {
      const capacity = voteCapacity(actor, rfc, rt.ctx.policy, votes);
      return !votes.some((v) => v.voter === actor.id && v.capacity === capacity);
    } catch {
      return false; // not allowed to vote on it
    }
  });
  return {
    mine: list(rt.ctx, actor, 'mine').result,
    awaitingMyVote: awaiting.map((r) => summaryView(r, actor.timezone)),
    upcoming: calendar(rt.ctx, actor, 7).result.map((e) => ({
      key: e.key,
      title: e.title,
      when: formatRange(e.window, actor.timezone),
      services: e.services,
      state: STATE_LABELS[e.state as keyof typeof STATE_LABELS] ?? e.state,
    })),
    zone: actor.timezone,
  };
}

export function registerHome(app: App, rt: SlackRuntime): void {
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const team = (body as { team_id?: string }).team_id ?? '';
    try {
      const actor = await rt.people.actor(team, event.user);
      const view = homeView(homeModel(rt, actor));
      await withRetry(() => rt.web.views.publish({ user_id: event.user, view: view as never }), rt.retry);
    } catch (err) {
      rt.log.warn({ err, user: event.user }, 'slack: could not publish the Home tab');
    }
  });
}
