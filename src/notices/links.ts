import type { Goal } from '../goals/types.js';
import { code, quote } from '../markdown/inert.js';
import { badgeMarkdown, embedUrl } from './bodies.js';

/**
 * Replies to `board`, `share` and `unshare` (pure). Only GitDone's own words and URLs, the
 * keyword as code and the title quoted: nothing a user typed becomes live.
 */

export function boardUrl(token: string, publicUrl: string): string {
  return `${publicUrl}/board/${token}`;
}

const label = (goal: Goal) => `${quote(goal.title, { max: 200 })} (${code(goal.keyword)})`;

function boardHowTo(url: string): string[] {
  return [
    '<details><summary>Embed it in Notion, or subscribe in a calendar</summary>',
    '',
    `In Notion, type \`/embed\`, paste ${url} and resize the block. ` +
      'Add `?theme=light` or `?theme=dark` to fix the colours; by default the page follows the reader\'s.',
    `Calendar feed, one event per active goal (subscribe to it by URL): ${url}.ics`,
    `JSON: ${url}.json`,
    '',
    'Anyone with this link sees every goal of this repository: titles, issue numbers, deadlines. ' +
      '`/deadline unshare board` withdraws it.',
    '',
    '</details>',
  ];
}

/** `/deadline board`: the repository's one board link, the same every time. */
export function boardReply(token: string, publicUrl: string, fresh: boolean): string {
  const url = boardUrl(token, publicUrl);
  return [`📋 **${fresh ? 'Board created' : 'Board'}:** ${url}`, '', 'Every goal of this repository on one live page.', '', ...boardHowTo(url)].join('\n');
}

/** `/deadline share board`: a new board link. */
export function boardSharedReply(token: string, publicUrl: string, replaced: boolean): string {
  const url = boardUrl(token, publicUrl);
  return [
    `🔗 **New board link:** ${url}`,
    '',
    replaced ? 'The previous link now answers "410 Gone".' : 'This repository\'s board had no working link before.',
    '',
    ...boardHowTo(url),
  ].join('\n');
}

/** `/deadline unshare board`. */
export function boardUnsharedReply(): string {
  return (
    '🔒 **The board\'s link is withdrawn.** Its page, calendar feed and JSON now answer "410 Gone". ' +
    '`/deadline share board` makes a new link.'
  );
}

/** `/deadline share <keyword>`: a fresh link for the goal. */
export function goalSharedReply(goal: Goal, publicUrl: string, replaced: boolean): string {
  const url = embedUrl(goal, publicUrl);
  return [
    `🔗 **New link for** ${label(goal)}: ${url}`,
    '',
    replaced ? 'The previous link (page, badge, calendar and JSON) now answers "410 Gone".' : 'Its previous link stays withdrawn.',
    '',
    '<details><summary>Badge for a README, and how to embed it in Notion</summary>',
    '',
    '```markdown',
    badgeMarkdown(goal, publicUrl),
    '```',
    '',
    `In Notion, type \`/embed\`, paste ${url} and resize the block.`,
    `Calendar: ${url}.ics`,
    '',
    '</details>',
  ].join('\n');
}

/** `/deadline unshare <keyword>`. */
export function goalUnsharedReply(goal: Goal): string {
  return (
    `🔒 **The link of** ${label(goal)} **is withdrawn.** Its countdown page, badge, calendar and JSON now answer "410 Gone"; ` +
    `the goal itself is unchanged (and still on the repository's board). \`/deadline share ${goal.keyword}\` makes a new link.`
  );
}
