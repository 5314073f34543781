/** The small HTML answer for an unknown embed token (404). Self-contained, no script. */
export function renderNotFoundPage(): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">' +
    '<title>Not found · GitDone</title><link rel="icon" href="data:,"><style>' +
    ':root{color-scheme:light dark;--bg:#fff;--fg:#37352f;--mu:rgba(55,53,47,.65)}' +
    '@media(prefers-color-scheme:dark){:root{--bg:#191919;--fg:rgba(255,255,255,.81);--mu:rgba(255,255,255,.46)}}' +
    'html,body{height:100%;margin:0}body{display:flex;align-items:center;justify-content:center;overflow:hidden;' +
    'background:var(--bg);color:var(--fg);font:14px/1.4 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;' +
    'text-align:center;padding:8px;box-sizing:border-box}h1{font-size:clamp(15px,5vw,22px);margin:0 0 .3em}p{margin:0;color:var(--mu)}' +
    '</style></head><body><main><h1>This countdown does not exist</h1>' +
    '<p>The link may be mistyped, or the goal was removed.</p></main></body></html>'
  );
}
