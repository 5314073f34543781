import { postOnce } from '../github/comments.js';
import { splitFullName } from '../github/octokit.js';
import { findById } from '../goals/store.js';
import { completedNotice, overdueNotice, reminderNotice } from '../notices/bodies.js';
import type { WorkerDeps } from './deps.js';
import { noticeKey, type NoticeJob } from './schedule.js';

/**
 * A reminder, overdue or completion notice at its time. The job re-reads the goal:
 * a goal moved, cancelled or completed since the job was planned gets nothing stale.
 */
export async function sendNotice(deps: WorkerDeps, job: NoticeJob): Promise<void> {
  const goal = await findById(deps.db, job.goalId);
  if (!goal || !goal.tracked) return;
  const now = deps.now?.() ?? new Date();
  let body: string;
  if (job.kind === 'completed') {
    if (goal.status !== 'completed') return;
    body = completedNotice(goal, deps.links.githubUrl);
  } else {
    if (goal.status !== 'active' || goal.dueAt.toISOString() !== job.dueAt) return;
    body = job.kind === 'reminder' ? reminderNotice(goal, now, deps.links.publicUrl) : overdueNotice(goal, deps.links.publicUrl);
  }
  const octokit = await deps.auth(goal.installationId);
  const { owner, repo } = splitFullName(goal.repoFullName);
  const result = await postOnce(deps.db, octokit, {
    key: noticeKey(job),
    goalId: goal.id,
    repoId: goal.repoId,
    owner,
    repo,
    issueNumber: goal.issueNumber,
    body,
  }, deps.app);
  deps.log[result === 'undeliverable' ? 'warn' : 'info']({ goalId: goal.id, notice: job.kind, result }, 'notice');
}
