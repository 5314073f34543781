import { sql } from 'kysely';
import type { WorkerDeps } from './deps.js';
import { handleCommand } from './handle-command.js';
import { handleClose, handlePush } from './handle-completion.js';

/** Acts on one recorded webhook delivery. Throwing makes graphile-worker retry it with backoff. */
export async function processDelivery(deps: WorkerDeps, deliveryId: string): Promise<void> {
  const row = await deps.db
    .selectFrom('deliveries')
    .innerJoin('repositories', 'repositories.id', 'deliveries.repo_id')
    .select(['deliveries.id', 'deliveries.event', 'deliveries.payload', 'deliveries.received_at', 'deliveries.processed_at', 'repositories.tracked', 'repositories.installation_id'])
    .where('deliveries.id', '=', deliveryId)
    .executeTakeFirst();
  const log = deps.log.child({ deliveryId });
  if (!row) {
    log.warn('delivery not found; nothing to do');
    return;
  }
  if (row.processed_at) return;
  if (!row.tracked) {
    log.info('repository no longer tracked; delivery skipped');
  } else {
    const octokit = await deps.auth(Number(row.installation_id));
    // The payload is what GitHub sent for row.event (events/record.ts stored it as received).
    const d = { id: row.id, event: row.event, payload: row.payload as never, receivedAt: row.received_at };
    switch (row.event) {
      case 'issue_comment.created':
      case 'issues.opened':
        await handleCommand(deps, d, octokit, log);
        break;
      case 'push':
        await handlePush(deps, d, octokit, log);
        break;
      case 'issues.closed':
      case 'pull_request.closed':
        await handleClose(deps, d, octokit, log);
        break;
      default:
        log.warn({ event: row.event }, 'no handler for recorded event');
    }
  }
  await deps.db.updateTable('deliveries').set({ processed_at: sql`now()` }).where('id', '=', deliveryId).execute();
}
