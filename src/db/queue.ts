import { sql } from 'kysely';
import type { Q } from './q.js';

/**
 * Adds a graphile-worker job with plain SQL, so it joins the caller's transaction:
 * the intent and its job are stored together or not at all.
 * A job_key makes it idempotent: adding the same key again replaces the pending job.
 */
export async function enqueue(
  q: Q,
  task: string,
  payload: Record<string, unknown>,
  opts: { key?: string; runAt?: Date; maxAttempts?: number } = {},
): Promise<void> {
  await sql`select graphile_worker.add_job(
    identifier => ${task},
    payload => ${JSON.stringify(payload)}::json,
    run_at => ${opts.runAt ?? null}::timestamptz,
    max_attempts => ${opts.maxAttempts ?? 25}::int,
    job_key => ${opts.key ?? null}::text
  )`.execute(q);
}

/** Drops the pending jobs with these keys (a running one finishes and sees the new state). */
export async function dequeue(q: Q, keys: string[]): Promise<void> {
  await sql`select graphile_worker.remove_job(k) from unnest(${keys}::text[]) as k`.execute(q);
}
