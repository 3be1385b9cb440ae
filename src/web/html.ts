/**
 * Server-rendered HTML, escaped by construction: `html\`...\`` escapes every interpolated value
 * unless it is already `Html` (made by `html` itself or `trusted`). A page is `page(...)`: the
 * shared layout (navigation, who is signed in, the stylesheet), readable on a phone.
 */

/** Markup that is safe to send: only `html` and `trusted` make one (user text never becomes one unescaped). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Markup written by the code itself (never user text): a constant stylesheet or script. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.markup;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/**
 * The template tag: literal parts as written, values escaped. Arrays are joined (a list of
 * rows), and null, undefined and false render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

export interface PageOptions {
  title: string;
  /** Who is signed in (shown in the header, with a sign-out button), or nothing for a visitor. */
  viewer?: { name: string; csrf: string } | undefined;
  body: Html;
  /** Extra markup for <head> (a page's own small script or style). */
  head?: Html;
}

const STYLE = trusted(`
:root { --fg:#1d1d1f; --muted:#5f6368; --line:#d9dce1; --bg:#fff; --accent:#1a5fb4; --warn:#b3261e; --ok:#1e7d32; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.6rem 1rem; border-bottom:1px solid var(--line); }
header.top .brand { font-weight:700; color:var(--fg); text-decoration:none; }
header.top nav a { margin-right:.8rem; color:var(--accent); text-decoration:none; }
header.top .who { margin-left:auto; color:var(--muted); display:flex; gap:.5rem; align-items:center; }
main { padding:1rem; max-width:1200px; margin:0 auto; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
button, .button { font:inherit; padding:.35rem .8rem; border:1px solid var(--accent); border-radius:6px; background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--warn); border-color:var(--warn); }
.muted { color:var(--muted); }
.notice { padding:.6rem .8rem; border-radius:6px; background:#eef3fb; border:1px solid #c9d8f0; margin:0 0 1rem; }
.notice.error { background:#fdecea; border-color:#f5c2bd; }
form.inline { display:inline; }
@media (max-width: 640px) { main { padding:.6rem; } th, td { padding:.3rem; } header.top .who { margin-left:0; } }
`);

/** A whole page in the shared layout. */
export function page(o: PageOptions): Html {
  const who = o.viewer
    ? html`<span class="who">Signed in as ${o.viewer.name}
        <form class="inline" method="post" action="/signout"><input type="hidden" name="_csrf" value="${o.viewer.csrf}"><button class="secondary" type="submit">Sign out</button></form></span>`
    : html`<span class="who">Not signed in</span>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · changebot</title><style>${STYLE}</style>${o.head ?? ''}</head>
<body><header class="top"><a class="brand" href="/calendar">changebot</a><nav><a href="/calendar">Calendar</a></nav>${who}</header>
<main>${o.body}</main></body></html>`;
}
