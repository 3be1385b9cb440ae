/**
 * Read a rendered card back into what a person sees: its heading, facts (label and value), long
 * sections and buttons. One reader per platform, so the conformance suite can compare what
 * Slack, Teams and plain text show for the same card model.
 */
import type { KnownBlock } from '@slack/types';
import type { AdaptiveCard } from '../../src/chat/teams/cards.js';

export interface SeenCard {
  heading: string;
  facts: [label: string, value: string][];
  sections: [label: string, text: string][];
  /** Action ids (Slack action_id, Teams verb) or, for plain text, the labels. */
  buttons: string[];
  labels: string[];
}

/** What the person reads in a Teams markdown field: the renderer's backslash escapes undone. */
export const unescapeMd = (s: string) => s.replace(/\\([\\`*_~[\]<>|#+.-])/g, '$1');

const unescapeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Slack date tokens become `@<unix seconds>` (each reader sees their own zone). */
function slackValue(s: string): string {
  const dates = [...s.matchAll(/<!date\^(\d+)\^[^|]*\|[^>]*>/g)].map((m) => `@${m[1]}`);
  if (dates.length) return dates.join(',');
  return unescapeSlack(s);
}

export function readSlack(blocks: KnownBlock[]): SeenCard {
  const seen: SeenCard = { heading: '', facts: [], sections: [], buttons: [], labels: [] };
  for (const b of blocks) {
    if (b.type === 'header') seen.heading ||= b.text.text;
    if (b.type === 'section' && b.fields) {
      for (const f of b.fields) {
        const m = /^\*(.+?)\*\n([\s\S]*)$/.exec(f.text);
        if (m) seen.facts.push([m[1] as string, slackValue(m[2] as string)]);
      }
    }
    if (b.type === 'section' && b.text && !b.fields) {
      const bold = /^\*([^*\n]+)\*$/.exec(b.text.text);
      if (bold && !seen.heading) seen.heading = unescapeSlack(bold[1] as string);
      const long = /^\*([^*\n:]+)\*\n([\s\S]*)$/.exec(b.text.text);
      if (long && !(long[1] as string).startsWith(':')) seen.sections.push([long[1] as string, unescapeSlack(long[2] as string)]);
    }
    if (b.type === 'actions') {
      for (const e of b.elements) {
        if (e.type !== 'button') continue;
        seen.buttons.push(e.action_id ?? '');
        seen.labels.push(e.text.text);
      }
    }
  }
  return seen;
}

export function readTeams(card: AdaptiveCard): SeenCard {
  const seen: SeenCard = { heading: '', facts: [], sections: [], buttons: [], labels: [] };
  let factSets = 0;
  for (const e of card.body) {
    if (e.type === 'TextBlock' && e.size === 'Large' && !seen.heading) seen.heading = unescapeMd(e.text);
    if (e.type === 'FactSet' && factSets++ === 0) for (const f of e.facts) seen.facts.push([unescapeMd(f.title), unescapeMd(f.value)]);
    if (e.type === 'TextBlock') {
      const m = /^\*\*([^*]+):\*\* ([\s\S]*)$/.exec(e.text);
      if (m && m[1] !== 'Votes') seen.sections.push([unescapeMd(m[1] as string), unescapeMd(m[2] as string)]);
    }
  }
  for (const a of card.actions ?? []) {
    if (a.type !== 'Action.Execute') continue;
    seen.buttons.push(a.verb ?? '');
    seen.labels.push(a.title ?? '');
  }
  return seen;
}

/** Plain text: `Label: value` lines for the labels given, the heading, and the `Actions:` line. */
export function readText(text: string, factLabels: readonly string[], sectionLabels: readonly string[], heading: string): SeenCard {
  const seen: SeenCard = { heading: '', facts: [], sections: [], buttons: [], labels: [] };
  for (const line of text.split('\n')) {
    if (line === heading) seen.heading = line;
    const m = /^([^:]+): ([\s\S]*)$/.exec(line);
    if (!m) continue;
    const [label, value] = [m[1] as string, m[2] as string];
    if (factLabels.includes(label)) seen.facts.push([label, value]);
    else if (sectionLabels.includes(label)) seen.sections.push([label, value]);
    else if (label === 'Actions') seen.labels.push(...value.split(' · '));
  }
  return seen;
}
