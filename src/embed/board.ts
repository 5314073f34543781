import { moreText, rowHtml, split, summary, type RowFields } from './board-rows.js';
import type { BoardView } from './board-view.js';
import { escapeHtml, jsonForScript, plainText, safeHref } from './escape.js';
import { THEME_STYLE, type PageTheme } from './page.js';

export interface BoardPageOptions {
  theme: PageTheme;
  /** Absolute URL of this page: og:url. The script polls `<this page's path>.json` on its own origin. */
  boardUrl: string;
  /** How often the page re-reads the JSON, in seconds (default 30). Tests make it short. */
  pollSeconds?: number;
  /** The board's script (embed/page-bundle.ts builds it from board-script.ts), inlined as it is. */
  script: string;
}

/**
 * One stylesheet, constant (the CSP allows inline styles). From 250 px wide (rows stack:
 * state and title, countdown, deadline) to 900 px (the countdown in a column of its own);
 * long titles are cut with an ellipsis, never widen the page; the page scrolls down only.
 */
const STYLE = [
  '*{box-sizing:border-box;margin:0;padding:0}',
  THEME_STYLE,
  'body{background:var(--bg);color:var(--fg);overflow-x:hidden;padding:clamp(6px,2.5vw,16px);',
  'font:400 14px/1.35 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif,',
  '"Apple Color Emoji","Segoe UI Emoji";-webkit-font-smoothing:antialiased}',
  'main{max-width:900px;margin:0 auto;display:flex;flex-direction:column;gap:8px}',
  'header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2em .8em;min-width:0}',
  'h1{font-size:clamp(15px,4.6vw,20px);font-weight:650;overflow-wrap:anywhere;min-width:0}',
  'a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}',
  '.sum,.more,.empty,.note{color:var(--mu);font-size:12.5px}.note{color:var(--o)}',
  'h2{font-size:11.5px;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:var(--mu);margin-top:6px}',
  'ol{list-style:none;border:1px solid var(--bd);border-radius:10px;overflow:hidden}',
  'li{display:grid;grid-template-columns:minmax(0,1fr);gap:1px 14px;padding:8px 12px;border-top:1px solid var(--bd)}',
  'li:first-child{border-top:0}',
  '.top{display:flex;align-items:center;gap:.5em;min-width:0}',
  '.pill{flex:none;padding:.1em .65em;border-radius:99px;font-size:12px;font-weight:600;color:var(--c);',
  'background:color-mix(in srgb,var(--c) 15%,transparent);white-space:nowrap;transition:color .4s,background-color .4s}',
  '.t{font-weight:600;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
  '.ref{flex:none;color:var(--mu);font-size:12px}',
  '.timer{white-space:nowrap;font-size:15px;font-weight:700;font-variant-numeric:tabular-nums;letter-spacing:-.01em}',
  '.big i{font-style:normal;font-weight:500;font-size:.75em;color:var(--mu);margin:0 .3em 0 .05em}',
  '.big i:last-child{margin-right:0}',
  '[data-state=overdue] .big,[data-state^=completed] .big,[data-state=cancelled] .big{color:var(--c)}',
  '.cap{font-size:12px;font-weight:500;color:var(--mu)}',
  '.due{color:var(--mu);font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  '[hidden]{display:none!important}',
  '@media(min-width:560px){li{grid-template-columns:minmax(0,1fr) auto}',
  '.timer{grid-column:2;grid-row:1/span 2;align-self:center;text-align:right;font-size:18px}}',
  '@media(prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}',
].join('');

/** The fields of each goal the script needs to redraw the board (the page's embedded data). */
function rowData(g: BoardView['goals'][number]): RowFields & { keyword: string; created_at: string } {
  return {
    title: g.title,
    issue: g.issue,
    issue_url: g.issue_url,
    status: g.status,
    due_at: g.due_at,
    completed_at: g.completed_at,
    timezone: g.timezone,
    keyword: g.keyword,
    created_at: g.created_at,
  };
}

/** The board of `/board/<token>`: self-contained, no external request, live. */
export function renderBoardPage(view: BoardView, opts: BoardPageOptions): string {
  const theme: PageTheme = opts.theme === 'light' || opts.theme === 'dark' ? opts.theme : 'auto';
  const now = Date.parse(view.now);
  const { active, finished } = split(view.goals);
  const repo = plainText(view.repository.name);
  const href = safeHref(view.repository.url);
  const name = href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(repo)}</a>` : escapeHtml(repo);
  const sum = summary(view.goals, view.active_total, now);
  const more = moreText(view.active_total, active.length);
  const esc = escapeHtml;
  const data = {
    repository: view.repository,
    goals: view.goals.map(rowData),
    active_total: view.active_total,
    now: view.now,
    ...(opts.pollSeconds ? { poll: opts.pollSeconds } : {}),
  };
  return (
    `<!doctype html><html lang="en" data-theme="${theme}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="${theme === 'auto' ? 'light dark' : theme}">` +
    `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
    `<title>${esc(repo)} · deadlines · GitDone</title>` +
    `<meta property="og:type" content="website"><meta property="og:site_name" content="GitDone">` +
    `<meta property="og:title" content="${esc(repo)} · deadlines">` +
    `<meta property="og:description" content="${esc(sum)}">` +
    `<meta property="og:url" content="${esc(opts.boardUrl)}">` +
    `<link rel="icon" href="data:,"><style>${STYLE}</style></head><body>` +
    `<main id="gd" aria-labelledby="gd-h">` +
    `<header><h1 id="gd-h">${name}</h1><p class="sum" id="gd-sum">${esc(sum)}</p></header>` +
    `<p class="note" id="gd-note"${view.repository.tracked ? ' hidden' : ''}>GitDone no longer tracks this repository</p>` +
    `<section aria-labelledby="gd-ah" id="gd-as"><h2 id="gd-ah">Active</h2>` +
    `<ol id="gd-active" aria-labelledby="gd-ah"${active.length ? '' : ' hidden'}>${active.map((g) => rowHtml(g, now)).join('')}</ol>` +
    `<p class="empty" id="gd-empty"${active.length ? ' hidden' : ''}>No active deadlines.</p>` +
    `<p class="more" id="gd-more"${more ? '' : ' hidden'}>${esc(more)}</p></section>` +
    `<section aria-labelledby="gd-fh" id="gd-fs"${finished.length ? '' : ' hidden'}><h2 id="gd-fh">Recently finished</h2>` +
    `<ol id="gd-done" aria-labelledby="gd-fh">${finished.map((g) => rowHtml(g, now)).join('')}</ol></section>` +
    `<p class="sr" id="gd-live" aria-live="polite"></p>` +
    `</main><script type="application/json" id="gd-data">${jsonForScript(data)}</script>` +
    `<script>${opts.script}</script></body></html>`
  );
}
