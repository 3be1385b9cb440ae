/**
 * A message to the bot is an `/rfc` command (the leading slash, the word `rfc` and an @mention
 * of the bot are all optional), or a `release ...` command (the release verbs: the parser reads
 * the leading `release` word), in a personal chat, a group chat or a channel. It is parsed and
 * executed like on Slack and the CLI; the reply is the same text, with the RFC as a card.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { type AppContext, applying } from '../../app/context.js';
import { CLAIM } from './store.js';
import { parseCommand } from '../../commands/parser.js';
import { type Reply, execute } from '../../commands/execute.js';
import type { Command } from '../../commands/types.js';
import { listServices } from '../../db/repos/catalogue.js';
import type { Logger } from '../../log.js';
import { type Metrics, NO_METRICS } from '../../server/metrics.js';
import { actorViewer, cardFromView } from '../../app/cards.js';
import type { Actor } from '../../domain/types.js';
import { listCard, releaseListItem } from '../../domain/cards.js';
import { releaseCard } from '../../domain/release-cards.js';
import { type Markdown, attachment, escapeMd, teamsCard, teamsList } from './cards.js';
import { errorReply, showError } from './errors.js';
import { formCard } from './form.js';
import { releaseAdaptiveCard } from './release-card.js';
import { releaseFormCard, releaseFormOptions } from './release-form.js';
import type { Where } from '../../commands/verb.js';
import { actorOf, commandText, displayNames, parseContextOf, whereOf } from './identity.js';
import { requestIdOf } from './adapter.js';

export interface TurnDeps {
  app: AppContext;
  log: Logger;
  /** A SingleTenant bot's tenant: activities from other tenants, or naming none, are refused. */
  tenantId?: string;
  /**
   * Authenticated mode: only the Teams channel is accepted. Other Bot Framework channels (Web
   * Chat, Direct Line) let the client choose `from.id`, which would let it act as anyone.
   */
  teamsOnly?: boolean;
  /** Counts the commands run (`runCommand`). */
  metrics?: Metrics;
}

/** `execute`, counted for the metrics: every Teams command (typed, a card button, a form) runs through here. */
export function runCommand(deps: TurnDeps, actor: Actor, cmd: Command, where: Where): Reply {
  return (deps.metrics ?? NO_METRICS).counted('teams', cmd, () => execute(deps.app, actor, cmd, where));
}

/** Plain text as Teams markdown: escaped (no person's text becomes a link or markup), and a blank line for each line break. */
export function markdown(s: string): Markdown {
  return escapeMd(s).replace(/\r?\n/g, '\n\n') as Markdown;
}

export function textActivity(s: string): Partial<Activity> {
  return { type: 'message', text: markdown(s), textFormat: 'markdown' };
}

export async function handleMessage(context: TurnContext, deps: TurnDeps): Promise<void> {
  const activity = context.activity;
  const actor = actorOf(deps.app, activity);
  const typed = await commandText(context);
  let reply: Reply;
  let cmd: Command;
  try {
    cmd = parseCommand(typed, parseContextOf(deps.app, activity, actor));
    const parsed = cmd;
    // Marked done in the use case's transaction: a crash before leaves the claim for unfinished.ts.
    reply = applying(deps.app, context.turnState.get(CLAIM) as string | undefined, () => runCommand(deps, actor, parsed, whereOf(activity)));
  } catch (e) {
    if (showError(e).internal) deps.log.error({ err: e, text: typed, requestId: requestIdOf(context) }, 'teams: command failed');
    await context.sendActivity(textActivity(errorReply(e)));
    return;
  }
  await context.sendActivity(replyActivity(deps.app, actor, cmd, reply, whereOf(activity)));
}

/** The reply: the same text as on Slack, with the RFC as a card (`show`: the full card alone). */
export function replyActivity(app: AppContext, actor: Actor, cmd: Command, reply: Reply, where: Where): Partial<Activity> {
  if (reply.openForm) {
    const services = listServices(app.database.db).map((s) => s.name);
    return { type: 'message', attachments: [attachment(formCard({ services }))] };
  }
  if (reply.openReleaseForm) return { type: 'message', attachments: [attachment(releaseFormCard(releaseFormOptions(app, actor, where)))] };
  if (reply.releaseList?.length) {
    const list = { kind: 'list' as const, message: reply.text, items: reply.releaseList.map(releaseListItem) };
    return { type: 'message', attachments: [attachment(teamsList(list))] };
  }
  if (reply.releaseView) {
    // `release show`: the whole release alone; any other step: its words, then the release.
    const show = cmd.kind === 'release' && cmd.command.kind === 'release-show';
    const model = releaseCard(show ? 'details' : 'reply', reply.releaseView, actorViewer(actor), show ? {} : { message: reply.text });
    const card = attachment(releaseAdaptiveCard(model, { name: displayNames(app), messageAsText: true }));
    return show ? { type: 'message', attachments: [card] } : { ...textActivity(reply.text), attachments: [card] };
  }
  if (reply.list?.length) return { type: 'message', attachments: [attachment(teamsList(listCard(reply.text, reply.list)))] };
  if (!reply.view) return textActivity(reply.text);
  const show = cmd.kind === 'show';
  const model = cardFromView(app, show ? 'details' : 'reply', reply.view, actorViewer(actor), show ? {} : { message: reply.text });
  const card = attachment(teamsCard(model, { name: displayNames(app), messageAsText: true }));
  return show ? { type: 'message', attachments: [card] } : { ...textActivity(reply.text), attachments: [card] };
}
