import type { Context } from 'probot';
import { hasCommandLines } from '../commands/parse.js';
import { hasActiveGoals, hasGoals } from '../db/goals.js';
import { TRANSFER_TASK } from '../usecases/record-delivery.js';
import { storedJsonOf } from '../webhooks/parse.js';
import { repoOf, type EventDeps } from './deps.js';

/**
 * Commands in the body of a newly opened issue count like a comment (SPEC §2). An issue
 * transferred here from another repository arrives as `opened` too, with `changes.old_issue`:
 * its body was read when it was first opened and is not run again; if it had goals, they
 * follow it (usecases/transfer-goals.ts: this delivery and `issues.transferred` race for it).
 */
export function onIssueOpened({ db, record }: EventDeps) {
  return async (context: Context<'issues.opened'>) => {
    const { issue, sender, changes } = context.payload;
    if (changes?.old_issue) {
      if (!changes.old_repository || !(await hasGoals(db, changes.old_repository.id, changes.old_issue.number))) return;
      const repo = repoOf(context);
      if (!repo) return;
      const fresh = await record({ id: context.id, event: 'issues.opened', json: storedJsonOf(context.payload), repo, task: TRANSFER_TASK });
      context.log.info({ deliveryId: context.id, fresh }, 'transferred issue with goals recorded');
      return;
    }
    if (sender?.type === 'Bot') return;
    if (!hasCommandLines(issue.body ?? '')) return;
    const repo = repoOf(context);
    if (!repo) return;
    const fresh = await record({ id: context.id, event: 'issues.opened', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh }, 'issue body commands recorded');
  };
}

/** An issue with goals moved to another repository: they follow it (usecases/transfer-goals.ts). */
export function onIssueTransferred({ db, record }: EventDeps) {
  return async (context: Context<'issues.transferred'>) => {
    const { issue } = context.payload;
    const repo = repoOf(context);
    if (!repo || !(await hasGoals(db, repo.id, issue.number))) return;
    const fresh = await record({ id: context.id, event: 'issues.transferred', json: storedJsonOf(context.payload), repo, task: TRANSFER_TASK });
    context.log.info({ deliveryId: context.id, fresh }, 'issue transfer recorded');
  };
}

/** An issue closed as completed may complete its goals (SPEC §3.3). */
export function onIssueClosed({ db, record }: EventDeps) {
  return async (context: Context<'issues.closed'>) => {
    const { issue } = context.payload;
    // Only "completed" counts (not "not planned", "duplicate", or reasons GitHub adds later);
    // no reason at all is how older GitHub Enterprise servers close as completed.
    if (issue.state_reason != null && issue.state_reason !== 'completed') return;
    const repo = repoOf(context);
    if (!repo || !(await hasActiveGoals(db, repo.id, issue.number))) return;
    const fresh = await record({ id: context.id, event: 'issues.closed', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh }, 'issue close recorded');
  };
}
