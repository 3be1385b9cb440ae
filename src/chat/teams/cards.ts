/**
 * Adaptive Card 1.5 layout of the card models (src/domain/cards.ts): the model designs what is
 * shown and which buttons; this file only decides how Teams draws it. Buttons are
 * `Action.Execute` whose verbs are the shared action ids (src/domain/actions.ts); their data
 * carries the RFC key and the card kind, so the answer re-renders the same card. The voting
 * card has a `refresh` section so each member's client asks for their own copy.
 */
import type { IActionSet, IAdaptiveCard, IExecuteAction, IFactSet, ITeamsCardProperties, ITextBlock, TextColor } from '@microsoft/teams.cards';
import { type ButtonModel, type Fact, type ListCard, type RfcCard, type RfcCardKind, cutNoteOf } from '../../domain/cards.js';
import { shorten } from '../../domain/text.js';

/**
 * Teams refuses messages over about 28 KB: user text on a card is capped so that even an RFC
 * with every field at its maximum length still fits.
 */
const DETAIL_MAX = 1500;
const TITLE_MAX = 200;
const CONFLICTS_SHOWN = 10;

export type Element = IAdaptiveCard['body'][number];
export type AdaptiveCard = IAdaptiveCard;

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams-only verb: the client asks for the viewer's own copy of a card. */
export const REFRESH_VERB = 'rfc_card_refresh';

/** What a button carries back: the RFC and the card it was pressed on. */
export interface ActionData {
  key: string;
  card: RfcCardKind;
  /** The button's argument, when it has one (src/domain/actions.ts). */
  arg?: string;
}

export interface TeamsCardOptions {
  /** Display names for person ids (falls back to the id). */
  name?: (personId: string) => string;
  /** The message goes out as the activity's own text: leave it off the card. */
  messageAsText?: boolean;
  /** Teams user MRIs whose clients refresh a voting card automatically (at most 60). */
  refreshFor?: string[];
}

/** Teams documents the value as `Full`; the type library spells it `full` (Teams reads either). */
const FULL_WIDTH = { width: 'Full' } as unknown as ITeamsCardProperties;

declare const MARKDOWN: unique symbol;
/**
 * Text Teams parses as markdown (a TextBlock, a fact, an activity's text). Only `escapeMd` (any
 * text: the card models' words, which may be a person's, never carry markup) and the `md`
 * template (literal markup around parts that are Markdown already) make one, and every builder
 * that writes markdown takes only this: a renderer cannot put user text into a parsed field
 * unescaped, because it does not compile.
 */
export type Markdown = string & { readonly [MARKDOWN]: true };

/**
 * Backslash-escapes what would make markdown of text: emphasis, code, links and images, raw
 * HTML, and a list, heading or quote at the start of a line. `[click me](https://…)` stays
 * text. (A Teams client that shows the backslashes instead of honouring them still shows no
 * link: the escape is safe either way.)
 */
