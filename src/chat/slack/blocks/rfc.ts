/**
 * Block Kit layout of the card models (src/domain/cards.ts): the card designs what is shown and
 * which buttons; this file only decides how Slack draws it. A shared card (the CAB channel's)
 * shows its times with Slack's date tokens, so each reader sees their own time zone.
 */
import type { ButtonModel, Fact, RfcCard } from '../../../domain/cards.js';
import { formatInstant } from '../../../domain/schedule.js';
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

/** `slack:T1/U1` -> `<@U1>`; people of other platforms by their id. */
export function who(person: string): Mrkdwn {
  const m = /^slack:[A-Z0-9]+\/([A-Z0-9]+)$/i.exec(person);
  return m ? (`<@${m[1]}>` as Mrkdwn) : esc(person);
}

const CHOICE_ICON = { approve: ':white_check_mark:', reject: ':x:', abstain: ':heavy_minus_sign:' } as const;

export function slackDate(d: Date, zone: string): Mrkdwn {
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${esc(formatInstant(d, zone))}>` as Mrkdwn;
}

function factText(f: Fact, card: RfcCard, zone: string): Mrkdwn {
  const v = f.value;
  switch (v.kind) {
    case 'text':
      return esc(v.text);
    case 'person':
      return who(v.id);
    case 'people':
      return joinMrkdwn(v.ids.map(who), ', ');
    case 'time':
      if (!card.shared) return esc(v.text);
      return mrkdwn`${joinMrkdwn(
        v.instants.map((d) => slackDate(d, zone)),
        ' – ',
      )} _(your time)_`;
  }
}

export function slackButtons(list: readonly ButtonModel[]): Button[] {
  return list.map((b) => button(b.label, b.action, b.key, b.style));
}

function tallyText(card: RfcCard): Mrkdwn | null {
  const t = card.tally;
  if (!t) return null;
  const voters = t.voters.map((x) => mrkdwn`${esc(CHOICE_ICON[x.choice])} ${who(x.person)} ${esc(`${x.choice}${x.asManager ? ' (change manager)' : ''}`)}`);
  return joinMrkdwn([mrkdwn`*Votes:* ${esc(t.counts)}`, esc(t.status), ...voters], '\n');
}

export interface SlackCardOptions {
  /** Zone of the fallback text inside date tokens (shared cards). */
  zone: string;
  /** Leave the buttons out (a preview). */
  buttons?: boolean;
}

/** One card model as Block Kit, within the message limits. */
export function cardBlocks(card: RfcCard, opts: SlackCardOptions): Block[] {
  const blocks: (Block | null)[] = [];
  const tone = card.tone === 'attention' ? ':warning: ' : '';
  const lead = card.kind === 'notice' || card.kind === 'owner';
  if (card.message) blocks.push(section(mrkdwn`${esc(tone)}${esc(card.message)}`));
  if (card.message && !lead) blocks.push(divider());
  // A notice leads with its words; the RFC under it is a bold line, not a second headline.
  blocks.push(lead ? section(mrkdwn`*${esc(card.heading)}*`) : header(card.heading));
  // A section holds at most LIMITS.sectionFields facts; a reviewed change has more.
  const facts = card.facts.map((f) => mrkdwn`*${esc(f.label)}*\n${factText(f, card, opts.zone)}`);
  for (let i = 0; i < facts.length; i += LIMITS.sectionFields) blocks.push(fields(facts.slice(i, i + LIMITS.sectionFields)));
  for (const s of card.sections) blocks.push(section(mrkdwn`*${esc(s.label)}*\n${esc(s.text)}`));
  if (card.conflicts.length) {
    blocks.push(
      section(
        mrkdwn`*:warning: Conflicts*\n${joinMrkdwn(
          card.conflicts.map((c) => mrkdwn`• ${esc(c)}`),
          '\n',
        )}`,
      ),
    );
  }
  const tally = tallyText(card);
  if (tally) blocks.push(section(tally));
  if (card.status) blocks.push(context([esc(card.status)]));
  if (card.personal) blocks.push(context([esc(card.personal)]));
  if (opts.buttons !== false && card.buttons.length) blocks.push(actions(`${card.kind}:${card.key}`, slackButtons(card.buttons)));
  return fit(
    blocks.filter((b): b is Block => b !== null),
    LIMITS.messageBlocks,
  );
}
