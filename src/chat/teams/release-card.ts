/**
 * Adaptive Card 1.5 layout of the release cards (src/domain/release-cards.ts), like cards.ts
 * for RFCs: the model designs what is shown and which buttons; this file only decides how
 * Teams draws it. Buttons are `Action.Execute` whose verbs are the shared release action ids
 * (src/domain/actions.ts); their data is `{ key, card, arg? }`: the release key, the card kind
 * the button was on, and the button's argument (a readiness item or a wave number) when it has
 * one. Each readiness item is a row with its Tick button beside it.
 */
import type { IActionSet, IColumnSet, IExecuteAction } from '@microsoft/teams.cards';
import type { Fact } from '../../domain/cards.js';
import { READINESS_HEADING, type ReadinessItemModel, type ReleaseButton, type ReleaseCard, type ReleaseCardKind } from '../../domain/release-cards.js';
import { readinessLine } from '../../domain/release-text.js';
import { shorten } from '../../domain/text.js';
import { type AdaptiveCard, type Element, type Markdown, card, escapeMd, factSet, md, text } from './cards.js';

/** Teams refuses messages over about 28 KB: long user text is capped, each part and all the parts together. */
const DETAIL_MAX = 1500;
const SECTIONS_MAX = 12_000;
const TITLE_MAX = 200;

/** What a release button carries back. */
export interface ReleaseActionData {
  key: string;
  card: ReleaseCardKind;
  arg?: string;
}

export interface ReleaseCardOptions {
  /** Display names for person ids (falls back to the id). */
  name?: (personId: string) => string;
  /** The message goes out as the activity's own text: leave it off the card. */
  messageAsText?: boolean;
}

const STYLE = { primary: 'positive', danger: 'destructive' } as const;
const TONE = { default: undefined, good: 'Good', attention: 'Attention' } as const;
const MARK: Record<ReadinessItemModel['state'], string> = { open: '☐', ticked: '✅', 'not-applicable': '➖' };

export function releaseExecuteAction(b: ReleaseButton, kind: ReleaseCardKind): IExecuteAction {
  const data: ReleaseActionData = { key: b.key, card: kind, ...(b.arg !== undefined ? { arg: b.arg } : {}) };
  return { type: 'Action.Execute', title: b.label, verb: b.action, data: { ...data }, ...(b.style ? { style: STYLE[b.style] } : {}) };
}

/** A Teams person id (`teams:<aad id>`, not a `teams:conversation:...` reference) inside a line of text. */
const TEAMS_PERSON = /teams:[0-9A-Za-z-]+(?![:0-9A-Za-z-])/g;

/**
 * The view's lines name people by id ("by teams:aad-1"): shown here by their names, but only
 * the release's own people (an id typed into a note stays as typed). Escaped for markdown.
 */
function named(t: string, name: (id: string) => string, people: readonly string[]): Markdown {
  return escapeMd(t.replace(TEAMS_PERSON, (id) => (people.includes(id) ? name(id) : id)));
}

function factValue(f: Fact, name: (id: string) => string, people: readonly string[]): Markdown {
  const v = f.value;
  if (v.kind === 'person') return escapeMd(name(v.id));
  if (v.kind === 'people') return escapeMd(v.ids.map(name).join(', '));
  return named(v.text, name, people);
}

/** Markdown in a TextBlock joins single line breaks; a blank line keeps each line its own. */
function lines(t: Markdown): Markdown {
  return t.split('\n').join('\n\n') as Markdown;
}

function readinessRow(i: ReadinessItemModel, kind: ReleaseCardKind, name: (id: string) => string, people: readonly string[]): IColumnSet {
  const line = text(md`${escapeMd(MARK[i.state])} ${named(readinessLine(i), name, people)}`, i.state === 'open' ? {} : { isSubtle: true });
  const columns: IColumnSet['columns'] = [{ type: 'Column', width: 'stretch', items: [line], verticalContentAlignment: 'Center' }];
  if (i.button) {
    const tick: IActionSet = { type: 'ActionSet', actions: [releaseExecuteAction(i.button, kind)] };
    columns.push({ type: 'Column', width: 'auto', items: [tick] });
  }
  return { type: 'ColumnSet', columns, spacing: 'Small' };
}

/** One release card as an Adaptive Card. */
export function releaseAdaptiveCard(model: ReleaseCard, opts: ReleaseCardOptions = {}): AdaptiveCard {
  const name = opts.name ?? ((id: string) => id);
  const body: Element[] = [];
  const color = TONE[model.tone];
  const people = model.people;
  if (model.message && !opts.messageAsText)
    body.push(text(named(shorten(model.message, DETAIL_MAX), name, people), { weight: 'Bolder', ...(color ? { color } : {}) }));
  body.push(text(escapeMd(model.heading.replace(model.name, shorten(model.name, TITLE_MAX))), { size: 'Large', weight: 'Bolder' }));
  body.push(factSet(model.facts.map((f) => ({ title: escapeMd(f.label), value: factValue(f, name, people) }))));
  let budget = SECTIONS_MAX;
  for (const s of model.sections) {
    const shown = shorten(s.text, Math.max(100, Math.min(DETAIL_MAX, budget)));
    budget -= shown.length;
    body.push(text(md`**${escapeMd(s.label)}:** ${lines(named(shown, name, people))}`));
  }
  if (model.readiness.length) {
    body.push(text(md`**${escapeMd(READINESS_HEADING)}**`, { separator: true, spacing: 'Medium' }));
    for (const i of model.readiness) body.push(readinessRow(i, model.kind, name, people));
  }
  if (model.status) body.push(text(named(model.status, name, people), { isSubtle: true }));
  return card(
    body,
    model.buttons.map((b) => releaseExecuteAction(b, model.kind)),
    { fallbackText: shorten(model.fallback, 500) },
  );
}
