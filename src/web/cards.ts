/**
 * The web's layout of the card models (src/domain/cards.ts, release-cards.ts), like Block Kit
 * for Slack and Adaptive Cards for Teams: the model decides the heading, the facts in order,
 * the sections and which buttons this viewer gets; this file only draws them as HTML. A button
 * is a form posting to `/rfc/KEY/actions/ACTION` (`/release/KEY/actions/ACTION` with `arg`)
 * with the session's form token; the buttons that open something in chat become a link
 * (Details: the page itself) or a small form on the page (Reschedule: a new start and
 * duration; No-go: where to and why; a failed wave: what happened). Every value is escaped
 * (html.ts); the conformance suite reads this markup back like the Slack and Teams cards.
 */
import type { ButtonModel, Fact, RfcCard, Section } from '../domain/cards.js';
import { ACTIONS, RELEASE_ACTIONS } from '../domain/actions.js';
import { READINESS_HEADING, type ReadinessItemModel, type ReleaseButton, type ReleaseCard } from '../domain/release-cards.js';
import { type Html, html, trusted } from './html.js';

export interface WebCardOptions {
  /** The session's form token, carried by every form. */
  csrf: string;
  /** Display names for person ids (falls back to the id). */
  name?: (personId: string) => string;
  /**
   * The conflicts with what each needs, when the page knows them (the card has their words
   * only); each links to the other change.
   */
  conflicts?: readonly { message: string; needs: 'ack' | 'reason'; otherRfcKey?: string }[];
}

/** The path of an RFC's or a release's page. */
export function pathOf(key: string): string {
  return key.startsWith('REL-') ? `/release/${encodeURIComponent(key)}` : `/rfc/${encodeURIComponent(key)}`;
}

/** Where a button's form posts. */
export function actionPath(key: string, action: string): string {
  return `${pathOf(key)}/actions/${encodeURIComponent(action)}`;
}

/** The page's own styles for cards (the layout's stylesheet has the rest). */
export const CARD_STYLE = trusted(`<style>
.card dl.facts { display:grid; grid-template-columns:minmax(8rem,max-content) 1fr; gap:.25rem 1rem; margin:0 0 1rem; }
.card dl.facts dt { font-weight:600; color:var(--muted); }
.card dl.facts dd { margin:0; }
.card .long h2, .card .conflicts h2, .card .tally h2, .card .readiness h2 { font-size:1rem; margin:1rem 0 .3rem; }
.card .text { white-space:pre-wrap; overflow-wrap:anywhere; margin:0; }
.card .conflicts li .needs { color:var(--warn); }
.card .actions { display:flex; flex-wrap:wrap; gap:.5rem; align-items:flex-end; margin:1rem 0; }
.card form.action { display:inline-flex; flex-wrap:wrap; gap:.4rem; align-items:flex-end; margin:0; }
.card form.action.with-fields { border:1px solid var(--line); border-radius:6px; padding:.4rem .5rem; }
.card form.action label { display:flex; flex-direction:column; font-size:.85rem; color:var(--muted); }
.card form.action input, .card form.action select { font:inherit; padding:.25rem .4rem; }
.card .readiness ul { list-style:none; padding:0; margin:0; }
.card .readiness li { display:flex; gap:.6rem; align-items:center; padding:.2rem 0; border-bottom:1px solid var(--line); }
.card .readiness li .line { flex:1; }
.card .status, .card .personal { color:var(--muted); }
.notice.good { background:#e8f5e9; border-color:#b7dfb9; }
</style>`);

const nameOf = (o: WebCardOptions) => o.name ?? ((id: string) => id);

function person(id: string, o: WebCardOptions): Html {
  return html`<span class="person" data-person="${id}">${nameOf(o)(id)}</span>`;
}

function factValue(f: Fact, o: WebCardOptions): Html {
  const v = f.value;
  if (v.kind === 'person') return person(v.id, o);
  if (v.kind === 'people') return html`${v.ids.map((id, i) => html`${i ? ', ' : ''}${person(id, o)}`)}`;
  if (v.kind === 'time') return html`<span class="time" data-instants="${v.instants.map((d) => d.toISOString()).join(' ')}">${v.text}</span>`;
  return html`${v.text}`;
}

function facts(list: readonly Fact[], o: WebCardOptions): Html {
  if (!list.length) return html``;
  return html`<dl class="facts">${list.map((f) => html`<dt>${f.label}</dt><dd>${factValue(f, o)}</dd>`)}</dl>`;
}

function sections(list: readonly Section[]): Html {
  return html`${list.map((s) => html`<section class="long"><h2>${s.label}</h2><p class="text">${s.text}</p></section>`)}`;
}

function message(text: string | null, tone: 'default' | 'good' | 'attention'): Html {
  if (!text) return html``;
  return html`<p class="notice card-message${tone === 'attention' ? ' error' : tone === 'good' ? ' good' : ''}">${text}</p>`;
}

const STYLE_CLASS = { primary: '', danger: 'danger' } as const;

function buttonClass(b: { style?: 'primary' | 'danger' }): string {
  return b.style ? STYLE_CLASS[b.style] : 'secondary';
}

