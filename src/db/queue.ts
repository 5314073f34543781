import { sql } from 'kysely';
import type { Q } from './q.js';

/**
 * The graphile-worker queue of an installation's jobs. Jobs in one named queue run one at
 * a time, in order, whichever replica takes them: one installation's burst occupies at most
 * one worker slot, and never delays another installation's work (issue #11).
 */
export function installationQueue(installationId: number): string {
  return `installation:${installationId}`;
}

export interface JobSpec {
  task: string;
  payload: Record<string, unknown>;
  /** A named queue (installationQueue): its jobs run one at a time. */
  queue?: string;
  runAt?: Date;
  maxAttempts?: number;
  /** Idempotency: adding the same key again replaces the pending job. */
  key?: string;
}

/**
 * Adds graphile-worker jobs with plain SQL, so they join the caller's transaction: the intent
 * and its jobs are stored together or not at all. Many jobs cost one statement and one NOTIFY
 * (graphile_worker.add_jobs), which is what lets a batch of deliveries commit together.
 */
export async function enqueueMany(q: Q, jobs: JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((j) => ({
    identifier: j.task,
    payload: j.payload,
    queue_name: j.queue ?? null,
    run_at: j.runAt?.toISOString() ?? null,
    max_attempts: j.maxAttempts ?? 25,
    job_key: j.key ?? null,
  }));
  await sql`select graphile_worker.add_jobs(array(select json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)))`.execute(q);
}

/** One job (enqueueMany). */
export async function enqueue(
  q: Q,
  task: string,
  payload: Record<string, unknown>,
  opts: { key?: string; runAt?: Date; maxAttempts?: number; queue?: string } = {},
): Promise<void> {
  await enqueueMany(q, [{ task, payload, ...opts }]);
}

/** Drops the pending jobs with these keys (a running one finishes and sees the new state). */
export async function dequeue(q: Q, keys: string[]): Promise<void> {
  await sql`select graphile_worker.remove_job(k) from unnest(${keys}::text[]) as k`.execute(q);
}
