/**
 * Block Kit's limits and the small builders that enforce them. Every piece of user text goes
 * through these, so a long title or plan is cut with an ellipsis instead of Slack refusing the
 * whole message (`invalid_blocks`).
 */
import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, KnownBlock, MrkdwnElement, PlainTextElement, SectionBlock } from '@slack/types';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  contextElements: 10,
  actionsElements: 25,
  buttonValue: 2000,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  header: 150,
  optionText: 75,
  optionValue: 150,
  options: 100,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  messageText: 40_000,
  /** Slack truncates `text` above 4000 characters; keep notification fallbacks under it. */
  fallbackText: 3900,
} as const;

export type Block = KnownBlock;
export type { ActionsBlock, Button, ContextBlock, HeaderBlock, MrkdwnElement, PlainTextElement, SectionBlock };

const ELLIPSIS = '…';

/**
 * Cuts `s` to at most `max` characters (UTF-16 code units, as Slack counts), ending with an
 * ellipsis. Never splits a surrogate pair, an `&amp;`-style entity or a `<…>` mention/link.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  let cut = max - ELLIPSIS.length;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  const head = s.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp >= 0 && amp > head.lastIndexOf(';') && cut - amp <= 8) cut = amp;
  const lt = head.lastIndexOf('<');
  if (lt >= 0 && lt > head.lastIndexOf('>') && cut - lt <= 300) cut = lt;
  return s.slice(0, cut) + ELLIPSIS;
}

declare const MRKDWN: unique symbol;
/**
 * Text Slack parses as mrkdwn. Only `esc` (any text: the card models' words, which may be a
 * person's, never carry markup) and the `mrkdwn` template (literal markup around parts that are
 * Mrkdwn already) make one, and every builder that writes mrkdwn takes only this: a renderer
 * cannot put user text into a parsed field unescaped, because it does not compile.
 */
export type Mrkdwn = string & { readonly [MRKDWN]: true };

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so no text can
 * make a mention, a broadcast (`<!channel>`) or a disguised link, however it arrived (typed,
 * or typed as `&lt;` and decoded by the parser).
 */
export function esc(s: string): Mrkdwn {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') as Mrkdwn;
}

/** Literal markup (the template's own text) around parts that are already Mrkdwn. */
export function mrkdwn(strings: TemplateStringsArray, ...parts: Mrkdwn[]): Mrkdwn {
  return strings.reduce((out, s, i) => out + s + (i < parts.length ? parts[i] : ''), '') as Mrkdwn;
}

export function joinMrkdwn(parts: readonly Mrkdwn[], separator: '\n' | ', ' | ' ' | ' · ' | ' – '): Mrkdwn {
  return parts.join(separator) as Mrkdwn;
}

export function plain(text: string, max: number = LIMITS.sectionText): PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

/** `verbatim`: Slack does not turn bare URLs and #names in it into links either. */
export function md(text: Mrkdwn, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text || ' ', max), verbatim: true };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, LIMITS.header) };
}

export function section(text: Mrkdwn, extra: Partial<SectionBlock> = {}): SectionBlock {
  return { type: 'section', text: md(text), ...extra };
}

export function fields(items: Mrkdwn[]): SectionBlock {
  return { type: 'section', fields: items.slice(0, LIMITS.sectionFields).map((t) => md(t, LIMITS.sectionField)) };
}

export function context(items: Mrkdwn[]): ContextBlock {
  return { type: 'context', elements: items.slice(0, LIMITS.contextElements).map((t) => md(t)) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function id(s: string): string {
  return truncate(s, LIMITS.actionId);
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: plain(text, LIMITS.buttonText),
    action_id: id(actionId),
    value: truncate(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: id(blockId), elements: elements.slice(0, LIMITS.actionsElements) };
}

/**
 * Keeps a block list inside the per-surface maximum: the last block is replaced by a context
 * line saying how much was left out.
 */
export function fit(blocks: Block[], max: number, more = 'More not shown'): Block[] {
  if (blocks.length <= max) return blocks;
  const keep = blocks.slice(0, max - 1);
  return [...keep, context([esc(`${more} (${blocks.length - keep.length} more).`)])];
}

/**
 * The top-level `text` of a message, from plain text: Slack parses it as mrkdwn too (and shows
 * it in notifications and to screen readers), so it is escaped like any block, and bounded.
 */
export function fallback(text: string): Mrkdwn {
  return truncate(esc(text), LIMITS.fallbackText) as Mrkdwn;
}
