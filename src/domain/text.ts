/**
 * Plain-text layout of the card models: the CLI's output and the chat fallback text. Like the
 * Slack and Teams renderers it only lays a model out (src/domain/cards.ts designs it).
 */
import type { Fact, ListCard, RfcCard } from './cards.js';

function factText(f: Fact): string {
  const v = f.value;
  if (v.kind === 'person') return v.id;
  if (v.kind === 'people') return v.ids.join(', ');
  return v.text;
}

export function cardText(card: RfcCard): string {
  const lines: string[] = [];
  if (card.message) lines.push(card.message, '');
  lines.push(card.heading);
  for (const f of card.facts) lines.push(`${f.label}: ${factText(f)}`);
  for (const s of card.sections) lines.push(`${s.label}: ${s.text}`);
  for (const c of card.conflicts) lines.push(`Conflict: ${c}`);
  if (card.tally) {
    lines.push(`Votes: ${card.tally.counts} — ${card.tally.status}`);
    for (const v of card.tally.voters) lines.push(`  ${v.person}: ${v.choice}${v.asManager ? ' (change manager)' : ''}`);
  }
  if (card.status) lines.push(card.status);
  if (card.personal) lines.push(card.personal);
  if (card.buttons.length) lines.push(`Actions: ${card.buttons.map((b) => b.label).join(' · ')}`);
  return lines.join('\n');
}

/** A list card as text: a line per RFC. */
export function listText(card: ListCard): string {
  return card.items
    .map((s) => `${s.key}  ${s.stateLabel.padEnd(17)} ${s.title}${s.services.length ? ` [${s.services.join(', ')}]` : ''}${s.window ? ` ${s.window}` : ''}`)
    .join('\n');
}

/** At most `max` characters, ending with an ellipsis when cut; never splits a surrogate pair. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = Math.max(0, max - 1);
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…`;
}
