import type { Logger } from 'pino';
import type { StoredDelivery } from '../deliveries/recorded.js';
import { loadRepoConfig } from '../github/config.js';
import { splitFullName, type Octokit } from '../github/octokit.js';
import { completeByClose } from '../usecases/complete-by-close.js';
import { completeByPush } from '../usecases/complete-by-push.js';
import type { WorkerDeps } from './deps.js';

/** A recorded push: the goals its commits complete (usecases/complete-by-push.ts). */
export async function pushJob(deps: WorkerDeps, d: StoredDelivery<'push'>, octokit: Octokit, log: Logger): Promise<void> {
  const p = d.payload;
  const config = await loadRepoConfig({ id: d.id, name: 'push', payload: p }, octokit, log);
  if (!config.ok) log.warn({ deliveryId: d.id, errors: config.errors }, 'invalid .github/gitdone.yml; the push is checked with the fallbacks');
  const { owner, repo } = splitFullName(p.repository.full_name);
  const completed = await completeByPush(
    {
      deliveryId: d.id,
      repo: { id: p.repository.id, owner, name: repo, defaultBranch: p.repository.default_branch ?? null },
      ref: p.ref,
      before: p.before,
      after: p.after,
      commitCount: d.commitCount,
      receivedAt: d.receivedAt,
    },
    { db: deps.db, octokit, log, config: config.config },
  );
  for (const goalId of completed) log.info({ deliveryId: d.id, goalId, via: 'commit' }, 'goal completed');
}

/** A recorded close of an issue (as completed) or merge of a pull request (usecases/complete-by-close.ts). */
export async function closeJob(
  deps: WorkerDeps,
  d: StoredDelivery<'issues.closed'> | StoredDelivery<'pull_request.closed'>,
  octokit: Octokit,
  log: Logger,
): Promise<void> {
  const p = d.payload;
  const config = await loadRepoConfig({ id: d.id, name: d.event.split('.')[0]!, payload: p }, octokit, log);
  if (!config.ok) log.warn({ deliveryId: d.id, errors: config.errors }, 'invalid .github/gitdone.yml; the close is checked with the fallbacks');
  const issueNumber = 'issue' in p ? p.issue.number : p.pull_request.number;
  const completed = await completeByClose(
    { repoId: p.repository.id, issueNumber, closedBy: p.sender?.login, at: d.receivedAt },
    { db: deps.db, completeOnClose: config.config.complete_on_close },
  );
  for (const goalId of completed) log.info({ deliveryId: d.id, goalId, via: 'close' }, 'goal completed');
}
