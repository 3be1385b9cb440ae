/**
 * Block Kit renderings of the shared RFC view model: the full card (`/rfc show`, Details), the
 * CAB voting card, and notification messages (with the owner's buttons).
 */
import type { ActionView, RfcView, TallyView } from '../../../domain/views.js';
import { ACTIONS } from '../../../domain/actions.js';
import { formatInstant } from '../../../domain/schedule.js';
import type { Window } from '../../../domain/types.js';
import {
  type Block, LIMITS, actions, button, context, divider, esc, fallback, fields, fit, header, section, truncate,
} from './limits.js';

/** `slack:T1/U1` -> `<@U1>`; people of other platforms by their id. */
export function who(person: string): string {
  const m = /^slack:[A-Z0-9]+\/([A-Z0-9]+)$/i.exec(person);
  return m ? `<@${m[1]}>` : esc(person);
}

const CHOICE_ICON = { approve: ':white_check_mark:', reject: ':x:', abstain: ':heavy_minus_sign:' } as const;
const VOTE_ACTIONS: string[] = [ACTIONS.voteApprove, ACTIONS.voteReject, ACTIONS.voteAbstain];
const OWNER_ACTIONS: string[] = [ACTIONS.start, ACTIONS.done, ACTIONS.fail, ACTIONS.backout, ACTIONS.reschedule];

/**
 * Instants for a channel card, shown by Slack in each reader's own time zone
 * (`<!date^…>`), with the default zone's text as the fallback.
 */
export interface LocalTimes {
  window: Window | null;
  deadline: Date | null;
  /** Zone of the fallback text. */
  zone: string;
}

export function slackDate(d: Date, zone: string): string {
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${esc(formatInstant(d, zone))}>`;
}

function windowText(v: RfcView, local?: LocalTimes): string {
  if (local?.window) return `${slackDate(local.window.start, local.zone)} – ${slackDate(local.window.end, local.zone)} _(your time)_`;
  return v.window ? esc(v.window) : '_not planned_';
}

function riskWord(v: RfcView): string {
  return v.risk ? `${v.risk[0]!.toUpperCase()}${v.risk.slice(1)}` : 'Not assessed';
}

function titleLine(v: RfcView): string {
  return `${v.key} ${v.emergency ? '🚨 ' : ''}${v.title}`;
}

function summaryFields(v: RfcView, local?: LocalTimes): Block {
  return fields([
    `*State*\n${esc(v.stateLabel)}`,
    `*Category*\n${esc(v.category)}${v.emergency ? ' (emergency)' : ''}`,
    `*Risk*\n${riskWord(v)}`,
    `*Approval*\n${esc(v.approval)}`,
    `*Services*\n${v.services.length ? esc(v.services.join(', ')) : '_none_'}`,
    `*Window*\n${windowText(v, local)}`,
    `*Requester*\n${who(v.requester)}`,
    `*Owner*\n${who(v.owner)}`,
  ]);
}

function conflictBlock(v: RfcView): Block | null {
  if (!v.conflicts.length) return null;
  return section(`*:warning: Conflicts*\n${v.conflicts.map((c) => `• ${esc(c)}`).join('\n')}`);
}

export function tallyText(t: TallyView): string {
  const counts = `*Votes:* ${t.approve} approve · ${t.reject} reject · ${t.abstain} abstain (${t.cast} of quorum ${t.quorum})`;
  const voters = t.voters.map((x) => `${CHOICE_ICON[x.choice]} ${who(x.person)} ${x.choice}${x.asManager ? ' (change manager)' : ''}`);
  return [counts, esc(t.status), ...voters].join('\n');
}

function actionElements(list: ActionView[], only?: string[]): Record<string, unknown>[] {
  return list.filter((a) => !only || only.includes(a.id)).map((a) => button(a.label, a.id, a.value, a.style));
}

/** The full card: everything the RFC says, and the buttons its state allows. */
export function rfcBlocks(v: RfcView, opts: { buttons?: boolean } = {}): Block[] {
  const blocks: (Block | null)[] = [header(titleLine(v)), summaryFields(v)];
  const long: [string, string | null][] = [
    ['Description', v.description],
    ['Business justification', v.justification],
    ['Implementation plan', v.plan],
    ['Backout plan', v.backout],
    ['Test plan', v.test],
    ['Expected outage', v.outage],
  ];
  for (const [label, text] of long) if (text) blocks.push(section(`*${label}*\n${esc(text)}`));
  blocks.push(conflictBlock(v));
  if (v.tally) blocks.push(section(tallyText(v.tally)));
  if (v.deadline) blocks.push(context([`Vote deadline: ${esc(v.deadline)}`]));
  if (opts.buttons !== false && v.actions.length) blocks.push(actions(`rfc:${v.key}`, actionElements(v.actions)));
  return fit(blocks.filter((b): b is Block => b !== null), LIMITS.messageBlocks);
}

/** The CAB voting card, updated in place after each vote. */
export function voteCardBlocks(v: RfcView, local?: LocalTimes): Block[] {
  const open = v.state === 'awaiting_approval';
  const deadline = local?.deadline ? slackDate(local.deadline, local.zone) : v.deadline ? esc(v.deadline) : 'none';
  const blocks: (Block | null)[] = [
    header(`CAB vote: ${titleLine(v)}`),
    summaryFields(v, local),
    v.justification ? section(`*Why*\n${esc(v.justification)}`) : null,
    conflictBlock(v),
    v.tally ? section(tallyText(v.tally)) : section(`*${esc(v.stateLabel)}*`),
    context([open ? `Vote deadline: ${deadline}` : `Voting closed: ${esc(v.stateLabel)}`]),
  ];
  const voteButtons = open ? actionElements(v.actions, VOTE_ACTIONS) : [];
  blocks.push(actions(`vote:${v.key}`, [...voteButtons, button('Details', ACTIONS.details, v.key)]));
  return fit(blocks.filter((b): b is Block => b !== null), LIMITS.messageBlocks);
}

export function voteCardText(v: RfcView): string {
  const t = v.tally ? ` ${v.tally.approve}–${v.tally.reject}–${v.tally.abstain}.` : '';
  return fallback(`CAB vote on ${v.key} “${v.title}” (${v.category}, risk ${riskWord(v).toLowerCase()}): ${v.stateLabel}.${t}`);
}

/**
 * A notification: its words, a one-line summary of the RFC, and, for the change owner, the
 * buttons that move the change on (Start, Done, Failed, Back out, Reschedule).
 */
export function notificationBlocks(text: string, v: RfcView, opts: { ownerButtons: boolean }): Block[] {
  const blocks: Block[] = [
    section(esc(text)),
    context([`*${esc(v.key)}* · ${esc(truncate(v.title, 200))} · ${esc(v.stateLabel)}${v.window ? ` · ${esc(v.window)}` : ''}`]),
  ];
  const owned = opts.ownerButtons ? actionElements(v.actions, OWNER_ACTIONS) : [];
  blocks.push(actions(`rfc:${v.key}`, [...owned, button('Details', ACTIONS.details, v.key)]));
  return blocks;
}

/** A short acknowledgement block list: the reply text and the RFC card. */
export function replyBlocks(text: string, v?: RfcView): Block[] {
  const blocks: Block[] = [section(esc(text))];
  if (v) blocks.push(divider(), ...rfcBlocks(v));
  return fit(blocks, LIMITS.messageBlocks);
}
