/**
 * Read a rendered release card back into what a person sees: heading, facts, sections, the
 * readiness checklist (each line and the argument of its Tick button) and the buttons with what
 * they carry. One reader per platform, so the conformance suite compares Slack, Teams and text.
 */
import type { KnownBlock } from '@slack/types';
import type { AdaptiveCard } from '../../src/chat/teams/cards.js';
import { decodeActionValue } from '../../src/domain/actions.js';
import { READINESS_HEADING } from '../../src/domain/release-cards.js';
import { unescapeMd } from './card-readers.js';

export interface SeenRelease {
  heading: string;
  facts: [label: string, value: string][];
  sections: [label: string, text: string][];
  /** Each item's line ("label: status") and its Tick button's argument, or null. */
  readiness: [line: string, tick: string | null][];
  /** action, label, key, arg ('' when none). Plain text knows only the labels: action and key are ''. */
  buttons: [action: string, label: string, key: string, arg: string][];
}

const empty = (): SeenRelease => ({ heading: '', facts: [], sections: [], readiness: [], buttons: [] });
const unescapeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function readSlackRelease(blocks: KnownBlock[]): SeenRelease {
  const seen = empty();
  let inChecklist = false;
  for (const b of blocks) {
    if (b.type === 'header') seen.heading ||= b.text.text;
    if (b.type === 'section' && b.fields) {
      for (const f of b.fields) {
        const m = /^\*(.+?)\*\n([\s\S]*)$/.exec(f.text);
        if (m) seen.facts.push([m[1] as string, unescapeSlack(m[2] as string)]);
      }
    }
    if (b.type === 'section' && b.text && !b.fields) {
      const t = b.text.text;
      if (t === `*${READINESS_HEADING}*`) {
        inChecklist = true;
        continue;
      }
      const item = /^:[a-z_]+: ([\s\S]*)$/.exec(t);
      if (inChecklist && item) {
        const acc = b.accessory?.type === 'button' ? b.accessory : null;
        seen.readiness.push([unescapeSlack(item[1] as string), acc ? (decodeActionValue(acc.value ?? '').arg ?? '') : null]);
        continue;
      }
      const bold = /^\*([^*\n]+)\*$/.exec(t);
      if (bold && !seen.heading) seen.heading = unescapeSlack(bold[1] as string);
      const long = /^\*([^*\n]+)\*\n([\s\S]*)$/.exec(t);
      if (long) seen.sections.push([long[1] as string, unescapeSlack(long[2] as string)]);
    }
    if (b.type === 'actions') {
      for (const e of b.elements) {
        if (e.type !== 'button') continue;
        const v = decodeActionValue(e.value ?? '');
        seen.buttons.push([e.action_id ?? '', e.text.text, v.key, v.arg ?? '']);
      }
    }
  }
  return seen;
}

type Executable = { type: string; verb?: string; title?: string; data?: unknown };
const dataOf = (a: Executable) => (a.data ?? {}) as { key?: string; arg?: string };

export function readTeamsRelease(card: AdaptiveCard): SeenRelease {
  const seen = empty();
  let factSets = 0;
  for (const e of card.body) {
    if (e.type === 'TextBlock' && e.size === 'Large' && !seen.heading) seen.heading = unescapeMd(e.text);
    if (e.type === 'FactSet' && factSets++ === 0) for (const f of e.facts) seen.facts.push([unescapeMd(f.title), unescapeMd(f.value)]);
    if (e.type === 'TextBlock') {
      const m = /^\*\*([^*]+):\*\* ([\s\S]*)$/.exec(e.text);
      if (m) seen.sections.push([unescapeMd(m[1] as string), unescapeMd((m[2] as string).split('\n\n').join('\n'))]);
    }
    if (e.type === 'ColumnSet') {
      const [line, tick] = e.columns ?? [];
      const t = line?.items?.[0];
      const text = t && t.type === 'TextBlock' ? unescapeMd(t.text.replace(/^\S+ /, '')) : '';
      const set = tick?.items?.[0];
      const action = set && set.type === 'ActionSet' ? (set.actions[0] as Executable | undefined) : undefined;
      seen.readiness.push([text, action ? (dataOf(action).arg ?? '') : null]);
    }
  }
  for (const a of (card.actions ?? []) as Executable[]) {
    if (a.type !== 'Action.Execute') continue;
    const d = dataOf(a);
    seen.buttons.push([a.verb ?? '', a.title ?? '', d.key ?? '', d.arg ?? '']);
  }
  return seen;
}

/** Plain text, read with the labels the card may carry. */
export function readReleaseText(text: string, heading: string, factLabels: readonly string[], sectionLabels: readonly string[]): SeenRelease {
  const seen = empty();
  let open: [string, string[]] | null = null;
  let inChecklist = false;
  const close = () => {
    if (open) seen.sections.push([open[0], open[1].join('\n')]);
    open = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('  ')) {
      if (open) (open as [string, string[]])[1].push(line.slice(2));
      else if (inChecklist) {
        const m = /^ {2}\[[ x-]\] ([\s\S]*?)( \[Tick\])?$/.exec(line);
        if (m) seen.readiness.push([m[1] as string, m[2] ? 'tick' : null]);
      }
      continue;
    }
    close();
    inChecklist = false;
    if (line === heading) seen.heading = line;
    if (line === `${READINESS_HEADING}:`) {
      inChecklist = true;
      continue;
    }
    const head = /^([^:]+):$/.exec(line);
    if (head && sectionLabels.includes(head[1] as string)) {
      open = [head[1] as string, []];
      continue;
    }
    const m = /^([^:]+): ([\s\S]*)$/.exec(line);
    if (!m) continue;
    const [label, value] = [m[1] as string, m[2] as string];
    if (factLabels.includes(label)) seen.facts.push([label, value]);
    else if (sectionLabels.includes(label)) seen.sections.push([label, value]);
    else if (label === 'Actions') for (const l of value.split(' · ')) seen.buttons.push(['', l, '', '']);
  }
  close();
  return seen;
}
