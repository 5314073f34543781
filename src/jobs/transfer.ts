import type { Logger } from 'pino';
import type { StoredDelivery } from '../deliveries/recorded.js';
import { repositoryInstallation } from '../github/installation.js';
import { splitFullName, type Octokit } from '../github/octokit.js';
import { transferGoals, type Transfer } from '../usecases/transfer-goals.js';
import type { WorkerDeps } from './deps.js';

/**
 * An issue transferred with goals (usecases/transfer-goals.ts), from either delivery GitHub
 * sends: `issues.transferred` to the old repository, whose installation may or may not act for
 * the new one (GitHub is asked), or `issues.opened` with `changes.old_issue` to the new one,
 * whose installation the delivery names.
 */
export async function transferJob(
  deps: WorkerDeps,
  d: StoredDelivery<'issues.transferred'> | StoredDelivery<'issues.opened'>,
  _octokit: Octokit,
  log: Logger,
): Promise<void> {
  const transfer = await transferOf(deps, d);
  if (!transfer) {
    log.warn({ deliveryId: d.id }, 'transfer delivery without its old or new issue; ignored');
    return;
  }
  const now = deps.now?.() ?? new Date();
  const done = await transferGoals(transfer, { db: deps.db, auth: deps.auth, app: deps.app, links: deps.links, log, now, beforeComment: deps.beforeComment });
  if (done.posted !== 'nothing') deps.metrics?.notices.inc({ kind: 'transfer', result: done.posted });
  log.info(
    { deliveryId: d.id, from: transfer.from.repoId, to: transfer.to.repoId, tracked: transfer.installationId !== null, ...done },
    done.moved > 0 ? 'goals followed a transferred issue' : 'transferred issue: no goals left to move',
  );
}

async function transferOf(deps: WorkerDeps, d: StoredDelivery<'issues.transferred'> | StoredDelivery<'issues.opened'>): Promise<Transfer | null> {
  if (d.event === 'issues.transferred') {
    const p = (d as StoredDelivery<'issues.transferred'>).payload;
    const to = p.changes?.new_repository;
    const issue = p.changes?.new_issue;
    if (!to || !issue) return null;
    const { owner, repo } = splitFullName(to.full_name);
    return {
      deliveryId: d.id,
      from: { repoId: p.repository.id, fullName: p.repository.full_name, issueNumber: p.issue.number },
      to: { repoId: to.id, fullName: to.full_name, issueNumber: issue.number, defaultBranch: to.default_branch ?? null },
      installationId: await repositoryInstallation(await deps.asApp(), owner, repo),
    };
  }
  const p = (d as StoredDelivery<'issues.opened'>).payload;
  const old = p.changes?.old_repository;
  const oldIssue = p.changes?.old_issue;
  if (!old || !oldIssue || !p.installation) return null;
  return {
    deliveryId: d.id,
    from: { repoId: old.id, fullName: old.full_name, issueNumber: oldIssue.number },
    to: { repoId: p.repository.id, fullName: p.repository.full_name, issueNumber: p.issue.number, defaultBranch: p.repository.default_branch ?? null },
    installationId: p.installation.id,
  };
}
