/**
 * Read a web card (src/web/cards.ts) back into what a person sees, like card-readers.ts does
 * for Slack and Teams: a small tokenizer over the markup (tags, attributes, text with the
 * entities undone) and a walk that collects the heading, the facts, the long sections, the
 * readiness checklist and the buttons. A button is what a press posts: the form's action URL
 * (`/rfc/KEY/actions/ACTION`), its hidden `arg`, and its `_csrf` field (a form without the
 * token, or not posting, is reported as a problem).
 */
import type { SeenCard } from './card-readers.js';
import type { SeenRelease } from './release-readers.js';

interface Node {
  tag: string;
  attrs: Record<string, string>;
  children: (Node | string)[];
  parent: Node | null;
}

const VOID = new Set(['input', 'br', 'meta', 'link', 'img', 'hr']);

const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);

/** The markup as a tree; throws on a closing tag that does not match (markup broken by unescaped text). */
export function parseHtml(markup: string): Node {
  const root: Node = { tag: '#root', attrs: {}, children: [], parent: null };
  let at = root;
  // Comments, the doctype, and the raw text of <style> and <script> are skipped.
  const re =
    /<!--[\s\S]*?-->|<!doctype[^>]*>|<(?:style|script)\b[^>]*>[\s\S]*?<\/(?:style|script)>|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>|([^<]+)|(<)/g;
  for (const m of markup.matchAll(re)) {
    if (/^<(?:!|style\b|script\b)/i.test(m[0])) continue;
    if (m[5]) throw new Error(`a bare < in the markup at ${m.index}`);
    if (m[4] !== undefined) {
      at.children.push(decode(m[4]));
      continue;
    }
    const tag = (m[2] as string).toLowerCase();
    if (m[1]) {
      if (at.tag !== tag) throw new Error(`</${tag}> closes <${at.tag}>`);
      at = at.parent as Node;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(/([^\s=>]+)(?:="([^"]*)")?/g)) attrs[a[1] as string] = decode(a[2] ?? '');
    const node: Node = { tag, attrs, children: [], parent: at };
    at.children.push(node);
    if (!VOID.has(tag)) at = node;
  }
  if (at !== root) throw new Error(`<${at.tag}> is never closed`);
  return root;
}

const classes = (n: Node) => (n.attrs.class ?? '').split(/\s+/);
const has = (n: Node, c: string) => classes(n).includes(c);

function all(n: Node, pred: (x: Node) => boolean, out: Node[] = []): Node[] {
  for (const c of n.children) {
    if (typeof c === 'string') continue;
    if (pred(c)) out.push(c);
    all(c, pred, out);
  }
  return out;
}

/** What a person reads in a node; people as their ids (as the other readers do), form fields left out. */
function textOf(n: Node): string {
  if (n.attrs['data-person'] !== undefined) return n.attrs['data-person'];
  if (['select', 'label'].includes(n.tag) && n.parent && n.parent.tag === 'form') return '';
  return n.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

export interface WebButton {
  action: string;
  label: string;
  key: string;
  arg: string;
}

/** The buttons under `n`: forms (their posting URL and `arg`) and Details links. */
function buttonsIn(n: Node, problems: string[]): WebButton[] {
  const out: WebButton[] = [];
  for (const b of all(n, (x) => (x.tag === 'form' && has(x, 'action')) || (x.tag === 'a' && x.attrs['data-action'] !== undefined))) {
    if (b.tag === 'a') {
      const m = /^\/(?:rfc|release)\/([^/?]+)$/.exec(b.attrs.href ?? '');
      if (!m) problems.push(`a Details link to ${b.attrs.href}`);
      out.push({ action: b.attrs['data-action'] as string, label: textOf(b), key: decodeURIComponent(m?.[1] ?? ''), arg: '' });
      continue;
    }
    const m = /^\/(?:rfc|release)\/([^/]+)\/actions\/([^/?]+)$/.exec(b.attrs.action ?? '');
    if (!m) problems.push(`a form posting to ${b.attrs.action}`);
    if ((b.attrs.method ?? '').toLowerCase() !== 'post') problems.push(`a form that does not post: ${b.attrs.action}`);
    const inputs = all(b, (x) => x.tag === 'input');
    const csrf = inputs.find((i) => i.attrs.name === '_csrf');
    if (!csrf?.attrs.value) problems.push(`a form without its _csrf field: ${b.attrs.action}`);
    const submit = all(b, (x) => x.tag === 'button');
    if (submit.length !== 1) problems.push(`a form with ${submit.length} buttons: ${b.attrs.action}`);
    if (submit[0] && submit[0].attrs['data-action'] !== decodeURIComponent(m?.[2] ?? ''))
      problems.push(`a button whose action is not its form's: ${b.attrs.action}`);
    out.push({
      action: decodeURIComponent(m?.[2] ?? ''),
      label: submit[0] ? textOf(submit[0]) : '',
      key: decodeURIComponent(m?.[1] ?? ''),
      arg: inputs.find((i) => i.attrs.name === 'arg')?.attrs.value ?? '',
    });
  }
  return out;
}

function cardOf(markup: string): { card: Node; problems: string[] } {
  const [card] = all(parseHtml(markup), (x) => x.tag === 'article' && has(x, 'card'));
  if (!card) throw new Error('no card in the markup');
  return { card, problems: [] };
}

function factsIn(card: Node): [string, string][] {
  const out: [string, string][] = [];
  for (const dl of all(card, (x) => x.tag === 'dl' && has(x, 'facts'))) {
    const parts = dl.children.filter((c): c is Node => typeof c !== 'string');
    for (let i = 0; i < parts.length; i += 2) out.push([textOf(parts[i] as Node), textOf(parts[i + 1] as Node)]);
  }
  return out;
}

function sectionsIn(card: Node): [string, string][] {
  return all(card, (x) => x.tag === 'section' && has(x, 'long')).map((s) => {
    const [h2] = all(s, (x) => x.tag === 'h2');
    const [p] = all(s, (x) => has(x, 'text'));
    return [h2 ? textOf(h2) : '', p ? textOf(p) : ''];
  });
}

const headingIn = (card: Node) => {
  const [h] = all(card, (x) => has(x, 'card-heading'));
  return h ? textOf(h) : '';
};

/** An RFC card: heading, facts, sections, and the buttons (action ids and labels); `problems` lists broken forms. */
export function readWeb(markup: string): SeenCard & { problems: string[]; buttonKeys: string[] } {
  const { card, problems } = cardOf(markup);
  // The tally's and the readiness list's buttons are not the card's action bar.
  const bar = all(card, (x) => has(x, 'actions'));
  const buttons = bar.flatMap((b) => buttonsIn(b, problems));
  return {
    heading: headingIn(card),
    facts: factsIn(card),
    sections: sectionsIn(card),
    buttons: buttons.map((b) => b.action),
    labels: buttons.map((b) => b.label),
    buttonKeys: buttons.map((b) => b.key),
    problems,
  };
}

/** A release card, as the release readers see it. */
export function readWebRelease(markup: string): SeenRelease & { problems: string[] } {
  const { card, problems } = cardOf(markup);
  const readiness: [string, string | null][] = all(card, (x) => x.tag === 'li' && x.attrs['data-item'] !== undefined).map((li) => {
    const [line] = all(li, (x) => has(x, 'line'));
    const tick = buttonsIn(li, problems)[0];
    return [line ? textOf(line) : '', tick ? tick.arg : null];
  });
  const bar = all(card, (x) => has(x, 'actions'));
  return {
    heading: headingIn(card),
    facts: factsIn(card),
    sections: sectionsIn(card),
    readiness,
    buttons: bar.flatMap((b) => buttonsIn(b, problems)).map((b) => [b.action, b.label, b.key, b.arg]),
    problems,
  };
}
