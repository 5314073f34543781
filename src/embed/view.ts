import type { Goal, GoalState, GoalStatus } from '../goals/types.js';
import { goalState } from '../goals/state.js';

/**
 * What every embed renders from: the public JSON of SPEC §6, plus `tracked`.
 * Built once per request so that page, badge, ics and JSON agree on the state.
 */
export interface GoalView {
  title: string;
  repo: string;
  issue: number;
  issue_url: string;
  due_at: string;
  timezone: string;
  keyword: string;
  status: GoalStatus;
  state: GoalState;
  completed_at: string | null;
  commit: { sha: string; url: string; author: string | null } | null;
  created_at: string;
  now: string;
  /** False when GitDone no longer watches the repository (app removed): the embed says so. */
  tracked: boolean;
}

export function toView(goal: Goal, now: Date, githubUrl = 'https://github.com'): GoalView {
  const repoUrl = `${githubUrl}/${goal.repoFullName}`;
  return {
    title: goal.title,
    repo: goal.repoFullName,
    issue: goal.issueNumber,
    issue_url: `${repoUrl}/${goal.isPullRequest ? 'pull' : 'issues'}/${goal.issueNumber}`,
    due_at: goal.dueAt.toISOString(),
    timezone: goal.timezone,
    keyword: goal.keyword,
    status: goal.status,
    state: goalState(goal, now),
    completed_at: goal.completedAt ? goal.completedAt.toISOString() : null,
    commit: goal.completedSha
      ? { sha: goal.completedSha, url: `${repoUrl}/commit/${goal.completedSha}`, author: goal.completedAuthor }
      : null,
    created_at: goal.createdAt.toISOString(),
    now: now.toISOString(),
    tracked: goal.tracked,
  };
}
