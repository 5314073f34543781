import { sql } from 'kysely';
import { loadDelivery } from '../db/deliveries.js';
import type { WorkerDeps } from './deps.js';
import { handleCommand } from './handle-command.js';
import { handleClose, handlePush } from './handle-completion.js';

/** Acts on one recorded webhook delivery. Throwing makes graphile-worker retry it with backoff. */
export async function processDelivery(deps: WorkerDeps, deliveryId: string): Promise<void> {
  const row = await loadDelivery(deps.db, deliveryId);
  const log = deps.log.child({ deliveryId });
  if (!row) {
    log.warn('delivery not found; nothing to do');
    return;
  }
  if (row.processedAt) return;
  if (!row.tracked) {
    log.info('repository no longer tracked; delivery skipped');
  } else {
    const octokit = await deps.auth(row.installationId);
    // The payload is what GitHub sent for row.event (events/record.ts stored it as received).
    const d = { id: row.id, event: row.event, payload: row.payload as never, commitCount: row.commitCount, receivedAt: row.receivedAt };
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
