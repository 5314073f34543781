import type { Logger } from 'pino';
import { loadDelivery, markProcessed, type LoadedDelivery } from '../db/deliveries.js';
import { isTransferredIn, type RecordedEvent, type StoredDelivery, type StoredPayload } from '../deliveries/recorded.js';
import type { Octokit } from '../github/octokit.js';
import { commentJob } from './comment.js';
import { closeJob, pushJob } from './completion.js';
import type { WorkerDeps } from './deps.js';
import { transferJob } from './transfer.js';

type Job<E extends RecordedEvent> = (deps: WorkerDeps, d: StoredDelivery<E>, octokit: Octokit, log: Logger) => Promise<void>;

/** The job of each recorded event: the compiler asks for one for every RecordedEvent. */
const JOBS: { [E in RecordedEvent]: Job<E> } = {
  'issue_comment.created': commentJob,
  // A transferred issue arrives as `opened` in its new repository (events/issues.ts).
  'issues.opened': (deps, d, octokit, log) => (isTransferredIn(d.payload) ? transferJob : commentJob)(deps, d, octokit, log),
  'issues.closed': closeJob,
  'issues.transferred': transferJob,
  'pull_request.closed': closeJob,
  push: pushJob,
};

function isRecorded(event: string): event is RecordedEvent {
  return Object.hasOwn(JOBS, event);
}

function run<E extends RecordedEvent>(event: E, row: LoadedDelivery, deps: WorkerDeps, octokit: Octokit, log: Logger): Promise<void> {
  // The one place a stored payload gets its type back: it is what GitHub sent for this
  // event (usecases/record-delivery.ts stores the body as received).
  const delivery: StoredDelivery<E> = { id: row.id, event, payload: row.payload as StoredPayload<E>, commitCount: row.commitCount, receivedAt: row.receivedAt };
  const job: Job<E> = JOBS[event];
  return job(deps, delivery, octokit, log);
}

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
  } else if (!isRecorded(row.event)) {
    log.warn({ event: row.event }, 'no job for recorded event');
  } else {
    const octokit = await deps.auth(row.installationId);
    await run(row.event, row, deps, octokit, log);
  }
  await markProcessed(deps.db, deliveryId);
}
