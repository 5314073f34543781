import { findActiveByKeyword, listGoals } from '../db/goals.js';
import type { Goal } from '../goals/types.js';
import { code } from '../markdown/inert.js';
import { Refusal } from './refusal.js';
import type { CommandScope } from './scope.js';

/** A few of the repository's active keywords, for a refusal that names none or a wrong one. */
const SUGGESTIONS = 10;

/** The active goal a command names by keyword, or the issue's only active goal when it names none. */
export async function targetGoal(s: CommandScope, keyword: string | undefined, usage: string): Promise<Goal> {
  if (keyword === undefined) return onlyGoalOfIssue(s, usage);
  const goal = await findActiveByKeyword(s.q, s.repo.id, keyword);
  if (!goal) throw new Refusal(`No active goal in this repository has the keyword ${code(keyword)}.${await suggest(s)}`, usage);
  return goal;
}

export async function onlyGoalOfIssue(s: CommandScope, usage: string): Promise<Goal> {
  const here = await listGoals(s.q, { repoId: s.repo.id, issueNumber: s.issue.number, activeOnly: true }, SUGGESTIONS);
  const what = s.issue.isPullRequest ? 'pull request' : 'issue';
  if (here.total === 1) return here.goals[0]!;
  if (here.total === 0) throw new Refusal(`This ${what} has no active goal. Name one by its keyword.${await suggest(s)}`, usage);
  throw new Refusal(`This ${what} has ${here.total} active goals; say which by its keyword.${keywords(here.goals, here.total)}`, usage);
}

async function suggest(s: CommandScope): Promise<string> {
  const { goals, total } = await listGoals(s.q, { repoId: s.repo.id, activeOnly: true }, SUGGESTIONS);
  return keywords(goals, total);
}

function keywords(goals: Goal[], total: number): string {
  if (goals.length === 0) return '';
  const more = total > goals.length ? ` and ${total - goals.length} more` : '';
  return ` Active keywords: ${goals.map((g) => code(g.keyword)).join(', ')}${more}.`;
}
