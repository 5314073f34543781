import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { findById } from '../db/goals.js';
import type { AppIdentity } from '../github/comments.js';
import type { Octokit } from '../github/octokit.js';
import { splitFullName } from '../github/octokit.js';
import { completedNotice, overdueNotice, reminderNotice, type Links } from '../notices/bodies.js';
import { noticeKey, type NoticeJob } from '../notices/plan.js';
import type { BeforeComment } from './pacing.js';
import { postOnce, type PostResult } from './post-once.js';

export interface NotifyPorts {
  db: Db;
  auth(installationId: number): Promise<Octokit>;
  app: AppIdentity;
  links: Links;
  log: Logger;
  now: Date;
  /** Paces the notice (usecases/pacing.ts). */
  beforeComment?: BeforeComment;
}

/**
 * A reminder, overdue or completion notice at its time (SPEC §4), posted once. The goal is
 * read again: a goal moved, cancelled or completed since the notice was planned gets
 * nothing stale ('stale'), and an untracked repository nothing at all.
 */
export async function notify(job: NoticeJob, p: NotifyPorts): Promise<PostResult | 'stale'> {
  const goal = await findById(p.db, job.goalId);
  if (!goal || !goal.tracked) return 'stale';
  let body: string;
  if (job.kind === 'completed') {
    if (goal.status !== 'completed') return 'stale';
    body = completedNotice(goal, p.links.githubUrl);
  } else {
    if (goal.status !== 'active' || goal.dueAt.toISOString() !== job.dueAt) return 'stale';
    body = job.kind === 'reminder' ? reminderNotice(goal, p.now, p.links.publicUrl) : overdueNotice(goal, p.links.publicUrl);
  }
  const octokit = await p.auth(goal.installationId);
  const { owner, repo } = splitFullName(goal.repoFullName);
  const result = await postOnce(p.db, octokit, { key: noticeKey(job), goalId: goal.id, repoId: goal.repoId, owner, repo, issueNumber: goal.issueNumber, body }, p.app, p.beforeComment);
  p.log[result === 'undeliverable' ? 'warn' : 'info']({ goalId: goal.id, notice: job.kind, result }, 'notice');
  return result;
}
