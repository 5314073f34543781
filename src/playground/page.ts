import { createHash } from 'node:crypto';
import { ROLES } from './input.js';
import { PLAYGROUND_SCRIPT } from './page-script.js';

/**
 * `/playground`: an issue thread in GitHub's look (Primer's colours, light and dark by the
 * reader's preference), with the controls beside it. One constant page: everything that
 * changes comes from `/playground/state`, which the script polls. Self-contained (no fonts,
 * images or scripts from elsewhere), so the CSP allows exactly its own style and script by
 * hash, requests to its own origin, and frames of its own embeds.
 */

const LIGHT =
  '--bg:#fff;--fg:#1f2328;--mu:#59636e;--bd:#d1d9e0;--sub:#f6f8fa;--ac:#0969da;--ok:#1f883d;--okfg:#fff;' +
  '--done:#8250df;--hl:#ddf4ff;--bad:#d1242f;color-scheme:light';
const DARK =
  '--bg:#0d1117;--fg:#f0f6fc;--mu:#9198a1;--bd:#3d444d;--sub:#151b23;--ac:#4493f8;--ok:#238636;--okfg:#fff;' +
  '--done:#8957e5;--hl:#121d2f;--bad:#f85149;color-scheme:dark';

const STYLE = [
  `:root{${LIGHT}}@media(prefers-color-scheme:dark){:root{${DARK}}}`,
  '*{box-sizing:border-box}',
  'body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",',
  'Helvetica,Arial,sans-serif,"Apple Color Emoji","Segoe UI Emoji"}',
  'a{color:var(--ac)}code,pre,kbd{font:12px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,monospace}',
  '.banner{background:var(--sub);border-bottom:1px solid var(--bd);padding:8px 24px;color:var(--mu);font-size:13px}',
  '.banner b{color:var(--fg)}',
  'main{max-width:1280px;margin:0 auto;padding:20px 24px 48px}',
  'h1{font-size:26px;font-weight:400;margin:0 0 8px;line-height:1.25}h1 .num{color:var(--mu);font-weight:300}',
  '.meta{display:flex;align-items:center;gap:8px;color:var(--mu);padding-bottom:16px;border-bottom:1px solid var(--bd);margin-bottom:16px}',
  '.state{display:inline-flex;align-items:center;gap:4px;padding:4px 12px;border-radius:2em;color:#fff;font-weight:500;background:var(--ok)}',
  '.state.closed{background:var(--done)}',
  '.cols{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:24px;align-items:start}',
  '@media(max-width:960px){.cols{grid-template-columns:minmax(0,1fr)}}',
  '.timeline{list-style:none;margin:0;padding:0}',
  '.item{display:flex;gap:12px;margin-bottom:16px}',
  '.av{flex:none;width:40px;height:40px;border-radius:50%;display:flex;align-items:center;justify-content:center;',
  'font-weight:600;font-size:14px;color:#fff;user-select:none}',
  '.av.bot{border-radius:8px;background:var(--ac)}',
  '.c0{background:#0969da}.c1{background:#8250df}.c2{background:#bf3989}.c3{background:#1a7f37}',
  '.c4{background:#9a6700}.c5{background:#cf222e}.c6{background:#1b7c83}.c7{background:#6e7781}',
  '.box{flex:1;min-width:0;border:1px solid var(--bd);border-radius:6px;background:var(--bg)}',
  '.bh{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:8px 16px;background:var(--sub);',
  'border-bottom:1px solid var(--bd);border-radius:6px 6px 0 0;color:var(--mu)}',
  '.mine .box{border-color:color-mix(in srgb,var(--ac) 40%,var(--bd))}.mine .bh{background:var(--hl)}',
  '.bh b{color:var(--fg)}.label{border:1px solid var(--bd);border-radius:2em;padding:0 7px;font-size:12px;font-weight:500}',
  '.md{padding:12px 16px;overflow-wrap:anywhere}.md>:first-child{margin-top:0}.md>:last-child{margin-bottom:0}',
  '.md p,.md ul,.md ol,.md pre,.md table,.md details{margin:0 0 12px}.md ul,.md ol{padding-left:2em}',
  '.md code{background:color-mix(in srgb,var(--mu) 15%,transparent);padding:.2em .4em;border-radius:6px}',
  '.md pre{background:var(--sub);padding:12px 16px;border-radius:6px;overflow:auto}.md pre code{background:none;padding:0}',
  '.md table{border-collapse:collapse}.md th,.md td{border:1px solid var(--bd);padding:4px 10px}',
  '.md summary{cursor:pointer}',
  '.reacts{display:flex;gap:6px;padding:0 16px 12px}',
  '.react{display:inline-flex;gap:4px;align-items:center;border:1px solid var(--bd);border-radius:2em;padding:0 8px;',
  'font-size:12px;line-height:22px;background:var(--sub)}.react b{color:var(--ac);font-weight:500}',
  '.ev{display:flex;align-items:center;gap:10px;margin:0 0 16px 14px;padding-left:14px;border-left:2px solid var(--bd);',
  'color:var(--mu);min-height:32px;overflow-wrap:anywhere}',
  '.ev b{color:var(--fg)}.evi{flex:none;width:28px;height:28px;border-radius:50%;display:flex;align-items:center;',
  'justify-content:center;background:var(--sub);border:1px solid var(--bd);color:var(--fg);font-size:13px;margin-left:-29px}',
  '.evi.done{background:var(--done);border-color:var(--done);color:#fff}',
  '.composer textarea{display:block;width:100%;min-height:96px;border:0;border-bottom:1px solid var(--bd);padding:10px 16px;',
  'resize:vertical;background:var(--bg);color:var(--fg);font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}',
  '.composer textarea:focus{outline:2px solid var(--ac);outline-offset:-2px}',
  '.chips{display:flex;flex-wrap:wrap;gap:6px;padding:8px 16px 0}',
  '.chip{border:1px solid var(--bd);border-radius:2em;background:var(--sub);color:var(--fg);padding:1px 10px;cursor:pointer;',
  'font:12px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}.chip:hover{border-color:var(--ac)}',
  '.bf{display:flex;align-items:center;justify-content:flex-end;gap:8px;padding:10px 16px}',
  '.note{flex:1;color:var(--mu);font-size:12px}.note.bad{color:var(--bad)}',
  '.btn{border:1px solid var(--bd);border-radius:6px;background:var(--sub);color:var(--fg);padding:5px 16px;',
  'font:500 14px/20px inherit;font-family:inherit;cursor:pointer}.btn:hover{border-color:var(--mu)}',
  '.btn.primary{background:var(--ok);border-color:rgba(31,35,40,.15);color:var(--okfg)}',
  '.btn:disabled{opacity:.6;cursor:wait}',
  'aside section{border-bottom:1px solid var(--bd);padding:0 0 16px;margin:0 0 16px}',
  'aside h2{font-size:12px;font-weight:600;color:var(--mu);margin:0 0 8px}',
  'aside label{display:block;font-size:12px;color:var(--mu);margin:0 0 8px}',
  'aside input,aside select{display:block;width:100%;margin-top:3px;padding:5px 8px;border:1px solid var(--bd);',
  'border-radius:6px;background:var(--bg);color:var(--fg);font:14px/20px inherit;font-family:inherit}',
  '.row{display:flex;gap:8px}.row>label{flex:1}',
  '#embed{display:block;width:100%;height:168px;border:1px solid var(--bd);border-radius:6px;background:var(--bg)}',
  '.muted{color:var(--mu);font-size:12px;margin:0}',
  '.deliveries{list-style:none;margin:0;padding:0;font-size:12px}',
  '.deliveries li{display:flex;gap:6px;align-items:baseline;padding:2px 0;color:var(--mu)}',
  '.deliveries .st{font-weight:600;color:var(--ok)}.deliveries .st.bad{color:var(--bad)}',
  '.deliveries code{color:var(--fg)}',
  '#how p{font-size:12px;color:var(--mu);margin:0 0 8px}',
  '[hidden]{display:none!important}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
].join('');

