import { USAGE, type Command } from '../commands/parse.js';
import { setCancelled } from '../db/goals.js';
import { code } from '../markdown/inert.js';
import { cancelledReply } from '../notices/bodies.js';
import { targetGoal } from './find-goal.js';
import { dropNotices } from './notices.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

/** `/deadline cancel [<keyword>]`: the goal is cancelled, its reminders dropped. */
export async function cancelGoal(s: CommandScope, cmd: Extract<Command, { kind: 'cancel' }>): Promise<Outcome> {
  const goal = await targetGoal(s, cmd.keyword, USAGE.cancel);
  const cancelled = await setCancelled(s.q, goal.id);
  if (!cancelled) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.cancel);
  await dropNotices(s.q, goal.id);
  return { reply: cancelledReply(cancelled), goalId: goal.id };
}
