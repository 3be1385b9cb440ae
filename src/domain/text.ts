/** Plain-text rendering of the view models: the CLI's output and the chat fallback text. */
import type { RfcSummaryView, RfcView } from './views.js';

export function rfcText(v: RfcView): string {
  const lines = [
    `${v.key} ${v.title}`,
    `State: ${v.stateLabel} · ${v.category}${v.emergency ? ' · EMERGENCY' : ''}${v.risk ? ` · risk ${v.risk}` : ''} · approval: ${v.approval}`,
    `Services: ${v.services.length ? v.services.join(', ') : '(none)'}`,
    `Window: ${v.window ?? '(not planned)'}`,
    `Requester: ${v.requester} · Owner: ${v.owner}`,
  ];
  if (v.outage) lines.push(`Expected outage: ${v.outage}`);
  if (v.description) lines.push(`Description: ${v.description}`);
  if (v.justification) lines.push(`Justification: ${v.justification}`);
  if (v.plan) lines.push(`Implementation plan: ${v.plan}`);
  if (v.backout) lines.push(`Backout plan: ${v.backout}`);
  if (v.test) lines.push(`Test plan: ${v.test}`);
  if (v.tally) {
    lines.push(`Votes: ${v.tally.approve} approve, ${v.tally.reject} reject, ${v.tally.abstain} abstain (quorum ${v.tally.quorum}) — ${v.tally.status}`);
    for (const voter of v.tally.voters) lines.push(`  ${voter.person}: ${voter.choice}${voter.asManager ? ' (change manager)' : ''}`);
  }
  if (v.deadline) lines.push(`Vote deadline: ${v.deadline}`);
  for (const c of v.conflicts) lines.push(`Conflict: ${c}`);
  return lines.join('\n');
}

export function summaryLine(s: RfcSummaryView): string {
  return `${s.key}  ${s.stateLabel.padEnd(17)} ${s.title}${s.services.length ? ` [${s.services.join(', ')}]` : ''}${s.window ? ` ${s.window}` : ''}`;
}

/** At most `max` characters, ending with an ellipsis when cut; never splits a surrogate pair. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = Math.max(0, max - 1);
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…`;
}
