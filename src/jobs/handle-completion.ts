import type { Logger } from 'probot';
import { pushCommitsPage } from '../db/deliveries.js';
import { loadRepoConfig } from '../github/config.js';
import { ComparisonImpossible, compareCommitPages, PUSH_PAYLOAD_LIMIT } from '../github/commits.js';
import { splitFullName, type Octokit } from '../github/octokit.js';
import { isTrackedBranch, KeywordMatcher, type PushedCommit } from '../goals/match.js';
import { activeGoalsOfRepo, completeGoal, goalsOfIssue } from '../goals/store.js';
import type { CompletedVia, Goal } from '../goals/types.js';
import type { RepoPayload, StoredDelivery, WorkerDeps } from './deps.js';
import { dropNotices, planCompletedNotice } from './schedule.js';
import { yielder } from '../util/yield.js';

/** What a push job reads of the payload (its commits are read in pages). */
type PushPayload = RepoPayload & { ref: string; before: string; after: string };

/** Commits read from the stored payload at a time. */
const PAGE = 100;

/** What a close job reads of an issues.closed or pull_request.closed payload. */
type ClosePayload = RepoPayload & { issue?: { number: number }; pull_request?: { number: number }; sender?: { login: string } };

/** A push to a tracked branch completes every active goal whose keyword a commit carries. */
export async function handlePush(deps: WorkerDeps, d: StoredDelivery<PushPayload>, octokit: Octokit, log: Logger): Promise<void> {
  const p = d.payload;
  const { owner, repo } = splitFullName(p.repository.full_name);
  const config = await loadRepoConfig({ id: d.id, name: 'push', payload: p }, octokit, log);
  if (!config.ok) log.warn({ deliveryId: d.id, errors: config.errors }, 'invalid .github/gitdone.yml; push checked with the defaults');
  const branch = p.ref.replace(/^refs\/heads\//, '');
  if (!isTrackedBranch(branch, config.config.branches, p.repository.default_branch ?? null)) {
    log.debug({ deliveryId: d.id, branch }, 'push to an untracked branch');
    return;
  }
  const goals = await activeGoalsOfRepo(deps.db, p.repository.id);
  if (goals.length === 0) return;
  // One pass over the commits against every keyword at once, letting the event loop
  // breathe every few milliseconds: a push of thousands of long messages stalls nobody.
  const matcher = new KeywordMatcher(goals);
  const pause = yielder();
  read: for await (const page of pushCommits(deps, d, { owner, repo }, octokit, log)) {
    for (const commit of page) {
      matcher.add(commit);
      if (matcher.done) break read;
      await pause();
    }
  }
  for (const { goal, commit } of matcher.matches()) {
    await complete(deps, goal, { via: 'commit', at: d.receivedAt, sha: commit.id, author: commit.author ?? undefined }, d.id, log);
  }
}

/**
 * Every commit of a push, in pages, oldest first: from the stored payload, or from the
 * compare API when the payload was cut at GitHub's 2,048 (SPEC §3).
 */
async function* pushCommits(
  deps: WorkerDeps,
  d: StoredDelivery<PushPayload>,
  where: { owner: string; repo: string },
  octokit: Octokit,
  log: Logger,
): AsyncGenerator<PushedCommit[]> {
  const { before, after } = d.payload;
  const newBranch = /^0+$/.test(before);
  if (d.commitCount >= PUSH_PAYLOAD_LIMIT && !newBranch) {
    try {
      yield* compareCommitPages(octokit, { ...where, before, after }, (read, total) =>
        log.warn({ deliveryId: d.id, read, total }, 'push longer than GitDone reads: only its first commits were matched'),
      );
      return;
    } catch (err) {
      if (!(err instanceof ComparisonImpossible)) throw err;
    }
  }
  for (let done = 0; done < d.commitCount; done += PAGE) yield await pushCommitsPage(deps.db, d.id, done, PAGE);
}

/** An issue closed as completed, or a pull request merged, completes its goals unless the config says no. */
export async function handleClose(deps: WorkerDeps, d: StoredDelivery<ClosePayload>, octokit: Octokit, log: Logger): Promise<void> {
  const p = d.payload;
  const config = await loadRepoConfig({ id: d.id, name: d.event.split('.')[0]!, payload: p }, octokit, log);
  if (!config.ok) log.warn({ deliveryId: d.id, errors: config.errors }, 'invalid .github/gitdone.yml; close checked with the fallbacks');
  if (!config.config.complete_on_close) return;
  const number = p.issue?.number ?? p.pull_request?.number;
  if (number === undefined) return;
  const goals = (await goalsOfIssue(deps.db, p.repository.id, number)).filter((g) => g.status === 'active');
  const author = p.sender?.login;
  for (const goal of goals) {
    await complete(deps, goal, { via: 'close', at: d.receivedAt, author }, d.id, log);
  }
}

async function complete(
  deps: WorkerDeps,
  goal: Goal,
  done: { via: CompletedVia; at: Date; sha?: string; author?: string },
  deliveryId: string,
  log: Logger,
): Promise<void> {
  // The notice is a job stored with the completion: if GitHub fails now, it is retried
  // on its own, and this delivery never needs to run again for it.
  const completed = await deps.db.transaction().execute(async (trx) => {
    const g = await completeGoal(trx, goal.id, done);
    if (g) {
      await dropNotices(trx, g.id);
      await planCompletedNotice(trx, g);
    }
    return g;
  });
  if (completed) log.info({ deliveryId, goalId: goal.id, via: completed.completedVia, sha: completed.completedSha }, 'goal completed');
}
