import { USAGE, type Command } from '../commands/parse.js';
import type { Q } from '../db/q.js';
import { setCompleted } from '../db/goals.js';
import type { CompletedVia, Goal } from '../goals/types.js';
import { code } from '../markdown/inert.js';
import { completedNotice } from '../notices/bodies.js';
import { targetGoal } from './find-goal.js';
import { dropNotices, planCompletedNotice } from './notices.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

export interface Done {
  via: CompletedVia;
  at: Date;
  sha?: string;
  author?: string;
}

/**
 * Completes an active goal (SPEC §3), in the caller's transaction: its planned notices are
 * dropped, and the completion notice is queued with the completion itself, unless the
 * caller answers on the goal's own issue anyway. Undefined when the goal was not active.
 */
export async function completeGoal(q: Q, goal: Goal, done: Done, opts: { notice: boolean }): Promise<Goal | undefined> {
  const completed = await setCompleted(q, goal.id, done);
  if (!completed) return undefined;
  await dropNotices(q, completed.id);
  if (opts.notice) await planCompletedNotice(q, completed);
  return completed;
}

/** `/deadline done [<keyword>]`: completed by hand. */
export async function doneCommand(s: CommandScope, cmd: Extract<Command, { kind: 'done' }>): Promise<Outcome> {
  const goal = await targetGoal(s, cmd.keyword, USAGE.done);
  // Done from another issue: the goal's own issue hears of it too (SPEC §3).
  const completed = await completeGoal(s.q, goal, { via: 'command', at: s.writtenAt, author: s.author }, { notice: goal.issueNumber !== s.issue.number });
  if (!completed) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.done);
  return { reply: completedNotice(completed, s.links.githubUrl), goalId: goal.id };
}
