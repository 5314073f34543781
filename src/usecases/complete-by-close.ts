import type { Db } from '../db/database.js';
import { goalsOfIssue } from '../db/goals.js';
import { completeGoal } from './complete-goal.js';

/**
 * An issue closed as completed, or a pull request merged, completes its active goals
 * (SPEC §3.3) unless the repository's config says no. Returns the goals it completed.
 */
export async function completeByClose(
  close: { repoId: number; issueNumber: number; closedBy?: string; at: Date },
  p: { db: Db; completeOnClose: boolean },
): Promise<string[]> {
  if (!p.completeOnClose) return [];
  const goals = (await goalsOfIssue(p.db, close.repoId, close.issueNumber)).filter((g) => g.status === 'active');
  const completed: string[] = [];
  for (const goal of goals) {
    const g = await p.db.transaction().execute((q) => completeGoal(q, goal, { via: 'close', at: close.at, author: close.closedBy }, { notice: true }));
    if (g) completed.push(g.id);
  }
  return completed;
}
