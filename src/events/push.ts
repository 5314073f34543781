import type { Context } from 'probot';
import { hasActiveGoals } from '../db/goals.js';
import { storedJsonOf } from '../webhooks/parse.js';
import { repoOf, type EventDeps } from './deps.js';

/** A push to a repository with active goals is recorded; the job decides branch and keyword. */
export function onPush({ db, record }: EventDeps) {
  return async (context: Context<'push'>) => {
    const { payload } = context;
    if (payload.deleted || !payload.ref?.startsWith('refs/heads/')) return;
    const repo = repoOf(context);
    if (!repo || !(await hasActiveGoals(db, repo.id))) return;
    const fresh = await record({ id: context.id, event: 'push', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh, ref: payload.ref, commits: payload.commits?.length ?? 0 }, 'push recorded');
  };
}
