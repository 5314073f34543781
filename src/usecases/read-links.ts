import type { Board } from '../db/boards.js';
import { boardByToken } from '../db/boards.js';
import { activeGoalsPage, findByToken, recentlyFinished } from '../db/goals.js';
import { isWithdrawn } from '../db/links.js';
import type { Q } from '../db/q.js';
import { BOARD_ACTIVE_MAX, BOARD_FINISHED_MAX, type BoardContent } from '../embed/board-view.js';
import type { Goal } from '../goals/types.js';

/**
 * What an embed URL's token leads to: a live goal or board, a withdrawn link (410), or
 * nothing (404). A goal whose link is withdrawn answers 410 under its current token too,
 * which no one was ever given (db/goals.ts replaceToken).
 */
export type Link<T> = { state: 'live'; value: T } | { state: 'withdrawn' } | undefined;

export async function readGoalLink(q: Q, token: string): Promise<Link<Goal>> {
  const goal = await findByToken(q, token);
  if (goal) return goal.shared ? { state: 'live', value: goal } : { state: 'withdrawn' };
  return (await isWithdrawn(q, token, 'goal')) ? { state: 'withdrawn' } : undefined;
}

export interface LiveBoard {
  board: Board;
  content: BoardContent;
}

/**
 * A board and what it shows: the first BOARD_ACTIVE_MAX active goals by due time (and how
 * many there are), then the latest BOARD_FINISHED_MAX finished ones. Two bounded queries,
 * each on an index of its own (migration 0008), whatever the repository holds.
 */
export async function readBoard(q: Q, token: string): Promise<Link<LiveBoard>> {
  const board = await boardByToken(q, token);
  if (!board) return (await isWithdrawn(q, token, 'board')) ? { state: 'withdrawn' } : undefined;
  if (!board.shared) return { state: 'withdrawn' };
  const active = await activeGoalsPage(q, board.repoId, BOARD_ACTIVE_MAX);
  const finished = await recentlyFinished(q, board.repoId, BOARD_FINISHED_MAX);
  return {
    state: 'live',
    value: {
      board,
      content: { repoFullName: board.repoFullName, tracked: board.tracked, active: active.goals, activeTotal: active.total, finished },
    },
  };
}
