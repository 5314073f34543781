import { USAGE, type Command } from '../commands/parse.js';
import { boardOfRepo, replaceBoardToken } from '../db/boards.js';
import { findLatestByKeyword, listGoals, replaceToken } from '../db/goals.js';
import type { Goal } from '../goals/types.js';
import { code, quote } from '../markdown/inert.js';
import { boardSharedReply, boardUnsharedReply, goalSharedReply, goalUnsharedReply } from '../notices/links.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

/** How many keywords a refusal names when it asks which goal was meant. */
const SUGGESTIONS = 10;

/**
 * `/deadline share|unshare [<keyword>|board]`. Both replace the token: the old link answers
 * 410 Gone from then on (db/links.ts). `share` publishes the new one; `unshare` publishes
 * nothing, so the goal (or board) has no working link until the next `share`.
 */
export async function shareCommand(s: CommandScope, cmd: Extract<Command, { kind: 'share' | 'unshare' }>): Promise<Outcome> {
  const usage = USAGE[cmd.kind];
  if (cmd.board) return cmd.kind === 'share' ? shareBoard(s) : unshareBoard(s, usage);
  const goal = await linkTarget(s, cmd.keyword, usage);
  if (cmd.kind === 'unshare') {
    if (!goal.shared) {
      throw new Refusal(`The link of ${quote(goal.title)} (${code(goal.keyword)}) is already withdrawn. \`/deadline share ${goal.keyword}\` makes a new one.`, usage);
    }
    const done = await replaceToken(s.q, goal.id, { share: false });
    return { reply: goalUnsharedReply(done!.goal), goalId: goal.id };
  }
  const done = await replaceToken(s.q, goal.id, { share: true });
  return { reply: goalSharedReply(done!.goal, s.links.publicUrl, done!.wasShared), goalId: goal.id };
}

async function shareBoard(s: CommandScope): Promise<Outcome> {
  const { board, wasShared } = await replaceBoardToken(s.q, s.repo.id, { share: true });
  return { reply: boardSharedReply(board.token, s.links.publicUrl, wasShared), goalId: null };
}

async function unshareBoard(s: CommandScope, usage: string): Promise<Outcome> {
  const board = await boardOfRepo(s.q, s.repo.id);
  if (!board) throw new Refusal('This repository has no board link to withdraw. (`/deadline board` makes one.)', usage);
  if (!board.shared) throw new Refusal("The board's link is already withdrawn. `/deadline share board` makes a new one.", usage);
  await replaceBoardToken(s.q, s.repo.id, { share: false });
  return { reply: boardUnsharedReply(), goalId: null };
}

/**
 * The goal named by keyword (the active one with it, else the latest finished one: a finished
 * goal's badge may still be in a README), or without one, the issue's only goal, or its only
 * active goal.
 */
async function linkTarget(s: CommandScope, keyword: string | undefined, usage: string): Promise<Goal> {
  if (keyword !== undefined) {
    const goal = await findLatestByKeyword(s.q, s.repo.id, keyword);
    if (!goal) throw new Refusal(`No goal in this repository has the keyword ${code(keyword)}.`, usage);
    return goal;
  }
  const what = s.issue.isPullRequest ? 'pull request' : 'issue';
  const all = await listGoals(s.q, { repoId: s.repo.id, issueNumber: s.issue.number, activeOnly: false }, SUGGESTIONS);
  if (all.total === 1) return all.goals[0]!;
  if (all.total === 0) throw new Refusal(`This ${what} has no goal. Name one by its keyword, or say \`board\` for the repository's board.`, usage);
  const active = await listGoals(s.q, { repoId: s.repo.id, issueNumber: s.issue.number, activeOnly: true }, 1);
  if (active.total === 1) return active.goals[0]!;
  const more = all.total > all.goals.length ? ` and ${all.total - all.goals.length} more` : '';
  throw new Refusal(`This ${what} has ${all.total} goals; say which by its keyword: ${all.goals.map((g) => code(g.keyword)).join(', ')}${more}.`, usage);
}
