/** The verbs on RFCs, in the order of the `/rfc help` overview (`help` itself is in registry.ts). */
import { clone } from '../app/clone.js';
import { close, progress, reschedule, review, schedule } from '../app/implementation.js';
import { calendar, changeLog, conflicts, list, show, slot } from '../app/queries.js';
import { cancel, edit, raise, submit, withdraw } from '../app/rfcs.js';
import { vote } from '../app/voting.js';
import { type FeedLink, feedLinks, rotateFeeds } from '../app/feeds.js';
import { issueSignInLink } from '../app/web-auth.js';
import { EXAMPLES } from './help.js';
import { outcomeText, withView } from './replies.js';
import { badCommand } from './util.js';
import { type RfcVerb, rfcVerb } from './verb.js';
import {
  parseCalendar,
  parseEdit,
  parseKeyOnly,
  parseList,
  parseNew,
  parseReason,
  parseReview,
  parseSchedule,
  parseSlot,
  parseStart,
  parseVote,
} from './verbs.js';

const PERSONAL = 'personal links: the link is the password, so do not share it';
const SUBSCRIBE = `subscribe to a link in Outlook, Google Calendar or Apple Calendar (${PERSONAL}).`;
const ROTATE_HINT = 'If a link leaked, replace it: `/rfc calendar feeds rotate mine` (or all, or service=NAME; nothing after rotate replaces every one).';
const FEEDS_IN_PRIVATE =
  'Calendar feed links are personal (the link is the password), so I only send them where no one else sees them: type `calendar feeds` in your personal chat with me.';
const linkLines = (links: readonly FeedLink[]): string => links.map((l) => `• ${l.label}: ${l.url}`).join('\n');

type Arg = readonly [string, string];
const KEY: Arg = ['RFC-n', 'the RFC: RFC-12, rfc-12, #12 and 12 all mean RFC-12'];
const REASON: Arg = ['reason="..."', 'why, for the change log (optional; plain words after the key work too)'];
const FIELDS: Arg = [
  'key=value ...',
  'fields: title, description, justification, category, emergency, services, impact, likelihood, urgency, plan, backout, test, cost, resources, owner, start, end, duration, outage, audience, problem',
];
const WINDOW: Arg[] = [
  ['start=...', 'when it starts, read in your time zone: 2026-12-05 22:00, tomorrow 22:00, sat 22:00, +2h'],
  ['end=... | duration=...', 'when it ends, or how long it takes: 90m, 4h, 1h30m'],
  ['reason="..."', 'why this window; needed when it conflicts'],
  ['ack=yes', 'a change manager goes ahead despite the listed conflicts'],
  ['override="..."', 'a change manager accepts a window outside the approved one, with this reason'],
];

const progressVerb = (
  kind: 'start' | 'done' | 'fail' | 'backout',
  summary: string,
  usage: string,
  action: 'start' | 'complete' | 'fail' | 'backout',
  aliases: string[] = [],
) =>
  rfcVerb({
    aggregate: 'rfc',
    kind,
    name: kind,
    aliases,
    usage,
    summary,
    args: kind === 'start' ? [KEY, REASON, ['override="..."', 'a change manager starts it outside its window, with this reason']] : [KEY, REASON],
    example: EXAMPLES[kind],
    overview: 'default',
    parse: ({ rest }) => (kind === 'start' ? parseStart(rest) : parseReason(kind, rest)),
    run: (ctx, actor, cmd) =>
      withView(ctx, actor, progress(ctx, actor, cmd.key, action, cmd.reason, 'override' in cmd && cmd.override ? { override: cmd.override } : {})),
  });

/** close, cancel, withdraw: a key and an optional reason. */
const closingVerb = (kind: 'close' | 'cancel' | 'withdraw', summary: string, usage: string, useCase: typeof close) =>
  rfcVerb({
    aggregate: 'rfc',
    kind,
    name: kind,
    aliases: [],
    usage,
    summary,
    args: [KEY, REASON],
    example: EXAMPLES[kind],
    overview: 'default',
    parse: ({ rest }) => parseReason(kind, rest),
    run: (ctx, actor, cmd) => withView(ctx, actor, useCase(ctx, actor, cmd.key, cmd.reason)),
  });

