/**
 * Plain-text layout of the release cards (release-cards.ts): the CLI's output and the chat
 * fallback text. Like the Slack and Teams renderers it only lays a model out.
 *
 * A fact is `Label: value`; a one-line section likewise, a longer one `Label:` then its lines
 * indented by two spaces; the checklist `Readiness review:` then `  [ ] label: status`
 * (`[x]` ticked, `[-]` not applicable), ` [Tick]` where the viewer may tick it; then the
 * buttons as `Actions: Next phase · Go · Details`.
 */
import type { Fact } from './cards.js';
import { READINESS_HEADING, type ReadinessItemModel, type ReleaseCard } from './release-cards.js';
import type { ReleaseSummaryView } from './release-views.js';

function factText(f: Fact): string {
  const v = f.value;
  if (v.kind === 'person') return v.id;
  if (v.kind === 'people') return v.ids.join(', ');
  return v.text;
}

const MARK: Record<ReadinessItemModel['state'], string> = { open: '[ ]', ticked: '[x]', 'not-applicable': '[-]' };

export function readinessLine(i: ReadinessItemModel): string {
  return `${i.label}: ${i.status}`;
}

export function releaseCardText(card: ReleaseCard): string {
  const lines: string[] = [];
  if (card.message) lines.push(card.message, '');
  lines.push(card.heading);
  for (const f of card.facts) lines.push(`${f.label}: ${factText(f)}`);
  for (const s of card.sections) {
    if (s.text.includes('\n')) lines.push(`${s.label}:`, ...s.text.split('\n').map((l) => `  ${l}`));
    else lines.push(`${s.label}: ${s.text}`);
  }
  if (card.readiness.length) {
    lines.push(`${READINESS_HEADING}:`);
    for (const i of card.readiness) lines.push(`  ${MARK[i.state]} ${readinessLine(i)}${i.button ? ` [${i.button.label}]` : ''}`);
  }
  if (card.status) lines.push(card.status);
  if (card.buttons.length) lines.push(`Actions: ${card.buttons.map((b) => b.label).join(' · ')}`);
  return lines.join('\n');
}

/** A release list as text: a line per release. */
export function releaseListText(items: readonly ReleaseSummaryView[]): string {
  return items.map((s) => `${s.key}  ${s.phaseLabel.padEnd(18)} ${s.name}${s.targetDate ? ` (target ${s.targetDate})` : ''} · ${s.manager}`).join('\n');
}