const EXAMPLES = [
  '/deadline tomorrow 5pm Try GitDone keyword=try-it',
  '/deadline in 2m A quick one keyword=quick',
  '/deadline list',
  '/deadline done try-it',
  '/deadline help',
];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const BODY = `
<div class="banner"><b>GitDone playground</b> · GitDone runs for real on this machine; a stand-in plays the part of GitHub. Nothing here leaves this machine.</div>
<main>
  <h1><span id="title">Try GitDone</span> <span class="num" id="number">#1</span></h1>
  <div class="meta"><span class="state" id="state">Open</span><span id="meta">you/playground</span></div>
  <div class="cols">
    <section aria-label="Issue thread">
      <ol class="timeline" id="items" aria-live="polite"></ol>
      <form class="item composer" id="composer" autocomplete="off">
        <div class="av c0" id="me" aria-hidden="true">AL</div>
        <div class="box">
          <div class="bh"><span>Comment as <b id="me-name">alice</b> <span class="label" id="me-role">write</span></span></div>
          <label class="sr" for="body">Comment</label>
          <textarea id="body" placeholder="Leave a comment. Try: ${escape(EXAMPLES[0]!)}"></textarea>
          <div class="chips" aria-label="Examples">${EXAMPLES.map((e) => `<button type="button" class="chip" data-text="${escape(e)}">${escape(e)}</button>`).join('')}</div>
          <div class="bf">
            <span class="note" id="note" role="status"></span>
            <button type="button" class="btn" id="close">Close issue</button>
            <button type="submit" class="btn primary" id="send">Comment</button>
          </div>
        </div>
      </form>
    </section>
    <aside>
      <section>
        <h2>You</h2>
        <div class="row">
          <label>User name<input id="author" value="alice" maxlength="39" spellcheck="false" autocomplete="off"></label>
          <label>Role in you/playground<select id="role">${ROLES.map((r) => `<option${r === 'write' ? ' selected' : ''}>${r}</option>`).join('')}</select></label>
        </div>
        <p class="muted">GitDone asks GitHub's collaborator-permission API for this role before it carries out a command (it needs <b>write</b> by default; <code>help</code> and <code>list</code> need none).</p>
      </section>
      <section>
        <h2>Live embed</h2>
        <p class="muted" id="embed-empty">The countdown of the last goal GitDone wrote about shows here.</p>
        <iframe id="embed" title="GitDone countdown" hidden></iframe>
      </section>
      <section>
        <h2>Push a commit</h2>
        <form id="push" autocomplete="off">
          <div class="row">
            <label>Branch<input id="branch" value="main" spellcheck="false"></label>
            <label>Message<input id="message" value="try-it done" spellcheck="false"></label>
          </div>
          <button type="submit" class="btn" id="push-send">Push</button>
        </form>
      </section>
      <section>
        <h2>Recent deliveries</h2>
        <ol class="deliveries" id="deliveries"><li>None yet.</li></ol>
      </section>
      <section id="how">
        <h2>How it works</h2>
        <p>Each action is kept by the stand-in GitHub, then sent to GitDone as the signed webhook GitHub would send (<code>POST /api/github/webhooks</code>). GitDone records it, its worker checks the role, and it answers through its real Octokit, here to the stand-in, which this page reads.</p>
        <p>Replies are paced as on GitHub: Octokit leaves about a second between GitDone's writes and three seconds between its comments, so a command right after another waits its turn.</p>
        <p>Everything lives on this machine and starts afresh with every <code>npm run playground</code>.</p>
      </section>
    </aside>
  </div>
</main>`;

const SCRIPT_HASH = `'sha256-${createHash('sha256').update(PLAYGROUND_SCRIPT, 'utf8').digest('base64')}'`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

export const PLAYGROUND_CSP =
  `default-src 'none'; script-src ${SCRIPT_HASH}; style-src ${STYLE_HASH}; connect-src 'self'; frame-src 'self'; ` +
  `img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function renderPlaygroundPage(): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">' +
    // No favicon request (it would be a 404 in the console).
    '<link rel="icon" href="data:,">' +
    `<title>GitDone playground</title><style>${STYLE}</style></head><body>${BODY}<script>${PLAYGROUND_SCRIPT}</script></body></html>`
  );
}
