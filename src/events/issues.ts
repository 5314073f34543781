import type { Context } from 'probot';
import { hasCommandLines } from '../commands/parse.js';
import { hasActiveGoals } from '../db/goals.js';
import { storedJsonOf } from '../webhooks/parse.js';
import { repoOf, type EventDeps } from './deps.js';

/** Commands in the body of a newly opened issue count like a comment (SPEC §2). */
export function onIssueOpened({ record }: EventDeps) {
  return async (context: Context<'issues.opened'>) => {
    const { issue, sender } = context.payload;
    if (sender?.type === 'Bot') return;
    if (!hasCommandLines(issue.body ?? '')) return;
    const repo = repoOf(context);
    if (!repo) return;
    const fresh = await record({ id: context.id, event: 'issues.opened', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh }, 'issue body commands recorded');
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
