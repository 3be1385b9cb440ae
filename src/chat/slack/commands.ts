/**
 * `/rfc` and `/release`: acknowledge at once, then parse with the shared parser, run `execute()`,
 * and answer ephemerally. `/rfc new` with no arguments opens the modal instead. `/release` takes
 * the same path, its text read with the `release` word put first.
 */
import type { App, Middleware, RespondFn, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { parseCommand } from '../../commands/parser.js';
import { execute, type Reply } from '../../commands/execute.js';
import type { Command } from '../../commands/types.js';
import { listServices } from '../../db/repos/catalogue.js';
import { isChangebotError } from '../../domain/errors.js';
import { listBlocks, textBlocks } from './blocks/home.js';
import type { Block } from './blocks/limits.js';
import { newRfcModal } from './blocks/modal.js';
import { cardBlocks } from './blocks/rfc.js';
import { actorViewer, cardFromView } from '../../app/cards.js';
import { listCard, releaseListItem } from '../../domain/cards.js';
import { releaseCard } from '../../domain/release-cards.js';
import { releaseBlocks } from './blocks/release.js';
import { newReleaseModal } from './blocks/release-modal.js';
import type { Actor } from '../../domain/types.js';
import { errorText } from './errors.js';
import { type SlackRuntime, afterAcks, tell } from './runtime.js';
import { type Handling, claimOf, needsTrigger, settle } from './dedupe.js';
import { applying } from '../../app/context.js';
import { type WebClient, withRetry } from './web.js';

export const COMMAND = '/rfc';
export const RELEASE_COMMAND = '/release';
const OPEN_FORM = /^\s*(?:\/?rfc\s+)?(?:new|create)\s*$/i;
const OPEN_RELEASE_FORM = /^\s*release\s+(?:new|create)\s*$/i;

export function registerCommands(app: App, rt: SlackRuntime): void {
  const listener: Middleware<SlackCommandMiddlewareArgs> = async ({ command, ack, respond, context }) => {
    await ack();
    await afterAcks();
    const claim = claimOf(context);
    try {
      await handleCommand(rt, { ...command, text: typedText(command) }, respond, rt.web, { claim });
    } finally {
      settle(rt.ctx, claim);
    }
  };
  app.command(COMMAND, listener);
  app.command(RELEASE_COMMAND, listener);
}

/** The command as typed, `/release` ones with their `release` word put first (as the listener gives it). */
export function typedText(command: Pick<SlashCommand, 'command' | 'text'>): string {
  return command.command === RELEASE_COMMAND ? `release ${command.text ?? ''}` : (command.text ?? '');
}

export async function handleCommand(
  rt: SlackRuntime,
  command: SlashCommand,
  respond: RespondFn | undefined,
  client: WebClient,
  how: Handling = {},
): Promise<void> {
  const to = { userId: command.user_id, respond, client };
  // The modal needs the trigger_id within 3 seconds: open it before anything else.
  const form = OPEN_FORM.test(command.text ?? '') ? openNewForm : OPEN_RELEASE_FORM.test(command.text ?? '') ? openReleaseForm : undefined;
  if (form) {
    needsTrigger(how, 'a form');
    await form(rt, command, client, respond);
    settle(rt.ctx, how.claim);
    // Learn their time zone meanwhile, for the dates in what they do next.
    rt.people.actor(command.team_id, command.user_id, command.user_name);
    return;
  }
  // Never waits on Slack: the stored (or default) zone now, theirs learned for later commands.
  const actor = rt.people.actor(command.team_id, command.user_id, command.user_name);
  let cmd: Command;
  let reply: Reply;
  try {
    cmd = parseCommand(command.text ?? '', { platform: 'slack', workspace: command.team_id, timezone: actor.timezone, now: rt.ctx.clock.now() });
    const parsed = cmd;
    reply = applying(rt.ctx, how.claim, () =>
      rt.metrics.counted('slack', parsed, () => execute(rt.ctx, actor, parsed, { platform: 'slack', channel: `slack:channel:${command.channel_id}` })),
    );
  } catch (err) {
    settle(rt.ctx, how.claim);
    if (!isChangebotError(err)) rt.log.error({ err, text: command.text }, 'slack: /rfc failed');
    await tell(rt, to, errorText(err));
    return;
  }
  if (reply.openForm || reply.openReleaseForm) {
    needsTrigger(how, 'a form');
    await (reply.openForm ? openNewForm : openReleaseForm)(rt, command, client, respond);
    return;
  }
  await tell(rt, to, reply.text, replyContent(rt, actor, cmd, reply));
}

function replyContent(rt: SlackRuntime, actor: Actor, cmd: Command, reply: Reply): Block[] {
  const zone = actor.timezone;
  // A release: `release show` is the whole release; any other step answers, then shows it.
  if (reply.releaseView) {
    const show = cmd.kind === 'release' && cmd.command.kind === 'release-show';
    return releaseBlocks(releaseCard(show ? 'details' : 'reply', reply.releaseView, actorViewer(actor), show ? {} : { message: reply.text }));
  }
  if (reply.releaseList) return listBlocks({ kind: 'list', message: reply.text, items: reply.releaseList.map(releaseListItem) });
  if (cmd.kind === 'show' && reply.view) return cardBlocks(cardFromView(rt.ctx, 'details', reply.view, actorViewer(actor)), { zone });
  if (reply.view) return cardBlocks(cardFromView(rt.ctx, 'reply', reply.view, actorViewer(actor), { message: reply.text }), { zone });
  if (reply.list) return listBlocks(listCard(reply.text, reply.list));
  return textBlocks(reply.text);
}

async function openNewForm(rt: SlackRuntime, command: SlashCommand, client: WebClient, respond: RespondFn | undefined): Promise<void> {
  const services = listServices(rt.ctx.database.db).map((s) => s.name);
  const view = newRfcModal(services, { responseUrl: command.response_url, channel: command.channel_id });
  try {
    // trigger_id lives 3 seconds: one quick retry at most.
    await withRetry(() => client.views.open({ trigger_id: command.trigger_id, view }), { attempts: 2, baseMs: 100, maxWaitMs: 300 });
  } catch (err) {
    rt.log.warn({ err }, 'slack: could not open the RFC form');
    await tell(
      rt,
      { userId: command.user_id, respond, client },
      `${errorText(err)} You can also raise an RFC in one line: \`/rfc new "Patch db01" category=minor services=db\`.`,
    );
  }
}

/** `/release new` alone: the release form, its status channel the one it was typed in. */
async function openReleaseForm(rt: SlackRuntime, command: SlashCommand, client: WebClient, respond: RespondFn | undefined): Promise<void> {
  const view = newReleaseModal({ responseUrl: command.response_url, channel: command.channel_id, user: command.user_id });
  try {
    await withRetry(() => client.views.open({ trigger_id: command.trigger_id, view }), { attempts: 2, baseMs: 100, maxWaitMs: 300 });
  } catch (err) {
    rt.log.warn({ err }, 'slack: could not open the release form');
    await tell(
      rt,
      { userId: command.user_id, respond, client },
      `${errorText(err)} You can also open a release in one line: \`/release new "December platform" goal="..." channel=here\`.`,
    );
  }
}
