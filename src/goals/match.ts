import picomatch from 'picomatch';
import { messageHasKeyword } from './keyword.js';

export interface PushedCommit {
  id: string;
  message: string;
  author: string | null;
}

/**
 * Is `branch` tracked? An empty pattern list means the default branch only; `*`
 * means every branch; otherwise globs (`release/*`), matched with picomatch so
 * `release/*` does not reach `release/a/b` but `release/**` does.
 */
export function isTrackedBranch(branch: string, patterns: string[], defaultBranch: string | null): boolean {
  if (patterns.length === 0) return branch === defaultBranch;
  if (patterns.includes('*')) return true;
  return picomatch(patterns, { dot: true })(branch);
}

/** For each goal, the first commit (in push order) whose message carries its keyword. */
export function firstMatches<G extends { keyword: string }>(goals: G[], commits: PushedCommit[]): Array<{ goal: G; commit: PushedCommit }> {
  const found: Array<{ goal: G; commit: PushedCommit }> = [];
  for (const goal of goals) {
    const commit = commits.find((c) => messageHasKeyword(c.message, goal.keyword));
    if (commit) found.push({ goal, commit });
  }
  return found;
}
