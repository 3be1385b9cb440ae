/**
 * Runs a parsed command through the use cases. Shared by the CLI, Slack and Teams: they parse
 * with the same parser, call this, and render the Reply their own way.
 */
import { type Where, admin } from '../app/admin.js';
import type { AppContext, Outcome } from '../app/context.js';
import { progress, close, reschedule, review, schedule } from '../app/implementation.js';
import { calendar, changeLog, conflicts, list, show, slot, viewRfc } from '../app/queries.js';
import { cancel, edit, raise, submit, withdraw } from '../app/rfcs.js';
import { vote } from '../app/voting.js';
import type { Actor } from '../domain/types.js';
import type { RfcSummaryView, RfcView } from '../domain/views.js';
import { COMMAND_HELP } from './help.js';
import type { Command } from './types.js';

export interface Reply {
  /** Plain text for the person who typed the command (CLI output, chat fallback). */
  text: string;
  /** The RFC the command was about, as the actor sees it, for a rich rendering. */
  view?: RfcView;
  list?: RfcSummaryView[];
  /** `new` with no arguments on a chat platform: open the form instead. */
  openForm?: boolean;
  /** The use case's outcome, for the adapter to deliver notifications and update cards. */
  outcome?: Outcome<unknown>;
}

export function execute(ctx: AppContext, actor: Actor, cmd: Command, where: Where): Reply {
  const withView = (outcome: Outcome<unknown>): Reply => ({
    text: outcome.message,
    outcome,
    ...(outcome.rfc ? { view: viewRfc(ctx, outcome.rfc.key, actor.timezone) } : {}),
  });
  switch (cmd.kind) {
    case 'help':
      return { text: COMMAND_HELP };
    case 'new':
      if (where.platform !== 'cli' && Object.keys(cmd.fields).length === 0) return { text: 'Opening the RFC form…', openForm: true };
      return withView(raise(ctx, actor, cmd.fields));
    case 'show': {
      const o = show(ctx, actor, cmd.key);
      return { text: o.message, view: o.result };
    }
    case 'list': {
      const o = list(ctx, actor, cmd.filter);
      return { text: o.message, list: o.result };
    }
    case 'edit':
      return withView(edit(ctx, actor, cmd.key, cmd.fields));
    case 'submit':
      return withView(submit(ctx, actor, cmd.key));
    case 'vote':
      return withView(vote(ctx, actor, cmd.key, cmd.choice, cmd.comment));
    case 'schedule':
      return withView(schedule(ctx, actor, cmd.key, cmd));
    case 'reschedule':
      return withView(reschedule(ctx, actor, cmd.key, cmd));
    case 'start':
      return withView(progress(ctx, actor, cmd.key, 'start', cmd.reason));
    case 'done':
      return withView(progress(ctx, actor, cmd.key, 'complete', cmd.reason));
    case 'fail':
      return withView(progress(ctx, actor, cmd.key, 'fail', cmd.reason));
    case 'backout':
      return withView(progress(ctx, actor, cmd.key, 'backout', cmd.reason));
    case 'review':
      return withView(review(ctx, actor, cmd.key, cmd.notes));
    case 'close':
      return withView(close(ctx, actor, cmd.key, cmd.reason));
    case 'cancel':
      return withView(cancel(ctx, actor, cmd.key, cmd.reason));
    case 'withdraw':
      return withView(withdraw(ctx, actor, cmd.key, cmd.reason));
    case 'log':
      return { text: changeLog(ctx, actor, cmd.key).message };
    case 'conflicts':
      return { text: conflicts(ctx, actor, cmd.key).message };
    case 'calendar':
      return { text: calendar(ctx, actor, cmd.days, cmd.service).message };
    case 'slot':
      return { text: slot(ctx, actor, cmd.service, cmd.durationMinutes).message };
    case 'admin': {
      const o = admin(ctx, actor, cmd.command, where);
      return { text: o.message, outcome: o };
    }
  }
}
