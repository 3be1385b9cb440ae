/**
 * The calendar page's own stylesheet (passed to page() as `head`): a 7-column grid on a wide
 * screen, one column of days on a phone (a month then lists only the days with something on
 * them). The fill of an item is its state, its left edge its risk, a red outline a conflict.
 */
import { trusted } from './html.js';

export const CALENDAR_STYLE = trusted(`<style>
.cal-bar { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; margin:0 0 .6rem; }
.cal-bar h2 { font-size:1.15rem; margin:0; flex:1 1 auto; }
.cal-nav a, .cal-views a { display:inline-block; padding:.3rem .7rem; border:1px solid var(--line); border-radius:6px; text-decoration:none; color:var(--accent); margin-right:.25rem; }
.cal-views a.current { background:var(--accent); color:#fff; border-color:var(--accent); }
.cal-zone { margin:.2rem 0 .6rem; }
.cal-filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:flex-end; margin:0 0 .8rem; }
.cal-filters label { display:flex; flex-direction:column; font-size:.85rem; color:var(--muted); }
.cal-filters select { font:inherit; padding:.3rem; min-width:9rem; }
.cal { display:grid; grid-template-columns:repeat(7, minmax(0, 1fr)); gap:4px; }
.cal .wdh { font-weight:600; color:var(--muted); text-align:center; padding:.2rem 0; }
.day { border:1px solid var(--line); border-radius:6px; padding:.3rem; min-height:7rem; background:#fff; min-width:0; }
.cal-week .day { min-height:14rem; }
.day h3 { font-size:.9rem; margin:0 0 .25rem; display:flex; gap:.3rem; align-items:baseline; }
.day h3 .full { display:none; }
.day.today { border-color:var(--accent); box-shadow:0 0 0 2px #c9d8f0 inset; }
.day.today h3 .dn { background:var(--accent); color:#fff; border-radius:999px; padding:0 .4rem; }
.day.other-month { background:#f6f7f9; color:var(--muted); }
.day.weekend { background:#fbfbfc; }
.day.shaded-maintenance { background:#effaf1; }
.day.shaded-blackout { background:repeating-linear-gradient(135deg, #f3e3e3 0 6px, #fbf3f3 6px 12px); }
.dayline { position:relative; height:6px; background:#eceef1; border-radius:3px; margin:0 0 .3rem; overflow:hidden; }
.dayline span { position:absolute; top:0; bottom:0; }
.dayline .shade-maintenance, .legend .shade-maintenance { background:#5cb870; }
.dayline .shade-blackout, .legend .shade-blackout { background:repeating-linear-gradient(135deg, #7a1c1c 0 3px, #c25b5b 3px 6px); }
.day ul { list-style:none; margin:0; padding:0; }
.shades li { font-size:.78rem; margin:0 0 .2rem; padding:.05rem .3rem; border-radius:4px; }
.shades .shade-maintenance { background:#d9f2de; color:#17521f; }
.shades .shade-blackout { background:#f5d5d5; color:#7a1c1c; font-weight:600; }
.shades .t::before { content:"· "; }
.items li.item { margin:0 0 .3rem; padding:.2rem .35rem .25rem; border-radius:5px; border-left:5px solid #9aa0a6; font-size:.85rem; overflow-wrap:anywhere; }
.items li.item a { color:inherit; text-decoration:none; display:block; }
.items li.item a:hover b { text-decoration:underline; }
.items .t { font-variant-numeric:tabular-nums; font-size:.78rem; display:block; opacity:.85; }
.items .meta { display:block; font-size:.75rem; opacity:.85; }
.state-awaiting_approval { background:#fff; color:#3c4043; border-style:dashed !important; }
.state-approved { background:#e3edfb; color:#173a6b; }
.state-scheduled { background:#c9dcf7; color:#0f2f5c; }
.state-implementing { background:#ffe3b8; color:#5c3800; }
.state-planned { background:#d6f1ef; color:#0d4a45; }
.state-deploying { background:#9fdcd5; color:#073b36; }
.items li.item.risk-high, .legend .sw.risk-high { border-left-color:#c62828; }
.items li.item.risk-medium, .legend .sw.risk-medium { border-left-color:#ef8f00; }
.items li.item.risk-low, .legend .sw.risk-low { border-left-color:#2e7d32; }
.items li.item.risk-none, .legend .sw.risk-none { border-left-color:#9aa0a6; }
.item.conflict { outline:2px solid #c62828; outline-offset:-1px; }
.item .reasons { margin:.2rem 0 0; font-size:.75rem; color:#8a1111; }
.item .reasons li::before { content:"⚠ "; }
.cal-month .items li.item { font-size:.78rem; }
.cal-month .items .meta { display:none; }
.legend { margin:1rem 0; font-size:.85rem; }
.legend ul { list-style:none; padding:0; margin:.3rem 0; display:flex; flex-wrap:wrap; gap:.4rem .9rem; }
.legend .sw { display:inline-block; width:1.6rem; height:1rem; border-radius:3px; vertical-align:middle; margin-right:.3rem; border:1px solid var(--line); }
.legend .sw.risk-high, .legend .sw.risk-medium, .legend .sw.risk-low, .legend .sw.risk-none { border-left-width:6px; background:#fff; }
.legend .sw.conflict { outline:2px solid #c62828; outline-offset:-2px; background:#fff; }
.cal-empty { margin:.6rem 0; }
@media (max-width: 640px) {
  .cal { grid-template-columns:1fr; }
  .cal .wdh { display:none; }
  .day, .cal-week .day { min-height:0; }
  .day h3 .full { display:inline; }
  .day h3 .wd, .day h3 .dn { display:none; }
  .cal-month .day.empty, .cal-month .day.other-month.empty { display:none; }
  .cal-week .day.empty h3::after { content:" · nothing planned"; color:var(--muted); font-weight:400; }
  .cal-month .items .meta { display:block; }
  .cal-filters label, .cal-filters select { width:100%; }
  .cal-bar h2 { flex-basis:100%; order:-1; }
}
</style>`);
