/**
 * At start, the Slack requests a stopped process acknowledged but did not finish (their claims
 * still `pending`, see dedupe.ts) are applied once more, or their authors told they were not.
 *
 * A claim is moved to `replayed` before it is re-run, and the re-run marks it done in its use
 * case's transaction, so a claim found `replayed` at the next start was not applied (that
 * replay stopped too): it is not run a third time, its author is told. A request that cannot
 * be re-run (a form to open: its trigger_id lived 3 seconds; a modal submission; older than
 * the response_url's 30 minutes; a shape not known) is not run, its author is told.
 */
import type { BlockAction, RespondFn, SlashCommand } from '@slack/bolt';
import { GIVE_UP_TELLING_MS, moveInbound, type UnfinishedInbound, unfinishedInbound } from '../../db/repos/chat.js';
import { isActionId, isReleaseActionId } from '../../domain/actions.js';
import { handleClick, handleReleaseClick } from './actions.js';
import { handleCommand, typedText } from './commands.js';
import { NotReplayable, PLATFORM } from './dedupe.js';
import { isSlackUrl } from './edge.js';
import { type SlackRuntime, responder, tell } from './runtime.js';

/** A response_url takes answers for 30 minutes after the request. */
export const RESPONSE_URL_MS = 30 * 60_000;

const UNFINISHED = ['pending', 'replayed'] as const;

/** Replays (or reports) every unfinished Slack claim, oldest first; resolves when all are handled. */
export async function replayUnfinished(rt: SlackRuntime, startedAt: Date): Promise<{ replayed: number; told: number }> {
  const counts = { replayed: 0, told: 0 };
  const left = unfinishedInbound(rt.ctx.database.db, PLATFORM, startedAt);
  if (left.length) rt.log.warn({ unfinished: left.length }, 'slack: requests left unfinished by the last run: applying them again or telling their authors');
  for (const claim of left) {
    try {
      counts[await replayOne(rt, claim)]++;
    } catch (err) {
      const now = rt.ctx.clock.now();
      const giveUp = now.getTime() - claim.receivedAt.getTime() > GIVE_UP_TELLING_MS;
      if (giveUp) moveInbound(rt.ctx.database.db, claim.id, UNFINISHED, 'told', now);
      rt.log.error(
        { err, id: claim.id },
        giveUp ? 'slack: gave up telling the author of a request left unfinished a day ago' : 'slack: could not replay an unfinished request',
      );
    }
  }
  return counts;
}

async function replayOne(rt: SlackRuntime, claim: UnfinishedInbound): Promise<'replayed' | 'told'> {
  const r = claim.request;
  const now = rt.ctx.clock.now();
  const fresh = now.getTime() - claim.receivedAt.getTime() < RESPONSE_URL_MS;
  const url = typeof r.response_url === 'string' && fresh && isSlackUrl(r.response_url, rt.config.apiUrl) ? r.response_url : undefined;
  const respond = url ? responder(url) : undefined;
  const why =
    claim.state === 'replayed'
      ? 'changebot stopped while applying it'
      : !fresh
        ? 'changebot was stopped until long after it'
        : r.type === 'view_submission'
          ? 'changebot stopped before saving the form'
          : undefined;
  if (!why && moveInbound(rt.ctx.database.db, claim.id, ['pending'], 'replayed', now)) {
    try {
      if (await rerun(rt, { ...claim, request: r }, respond)) {
        rt.log.info({ id: claim.id }, 'slack: unfinished request applied after the restart');
        return 'replayed';
      }
    } catch (err) {
      if (!(err instanceof NotReplayable)) throw err;
    }
  }
  return told(rt, claim, respond, why ?? 'changebot restarted before it could finish');
}

/** Runs the request again through the listener's own code; false when its shape is not known. */
async function rerun(rt: SlackRuntime, claim: UnfinishedInbound, respond: RespondFn | undefined): Promise<boolean> {
  const r = claim.request;
  const how = { claim: claim.id, replaying: true };
  if (typeof r.command === 'string' && typeof r.user_id === 'string') {
    const command = r as unknown as SlashCommand;
    await handleCommand(rt, { ...command, text: typedText(command) }, respond, rt.web, how);
    return true;
  }
  const body = r as unknown as BlockAction;
  const action = Array.isArray(r.actions) ? (r.actions[0] as { action_id?: unknown; value?: unknown } | undefined) : undefined;
  if (r.type !== 'block_actions' || typeof body.user?.id !== 'string' || typeof action?.action_id !== 'string') return false;
  const value = typeof action.value === 'string' ? action.value : '';
  if (isActionId(action.action_id)) await handleClick(rt, body, action.action_id, value, respond, rt.web, how);
  else if (isReleaseActionId(action.action_id)) await handleReleaseClick(rt, body, action.action_id, value, respond, rt.web, how);
  else return false;
  return true;
}

/** Tells the author their request was not applied; the claim is `told` once they were. */
async function told(rt: SlackRuntime, claim: UnfinishedInbound, respond: RespondFn | undefined, why: string): Promise<'told'> {
  const r = claim.request;
  const user = typeof r.user_id === 'string' ? r.user_id : (r.user as { id?: unknown } | undefined)?.id;
  if (typeof user !== 'string' || !user) {
    moveInbound(rt.ctx.database.db, claim.id, UNFINISHED, 'told', rt.ctx.clock.now());
    rt.log.error({ id: claim.id }, 'slack: an unfinished request names nobody to tell');
    return 'told';
  }
  const text = `:warning: ${describe(r)} was not applied: ${why}. Nothing was changed; please do it again.`;
  if (!(await tell(rt, { userId: user, respond, client: rt.web }, text))) throw new Error('could not tell the author');
  moveInbound(rt.ctx.database.db, claim.id, UNFINISHED, 'told', rt.ctx.clock.now());
  rt.log.warn({ id: claim.id, user }, 'slack: told the author an unfinished request was not applied');
  return 'told';
}

function describe(r: Record<string, unknown>): string {
  if (typeof r.command === 'string') return `Your command \`${r.command} ${String(r.text ?? '').trim()}\``.replace(/ `$/, '`');
  if (r.type === 'view_submission') return 'Your form';
  const action = Array.isArray(r.actions) ? (r.actions[0] as { action_id?: unknown; value?: unknown } | undefined) : undefined;
  const what = typeof action?.action_id === 'string' ? action.action_id.replace(/^(rfc|release)_/, '').replace(/_/g, ' ') : 'a button';
  return `Your click (${what}${typeof action?.value === 'string' && action.value ? ` on ${action.value.split(':')[0]}` : ''})`;
}
