import { sql } from 'kysely';
import type { Db } from './database.js';

/** Which process each job-runner lock owner belongs to, and whether it still lives (jobs/reaper.ts). */

/** Records (or refreshes: the heartbeat) these lock owners as this process's. */
export async function recordWorkers(db: Db, lockOwners: string[], processId: string): Promise<void> {
  await db
    .insertInto('worker_processes')
    .values(lockOwners.map((id) => ({ worker_id: id, process_id: processId })))
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ seen_at: sql`now()`, process_id: processId }))
    .execute();
}

/** How long a process without sessions must also have been silent to count as dead. */
export const DEAD_AFTER = '20 seconds';

/** Owners nobody registered (a process that died before its record was written) wait this long. */
export const UNKNOWN_OWNER_GRACE = '10 minutes';

/** Unlocks jobs and queues held by workers of processes that are gone; returns their worker ids. */
export async function releaseJobsOfDeadProcesses(db: Db): Promise<string[]> {
  const { rows } = await sql<{ worker_id: string }>`
    select w.worker_id from worker_processes w
    where w.seen_at < now() - ${DEAD_AFTER}::interval
      and not exists (select 1 from pg_stat_activity a where a.application_name = 'gitdone:' || w.process_id)
    union
    select distinct j.locked_by from graphile_worker.jobs j
    where j.locked_by is not null
      and j.locked_at < now() - ${UNKNOWN_OWNER_GRACE}::interval
      and not exists (select 1 from worker_processes w where w.worker_id = j.locked_by)`.execute(db);
  const dead = rows.map((r) => r.worker_id);
  if (dead.length > 0) {
    // Their notice claims first, so that a job unlocked below finds the notice free to post
    // (after looking for the dead process' comment on the issue: usecases/post-once.ts).
    await sql`update notices set claimed_until = null
      where posted_at is null and claimed_by in (
        select 'gitdone:' || process_id from worker_processes where worker_id = any(${dead}::text[]))`.execute(db);
    await sql`select graphile_worker.force_unlock_workers(${dead}::text[])`.execute(db);
    await db.deleteFrom('worker_processes').where('worker_id', 'in', dead).execute();
  }
  return dead;
}
