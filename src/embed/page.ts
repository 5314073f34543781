import { frame } from './countdown.js';
import { cleanText, escapeHtml, jsonForScript, plainText, safeHref } from './escape.js';
import type { GoalView } from './view.js';

export type PageTheme = 'auto' | 'light' | 'dark';

export interface PageOptions {
  theme: PageTheme;
  /** Absolute URL of this page: og:url. The script polls `<this page's path>.json` on its own origin. */
  embedUrl: string;
  /** How often the page re-reads the JSON, in seconds (default 30). Tests make it short. */
  pollSeconds?: number;
  /** The page's script (embed/page-bundle.ts builds it from page-script.ts), inlined as it is. */
  script: string;
}


const DARK =
  '--bg:#191919;--fg:rgba(255,255,255,.81);--mu:rgba(255,255,255,.46);--bd:rgba(255,255,255,.13);' +
  '--g:#4dab9a;--y:#ca9849;--r:#e6605a;--b:#529cca;--o:#ffa344;--n:#9b9a97;color-scheme:dark';

/**
 * Notion's light and dark colours, and the state colour `--c` of each `[data-state]`: the
 * countdown page and the board (embed/board.ts) share them. `<html data-theme>` picks one.
 */
export const THEME_STYLE = [
  ':root{--bg:#fff;--fg:#37352f;--mu:rgba(55,53,47,.65);--bd:rgba(55,53,47,.16);',
  '--g:#448361;--y:#b7791f;--r:#d44c47;--b:#337ea9;--o:#d9730d;--n:#787774;color-scheme:light}',
  `@media(prefers-color-scheme:dark){:root[data-theme=auto]{${DARK}}}`,
  `:root[data-theme=dark]{${DARK}}`,
  '[data-state=on_track]{--c:var(--g)}[data-state=due_soon]{--c:var(--y)}[data-state=overdue]{--c:var(--r)}',
  '[data-state=completed]{--c:var(--b)}[data-state=completed_late]{--c:var(--o)}[data-state=cancelled]{--c:var(--n)}',
].join('');

/**
 * One constant stylesheet (the CSP allows inline styles). Sizes follow the frame with
 * clamp(min(vw, vh)) so that 250x120 up to 900x400 fit without scrollbars; colours follow
 * Notion's light and dark pages.
 */
const STYLE = [
  '*{box-sizing:border-box;margin:0;padding:0}',
  THEME_STYLE,
  'html,body{height:100%}',
  'body{overflow:hidden;background:var(--bg);color:var(--fg);display:flex;align-items:center;justify-content:center;',
  'padding:clamp(3px,2vmin,14px);font:400 14px/1.25 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",',
  'Helvetica,Arial,sans-serif,"Apple Color Emoji","Segoe UI Emoji";-webkit-font-smoothing:antialiased}',
  'main{width:100%;max-height:100%;overflow:hidden;display:flex;flex-direction:column;',
  'gap:clamp(2px,1.8vh,10px);padding:clamp(6px,min(3vw,5vh),24px);border:1px solid var(--bd);border-radius:10px}',
  'header,.due,.local,.note{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;',
  'font-size:clamp(10px,min(3.2vw,8vh),13px);color:var(--mu)}header{display:flex;align-items:center;gap:.6em}',
  '.pill{flex:none;padding:.15em .7em;border-radius:99px;font-weight:600;color:var(--c);',
  'background:color-mix(in srgb,var(--c) 15%,transparent);transition:color .4s,background-color .4s}',
  '.pill:before{content:"";display:inline-block;width:.5em;height:.5em;border-radius:50%;background:currentColor;',
  'margin-right:.45em;vertical-align:.1em}',
  'a{color:inherit;text-decoration:none;overflow:hidden;text-overflow:ellipsis}a:hover{text-decoration:underline}',
  'h1{font-size:clamp(13px,min(4.6vw,11vh),24px);font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
  '@media(min-height:200px){h1{white-space:normal;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}}',
  '.timer{display:flex;align-items:baseline;gap:.3em;white-space:nowrap;font-size:clamp(20px,min(8.5vw,24vh),64px);',
  'font-weight:700;line-height:1.1;letter-spacing:-.02em;font-variant-numeric:tabular-nums}',
  '.big i{font-style:normal;font-weight:500;font-size:.5em;color:var(--mu);margin:0 .4em 0 .06em;letter-spacing:0}',
  '.big i:last-child{margin-right:0}[data-state=overdue] .big,[data-state^=completed] .big,[data-state=cancelled] .big{color:var(--c)}',
  '.cap{font-size:.4em;font-weight:500;color:var(--mu);letter-spacing:0}',
  '.note{color:var(--o)}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  '[hidden]{display:none!important}',
  '@media(max-height:170px){.local,.note:not([hidden])+.due{display:none}}',
  // Wide frames: the countdown gets its own column on the right.
  '@media(min-width:720px){main{display:grid;grid-template-columns:minmax(0,1fr) auto;column-gap:clamp(16px,4vw,48px);',
  'row-gap:0}main>*{grid-column:1;margin:3px 0}.timer{grid-column:2;grid-row:1/span 9;align-self:center;',
  'font-size:clamp(20px,min(6vw,30vh),72px)}}',
  '@media(prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}',
].join('');