const voteShortcut = (choice: 'approve' | 'reject' | 'abstain') =>
  rfcVerb({
    aggregate: 'rfc',
    kind: 'vote',
    name: choice,
    aliases: [],
    usage: `${choice} RFC-n [comment]`,
    summary: `the same as vote RFC-n ${choice}`,
    args: [KEY, ['comment', 'optional, for the change log']],
    example: `/rfc ${choice} RFC-12`,
    overview: 'hidden',
    parse: ({ rest, input, ctx }) => parseVote(rest, input, ctx, choice),
    run: (ctx, actor, cmd) => withView(ctx, actor, vote(ctx, actor, cmd.key, cmd.choice, cmd.comment)),
  });

export const RFC_VERBS: readonly RfcVerb[] = [
  rfcVerb({
    aggregate: 'rfc',
    kind: 'new',
    name: 'new',
    aliases: ['create'],
    usage: 'new ["title"] [key=value ...]',
    summary: 'raise an RFC (a draft)',
    args: [['"title"', 'the title (or title="...")'], FIELDS],
    example: EXAMPLES.new,
    overview: 'default',
    parse: ({ rest, ctx }) => parseNew(rest, ctx),
    run(ctx, actor, cmd, where) {
      if (where.platform !== 'cli' && Object.keys(cmd.fields).length === 0) return { text: 'Opening the RFC form…', openForm: true };
      return withView(ctx, actor, raise(ctx, actor, cmd.fields));
    },
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'show',
    name: 'show',
    aliases: ['view', 'get'],
    usage: 'show RFC-n',
    summary: 'show an RFC',
    args: [KEY],
    example: EXAMPLES.show,
    overview: 'default',
    parse: ({ rest }) => parseKeyOnly('show', rest),
    run(ctx, actor, cmd) {
      const o = show(ctx, actor, cmd.key);
      return { text: outcomeText(o), view: o.result };
    },
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'list',
    name: 'list',
    aliases: ['ls'],
    usage: 'list [mine|pending|scheduled|all]',
    summary: 'list RFCs (default mine)',
    args: [['mine|pending|scheduled|all', 'your open RFCs, those waiting for approval, those scheduled or implementing, or the latest 50']],
    example: EXAMPLES.list,
    overview: 'default',
    parse: ({ rest }) => parseList(rest),
    run(ctx, actor, cmd) {
      const o = list(ctx, actor, cmd.filter);
      return { text: outcomeText(o), list: o.result };
    },
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'edit',
    name: 'edit',
    aliases: [],
    usage: 'edit RFC-n key=value ...',
    summary: 'change fields of a draft',
    args: [KEY, FIELDS],
    example: EXAMPLES.edit,
    overview: 'default',
    parse: ({ rest, ctx }) => parseEdit(rest, ctx),
    run: (ctx, actor, cmd) => withView(ctx, actor, edit(ctx, actor, cmd.key, cmd.fields)),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'submit',
    name: 'submit',
    aliases: [],
    usage: 'submit RFC-n',
    summary: 'send a draft for approval',
    args: [KEY],
    example: EXAMPLES.submit,
    overview: 'default',
    parse: ({ rest }) => parseKeyOnly('submit', rest),
    run: (ctx, actor, cmd) => withView(ctx, actor, submit(ctx, actor, cmd.key)),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'vote',
    name: 'vote',
    aliases: [],
    usage: 'vote RFC-n approve|reject|abstain [comment]',
    summary: 'vote as CAB member or change manager',
    args: [KEY, ['approve|reject|abstain', 'your vote (also yes/no, +1/-1, lgtm)'], ['comment', 'optional, for the change log']],
    example: EXAMPLES.vote,
    overview: 'default',
    parse: ({ rest, input, ctx }) => parseVote(rest, input, ctx),
    run: (ctx, actor, cmd) => withView(ctx, actor, vote(ctx, actor, cmd.key, cmd.choice, cmd.comment)),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'schedule',
    name: 'schedule',
    aliases: [],
    usage: 'schedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes] [override="..."]',
    summary: 'plan the window',
    args: [KEY, ...WINDOW],
    example: EXAMPLES.schedule,
    overview: 'default',
    parse: ({ rest, ctx }) => parseSchedule('schedule', rest, ctx),
    run(ctx, actor, cmd) {
      const { kind: _kind, key, ...input } = cmd;
      return withView(ctx, actor, schedule(ctx, actor, key, input));
    },
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'reschedule',
    name: 'reschedule',
    aliases: [],
    usage: 'reschedule RFC-n start=... end=...|duration=... [reason="..."] [ack=yes] [override="..."]',
    summary: 'move the window',
    args: [KEY, ...WINDOW],
    example: EXAMPLES.reschedule,
    overview: 'default',
    parse: ({ rest, ctx }) => parseSchedule('reschedule', rest, ctx),
    run(ctx, actor, cmd) {
      const { kind: _kind, key, ...input } = cmd;
      return withView(ctx, actor, reschedule(ctx, actor, key, input));
    },
  }),
  progressVerb('start', 'begin implementing (inside its window)', 'start RFC-n [override="..."]', 'start'),
  progressVerb('done', 'implemented successfully', 'done RFC-n', 'complete', ['complete', 'implemented']),
  progressVerb('fail', 'implementation failed', 'fail RFC-n [reason="..."]', 'fail'),
  progressVerb('backout', 'the change was backed out', 'backout RFC-n [reason="..."]', 'backout'),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'review',
    name: 'review',
    aliases: [],
    usage: 'review RFC-n [outcome=...] [incident=yes|no] [problem=...] [notes="..."]',
    summary: 'post-implementation review (run it again to amend it)',
    args: [
      KEY,
      [
        'outcome=...',
        'successful, successful-with-issues (or issues), failed or backed-out; by default what was reported: done is successful, fail failed, backout backed-out',
      ],
      ['incident=yes|no', 'whether the change caused an incident (default no)'],
      ['problem=...', 'the problem record, e.g. PRB-12; a failed or backed-out change needs one before its review can be closed'],
      ['notes="..."', 'how it went (plain words after the key work too)'],
    ],
    example: EXAMPLES.review,
    overview: 'default',
    parse: ({ rest }) => parseReview(rest),
    run(ctx, actor, cmd) {
      const { kind: _kind, key, ...input } = cmd;
      return withView(ctx, actor, review(ctx, actor, key, input));
    },
  }),
  closingVerb('close', 'close after review', 'close RFC-n', close),
  closingVerb('cancel', 'cancel before implementation', 'cancel RFC-n [reason="..."]', cancel),
  closingVerb('withdraw', 'withdraw your own RFC before approval', 'withdraw RFC-n [reason="..."]', withdraw),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'clone',
    name: 'clone',
    aliases: ['copy'],
    usage: 'clone RFC-n',
    summary: 'a new draft from a rejected, closed, withdrawn or cancelled RFC',
    args: [['RFC-n', 'the RFC to copy: its content, not its people or past window (you become requester and owner)']],
    example: EXAMPLES.clone,
    overview: 'default',
    parse: ({ rest }) => parseKeyOnly('clone', rest),
    run: (ctx, actor, cmd) => withView(ctx, actor, clone(ctx, actor, cmd.key)),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'log',
    name: 'log',
    aliases: ['history'],
    usage: 'log RFC-n',
    summary: 'the change log (audit trail)',
    args: [KEY],
    example: EXAMPLES.log,
    overview: 'default',
    parse: ({ rest }) => parseKeyOnly('log', rest),
    run: (ctx, actor, cmd) => ({ text: outcomeText(changeLog(ctx, actor, cmd.key)) }),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'conflicts',
    name: 'conflicts',
    aliases: [],
    usage: 'conflicts RFC-n',
    summary: 'overlapping changes, dependencies and blackouts',
    args: [KEY],
    example: EXAMPLES.conflicts,
    overview: 'default',
    parse: ({ rest }) => parseKeyOnly('conflicts', rest),
    run: (ctx, actor, cmd) => ({ text: outcomeText(conflicts(ctx, actor, cmd.key)) }),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'calendar',
    name: 'calendar',
    aliases: ['cal'],
    usage: 'calendar [days=14] [service=NAME] | calendar feeds [rotate [all|mine|service=NAME]]',
    summary: 'upcoming changes, maintenance windows and blackouts, and your calendar feed links',
    args: [
      ['days=14', 'how many days ahead, 1 to 366'],
      ['service=NAME', 'only changes to this service (and its maintenance windows), plus a feed link for it'],
      ['feeds', 'your personal calendar feed links (iCalendar, for Outlook, Google or Apple Calendar)'],
      ['feeds rotate [all|mine|service=NAME]', 'replaces a feed link (every one without an argument); the old link stops working'],
    ],
    example: EXAMPLES.calendar,
    overview: 'default',
    parse: ({ rest }) => parseCalendar(rest),
    run: (ctx, actor, cmd, where) => {
      if ('feeds' in cmd) {
        if (where.shared) return { text: FEEDS_IN_PRIVATE };
        if (cmd.feeds === 'list') {
          return { text: `Your calendar feeds: ${SUBSCRIBE}\n${linkLines(feedLinks(ctx, actor))}\n${ROTATE_HINT}` };
        }
        const rotated = rotateFeeds(ctx, actor, cmd.which);
        const one = rotated.length === 1;
        return {
          text: `${one ? 'New link' : 'New links'} made: the old ${one ? 'one stops' : 'ones stop'} working now, so a calendar subscribed to ${one ? 'it' : 'them'} stops updating until you subscribe with the new ${one ? 'one' : 'ones'}.\n${linkLines(rotated)}`,
        };
      }
      const text = outcomeText(calendar(ctx, actor, cmd.days, cmd.service));
      if (where.shared) return { text: `${text}\n\nYour personal calendar feed links: type \`calendar feeds\` in your personal chat with me.` };
      const links = feedLinks(ctx, actor, cmd.service ? { service: cmd.service } : {});
      const shown = links.filter(
        (l) =>
          l.feed === 'all' ||
          l.feed === 'mine' ||
          (cmd.service !== undefined && l.feed.startsWith('service:') && l.feed.slice(8).toLowerCase() === cmd.service.toLowerCase()),
      );
      return { text: `${text}\n\nSubscribe in your calendar app (${PERSONAL}):\n${linkLines(shown)}` };
    },
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'slot',
    name: 'slot',
    aliases: [],
    usage: 'slot service=NAME duration=2h',
    summary: 'next free slot in a maintenance window',
    args: [
      ['service=NAME', 'the service'],
      ['duration=2h', 'how long the change takes'],
    ],
    example: EXAMPLES.slot,
    overview: 'default',
    parse: ({ rest }) => parseSlot(rest),
    run: (ctx, actor, cmd) => ({ text: outcomeText(slot(ctx, actor, cmd.service, cmd.durationMinutes)) }),
  }),
  rfcVerb({
    aggregate: 'rfc',
    kind: 'web',
    name: 'web',
    aliases: [],
    usage: 'web',
    summary: 'a personal link that signs you in to the web calendar and RFC pages',
    args: [],
    example: EXAMPLES.web,
    overview: 'default',
    parse: ({ rest }) => {
      if (rest.length) badCommand(`\`/rfc web\` takes nothing after it. Type just: ${EXAMPLES.web}`, { example: EXAMPLES.web });
      return { kind: 'web' };
    },
    run: (ctx, actor, _cmd, where) => {
      if (where.shared) {
        return {
          text: 'A sign-in link signs in as you, so I only send it where no one else sees it: type `web` in your personal chat with me.',
        };
      }
      const { token } = issueSignInLink(ctx, actor);
      const url = `${ctx.publicUrl}/signin?token=${token}`;
      return {
        text: `Your personal sign-in link (it works once, for the next 10 minutes; do not share it): ${url}\nIt opens the change calendar at ${ctx.publicUrl}/calendar signed in as you.`,
      };
    },
  }),
  voteShortcut('approve'),
  voteShortcut('reject'),
  voteShortcut('abstain'),
];
