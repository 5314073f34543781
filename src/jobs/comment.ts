import type { Logger } from 'pino';
import type { StoredDelivery } from '../deliveries/recorded.js';
import { loadRepoConfig } from '../github/config.js';
import { splitFullName, type Octokit } from '../github/octokit.js';
import { answerComment } from '../usecases/answer-comment.js';
import type { WorkerDeps } from './deps.js';

/** A recorded comment, or a new issue's body: its commands, answered (usecases/answer-comment.ts). */
export async function commentJob(
  deps: WorkerDeps,
  d: StoredDelivery<'issue_comment.created'> | StoredDelivery<'issues.opened'>,
  octokit: Octokit,
  log: Logger,
): Promise<void> {
  const p = d.payload;
  const comment = 'comment' in p ? p.comment : undefined;
  // A deleted account shows as a null user; the sender is who acted. With neither, nobody can be checked.
  const author = comment?.user?.login ?? p.sender?.login;
  if (!author) {
    log.warn({ deliveryId: d.id }, 'command without an author (deleted account?); ignored');
    return;
  }
  const { owner, repo } = splitFullName(p.repository.full_name);
  const now = deps.now?.() ?? new Date();
  // Jobs can run long after the comment (retries, outages): read its phrases from when it was written.
  const written = comment?.created_at ?? p.issue.created_at;
  const config = await loadRepoConfig({ id: d.id, name: d.event.split('.')[0]!, payload: p }, octokit, log);
  const answered = await answerComment(
    {
      deliveryId: d.id,
      repo: { id: p.repository.id, owner, name: repo, defaultBranch: p.repository.default_branch ?? null },
      issue: { number: p.issue.number, title: p.issue.title, isPullRequest: p.issue.pull_request != null },
      commentId: comment?.id,
      author,
      body: (comment ? comment.body : p.issue.body) ?? '',
      writtenAt: written ? new Date(written) : now,
    },
    { db: deps.db, octokit, app: deps.app, links: deps.links, log, now, config, beforeComment: deps.beforeComment },
  );
  if (answered.posted === 'nothing') return;
  const { posted, ...counts } = answered;
  deps.metrics?.notices.inc({ kind: 'reply', result: posted });
  // From GitHub's delivery to the reply on the issue: pacing, retries and outages included.
  if (posted === 'posted') deps.metrics?.replyLatency.observe((Date.now() - d.receivedAt.getTime()) / 1000);
  if (posted === 'undeliverable') log.warn({ deliveryId: d.id, ...counts }, 'commands carried out, but GitHub refuses the reply for good (issue gone or locked)');
  else log.info({ deliveryId: d.id, ...counts }, 'commands answered');
}
