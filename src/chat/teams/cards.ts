/**
 * The RFC view models rendered as Adaptive Cards 1.5: the RFC card (replies and direct
 * messages) and the CAB voting card (posted to the CAB conversation, updated in place, with a
 * `refresh` section so each member sees their own vote). Buttons are `Action.Execute` whose
 * verbs are the shared action ids (src/domain/actions.ts); their data carries the RFC key.
 */
import { shorten } from '../../domain/text.js';
import type { ActionView, RfcView } from '../../domain/views.js';

/**
 * Teams refuses messages over about 28 KB: user text on a card is capped so that even an RFC
 * with every field at its maximum length still fits.
 */
const DETAIL_MAX = 1500;
const TITLE_MAX = 200;
const CONFLICTS_SHOWN = 10;

export type Element = Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: Element[];
  actions?: Element[];
  refresh?: { type?: 'Refresh'; action: Element; userIds?: string[] };
  fallbackText?: string;
  msteams?: { width: 'Full' };
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams-only verb: the client asks for the viewer's own copy of a card. */
export const REFRESH_VERB = 'rfc_card_refresh';

/** Which card an action came from, so the answer re-renders the same kind. */
export type CardKind = 'vote' | 'rfc';

export interface ActionData {
  key: string;
  card: CardKind;
}

export interface CardOptions {
  kind: CardKind;
  /** Display names for person ids (falls back to the id). */
  name?: (personId: string) => string;
  /** A line for the one viewer (their own vote, or why they may not vote). */
  personal?: string;
  /** A result or refusal shown at the top. */
  notice?: { text: string; tone: 'good' | 'attention' | 'default' };
  /** Show plans and description too. */
  details?: boolean;
  /** Teams user MRIs whose clients refresh the card automatically (at most 60). */
  refreshFor?: string[];
}

export function text(t: string, extra: Element = {}): Element {
  return { type: 'TextBlock', text: t, wrap: true, ...extra };
}

export function card(body: Element[], actions: Element[] = [], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full' },
    ...extra,
  };
}

export function attachment(c: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: c };
}

const STYLE = { primary: 'positive', danger: 'destructive' } as const;

export function executeAction(a: ActionView, kind: CardKind): Element {
  const data: ActionData = { key: a.value, card: kind };
  return { type: 'Action.Execute', title: a.label, verb: a.id, data, ...(a.style ? { style: STYLE[a.style] } : {}) };
}

function facts(view: RfcView, name: (id: string) => string): Element {
  const f: [string, string][] = [
    ['State', view.stateLabel],
    ['Category', `${view.category}${view.emergency ? ' (EMERGENCY)' : ''}`],
    ['Risk', view.risk ?? 'not assessed'],
    ['Services', view.services.length ? view.services.join(', ') : '(none)'],
    ['Window', view.window ?? '(not planned)'],
    ['Requester', name(view.requester)],
    ['Owner', name(view.owner)],
    ['Approval', view.approval],
  ];
  if (view.outage) f.push(['Expected outage', view.outage]);
  if (view.deadline) f.push(['Vote deadline', view.deadline]);
  return { type: 'FactSet', facts: f.map(([title, value]) => ({ title, value })) };
}

function tallyBlock(view: RfcView, name: (id: string) => string): Element[] {
  const t = view.tally;
  if (!t) return [];
  const out: Element[] = [
    text(`**Votes:** ${t.approve} approve · ${t.reject} reject · ${t.abstain} abstain (quorum ${t.quorum})`, { separator: true, spacing: 'Medium' }),
    text(t.status, { isSubtle: true }),
  ];
  if (t.voters.length) {
    out.push({
      type: 'FactSet',
      facts: t.voters.map((v) => ({ title: name(v.person), value: `${v.choice}${v.asManager ? ' (change manager)' : ''}` })),
    });
  }
  return out;
}

function detailBlocks(view: RfcView): Element[] {
  const parts: [string, string | null][] = [
    ['Description', view.description],
    ['Business justification', view.justification],
    ['Implementation plan', view.plan],
    ['Backout plan', view.backout],
    ['Test plan', view.test],
  ];
  return parts.filter(([, v]) => v).map(([label, v]) => text(`**${label}:** ${shorten(v ?? '', DETAIL_MAX)}`));
}

/** The RFC card, or the CAB voting card when `kind` is 'vote'. */
export function rfcCard(view: RfcView, opts: CardOptions): AdaptiveCard {
  const name = opts.name ?? ((id: string) => id);
  const body: Element[] = [];
  if (opts.notice) {
    body.push(text(opts.notice.text, { color: opts.notice.tone, weight: 'Bolder' }));
  }
  const title = shorten(view.title, TITLE_MAX);
  const heading = opts.kind === 'vote' ? `CAB vote: ${view.key} ${title}` : `${view.key} ${title}`;
  body.push(text(heading, { size: 'Large', weight: 'Bolder' }));
  body.push(facts(view, name));
  for (const c of view.conflicts.slice(0, CONFLICTS_SHOWN)) body.push(text(`⚠️ Conflict: ${c}`, { color: 'warning' }));
  if (view.conflicts.length > CONFLICTS_SHOWN) body.push(text(`…and ${view.conflicts.length - CONFLICTS_SHOWN} more conflicts (\`rfc conflicts ${view.key}\`)`, { color: 'warning' }));
  if (opts.details || (opts.kind === 'rfc' && view.state === 'draft')) body.push(...detailBlocks(view));
  body.push(...tallyBlock(view, name));
  if (opts.personal) body.push(text(opts.personal, { weight: 'Bolder', spacing: 'Medium' }));
  const actions = view.actions.map((a) => executeAction(a, opts.kind));
  const extra: Partial<AdaptiveCard> = { fallbackText: `${view.key} ${title}: ${view.stateLabel}` };
  if (opts.kind === 'vote') {
    const data: ActionData = { key: view.key, card: 'vote' };
    extra.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: REFRESH_VERB, data },
      userIds: (opts.refreshFor ?? []).slice(0, 60),
    };
  }
  return card(body, actions, extra);
}

/** A card with only a message (an answer to a card action that has no RFC to show). */
export function messageCard(message: string, tone: 'good' | 'attention' | 'default' = 'default'): AdaptiveCard {
  return card([text(message, tone === 'default' ? {} : { color: tone })]);
}
