import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Releasing the jobs of dead processes. Every connection of a GitDone process carries
 * `application_name = gitdone:<processId>`; graphile-worker keeps one open (LISTEN) for
 * as long as the process lives, and PostgreSQL drops them all when the process dies.
 * Each process also beats (`seen_at`) every few seconds. A job locked by a process that
 * has no session left *and* has not beaten for DEAD_AFTER is released for another worker,
 * instead of after graphile-worker's 4-hour lock expiry. Both are needed: a database
 * restart drops every session at once, but live processes keep beating once reconnected.
 */
export const processId = randomBytes(6).toString('hex');
export const applicationName = (id = processId) => `gitdone:${id}`;

/**
 * Records the lock owners the runner creates as belonging to this process. Since
 * graphile-worker 0.17 jobs are locked by the worker *pool* (`locked_by = pool-…`), not by
 * the individual worker, so the pool id is what force_unlock_workers needs; worker ids
 * are recorded too, as older versions locked with them.
 */
export function trackWorkers(events: EventEmitter, db: Db, onError: (err: unknown) => void): { heartbeat(): Promise<void> } {
  const mine = new Set<string>();
  const record = (lockOwners: string[]) =>
    db.insertInto('worker_processes')
      .values(lockOwners.map((id) => ({ worker_id: id, process_id: processId })))
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ seen_at: sql`now()`, process_id: processId }))
      .execute();
  const add = (id: string) => {
    mine.add(id);
    record([id]).catch(onError);
  };
  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => add(workerPool.id));
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => add(worker.workerId));
  // Upserting (not just updating) also restores rows a peer removed while we were cut off.
  return { heartbeat: async () => void (mine.size > 0 && (await record([...mine]))) };
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
    await sql`select graphile_worker.force_unlock_workers(${dead}::text[])`.execute(db);
    await db.deleteFrom('worker_processes').where('worker_id', 'in', dead).execute();
  }
  return dead;
}
