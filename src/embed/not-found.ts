import { makeBadge } from 'badge-maker';
import { BADGE_COLORS } from './badge.js';
import { renderIcsError } from './ics.js';
import type { ShieldsEndpoint } from './shields.js';

/**
 * What a dead link answers, in the shape of the variant that was asked for, so that it still
 * looks right where it is shown: a page in an iframe, a badge in a README (never an HTML error
 * there), a shields.io endpoint, a calendar. Two ways to be dead: the token never existed
 * (404), or its link was withdrawn with `/deadline unshare` or replaced by `share` (410).
 */
export type DeadReason = 'not_found' | 'withdrawn';
export type DeadWhat = 'countdown' | 'board';

const WORDS: Record<DeadReason, Record<DeadWhat, { title: string; text: string }>> = {
  not_found: {
    countdown: { title: 'This countdown does not exist', text: 'The link may be mistyped, or the goal was removed.' },
    board: { title: 'This board does not exist', text: 'The link may be mistyped.' },
  },
  withdrawn: {
    countdown: { title: 'This link was withdrawn', text: 'Whoever shared this countdown took the link back. Ask them for the new one.' },
    board: { title: 'This board\u2019s link was withdrawn', text: 'Whoever shared this board took the link back. Ask them for the new one.' },
  },
};

/** The small HTML answer for a dead page link. Self-contained, no script. */
export function renderNotFoundPage(reason: DeadReason = 'not_found', what: DeadWhat = 'countdown'): string {
  const { title, text } = WORDS[reason][what];
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">' +
    `<title>${reason === 'withdrawn' ? 'Withdrawn' : 'Not found'} · GitDone</title><link rel="icon" href="data:,"><style>` +
    ':root{color-scheme:light dark;--bg:#fff;--fg:#37352f;--mu:rgba(55,53,47,.65)}' +
    '@media(prefers-color-scheme:dark){:root{--bg:#191919;--fg:rgba(255,255,255,.81);--mu:rgba(255,255,255,.46)}}' +
    'html,body{height:100%;margin:0}body{display:flex;align-items:center;justify-content:center;overflow:hidden;' +
    'background:var(--bg);color:var(--fg);font:14px/1.4 ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;' +
    'text-align:center;padding:8px;box-sizing:border-box}h1{font-size:clamp(15px,5vw,22px);margin:0 0 .3em}p{margin:0;color:var(--mu)}' +
    `</style></head><body><main><h1>${title}</h1>` +
    `<p>${text}</p></main></body></html>`
  );
}

const BADGE_WORDS: Record<DeadReason, string> = { not_found: 'not found', withdrawn: 'link withdrawn' };

/** "deadline | link withdrawn" (or "not found"), grey: what a README shows for a dead badge link. */
export function renderDeadBadge(reason: DeadReason): string {
  return makeBadge({ label: 'deadline', message: BADGE_WORDS[reason], color: BADGE_COLORS.cancelled, style: 'flat' });
}

/**
 * The shields.io endpoint's answer for a dead link: valid endpoint JSON (no key outside its
 * schema, which shields.io refuses) with `isError: true`, so the badge reads
 * "deadline | link withdrawn" in shields.io's error colour.
 */
export function renderDeadShields(reason: DeadReason): ShieldsEndpoint & { isError: true } {
  return { schemaVersion: 1, label: 'deadline', message: BADGE_WORDS[reason], color: 'lightgrey', isError: true, cacheSeconds: 300 };
}

/** `.json` for a dead link. */
export function renderDeadJson(reason: DeadReason, what: DeadWhat): { error: 'not_found' | 'gone'; message: string } {
  return reason === 'withdrawn'
    ? { error: 'gone', message: what === 'board' ? "This board's link was withdrawn." : 'This link was withdrawn.' }
    : { error: 'not_found', message: what === 'board' ? 'No board has this token.' : 'No goal has this embed token.' };
}

/** `.ics` for a dead link: a calendar with no event, named after what happened. */
export function renderDeadIcs(reason: DeadReason, what: DeadWhat): string {
  return renderIcsError(WORDS[reason][what].title);
}
