/**
 * Block Kit layout of the release cards (src/domain/release-cards.ts): the model designs what
 * is shown and which buttons; this file only decides how Slack draws it, inside the limits of
 * limits.ts. A button's value is `encodeActionValue(key, arg)` (src/domain/actions.ts): the
 * release key, or `REL-3:2` / `REL-3:production-ready` when it carries an argument. Each
 * readiness item is a section of its own, with its Tick button as the accessory (one
 * `release_tick` per block, so action ids stay unique within a block).
 */
import { encodeActionValue } from '../../../domain/actions.js';
import type { Fact } from '../../../domain/cards.js';
import { READINESS_HEADING, type ReadinessItemModel, type ReleaseButton, type ReleaseCard } from '../../../domain/release-cards.js';
import { readinessLine } from '../../../domain/release-text.js';
import {
  type Block,
  type Button,
  LIMITS,
  type Mrkdwn,
  actions,
  button,
  context,
  divider,
  esc,
  fields,
  fit,
  header,
  joinMrkdwn,
  mrkdwn,
  section,
} from './limits.js';
import { who } from './rfc.js';

/** A Slack person id (`slack:T123/U456`) inside a line of text. */
const SLACK_PERSON = /slack:[A-Z0-9]+\/([A-Z0-9]+)/g;

/**
 * Escaped text whose person ids ("by slack:T1/U2", from the view's lines) become mentions, but
 * only those of the release's own people: an id typed into a note stays text.
 */
function mentioned(t: string, people: readonly string[]): Mrkdwn {
  return esc(t).replace(SLACK_PERSON, (id, user: string) => (people.includes(id) ? `<@${user}>` : id)) as Mrkdwn;
}

function factText(f: Fact, people: readonly string[]): Mrkdwn {
  const v = f.value;
  switch (v.kind) {
    case 'text':
      return mentioned(v.text, people);
    case 'person':
      return who(v.id);
    case 'people':
      return joinMrkdwn(v.ids.map(who), ', ');
    case 'time':
      return esc(v.text);
  }
}

export function releaseButton(b: ReleaseButton): Button {
  return button(b.label, b.action, encodeActionValue(b.key, b.arg), b.style);
}

const MARK: Record<ReadinessItemModel['state'], string> = { open: ':white_square:', ticked: ':white_check_mark:', 'not-applicable': ':heavy_minus_sign:' };

function readinessBlock(i: ReadinessItemModel, people: readonly string[]): Block {
  const line = mrkdwn`${esc(MARK[i.state])} ${mentioned(readinessLine(i), people)}`;
  return i.button ? section(line, { accessory: releaseButton(i.button) }) : section(line);
}

export interface ReleaseBlocksOptions {
  /** Leave the buttons out (a preview). */
  buttons?: boolean;
}

/** One release card as Block Kit, within the message limits. */
export function releaseBlocks(card: ReleaseCard, opts: ReleaseBlocksOptions = {}): Block[] {
  const withButtons = opts.buttons !== false;
  const blocks: Block[] = [];
  const tone = card.tone === 'attention' ? ':warning: ' : '';
  const lead = card.kind === 'notice';
  if (card.message) blocks.push(section(mrkdwn`${esc(tone)}${mentioned(card.message, card.people)}`));
  if (card.message && !lead) blocks.push(divider());
  blocks.push(lead ? section(mrkdwn`*${esc(card.heading)}*`) : header(card.heading));
  const facts = card.facts.map((f) => mrkdwn`*${esc(f.label)}*\n${factText(f, card.people)}`);
  for (let i = 0; i < facts.length; i += LIMITS.sectionFields) blocks.push(fields(facts.slice(i, i + LIMITS.sectionFields)));
  for (const s of card.sections) blocks.push(section(mrkdwn`*${esc(s.label)}*\n${mentioned(s.text, card.people)}`));
  if (card.readiness.length) {
    blocks.push(section(mrkdwn`*${esc(READINESS_HEADING)}*`));
    for (const i of card.readiness) blocks.push(readinessBlock(withButtons ? i : { ...i, button: null }, card.people));
  }
  if (card.status) blocks.push(context([mentioned(card.status, card.people)]));
  // The action bar is kept whatever is cut: fit() takes from the end, so it is added after.
  const bar = withButtons && card.buttons.length ? actions(`release:${card.kind}:${card.key}`, card.buttons.map(releaseButton)) : null;
  const body = fit(blocks, LIMITS.messageBlocks - (bar ? 1 : 0));
  return bar ? [...body, bar] : body;
}
