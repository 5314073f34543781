import type { Goal } from '../goals/types.js';
import { goalState } from '../goals/state.js';
import { longDuration } from '../embed/format.js'; // the same words as the countdown page
import { code, formatDeadline, inert, relative } from './text.js';

/** Comment bodies (pure). The hidden marker is added by the poster, not here. */

export interface Links {
  publicUrl: string;
  githubUrl: string;
}

export function embedUrl(goal: Pick<Goal, 'token'>, publicUrl: string): string {
  return `${publicUrl}/embed/${goal.token}`;
}

export function badgeMarkdown(goal: Pick<Goal, 'token'>, publicUrl: string): string {
  const url = embedUrl(goal, publicUrl);
  return `[![deadline](${url}.svg)](${url})`;
}

function branchesText(branches: string[], defaultBranch: string | null): string {
  if (branches.length === 0) return defaultBranch ? code(defaultBranch) : 'the default branch';
  if (branches.includes('*')) return 'any branch';
  return branches.map(code).join(', ');
}

export function createdReply(goal: Goal, opts: Links & { now: Date; branches: string[]; defaultBranch: string | null }): string {
  const url = embedUrl(goal, opts.publicUrl);
  return [
    `⏳ **Deadline set: ${inert(goal.title)}**`,
    '',
    `- **Due:** ${formatDeadline(goal.dueAt, goal.timezone)} — ${relative(goal.dueAt, opts.now)}`,
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

export function refusal(source: string, error: string, usage: string): string {
  return [`😕 I could not carry out \`${source.replace(/`/g, "'").slice(0, 200)}\``, '', error, '', `Usage: \`${usage}\``].join('\n');
}

export function goalLine(goal: Goal, now: Date, publicUrl: string): string {
  const state = goalState(goal, now).replace('_', ' ');
  return `| [${inert(goal.title)}](${embedUrl(goal, publicUrl)}) | ${code(goal.keyword)} | ${formatDeadline(goal.dueAt, goal.timezone)} | ${state} |`;
}

export function listReply(goals: Goal[], scope: 'issue' | 'repository', now: Date, publicUrl: string): string {
  if (goals.length === 0) return 'No active deadlines in this repository. Set one with `/deadline <when> [<title>]`.';
  return [
    scope === 'issue' ? '**Deadlines on this issue**' : '**Active deadlines in this repository**',
    '',
    '| goal | keyword | deadline | state |',
    '|---|---|---|---|',
    ...goals.map((g) => goalLine(g, now, publicUrl)),
  ].join('\n');
}

export function movedReply(goal: Goal, now: Date): string {
  return `📅 **${inert(goal.title)}** (${code(goal.keyword)}) now ends ${formatDeadline(goal.dueAt, goal.timezone)} — ${relative(goal.dueAt, now)}.`;
}

export function cancelledReply(goal: Goal): string {
  return `🚫 **${inert(goal.title)}** (${code(goal.keyword)}) is cancelled. Reminders are off.`;
}

/** The completion notice (SPEC §3): early or late, and by what. */
export function completedNotice(goal: Goal, githubUrl: string): string {
  const at = goal.completedAt ?? new Date();
  const diff = goal.dueAt.getTime() - at.getTime();
  const timing = Math.abs(diff) < 60_000 ? 'right on time' : diff > 0 ? `${longDuration(diff)} early` : `${longDuration(diff)} late`;
  let how = '';
  if (goal.completedVia === 'commit' && goal.completedSha) {
    const url = `${githubUrl}/${goal.repoFullName}/commit/${goal.completedSha}`;
    how = ` by [\`${goal.completedSha.slice(0, 7)}\`](${url})${goal.completedAuthor ? ` from ${inert(goal.completedAuthor)}` : ''}`;
  } else if (goal.completedVia === 'command') {
    how = goal.completedAuthor ? ` by ${inert(goal.completedAuthor)} with \`/deadline done\`` : ' with `/deadline done`';
  } else if (goal.completedVia === 'close') {
    how = goal.isPullRequest ? ' when this pull request was merged' : ' when this issue was closed';
  }
  return `✅ **${inert(goal.title)}** (${code(goal.keyword)}) completed ${timing}${how}.`;
}

export function reminderNotice(goal: Goal, now: Date, publicUrl: string): string {
  return (
    `⏰ @${goal.createdBy} **${inert(goal.title)}** is due ${relative(goal.dueAt, now)}: ${formatDeadline(goal.dueAt, goal.timezone)}. ` +
    `Push a commit with ${code(goal.keyword)} or say \`/deadline done ${goal.keyword}\`. Countdown: ${embedUrl(goal, publicUrl)}`
  );
}

export function overdueNotice(goal: Goal, publicUrl: string): string {
  return (
    `⌛ @${goal.createdBy} the deadline for **${inert(goal.title)}** (${code(goal.keyword)}) has passed. ` +
    `It can still be completed; move it with \`/deadline move ${goal.keyword} <when>\`. Countdown: ${embedUrl(goal, publicUrl)}`
  );
}

export function configErrors(errors: string[]): string {
  return ['⚠️ `.github/gitdone.yml` has problems; those settings fell back as shown, the rest were used:', '', ...errors.map((e) => `- ${e}`)].join('\n');
}
