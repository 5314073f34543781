import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

/**
 * The job queue as tests see it, through graphile-worker's public schema only: the
 * `graphile_worker.jobs` view to read, and its admin functions (reschedule_jobs,
 * complete_jobs) to change it, never its private tables.
 */

export interface QueuedJob {
  id: string;
  key: string | null;
  task: string;
  /** Read from the private table: the public view leaves payloads out (see payloadsOf). */
  payload: unknown;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_at: Date | null;
}

/** Jobs whose key is LIKE `keyLike` (all jobs by default), oldest first. */
export async function queued(db: Db, keyLike = '%'): Promise<QueuedJob[]> {
  const { rows } = await sql<QueuedJob>`
    select id::text, key, task_identifier as task, run_at, attempts, max_attempts, last_error, locked_by, locked_at
    from graphile_worker.jobs where coalesce(key, '') like ${keyLike} order by id`.execute(db);
  const payloads = await payloadsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, payload: payloads.get(r.id) }));
}

/**
 * Job payloads, which graphile-worker's public view leaves out: the one read of its private
 * table, for tests that check what was planned.
 */
async function payloadsOf(db: Db, ids: string[]): Promise<Map<string, unknown>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; payload: unknown }>`select id::text, payload from graphile_worker._private_jobs where id = any(${ids}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.payload]));
}

/** Makes the matching jobs due now (optionally with other attempts/max_attempts), instead of waiting. */
export async function reschedule(db: Db, keyLike: string, change: { attempts?: number; maxAttempts?: number } = {}): Promise<void> {
  await sql`select graphile_worker.reschedule_jobs(
      array(select id from graphile_worker.jobs where coalesce(key, '') like ${keyLike}),
      run_at => now(), attempts => ${change.attempts ?? null}::int, max_attempts => ${change.maxAttempts ?? null}::int)`.execute(db);
}

/** Drops the matching jobs that are not running. */
export async function dropJobs(db: Db, keyLike = '%'): Promise<void> {
  await sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs where coalesce(key, '') like ${keyLike}))`.execute(db);
}

/** How many jobs are running (locked). */
export async function running(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where locked_at is not null`.execute(db);
  return rows[0]!.n;
}

/** How many jobs could run now: due, not running, attempts left. */
export async function runnable(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where locked_at is null and run_at <= now() and attempts < max_attempts`.execute(db);
  return rows[0]!.n;
}
