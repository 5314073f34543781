import { escapeHtml } from './escape.js';

/** The `/` page: what GitDone is and how to use it. Static HTML, no script, no external request. */
export function renderLanding(opts: { publicUrl: string }): string {
  const base = escapeHtml(opts.publicUrl.replace(/\/+$/, ''));
  const embed = `${base}/embed/&lt;token&gt;`;
  const shieldsUrl = `${escapeHtml(encodeURIComponent(`${opts.publicUrl.replace(/\/+$/, '')}/embed/`))}&lt;token&gt;%2Fshields.json`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><title>GitDone · deadlines for GitHub issues</title>' +
    '<meta name="description" content="Type /deadline in a GitHub issue: get a live countdown for Notion, a README badge, reminders, and done when the keyword commit lands.">' +
    '<link rel="icon" href="data:,"><style>' +
    ':root{color-scheme:light dark;--bg:#fff;--fg:#37352f;--mu:rgba(55,53,47,.65);--bd:rgba(55,53,47,.16);--cd:rgba(135,131,120,.15)}' +
    '@media(prefers-color-scheme:dark){:root{--bg:#191919;--fg:rgba(255,255,255,.81);--mu:rgba(255,255,255,.46);--bd:rgba(255,255,255,.13);--cd:rgba(135,131,120,.25)}}' +
    'body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}' +
    'main{max-width:720px;margin:0 auto;padding:clamp(16px,5vw,48px)}h1{font-size:clamp(28px,6vw,40px);margin:0 0 .2em}' +
    'h2{font-size:20px;margin:1.8em 0 .4em}p,li{color:var(--fg)}.lead{color:var(--mu);font-size:18px;margin-top:0}' +
    'code,pre{font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--cd);border-radius:4px}' +
    'code{padding:.1em .35em}pre{padding:12px 14px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}' +
    'table{border-collapse:collapse}td{padding:2px 12px 2px 0;vertical-align:top}' +
    '</style></head><body><main>' +
    '<h1>GitDone</h1>' +
    '<p class="lead">Deadlines for GitHub issues and pull requests: a live countdown you can embed in Notion, ' +
    'a README badge, reminders before the deadline, and done when the commit lands.</p>' +
    '<h2>1. Install the app</h2>' +
    '<p>Install the GitDone GitHub App on the repositories you want to track. Optionally add ' +
    '<code>.github/gitdone.yml</code> to set a <code>timezone</code>, the tracked <code>branches</code> and reminder times.</p>' +
    '<h2>2. Set a deadline</h2>' +
    '<p>Comment on an issue or pull request:</p>' +
    '<pre>/deadline 2030-01-15 17:00 Ship v1 keyword=ship-v1 tz=Europe/Berlin\n/deadline next friday 5pm\n/deadline in 3 days</pre>' +
    '<table><tr><td><code>/deadline list</code></td><td>the goals of the issue or repository</td></tr>' +
    '<tr><td><code>/deadline move &lt;keyword&gt; &lt;when&gt;</code></td><td>a new deadline</td></tr>' +
    '<tr><td><code>/deadline done &lt;keyword&gt;</code></td><td>mark it done by hand</td></tr>' +
    '<tr><td><code>/deadline cancel &lt;keyword&gt;</code></td><td>drop it</td></tr>' +
    '<tr><td><code>/deadline board</code></td><td>one live page, and a calendar feed, with all the repository\'s goals</td></tr>' +
    '<tr><td><code>/deadline unshare &lt;keyword&gt;</code></td><td>withdraw a link (<code>share</code> makes a new one)</td></tr>' +
    '<tr><td><code>/deadline help</code></td><td>all of the above</td></tr></table>' +
    '<p>GitDone answers with the countdown link. The goal is completed when a commit whose message contains the keyword ' +
    'reaches a tracked branch, when the issue is closed as completed or the pull request merged, or by <code>/deadline done</code>.</p>' +
    '<h2>3. Show it</h2>' +
    `<p>Live countdown (paste the link into Notion and choose <em>Embed</em>; add <code>?theme=light</code> or <code>?theme=dark</code> to force a theme):</p>` +
    `<pre>${embed}</pre>` +
    '<p>README badge:</p>' +
    `<pre>![deadline](${embed}.svg)</pre>` +
    '<p>Or through shields.io, calendar and JSON:</p>' +
    `<pre>https://img.shields.io/endpoint?url=${shieldsUrl}\n${embed}.ics\n${embed}.json</pre>` +
    '<p>The token in these links is the goal\'s secret: anyone who has the link can see the goal\'s title, repository and deadline.</p>' +
    '</main></body></html>'
  );
}
