import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Db } from '../db/database.js';
import { recordWorkers } from '../db/workers.js';

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
  const record = (lockOwners: string[]) => recordWorkers(db, lockOwners, processId);
  const add = (id: string) => {
    mine.add(id);
    record([id]).catch(onError);
  };
  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => add(workerPool.id));
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => add(worker.workerId));
  // Upserting (not just updating) also restores rows a peer removed while we were cut off.
  return { heartbeat: async () => void (mine.size > 0 && (await record([...mine]))) };
}
