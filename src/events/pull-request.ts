import type { Context } from 'probot';
import { hasActiveGoals } from '../db/goals.js';
import { storedJsonOf } from '../webhooks/parse.js';
import { repoOf, type EventDeps } from './deps.js';

/** A merged pull request may complete the goals set on it (SPEC §3.3). */
export function onPullRequestClosed({ db, record }: EventDeps) {
  return async (context: Context<'pull_request.closed'>) => {
    const { pull_request } = context.payload;
    if (!pull_request.merged) return;
    const repo = repoOf(context);
    if (!repo || !(await hasActiveGoals(db, repo.id, pull_request.number))) return;
    const fresh = await record({ id: context.id, event: 'pull_request.closed', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh }, 'pull request merge recorded');
  };
}
