import type { Goal } from '../goals/types.js';
import { code, quote } from '../markdown/inert.js';
import { deadlineWords } from '../time/deadline.js';
import { relative } from '../time/relative.js';
import { embedUrl, LIST_MAX } from './bodies.js';

/**
 * The comment on an issue that was transferred with goals (pure): where it came from, the
 * active goals that followed it, and any keyword that had to change because the new
 * repository already used it. Like every comment, user words are only quoted (SPEC §2).
 */

export interface MovedGoal {
  /** The goal in its new repository, with the keyword it has there. */
  goal: Goal;
  /** The keyword it had, when the new repository's active goals already used it. */
  renamedFrom?: string;
}

const TITLE_MAX = 200;

export function transferredNotice(from: { fullName: string; issueNumber: number }, moved: MovedGoal[], now: Date, publicUrl: string): string {
  const active = moved.filter((m) => m.goal.status === 'active');
  const finished = moved.length - active.length;
  const shown = active.slice(0, LIST_MAX);
  const lines = [
    `🚚 This issue was transferred here from ${quote(`${from.fullName}#${from.issueNumber}`)}, and its GitDone goals came with it.`,
    '',
    ...shown.map((m) => goalLine(m, now, publicUrl)),
  ];
  if (active.length > shown.length) lines.push(`- …and ${active.length - shown.length} more.`);
  if (finished > 0) lines.push('', `${finished === 1 ? '1 finished goal' : `${finished} finished goals`} came along too.`);
  lines.push(
    '',
    'Their countdown links, badges and calendar entries stay the same. Reminders are posted here from now on, ' +
      "and a commit naming a goal's keyword completes it when it reaches a tracked branch of this repository.",
  );
  return lines.join('\n');
}

function goalLine({ goal, renamedFrom }: MovedGoal, now: Date, publicUrl: string): string {
  const due = `${deadlineWords(goal.dueAt, goal.timezone)} — ${relative(goal.dueAt, now)}`;
  const line = `- ${quote(goal.title, { max: TITLE_MAX })} (${code(goal.keyword)}), due ${due}: ${embedUrl(goal, publicUrl)}`;
  if (renamedFrom === undefined) return line;
  return (
    `${line}\n  ⚠️ Its keyword ${code(renamedFrom)} is already used by an active goal in this repository, so it is now ${code(goal.keyword)}: ` +
    `name ${code(goal.keyword)} in the commit that completes it.`
  );
}
