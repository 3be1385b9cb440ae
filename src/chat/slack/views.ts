/**
 * Modal submissions. Validation runs before the acknowledgement (it is local and fast), so a
 * bad field comes back inline (`response_action: errors`) and the form is never lost. The
 * confirmation is sent after the acknowledgement.
 */
import type { AckFn, App, RespondFn, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import { type FormValues, RFC_FORM, formToFields } from '../../commands/form.js';
import { execute, type Reply } from '../../commands/execute.js';
import type { Command } from '../../commands/types.js';
import { hinted, withView } from '../../commands/replies.js';
import { raise } from '../../app/rfcs.js';
import { isChangebotError } from '../../domain/errors.js';
import type { Actor } from '../../domain/types.js';
import { NEW_RFC_VIEW, RESCHEDULE_VIEW, decodeMeta, readValues } from './blocks/modal.js';
import { cardBlocks } from './blocks/rfc.js';
import { actorViewer, cardFromView } from '../../app/cards.js';
import { modalErrors } from './errors.js';
import { createRelease } from '../../app/releases.js';
import type { ReleaseFields } from '../../app/inputs.js';
import { parseDate } from '../../commands/dates.js';
import { releaseReply } from '../../commands/release-verbs.js';
import { releaseCard } from '../../domain/release-cards.js';
import { personId } from './actor.js';
import { releaseBlocks } from './blocks/release.js';
import { NEW_RELEASE_VIEW, RELEASE_FORM_BLOCKS, WAVE_FAILED_VIEW } from './blocks/release-modal.js';
import { isSlackUrl } from './edge.js';
import { type SlackRuntime, responder, tell } from './runtime.js';
import { claimOf, settle } from './dedupe.js';
import { applying } from '../../app/context.js';
import type { WebClient } from './web.js';

const FORM_BLOCKS = RFC_FORM.map((f) => f.name);
const WAVE_FAILED_BLOCKS = ['note'];
const RESCHEDULE_BLOCKS = ['start', 'end', 'reason'];

type Submission = { body: ViewSubmitAction; client: WebClient };

export function registerViews(app: App, rt: SlackRuntime): void {
  app.view<ViewSubmitAction>(NEW_RFC_VIEW, async ({ ack, body, view, context }) => {
    const actor = actorOf(rt, body);
    const values = readValues(view.state.values);
    let reply: Reply;
    try {
      const fields = formToFields(values, { platform: 'slack', workspace: teamOf(body), timezone: actor.timezone, now: rt.ctx.clock.now() });
      reply = applying(rt.ctx, claimOf(context), () =>
        rt.metrics.counted('slack', 'new', () => hinted(() => withView(rt.ctx, actor, raise(rt.ctx, actor, fields)))),
      );
    } catch (err) {
      settle(rt.ctx, claimOf(context));
      await refuse(rt, ack, err, FORM_BLOCKS, 'title');
      return;
    }
    await ack();
    await confirm(rt, { body, client: rt.web }, reply);
  });

  app.view<ViewSubmitAction>(NEW_RELEASE_VIEW, async ({ ack, body, view, context }) => {
    const actor = actorOf(rt, body);
    const values = readValues(view.state.values);
    const team = teamOf(body);
    const str = (k: string): string | undefined => {
      const v = values[k];
      return typeof v === 'string' && v.trim() ? v.trim() : undefined;
    };
    let reply: Reply;
    try {
      const fields: ReleaseFields = { name: str('name') ?? '' };
      const goal = str('goal');
      if (goal) fields.goal = goal;
      for (const k of ['manager', 'testing', 'communications', 'training'] as const) {
        const user = str(k);
        if (user) fields[k] = personId(team, user);
      }
      const target = str('target');
      if (target)
        fields.targetDate = parseDate(target, { platform: 'slack', workspace: team, timezone: actor.timezone, now: rt.ctx.clock.now() }, 'targetDate');
      const channel = str('channel');
      if (channel) fields.slackChannel = channel;
      reply = applying(rt.ctx, claimOf(context), () =>
        rt.metrics.counted('slack', 'release-new', () => hinted(() => releaseReply(rt.ctx, actor, createRelease(rt.ctx, actor, fields)))),
      );
    } catch (err) {
      settle(rt.ctx, claimOf(context));
      await refuse(rt, ack, err, RELEASE_FORM_BLOCKS, 'name');
      return;
    }
    await ack();
    await confirm(rt, { body, client: rt.web }, reply);
  });

  app.view<ViewSubmitAction>(WAVE_FAILED_VIEW, async ({ ack, body, view, context }) => {
    const actor = actorOf(rt, body);
    const meta = decodeMeta(view.private_metadata);
    const values = readValues(view.state.values);
    const note = typeof values.note === 'string' ? values.note.trim() : '';
    let reply: Reply;
    try {
      const cmd: Command = {
        kind: 'release',
        command: { kind: 'wave-finish', key: meta.key ?? '', outcome: 'failed', wave: meta.wave ?? 0, ...(note ? { note } : {}) },
      };
      reply = applying(rt.ctx, claimOf(context), () => rt.metrics.counted('slack', cmd, () => execute(rt.ctx, actor, cmd, { platform: 'slack' })));
    } catch (err) {
      settle(rt.ctx, claimOf(context));
      await refuse(rt, ack, err, WAVE_FAILED_BLOCKS, 'note');
      return;
    }
    await ack();
    await confirm(rt, { body, client: rt.web }, reply);
  });

  app.view<ViewSubmitAction>(RESCHEDULE_VIEW, async ({ ack, body, view, context }) => {
    const actor = actorOf(rt, body);
    const meta = decodeMeta(view.private_metadata);
    const values: FormValues = readValues(view.state.values);
    let reply: Reply;
    try {
      const when = formToFields(
        { title: meta.key ?? '-', start: values.start, end: values.end },
        { platform: 'slack', workspace: teamOf(body), timezone: actor.timezone, now: rt.ctx.clock.now() },
      );
      const reason = typeof values.reason === 'string' && values.reason.trim() ? values.reason.trim() : undefined;
      const cmd: Command = { kind: 'reschedule', key: meta.key ?? '', start: when.start, end: when.end, ...(reason ? { reason } : {}) };
      reply = applying(rt.ctx, claimOf(context), () => rt.metrics.counted('slack', cmd, () => execute(rt.ctx, actor, cmd, { platform: 'slack' })));
    } catch (err) {
      settle(rt.ctx, claimOf(context));
      await refuse(rt, ack, err, RESCHEDULE_BLOCKS, 'reason');
      return;
    }
    await ack();
    await confirm(rt, { body, client: rt.web }, reply);
  });
}

function teamOf(body: ViewSubmitAction): string {
  return body.user.team_id ?? body.team?.id ?? body.view.team_id;
}

/** Local only (no Web API call): the acknowledgement must leave within 3 seconds. */
function actorOf(rt: SlackRuntime, body: ViewSubmitAction): Actor {
  return rt.people.local(teamOf(body), body.user.id, body.user.name);
}

async function refuse(rt: SlackRuntime, ack: AckFn<ViewResponseAction>, err: unknown, blocks: readonly string[], fallbackBlock: string): Promise<void> {
  if (!isChangebotError(err)) rt.log.error({ err }, 'slack: modal submission failed');
  await ack({ response_action: 'errors', errors: modalErrors(err, blocks, fallbackBlock) });
}

/** Answers where the form was opened from (the command's response_url), else by DM. */
async function confirm(rt: SlackRuntime, s: Submission, reply: Reply): Promise<void> {
  const meta = decodeMeta(s.body.view.private_metadata);
  const respond: RespondFn | undefined = meta.responseUrl && trusted(meta.responseUrl, rt) ? responder(meta.responseUrl) : undefined;
  const actor = actorOf(rt, s.body);
  const blocks = reply.releaseView
    ? releaseBlocks(releaseCard('reply', reply.releaseView, actorViewer(actor), { message: reply.text }))
    : reply.view
      ? cardBlocks(cardFromView(rt.ctx, 'reply', reply.view, actorViewer(actor), { message: reply.text }), { zone: actor.timezone })
      : undefined;
  await tell(rt, { userId: s.body.user.id, respond, client: s.client }, reply.text, blocks);
}

/** Only Slack's own response URLs (or the configured SLACK_API_URL origin, e.g. a test double): the edge's rule. */
function trusted(url: string, rt: SlackRuntime): boolean {
  return isSlackUrl(url, rt.config.apiUrl);
}