/** The countdown page of `/embed/<token>`: self-contained, under 14 KB, no external request. */
export function renderPage(view: GoalView, opts: PageOptions): string {
  const theme: PageTheme = opts.theme === 'light' || opts.theme === 'dark' ? opts.theme : 'auto';
  const title = cleanText(view.title);
  const plainTitle = plainText(view.title);
  const repo = plainText(view.repo);
  // The first frame, drawn by the same code the page's script redraws with.
  const { time, zone, big, cap, label } = frame(view, Date.parse(view.now));
  const href = safeHref(view.issue_url);
  const ref = `${repo}#${view.issue}`;
  const link = href
    ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(ref)}</a>`
    : `<span>${escapeHtml(ref)}</span>`;
  const description = `${label} · due ${time}, ${zone} · ${ref}`;
  const data = {
    title,
    due_at: view.due_at,
    now: view.now,
    status: view.status,
    completed_at: view.completed_at,
    timezone: view.timezone,
    tracked: view.tracked,
    ...(opts.pollSeconds ? { poll: opts.pollSeconds } : {}),
  };
  const esc = escapeHtml;
  return (
    `<!doctype html><html lang="en" data-theme="${theme}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="${theme === 'auto' ? 'light dark' : theme}">` +
    `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
    `<title>${esc(plainTitle)} · GitDone</title>` +
    `<meta property="og:type" content="website"><meta property="og:site_name" content="GitDone">` +
    `<meta property="og:title" content="${esc(plainTitle)}">` +
    `<meta property="og:description" content="${esc(description)}">` +
    `<meta property="og:url" content="${esc(opts.embedUrl)}">` +
    `<link rel="icon" href="data:,"><style>${STYLE}</style></head><body>` +
    `<main id="gd" data-state="${view.state}">` +
    `<header><span class="pill" id="gd-pill">${label}</span>${link}</header>` +
    `<h1 dir="auto"><bdi id="gd-title">${esc(title)}</bdi></h1>` +
    `<div class="timer" role="timer" aria-atomic="true"><span class="big" id="gd-big">${big}</span>` +
    `<span class="cap" id="gd-cap">${cap}</span></div>` +
    `<p class="note" id="gd-note"${view.tracked ? ' hidden' : ''}>GitDone no longer tracks this repository</p>` +
    `<p class="due">Due <time id="gd-due" datetime="${esc(view.due_at)}"><span id="gd-zt">${esc(time)}</span></time>` +
    ` · <span id="gd-zn">${esc(zone)}</span></p>` +
    `<p class="local" id="gd-local" hidden>Your time: <time id="gd-lt" datetime="${esc(view.due_at)}"></time></p>` +
    `<p class="sr" id="gd-live" aria-live="polite"></p>` +
    `</main><script type="application/json" id="gd-data">${jsonForScript(data)}</script>` +
    `<script>${opts.script}</script></body></html>`
  );
}
