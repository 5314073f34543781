import type { Goal } from '../goals/types.js';
import { goalState } from '../goals/state.js';
import { code, quote } from '../markdown/inert.js';
import { deadlineWords as formatDeadline } from '../time/deadline.js';
import { longDuration } from '../time/durations.js'; // the same words as the countdown page
import { relative } from '../time/relative.js';

/**
 * Comment bodies (pure). The hidden marker is added by the poster, not here. Every word a
 * user wrote (titles, commit authors, echoed commands) goes through `quote`: it is shown,
 * never live (SPEC §2).
 */

export interface Links {
  publicUrl: string;
  githubUrl: string;
}

/** A goal title is at most 200 characters (SPEC §1): shown whole where the goal is the subject. */
const TITLE_MAX = 200;
/** In a list, titles are cut so that 50 rows stay small. */
const LIST_TITLE_MAX = 60;
/** `list` shows at most this many goals, then "…and N more" (SPEC §2). */
export const LIST_MAX = 50;

const title = (goal: Pick<Goal, 'title'>) => quote(goal.title, { max: TITLE_MAX });

/** A GitHub login as a mention; anything that is not plainly a login is only shown. */
export function mention(login: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(login) ? `@${login}` : quote(login);
}

export function embedUrl(goal: Pick<Goal, 'token'>, publicUrl: string): string {
  return `${publicUrl}/embed/${goal.token}`;
}

export function badgeMarkdown(goal: Pick<Goal, 'token'>, publicUrl: string): string {
  const url = embedUrl(goal, publicUrl);
  return `[![deadline](${url}.svg)](${url})`;
}

function branchesText(branches: string[], defaultBranch: string | null): string {
  if (branches.length === 0) return defaultBranch ? quote(defaultBranch) : 'the default branch';
  if (branches.includes('*')) return 'any branch';
  const shown = branches.slice(0, 5).map((b) => quote(b, { max: 40 })).join(', ');
  return branches.length > 5 ? `${shown} and ${branches.length - 5} more` : shown;
}

/** What a create or move read in the user's line, shown back in its reply (inertly), so that nothing is lost unseen. */
export interface ReadWords {
  /** The words read as the date, as written. */
  date: string;
  /** For a create: the words taken as the title; '' when none were left (the issue's title is used). */
  title?: string;
  /** The date was counted from the moment the comment was written (`in 2h`, `tomorrow`, `friday`). */
  fromNow: boolean;
  /** When the comment was written. */
  writtenAt: Date;
}

/** A phrase counted from its comment's time, carried out longer than this after it was written, says so. */
export const LATE_READ_MS = 10 * 60_000;

/** "Read `in 2h` as the date and `Two hours` as the title." and, when late, from when it was counted. */
export function readWords(read: ReadWords, now: Date): string {
  const date = quote(read.date);
  let words: string;
  if (read.title === undefined) words = `Read ${date} as the new date.`;
  else if (read.title === '') words = `Read ${date} as the date; no words were left for a title, so it is the issue's.`;
  else words = `Read ${date} as the date and ${quote(read.title, { max: TITLE_MAX })} as the title.`;
  if (read.fromNow && now.getTime() - read.writtenAt.getTime() > LATE_READ_MS) {
    words += ` The date was read relative to when you wrote it, ${relative(read.writtenAt, now)}.`;
  }
  return words;
}

export function createdReply(goal: Goal, opts: Links & { now: Date; branches: string[]; defaultBranch: string | null; read: ReadWords }): string {
  const url = embedUrl(goal, opts.publicUrl);
  return [
    `⏳ **Deadline set:** ${title(goal)}`,
    '',
    `- **Due:** ${formatDeadline(goal.dueAt, goal.timezone)} — ${relative(goal.dueAt, opts.now)}`,
    `- ${readWords(opts.read, opts.now)}`,
    `- **Done when** a commit whose message contains ${code(goal.keyword)} reaches ${branchesText(opts.branches, opts.defaultBranch)}, ` +
      `or with \`/deadline done ${goal.keyword}\`.`,
    `- **Countdown:** ${url}`,
    '',
    '<details><summary>Badge for a README, and how to embed it in Notion</summary>',
    '',
    '```markdown',
    badgeMarkdown(goal, opts.publicUrl),
    '```',
    '',
    `In Notion, type \`/embed\`, paste ${url} and resize the block. ` +
      `Add \`?theme=light\` or \`?theme=dark\` to fix the colours; by default the page follows the reader's.`,
    `Calendar: ${url}.ics`,
    '',
    '</details>',
  ].join('\n');
}

