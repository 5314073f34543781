import { EventEmitter } from 'node:events';
import { Logger as WorkerLogger, run, type Runner, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { WorkerDeps } from './deps.js';
import { processDelivery } from './process-delivery.js';
import { sendNotice } from './send-notice.js';
import { NOTICE_TASK } from '../usecases/notices.js';
import { DELIVERY_TASK } from '../usecases/record-delivery.js';
import type { NoticeJob } from '../notices/plan.js';
import { releaseJobsOfDeadProcesses } from '../db/workers.js';
import { trackWorkers } from './reaper.js';
import { cleanupDeliveries } from '../db/deliveries.js';

/**
 * The job runner (graphile-worker on the same PostgreSQL): LISTEN/NOTIFY picks jobs up at
 * once, SKIP LOCKED keeps replicas from taking the same job, failed jobs come back with
 * exponential backoff (max_attempts 25, about four days in all), delayed jobs wait for run_at.
 */
export async function startWorker(
  deps: WorkerDeps,
  pool: pg.Pool,
  opts: { concurrency: number; pollInterval?: number; reapEveryMs?: number },
): Promise<Runner> {
  const events = new EventEmitter();
  const tracking = trackWorkers(events, deps.db, (err) => deps.log.warn({ err }, 'could not record worker'));
  // Beat, then look for peers that have stopped beating and lost their sessions.
  const beatAndReap = () =>
    tracking
      .heartbeat()
      .then(() => releaseJobsOfDeadProcesses(deps.db))
      .then((dead) => dead.length && deps.log.warn({ workers: dead }, 'released jobs of workers whose process died'))
      .catch((err) => deps.log.warn({ err }, 'could not check for dead workers'));
  await beatAndReap();
  const timer = setInterval(beatAndReap, opts.reapEveryMs ?? 5_000).unref();
  const runner = await run({
    pgPool: pool,
    events,
    taskList: taskList(deps),
    concurrency: opts.concurrency,
    pollInterval: opts.pollInterval ?? 2000,
    // Once a day, on one replica only (graphile-worker's cron is replica-safe).
    crontab: '0 4 * * * cleanup-deliveries',
    noHandleSignals: true, // main.ts owns SIGTERM: stop taking work, finish, then exit
    logger: workerLogger(deps),
  });
  const stopReaping = () => clearInterval(timer);
  runner.promise.then(stopReaping, stopReaping);
  return runner;
}

export function workerLogger(deps: WorkerDeps): WorkerLogger {
  const log = deps.log.child({ name: 'worker' });
  return new WorkerLogger((scope) => (level, message, meta) => {
    const target = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[target]({ ...scope, ...meta }, message);
  });
}

/** The tasks, each wrapped so that a failure is logged with its attempt, and the last one as an error. */
export function taskList(deps: WorkerDeps): TaskList {
  const log = deps.log.child({ name: 'worker' });
  const guarded =
    <P>(name: string, fn: (payload: P) => Promise<void>) =>
    async (payload: unknown, helpers: { job: { id: string; attempts: number; max_attempts: number } }) => {
      try {
        await fn(payload as P);
        deps.metrics?.jobs.inc({ task: name, outcome: 'ok' });
      } catch (err) {
        const { job } = helpers;
        const final = job.attempts >= job.max_attempts;
        deps.metrics?.jobs.inc({ task: name, outcome: final ? 'failed' : 'retry' });
        // Never given up silently: the last failure is an error with what it was about.
        log[final ? 'error' : 'warn']({ err, task: name, jobId: job.id, attempt: job.attempts, payload }, final ? 'job failed for good' : 'job failed; will retry');
        throw err;
      }
    };
  return {
    [DELIVERY_TASK]: guarded<{ deliveryId: string }>(DELIVERY_TASK, (p) => processDelivery(deps, p.deliveryId)),
    [NOTICE_TASK]: guarded<NoticeJob>(NOTICE_TASK, (p) => sendNotice(deps, p)),
    'cleanup-deliveries': guarded('cleanup-deliveries', async () => {
      const removed = await cleanupDeliveries(deps.db);
      log.info({ removed }, 'old deliveries removed');
    }),
  };
}
