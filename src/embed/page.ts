import { createHash } from 'node:crypto';
import type { GoalState } from '../goals/types.js';
import type { GoalView } from './view.js';
import {
  cleanText,
  clockParts,
  escapeHtml,
  jsonForScript,
  longDuration,
  plainText,
  safeHref,
  zonedDeadline,
} from './format.js';

export type PageTheme = 'auto' | 'light' | 'dark';

export interface PageOptions {
  theme: PageTheme;
  /** Absolute URL of this page: og:url. The script polls `<this page's path>.json` on its own origin. */
  embedUrl: string;
  /** How often the page re-reads the JSON, in seconds (default 30). Tests make it short. */
  pollSeconds?: number;
}

const LABELS: Record<GoalState, string> = {
  on_track: 'On track',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  completed: 'Completed',
  completed_late: 'Completed late',
  cancelled: 'Cancelled',
};

const DARK =
  '--bg:#191919;--fg:rgba(255,255,255,.81);--mu:rgba(255,255,255,.46);--bd:rgba(255,255,255,.13);' +
  '--g:#4dab9a;--y:#ca9849;--r:#e6605a;--b:#529cca;--o:#ffa344;--n:#9b9a97;color-scheme:dark';

/**
 * One constant stylesheet (the CSP allows inline styles). Sizes follow the frame with
 * clamp(min(vw, vh)) so that 250x120 up to 900x400 fit without scrollbars; colours follow
 * Notion's light and dark pages.
 */
const STYLE = [
  '*{box-sizing:border-box;margin:0;padding:0}',
  ':root{--bg:#fff;--fg:#37352f;--mu:rgba(55,53,47,.65);--bd:rgba(55,53,47,.16);',
  '--g:#448361;--y:#b7791f;--r:#d44c47;--b:#337ea9;--o:#d9730d;--n:#787774;color-scheme:light}',
  `@media(prefers-color-scheme:dark){:root[data-theme=auto]{${DARK}}}`,
  `:root[data-theme=dark]{${DARK}}`,
  'html,body{height:100%}',
  'body{overflow:hidden;background:var(--bg);color:var(--fg);display:flex;align-items:center;justify-content:center;',
  'padding:clamp(3px,2vmin,14px);font:400 14px/1.25 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",',
  'Helvetica,Arial,sans-serif,"Apple Color Emoji","Segoe UI Emoji";-webkit-font-smoothing:antialiased}',
  'main{width:100%;max-height:100%;overflow:hidden;display:flex;flex-direction:column;',
  'gap:clamp(2px,1.8vh,10px);padding:clamp(6px,min(3vw,5vh),24px);border:1px solid var(--bd);border-radius:10px}',
  '[data-state=on_track]{--c:var(--g)}[data-state=due_soon]{--c:var(--y)}[data-state=overdue]{--c:var(--r)}',
  '[data-state=completed]{--c:var(--b)}[data-state=completed_late]{--c:var(--o)}[data-state=cancelled]{--c:var(--n)}',
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

/**
 * The one inline script. Constant (no per-goal data: that sits in the JSON block), so the
 * route's CSP can allow exactly it by hash. It ticks the countdown from the server's due_at
 * corrected for clock skew (server `now` against the client's Date.now()), reads
 * `<path>.json` right after load, then every 30 s and when the tab becomes visible or focused
 * (backing off on errors), and announces milestones in a polite live region. The page itself
 * may come from the browser's cache after a 304 (its ETag ignores the clock), so its embedded
 * `now` can be old: every read uses cache: 'no-store' and the skew is reset from that fresh `now`.
 */
const SCRIPT_SOURCE = `
(function(){
var d=document,E=function(i){return d.getElementById(i)};
var D=JSON.parse(E('gd-data').textContent),M=E('gd');
var skew=Date.parse(D.now)-Date.now(),last=null,tk=0,pt=0,fail=0,busy=0,lp=0;
var base=Math.max(1,D.poll||30)*1e3,url=location.pathname.replace(/\\/$/,'')+'.json';
var L={on_track:'On track',due_soon:'Due soon',overdue:'Overdue',completed:'Completed',completed_late:'Completed late',cancelled:'Cancelled'};
var A={due_soon:'Due soon: less than a day left',overdue:'Overdue: the deadline has passed',completed:'Completed',completed_late:'Completed after the deadline',cancelled:'Cancelled'};
function now(){return Date.now()+skew;}
function fin(s){return s=='cancelled'||s=='completed'||s=='completed_late';}
function state(n){
var s=D.status,due=Date.parse(D.due_at);
if(s=='cancelled')return s;
if(s=='completed')return D.completed_at&&Date.parse(D.completed_at)>due?'completed_late':'completed';
var l=due-n;return l<=0?'overdue':l<864e5?'due_soon':'on_track';
}
function clock(ms){
var t=Math.floor(Math.max(0,ms)/1e3),v=[Math.floor(t/86400),Math.floor(t/3600)%24,Math.floor(t/60)%60,t%60],h='',i=0,j;
while(i<2&&!v[i])i++;
for(j=i;j<4;j++)h+='<b>'+(j>i&&v[j]<10?'0':'')+v[j]+'</b><i>'+'dhms'.charAt(j)+'</i>';
return h;
}
function P(n,w){return n+' '+w+(n==1?'':'s');}
function rough(ms){var m=Math.floor(Math.abs(ms)/6e4),h=Math.floor(m/60),x=Math.floor(h/24);return x?P(x,'day'):h?P(h,'hour'):m?P(m,'minute'):'less than a minute';}
function put(i,v,html){var e=E(i);if(e._v===v)return;e._v=v;if(html)e.innerHTML=v;else e.textContent=v;}
function tick(){
var n=now(),s=state(n),due=Date.parse(D.due_at),b,c='';
if(s=='cancelled')b='Cancelled';
else if(fin(s)){var x=Date.parse(D.completed_at)||n;b='Done';c=rough(x-due)+(x>due?' late':' early');}
else if(s=='overdue'){b=clock(n-due);c='over';}
else{b=clock(due-n);c='left';}
put('gd-big',b,1);put('gd-cap',c);put('gd-pill',L[s]);
if(M.getAttribute('data-state')!=s)M.setAttribute('data-state',s);
if(last&&s!=last&&A[s])put('gd-live',A[s]+': '+D.title);
last=s;clearTimeout(tk);
if(!fin(s))tk=setTimeout(tick,1e3-n%1e3+15);
}
function fmt(tz,o){o.weekday='short';o.day='numeric';o.month='short';o.year='numeric';o.hour='2-digit';o.minute='2-digit';o.hourCycle='h23';if(tz)o.timeZone=tz;return new Intl.DateTimeFormat(tz?'en-GB':void 0,o);}
function when(moved){
var t=new Date(D.due_at),z,f,e;
try{
if(moved){
var tz=D.timezone,off=new Intl.DateTimeFormat('en-GB',{timeZone:tz,timeZoneName:'longOffset'}).formatToParts(t).pop().value.replace('GMT','UTC');
put('gd-zt',fmt(tz,{}).format(t));put('gd-zn',/^(Etc\\/)?UTC$/.test(tz)?'UTC':tz+' ('+(off=='UTC'?'UTC+00:00':off)+')');
E('gd-due').setAttribute('datetime',D.due_at);
}
f=fmt(0,{timeZoneName:'short'});z=f.resolvedOptions().timeZone;
e=E('gd-local');e.hidden=z==D.timezone||(/^(Etc\\/)?UTC$/.test(z)&&/^(Etc\\/)?UTC$/.test(D.timezone));
put('gd-lt',f.format(t));E('gd-lt').setAttribute('datetime',D.due_at);
}catch(x){}
}
function sched(ms){clearTimeout(pt);pt=setTimeout(poll,ms);}
function apply(j){
if(!j||typeof j.due_at!='string'||typeof j.status!='string')return;
var moved=j.due_at!=D.due_at||j.timezone!=D.timezone;
D.status=j.status;D.due_at=j.due_at;D.completed_at=j.completed_at||null;D.timezone=j.timezone;
if(typeof j.title=='string'&&j.title!=D.title){D.title=j.title;E('gd-title').textContent=j.title;d.title=j.title+' \\u00b7 GitDone';}
if(typeof j.tracked=='boolean')E('gd-note').hidden=j.tracked;
if(j.now&&!isNaN(Date.parse(j.now)))skew=Date.parse(j.now)-Date.now();
if(moved)when(1);
tick();
}
function poll(){
if(d.hidden||busy)return;
busy=1;lp=Date.now();
fetch(url,{cache:'no-store',credentials:'omit',headers:{accept:'application/json'}})
.then(function(r){if(!r.ok)throw new Error(r.status);return r.json();})
.then(function(j){busy=0;fail=0;apply(j);sched(fin(last)?base*10:base);},
function(){busy=0;fail++;sched(Math.min(base*Math.pow(2,fail),6e5));});
}
function wake(){if(!d.hidden&&Date.now()-lp>1e3){tick();poll();}}
d.addEventListener('visibilitychange',wake);
addEventListener('focus',wake);
tick();when(0);poll();
})();
`
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean)
  .join('\n');

