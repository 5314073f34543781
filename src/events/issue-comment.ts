import type { Context } from 'probot';
import { hasCommandLines } from '../commands/parse.js';
import { storedJsonOf } from '../webhooks/parse.js';
import { repoOf, type EventDeps } from './deps.js';

/** A new comment with `/deadline` lines is recorded for the command job; anything else is ignored. */
export function onIssueComment({ record }: EventDeps) {
  return async (context: Context<'issue_comment.created'>) => {
    const { comment, sender } = context.payload;
    if (sender?.type === 'Bot' || comment.user?.type === 'Bot') return;
    if (!hasCommandLines(comment.body ?? '')) return;
    const repo = repoOf(context);
    if (!repo) return;
    const fresh = await record({ id: context.id, event: 'issue_comment.created', json: storedJsonOf(context.payload), repo });
    context.log.info({ deliveryId: context.id, fresh }, fresh ? 'command recorded' : 'command already recorded');
  };
}
