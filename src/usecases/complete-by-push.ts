import type { Logger } from 'pino';
import type { RepoConfig } from '../config/repo-config.js';
import type { Db } from '../db/database.js';
import { pushCommitBatches } from '../db/deliveries.js';
import { activeGoalsOfRepo } from '../db/goals.js';
import { ComparisonImpossible, compareCommitPages, PUSH_PAYLOAD_LIMIT } from '../github/commits.js';
import type { Octokit } from '../github/octokit.js';
import { isTrackedBranch, KeywordMatcher, type PushedCommit } from '../goals/match.js';
import { yielder } from '../util/yield.js';
import { completeGoal } from './complete-goal.js';

export interface Push {
  deliveryId: string;
  repo: { id: number; owner: string; name: string; defaultBranch: string | null };
  ref: string;
  before: string;
  after: string;
  /** How many commits the payload listed (GitHub lists at most 2,048). */
  commitCount: number;
  receivedAt: Date;
}

export interface PushPorts {
  db: Db;
  octokit: Octokit;
  log: Logger;
  config: RepoConfig;
}

/** Commits read from the stored payload at a time. */
const PAGE = 100;

/**
 * A push to a tracked branch completes every active goal whose keyword a commit carries
 * (SPEC §3), each with the first such commit. One pass over the commits against every
 * keyword at once, letting the event loop breathe every few milliseconds: a push of
 * thousands of long messages stalls nobody. Returns the goals it completed.
 */
export async function completeByPush(push: Push, p: PushPorts): Promise<string[]> {
  const branch = push.ref.replace(/^refs\/heads\//, '');
  if (!isTrackedBranch(branch, p.config.branches, push.repo.defaultBranch)) {
    p.log.debug({ deliveryId: push.deliveryId, branch }, 'push to an untracked branch');
    return [];
  }
  const goals = await activeGoalsOfRepo(p.db, push.repo.id);
  if (goals.length === 0) return [];
  const matcher = new KeywordMatcher(goals);
  const pause = yielder();
  read: for await (const page of pushCommits(push, p)) {
    for (const commit of page) {
      matcher.add(commit);
      if (matcher.done) break read;
      await pause();
    }
  }
  const completed: string[] = [];
  for (const { goal, commit } of matcher.matches()) {
    const done = { via: 'commit' as const, at: push.receivedAt, sha: commit.id, author: commit.author ?? undefined };
    // The notice is a job stored with the completion: if GitHub fails later, it is retried on its own.
    const g = await p.db.transaction().execute((q) => completeGoal(q, goal, done, { notice: true }));
    if (g) completed.push(g.id);
  }
  return completed;
}

/**
 * Every commit of a push, in batches (pages), oldest first: from the stored payload, or from the
 * compare API when the payload was cut at GitHub's 2,048 (SPEC §3).
 */
async function* pushCommits(push: Push, p: PushPorts): AsyncGenerator<PushedCommit[]> {
  const newBranch = /^0+$/.test(push.before);
  if (push.commitCount >= PUSH_PAYLOAD_LIMIT && !newBranch) {
    try {
      yield* compareCommitPages(p.octokit, { owner: push.repo.owner, repo: push.repo.name, before: push.before, after: push.after }, (read, total) =>
        p.log.warn({ deliveryId: push.deliveryId, read, total }, 'push longer than GitDone reads: only its first commits were matched'),
      );
      return;
    } catch (err) {
      if (!(err instanceof ComparisonImpossible)) throw err;
    }
  }
  // One query, read through a cursor (db/deliveries.ts); nothing in this path calls GitHub
  // while it holds its connection: the caller only matches and yields to the event loop.
  if (push.commitCount > 0) yield* pushCommitBatches(p.db, push.deliveryId, PAGE);
}
