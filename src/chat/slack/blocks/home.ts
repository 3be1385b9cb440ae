/**
 * The App Home tab, and plain replies (help, lists, logs) as Block Kit. Lists are capped so a
 * view never passes 100 blocks and a message never passes 50.
 */
import type { RfcSummaryView } from '../../../domain/views.js';
import { ACTIONS } from '../../../domain/actions.js';
import { type Block, LIMITS, button, context, divider, esc, fit, header, section, truncate } from './limits.js';

export interface HomeModel {
  mine: RfcSummaryView[];
  awaitingMyVote: RfcSummaryView[];
  upcoming: { key: string; title: string; when: string; services: string[]; state: string }[];
  zone: string;
}

const PER_LIST = 25;

function rfcLine(s: RfcSummaryView): Block {
  const text = `*${esc(s.key)}* ${esc(truncate(s.title, 300))}\n${esc(s.stateLabel)}${s.services.length ? ` · ${esc(s.services.join(', '))}` : ''}${s.window ? ` · ${esc(s.window)}` : ''}`;
  return section(text, { accessory: button('Details', ACTIONS.details, s.key) });
}

function list<T>(items: T[], render: (x: T) => Block, empty: string): Block[] {
  if (!items.length) return [context([empty])];
  const blocks = items.slice(0, PER_LIST).map(render);
  if (items.length > PER_LIST) blocks.push(context([`${items.length - PER_LIST} more not shown; try \`/rfc list\`.`]));
  return blocks;
}

export function homeView(m: HomeModel): Record<string, unknown> {
  const blocks: Block[] = [
    header('Changebot'),
    context([`Times in ${esc(m.zone)}. Raise a change with \`/rfc new\`; \`/rfc help\` lists every command.`]),
    divider(),
    header('My RFCs'),
    ...list(m.mine, rfcLine, 'You have no open RFCs.'),
    divider(),
    header('Awaiting my vote'),
    ...list(m.awaitingMyVote, rfcLine, 'Nothing is waiting for your vote.'),
    divider(),
    header('Next 7 days'),
    ...list(
      m.upcoming,
      (e) => section(`*${esc(e.key)}* ${esc(truncate(e.title, 300))}\n${esc(e.when)} · ${esc(e.services.join(', ') || 'no service')} · ${esc(e.state)}`, { accessory: button('Details', ACTIONS.details, e.key) }),
      'No changes planned in the next 7 days.',
    ),
  ];
  return { type: 'home', blocks: fit(blocks, LIMITS.viewBlocks) };
}

/** Long plain text (help, log, calendar) as sections of at most 3000 characters. */
export function textBlocks(text: string, max: number = LIMITS.messageBlocks): Block[] {
  const chunks: string[] = [];
  let cur = '';
  for (const line of esc(text).split('\n')) {
    const piece = truncate(line, LIMITS.sectionText - 10);
    if (cur && cur.length + piece.length + 1 > LIMITS.sectionText - 10) {
      chunks.push(cur);
      cur = piece;
    } else {
      cur = cur ? `${cur}\n${piece}` : piece;
    }
  }
  if (cur || !chunks.length) chunks.push(cur || ' ');
  return fit(chunks.map((c) => section(c)), max, 'Output cut short');
}

/** `/rfc list` as one line per RFC with a Details button. */
export function listBlocks(text: string, items: RfcSummaryView[]): Block[] {
  if (!items.length) return textBlocks(text);
  const blocks = items.slice(0, LIMITS.messageBlocks - 2).map(rfcLine);
  if (items.length > blocks.length) blocks.push(context([`${items.length - blocks.length} more not shown.`]));
  return fit(blocks, LIMITS.messageBlocks);
}