/** `shown` is what the reply says it could not carry out: the user's line (quoted), or only its command. */
export function refusal(shown: string, error: string, usage: string): string {
  return [`😕 I could not carry out ${shown}`, '', error, '', `Usage: \`${usage}\``].join('\n');
}

export function goalLine(goal: Goal, now: Date, publicUrl: string): string {
  const state = goalState(goal, now).replace('_', ' ');
  const shown = quote(goal.title, { max: LIST_TITLE_MAX, inTable: true });
  // A withdrawn link (`/deadline unshare`) is shown nowhere: the goal is listed without one.
  const name = goal.shared ? `[${shown}](${embedUrl(goal, publicUrl)})` : shown;
  return `| ${name} | ${code(goal.keyword)} | ${formatDeadline(goal.dueAt, goal.timezone)} | ${state} |`;
}

/** `goals` holds at most LIST_MAX of the `total` goals there are. */
export function listReply(goals: Goal[], total: number, scope: 'issue' | 'repository', now: Date, publicUrl: string): string {
  if (goals.length === 0) return 'No active deadlines in this repository. Set one with `/deadline <when> [<title>]`.';
  const shown = goals.slice(0, LIST_MAX);
  const more = total - shown.length;
  return [
    scope === 'issue' ? '**Deadlines on this issue**' : '**Active deadlines in this repository**',
    '',
    '| goal | keyword | deadline | state |',
    '|---|---|---|---|',
    ...shown.map((g) => goalLine(g, now, publicUrl)),
    ...(more > 0 ? ['', `…and ${more} more.`] : []),
  ].join('\n');
}

export function movedReply(goal: Goal, now: Date, read: ReadWords): string {
  return (
    `📅 ${title(goal)} (${code(goal.keyword)}) now ends ${formatDeadline(goal.dueAt, goal.timezone)} — ${relative(goal.dueAt, now)}.\n` +
    readWords({ ...read, title: undefined }, now)
  );
}

export function cancelledReply(goal: Goal): string {
  return `🚫 ${title(goal)} (${code(goal.keyword)}) is cancelled. Reminders are off.`;
}

/** The completion notice (SPEC §3): early or late, and by what. */
export function completedNotice(goal: Goal, githubUrl: string): string {
  const at = goal.completedAt ?? new Date();
  const diff = goal.dueAt.getTime() - at.getTime();
  const timing = Math.abs(diff) < 60_000 ? 'right on time' : diff > 0 ? `${longDuration(diff)} early` : `${longDuration(diff)} late`;
  const who = goal.completedAuthor ? quote(goal.completedAuthor, { max: 60 }) : undefined;
  let how = '';
  if (goal.completedVia === 'commit' && goal.completedSha) {
    const url = `${githubUrl}/${goal.repoFullName}/commit/${goal.completedSha}`;
    how = ` by [\`${goal.completedSha.slice(0, 7)}\`](${url})${who ? ` from ${who}` : ''}`;
  } else if (goal.completedVia === 'command') {
    how = who ? ` by ${who} with \`/deadline done\`` : ' with `/deadline done`';
  } else if (goal.completedVia === 'close') {
    how = goal.isPullRequest ? ' when this pull request was merged' : ' when this issue was closed';
  }
  return `✅ ${title(goal)} (${code(goal.keyword)}) completed ${timing}${how}.`;
}

/** " Countdown: <url>" after a notice, unless the goal's link is withdrawn. */
function countdown(goal: Goal, publicUrl: string): string {
  return goal.shared ? ` Countdown: ${embedUrl(goal, publicUrl)}` : '';
}

export function reminderNotice(goal: Goal, now: Date, publicUrl: string): string {
  return (
    `⏰ ${mention(goal.createdBy)} ${title(goal)} is due ${relative(goal.dueAt, now)}: ${formatDeadline(goal.dueAt, goal.timezone)}. ` +
    `Push a commit with ${code(goal.keyword)} or say \`/deadline done ${goal.keyword}\`.${countdown(goal, publicUrl)}`
  );
}

export function overdueNotice(goal: Goal, publicUrl: string): string {
  return (
    `⌛ ${mention(goal.createdBy)} the deadline for ${title(goal)} (${code(goal.keyword)}) has passed. ` +
    `It can still be completed; move it with \`/deadline move ${goal.keyword} <when>\`.${countdown(goal, publicUrl)}`
  );
}

export function configErrors(errors: string[]): string {
  return ['⚠️ `.github/gitdone.yml` has problems; those settings fell back as shown, the rest were used:', '', ...errors.map((e) => `- ${e}`)].join('\n');
}