/** The fields a button's form asks for before it can run (the chat platforms ask in a form or a typed command). */
function fieldsOf(action: string): Html | null {
  switch (action) {
    case ACTIONS.reschedule:
      return html`<label>New start<input type="datetime-local" name="start" required></label>
<label>Duration<input name="duration" placeholder="2h" required size="6"></label>
<label>Reason (outside windows or over conflicts)<input name="reason" maxlength="1000"></label>`;
    case RELEASE_ACTIONS.nogo:
      return html`<label>Back to<select name="to"><option value="building">building</option><option value="planning">planning</option><option value="acceptance_testing">acceptance testing</option><option value="suspended">suspended</option><option value="cancelled">cancelled</option></select></label>
<label>Reason<input name="reason" required maxlength="1000"></label>`;
    case RELEASE_ACTIONS.waveFail:
      return html`<label>What happened<input name="note" maxlength="1000"></label>`;
    default:
      return null;
  }
}

/** One button: a link to the page for Details, otherwise a form that posts the action. */
export function buttonHtml(b: ButtonModel<string>, o: WebCardOptions): Html {
  if (b.action === ACTIONS.details || b.action === RELEASE_ACTIONS.details) {
    return html`<a class="button secondary" data-action="${b.action}" href="${pathOf(b.key)}">${b.label}</a>`;
  }
  const fields = fieldsOf(b.action);
  return html`<form class="action${fields ? ' with-fields' : ''}" method="post" action="${actionPath(b.key, b.action)}"><input type="hidden" name="_csrf" value="${o.csrf}">${
    b.arg !== undefined ? html`<input type="hidden" name="arg" value="${b.arg}">` : ''
  }${fields ?? ''}<button type="submit" class="${buttonClass(b)}" data-action="${b.action}">${b.label}</button></form>`;
}

function buttons(list: readonly ButtonModel<string>[], o: WebCardOptions): Html {
  if (!list.length) return html``;
  return html`<div class="actions">${list.map((b) => buttonHtml(b, o))}</div>`;
}

const NEEDS = { ack: 'needs a change manager’s acknowledgement', reason: 'needs a reason from whoever schedules it' } as const;

function conflicts(card: RfcCard, o: WebCardOptions): Html {
  const detailed = o.conflicts;
  if (detailed?.length) {
    return html`<section class="conflicts"><h2>Conflicts</h2><ul>${detailed.map(
      (c) =>
        html`<li><span class="conflict">${c.message}</span> <span class="needs">(${NEEDS[c.needs]})</span>${
          c.otherRfcKey ? html` <a href="${pathOf(c.otherRfcKey)}">open ${c.otherRfcKey}</a>` : ''
        }</li>`,
    )}</ul></section>`;
  }
  if (!card.conflicts.length) return html``;
  return html`<section class="conflicts"><h2>Conflicts</h2><ul>${card.conflicts.map((c) => html`<li><span class="conflict">${c}</span></li>`)}</ul></section>`;
}

function tally(card: RfcCard, o: WebCardOptions): Html {
  const t = card.tally;
  if (!t) return html``;
  return html`<section class="tally"><h2>Votes</h2><p class="counts">${t.counts}</p><p class="tally-status">${t.status}</p>${
    t.voters.length
      ? html`<ul class="voters">${t.voters.map((v) => html`<li>${person(v.person, o)}: ${v.choice}${v.asManager ? ' (change manager)' : ''}</li>`)}</ul>`
      : ''
  }</section>`;
}

/** An RFC card as HTML: message, heading, facts, sections, conflicts, tally, closing lines, buttons. */
export function rfcCardHtml(card: RfcCard, o: WebCardOptions): Html {
  return html`<article class="card rfc-card" data-kind="${card.kind}" data-key="${card.key}">
${message(card.message, card.tone)}<h1 class="card-heading">${card.heading}</h1>
${facts(card.facts, o)}${sections(card.sections)}${conflicts(card, o)}${tally(card, o)}${
  card.status ? html`<p class="status">${card.status}</p>` : ''
}${card.personal ? html`<p class="personal">${card.personal}</p>` : ''}${buttons(card.buttons, o)}</article>`;
}

const MARK: Record<ReadinessItemModel['state'], string> = { open: '☐', ticked: '☑', 'not-applicable': '–' };

function readiness(items: readonly ReadinessItemModel[], o: WebCardOptions): Html {
  if (!items.length) return html``;
  return html`<section class="readiness"><h2>${READINESS_HEADING}</h2><ul>${items.map(
    (i) =>
      html`<li data-item="${i.id}" data-state="${i.state}"><span class="mark" aria-hidden="true">${MARK[i.state]}</span><span class="line">${i.label}: ${i.status}</span>${
        i.button ? buttonHtml(i.button as ReleaseButton, o) : ''
      }</li>`,
  )}</ul></section>`;
}

/** A release card as HTML: message, heading, facts, sections, the readiness checklist with its Tick forms, buttons. */
export function releaseCardHtml(card: ReleaseCard, o: WebCardOptions): Html {
  return html`<article class="card release-card" data-kind="${card.kind}" data-key="${card.key}">
${message(card.message, card.tone)}<h1 class="card-heading">${card.heading}</h1>
${facts(card.facts, o)}${sections(card.sections)}${readiness(card.readiness, o)}${
  card.status ? html`<p class="status">${card.status}</p>` : ''
}${buttons(card.buttons, o)}</article>`;
}