/** The exact text between <script> and </script>. */
export const PAGE_SCRIPT = SCRIPT_SOURCE;

/** CSP source for the inline script, quotes included, ready for `script-src`: `'sha256-…'`. */
export const PAGE_SCRIPT_HASH = `'sha256-${createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64')}'`;

/** The Content-Security-Policy the page is meant to be served with. */
export const PAGE_CSP =
  `default-src 'none'; style-src 'unsafe-inline'; script-src ${PAGE_SCRIPT_HASH}; connect-src 'self'; ` +
  `img-src data:; frame-ancestors *; base-uri 'none'; form-action 'none'`;

function bigHtml(view: GoalView): { big: string; cap: string } {
  const now = Date.parse(view.now);
  const due = Date.parse(view.due_at);
  const clock = (ms: number): string => clockParts(ms).map(([n, u]) => `<b>${n}</b><i>${u}</i>`).join('');
  switch (view.state) {
    case 'cancelled':
      return { big: 'Cancelled', cap: '' };
    case 'completed':
    case 'completed_late': {
      const at = view.completed_at ? Date.parse(view.completed_at) : now;
      return { big: 'Done', cap: `${longDuration(at - due)} ${at > due ? 'late' : 'early'}` };
    }
    case 'overdue':
      return { big: clock(now - due), cap: 'over' };
    default:
      return { big: clock(due - now), cap: 'left' };
  }
}

/** The countdown page of `/embed/<token>`: self-contained, under 14 KB, no external request. */
export function renderPage(view: GoalView, opts: PageOptions): string {
  const theme: PageTheme = opts.theme === 'light' || opts.theme === 'dark' ? opts.theme : 'auto';
  const title = cleanText(view.title);
  const plainTitle = plainText(view.title);
  const repo = plainText(view.repo);
  const { time, zone } = zonedDeadline(view.due_at, view.timezone);
  const { big, cap } = bigHtml(view);
  const label = LABELS[view.state];
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
    `<script>${PAGE_SCRIPT}</script></body></html>`
  );
}
