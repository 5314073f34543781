import { splitMoveArgs, USAGE, type Command } from '../commands/parse.js';
import { findActiveByKeyword, setDueAt } from '../db/goals.js';
import { keywordError } from '../goals/keyword.js';
import type { Goal } from '../goals/types.js';
import { code, quote } from '../markdown/inert.js';
import { movedReply } from '../notices/bodies.js';
import { onlyGoalOfIssue, targetGoal } from './find-goal.js';
import { planNotices } from './notices.js';
import { readDeadline } from './read-deadline.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

/** `/deadline move [<keyword>] <when> [tz=…]`: a new deadline, its reminders planned again. */
export async function moveGoal(s: CommandScope, cmd: Extract<Command, { kind: 'move' }>): Promise<Outcome> {
  const { goal, when: whenText } = await target(s, cmd);
  const when = readDeadline(whenText, cmd.tz ?? goal.timezone, s.writtenAt, USAGE.move);
  if (when.rest) throw new Refusal(`I read the new deadline as ${quote(when.matched)} but not what follows: ${quote(when.rest)}.`, USAGE.move);
  const moved = await setDueAt(s.q, goal.id, when.dueAt, cmd.tz);
  if (!moved) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.move);
  await planNotices(s.q, moved, s.config.reminders, s.now);
  return { reply: movedReply(moved, s.now, { date: when.matched, fromNow: when.fromNow, writtenAt: s.writtenAt }), goalId: moved.id };
}

/**
 * `move [<keyword>] <when>`: the first word is a keyword only if an active goal has it;
 * a `keyword=` must name one (parse.ts put it first in args).
 */
async function target(s: CommandScope, cmd: Extract<Command, { kind: 'move' }>): Promise<{ goal: Goal; when: string }> {
  if (cmd.keyword !== undefined) {
    const goal = await targetGoal(s, cmd.keyword, USAGE.move);
    return { goal, when: cmd.args.trim().split(/\s+/).slice(1).join(' ') };
  }
  const first = cmd.args.trim().split(/\s+/)[0] ?? '';
  const named = first && keywordError(first) === null ? await findActiveByKeyword(s.q, s.repo.id, first) : undefined;
  const { when } = splitMoveArgs(cmd.args, named ? [named.keyword] : []);
  return { goal: named ?? (await onlyGoalOfIssue(s, USAGE.move)), when };
}
