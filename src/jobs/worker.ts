import { EventEmitter } from 'node:events';
import { Logger as WorkerLogger, run, type JobHelpers as JobHelpersOf, type Runner, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { WorkerDeps } from './deps.js';
import { processDelivery } from './process-delivery.js';
import { sendNotice } from './send-notice.js';
import { NOTICE_TASK } from '../usecases/notices.js';
import { DELIVERY_TASK, TRANSFER_TASK } from '../usecases/record-delivery.js';
import type { NoticeJob } from '../notices/plan.js';
import { releaseJobsOfDeadProcesses } from '../db/workers.js';
import { trackWorkers } from './reaper.js';
import { cleanupDeliveries } from '../db/deliveries.js';
import { installationQueue } from '../db/queue.js';
import { isRateLimited } from '../github/errors.js';
import { commentPacing, Deferred, rateLimited, type BeforeComment } from '../usecases/pacing.js';

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
    // No `localQueue` (batch fetching): in 0.17 it runs jobs of one named queue at once
    // (graphile/worker#621), which would break each installation's order (db/queue.ts).
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
    // graphile-worker warns when its pool is smaller than the concurrency, assuming each job
    // holds a connection. Ours do not while they wait on GitHub (issue #11: 8 connections serve
    // 16 jobs, startup.ts), so that advice is noise at every start.
    const expected = level === 'warning' && message.includes('smaller than concurrency');
    const target = level === 'error' ? 'error' : level === 'warning' && !expected ? 'warn' : 'debug';
    log[target]({ ...scope, ...meta }, message);
  });
}

/** The tasks, each wrapped so that a failure is logged with its attempt, and the last one as an error. */
export function taskList(deps: WorkerDeps): TaskList {
  const log = deps.log.child({ name: 'worker' });
  const guarded =
    <P>(name: string, fn: (deps: WorkerDeps, payload: P) => Promise<void>) =>
    async (payload: unknown, helpers: JobHelpers) => {
      const { job } = helpers;
      const run = jobRun(deps, payload as Paced);
      try {
        await fn(run.deps, payload as P);
        deps.metrics?.jobs.inc({ task: name, outcome: 'ok' });
      } catch (err) {
        const deferred = await run.deferral(err);
        if (deferred) {
          // Not a failure: the job goes back to its queue for later, in its installation's order.
          await helpers.addJob(name, { ...(payload as object), pacedAt: deferred.slot?.toISOString() }, {
            runAt: deferred.until,
            queueName: run.queue(),
            jobKey: job.key ?? undefined,
            maxAttempts: job.max_attempts,
          });
          deps.metrics?.jobs.inc({ task: name, outcome: deferred.reason === 'pacing' ? 'paced' : 'rate_limited' });
          log[deferred.reason === 'pacing' ? 'debug' : 'warn']({ task: name, jobId: job.id, until: deferred.until, reason: deferred.reason }, 'job deferred');
          return;
        }
        const final = job.attempts >= job.max_attempts;
        deps.metrics?.jobs.inc({ task: name, outcome: final ? 'failed' : 'retry' });
        // Never given up silently: the last failure is an error with what it was about.
        log[final ? 'error' : 'warn']({ err, task: name, jobId: job.id, attempt: job.attempts, payload }, final ? 'job failed for good' : 'job failed; will retry');
        throw err;
      }
    };
  return {
    [DELIVERY_TASK]: guarded<{ deliveryId: string }>(DELIVERY_TASK, (d, p) => processDelivery(d, p.deliveryId)),
    [TRANSFER_TASK]: guarded<{ deliveryId: string }>(TRANSFER_TASK, (d, p) => processDelivery(d, p.deliveryId)),
    [NOTICE_TASK]: guarded<NoticeJob>(NOTICE_TASK, (d, p) => sendNotice(d, p)),
    'cleanup-deliveries': guarded('cleanup-deliveries', async (d) => {
      const removed = await cleanupDeliveries(d.db);
      log.info({ removed }, 'old deliveries removed');
    }),
  };
}

type JobHelpers = Pick<JobHelpersOf, 'job' | 'addJob'>;

/** A job's payload once it has been deferred to a reserved write time. */
interface Paced {
  pacedAt?: string;
}

/**
 * One run of a job: its deps with the installation it acts for remembered (from `auth`),
 * so that its comments are paced for that installation and a rate limit pauses it alone.
 */
function jobRun(deps: WorkerDeps, payload: Paced) {
  let installationId: number | undefined;
  let pace: BeforeComment | undefined;
  const reserved = typeof payload?.pacedAt === 'string' ? new Date(payload.pacedAt) : undefined;
  const runDeps: WorkerDeps = {
    ...deps,
    auth(id) {
      installationId = id;
      return deps.auth(id);
    },
    beforeComment() {
      if (installationId === undefined) return Promise.resolve(); // nothing to pace: no installation acted for
      pace ??= commentPacing(deps.db, installationId, reserved && !Number.isNaN(reserved.getTime()) ? reserved : undefined, deps.commentGapMs);
      return pace();
    },
  };
  return {
    deps: runDeps,
    /** The installation's queue (db/queue.ts), where every job of the installation runs. */
    queue: () => (installationId === undefined ? undefined : installationQueue(installationId)),
    /** The job must wait (pacing, or a rate limit GitHub reported), or undefined: a plain failure. */
    async deferral(err: unknown): Promise<Deferred | undefined> {
      if (err instanceof Deferred) return err;
      if (installationId !== undefined && isRateLimited(err)) return rateLimited(deps.db, installationId, err, deps.now?.() ?? new Date());
      return undefined;
    },
  };
}