export function escapeMd(s: string): Markdown {
  return s
    .replace(/[\\`*_~[\]<>|]/g, '\\$&')
    .replace(/^(\s*)([-+#]|\d+\.)(?=\s|$)/gm, (_m, sp: string, mark: string) => `${sp}${mark.replace(/^(\d*)([-+#.])$/, '$1\\$2')}`) as Markdown;
}

/** Literal markup (the template's own text) around parts that are already Markdown. */
export function md(strings: TemplateStringsArray, ...parts: Markdown[]): Markdown {
  return strings.reduce((out, s, i) => out + s + (i < parts.length ? parts[i] : ''), '') as Markdown;
}

export function text(t: Markdown, extra: Partial<Omit<ITextBlock, 'type' | 'text'>> = {}): ITextBlock {
  return { type: 'TextBlock', text: t, wrap: true, ...extra };
}

export function card(body: Element[], actions: IExecuteAction[] = [], extra: Partial<Omit<IAdaptiveCard, 'type' | 'body'>> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    msteams: FULL_WIDTH,
    ...extra,
  };
}

export function attachment(c: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: c };
}

const STYLE = { primary: 'positive', danger: 'destructive' } as const;
const TONE: Record<RfcCard['tone'], TextColor | undefined> = { default: undefined, good: 'Good', attention: 'Attention' };

export function executeAction(b: ButtonModel<string>, kind: RfcCardKind): IExecuteAction {
  const data: ActionData = { key: b.key, card: kind, ...(b.arg !== undefined ? { arg: b.arg } : {}) };
  return { type: 'Action.Execute', title: b.label, verb: b.action, data: { ...data }, ...(b.style ? { style: STYLE[b.style] } : {}) };
}

function factValue(f: Fact, name: (id: string) => string): Markdown {
  const v = f.value;
  if (v.kind === 'person') return escapeMd(name(v.id));
  if (v.kind === 'people') return escapeMd(v.ids.map(name).join(', '));
  return escapeMd(v.text);
}

/** Facts: Teams parses both title and value as markdown. */
export function factSet(facts: { title: Markdown; value: Markdown }[]): IFactSet {
  return { type: 'FactSet', facts };
}

/** One card model as an Adaptive Card. */
export function teamsCard(model: RfcCard, opts: TeamsCardOptions = {}): AdaptiveCard {
  const name = opts.name ?? ((id: string) => id);
  const body: Element[] = [];
  const color = TONE[model.tone];
  if (model.message && !opts.messageAsText) body.push(text(escapeMd(model.message), { weight: 'Bolder', ...(color ? { color } : {}) }));
  const title = shorten(model.title, TITLE_MAX);
  const heading = model.heading.replace(model.title, title);
  body.push(text(escapeMd(heading), { size: 'Large', weight: 'Bolder' }));
  body.push(factSet(model.facts.map((f) => ({ title: escapeMd(f.label), value: factValue(f, name) }))));
  for (const c of model.conflicts.slice(0, CONFLICTS_SHOWN)) body.push(text(escapeMd(`⚠️ Conflict: ${c}`), { color: 'Warning' }));
  if (model.conflicts.length > CONFLICTS_SHOWN) {
    body.push(
      text(md`…and ${escapeMd(String(model.conflicts.length - CONFLICTS_SHOWN))} more conflicts (\`rfc conflicts ${escapeMd(model.key)}\`)`, {
        color: 'Warning',
      }),
    );
  }
  for (const s of model.sections) body.push(text(md`**${escapeMd(s.label)}:** ${escapeMd(shorten(s.text, DETAIL_MAX))}`));
  const t = model.tally;
  if (t) {
    body.push(text(md`**Votes:** ${escapeMd(t.counts)}`, { separator: true, spacing: 'Medium' }), text(escapeMd(t.status), { isSubtle: true }));
    if (t.voters.length) {
      body.push(factSet(t.voters.map((v) => ({ title: escapeMd(name(v.person)), value: escapeMd(`${v.choice}${v.asManager ? ' (change manager)' : ''}`) }))));
    }
  }
  if (model.status) body.push(text(escapeMd(model.status), { isSubtle: true }));
  if (model.personal) body.push(text(escapeMd(model.personal), { weight: 'Bolder', spacing: 'Medium' }));
  const extra: Partial<IAdaptiveCard> = { fallbackText: shorten(model.fallback, 500) };
  if (model.kind === 'vote') {
    const data: ActionData = { key: model.key, card: 'vote' };
    extra.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: REFRESH_VERB, data: { ...data } },
      userIds: (opts.refreshFor ?? []).slice(0, 60),
    };
  }
  return card(
    body,
    model.buttons.map((b) => executeAction(b, model.kind)),
    extra,
  );
}

/** A card with only a message (an answer to a card action that has no RFC to show). */
export function messageCard(message: string, tone: RfcCard['tone'] = 'default'): AdaptiveCard {
  const color = TONE[tone];
  return card([text(escapeMd(message), color ? { color } : {})]);
}

/** Lists stop here: a longer one points to the command that filters it. */
const LIST_SHOWN = 25;

/** `rfc list` as a card: a line per RFC with its Details button. */
export function teamsList(model: ListCard): AdaptiveCard {
  const body: Element[] = [];
  for (const item of model.items.slice(0, LIST_SHOWN)) {
    const details: IActionSet = { type: 'ActionSet', actions: [executeAction(item.button, 'details')] };
    body.push(
      text(md`**${escapeMd(item.key)}** ${escapeMd(shorten(item.title, TITLE_MAX))}`, { separator: true }),
      text(escapeMd(item.line), { isSubtle: true, spacing: 'None' }),
      details,
    );
  }
  if (model.items.length > LIST_SHOWN) body.push(text(escapeMd(`${model.items.length - LIST_SHOWN} more not shown.`), { isSubtle: true }));
  // A list the bot cut says its true total and how to see the rest.
  const cut = cutNoteOf(model.message);
  if (cut) body.push(text(escapeMd(cut), { isSubtle: true }));
  return card(body, [], { fallbackText: shorten(model.message, 500) });
}
