/**
 * The App Home tab, and plain replies (help, lists, logs) as Block Kit. Lists are capped so a
 * view never passes 100 blocks and a message never passes 50.
 */
import type { HomeView } from '@slack/types';
import { type HomeCard, type ListCard, type ListItem, cutNoteOf } from '../../../domain/cards.js';
import { type Block, LIMITS, type Mrkdwn, button, context, divider, esc, fit, header, mrkdwn, section, truncate } from './limits.js';

const PER_LIST = 25;

function itemBlock(i: ListItem): Block {
  const text = mrkdwn`*${esc(i.key)}* ${esc(truncate(i.title, 300))}\n${esc(i.line)}`;
  return section(text, { accessory: button(i.button.label, i.button.action, i.button.key) });
}

function items(list: ListItem[], empty: string): Block[] {
  if (!list.length) return [context([esc(empty)])];
  const blocks = list.slice(0, PER_LIST).map(itemBlock);
  if (list.length > PER_LIST) blocks.push(context([esc(`${list.length - PER_LIST} more not shown; try \`/rfc list\`.`)]));
  return blocks;
}

export function homeView(card: HomeCard): HomeView {
  const blocks: Block[] = [header(card.heading), context([esc(card.intro)])];
  for (const s of card.sections) blocks.push(divider(), header(s.heading), ...items(s.items, s.empty));
  return { type: 'home', blocks: fit(blocks, LIMITS.viewBlocks) };
}

/** Long plain text (help, log, calendar) as sections of at most 3000 characters. */
export function textBlocks(text: string, max: number = LIMITS.messageBlocks): Block[] {
  // Every chunk is cut from the escaped text (truncate never splits an entity).
  const chunks: Mrkdwn[] = [];
  let cur = '' as Mrkdwn;
  for (const line of esc(text).split('\n')) {
    const piece = truncate(line, LIMITS.sectionText - 10) as Mrkdwn;
    if (cur && cur.length + piece.length + 1 > LIMITS.sectionText - 10) {
      chunks.push(cur);
      cur = piece;
    } else {
      cur = cur ? mrkdwn`${cur}\n${piece}` : piece;
    }
  }
  if (cur || !chunks.length) chunks.push(cur || esc(' '));
  return fit(
    chunks.map((c) => section(c)),
    max,
    'Output cut short',
  );
}

/** `/rfc list` as one line per RFC with a Details button. */
export function listBlocks(card: ListCard): Block[] {
  if (!card.items.length) return textBlocks(card.message);
  const blocks = card.items.slice(0, LIMITS.messageBlocks - 2).map(itemBlock);
  if (card.items.length > blocks.length) blocks.push(context([esc(`${card.items.length - blocks.length} more not shown.`)]));
  const cut = cutNoteOf(card.message);
  if (cut) blocks.push(context([esc(cut)]));
  return fit(blocks, LIMITS.messageBlocks);
}
