import { dequeue, enqueue, enqueueMany, installationQueue } from '../db/queue.js';
import type { Q } from '../db/q.js';
import type { Goal } from '../goals/types.js';
import { completedNoticeJob, planFor, plannedKeys } from '../notices/plan.js';

/** The queue task that sends a notice at its time (jobs/send-notice.ts). */
export const NOTICE_TASK = 'send-notice';

/**
 * Queues the reminders and the overdue notice of an active goal, in the caller's
 * transaction. Planning again (after a move, or with other reminders configured) first drops
 * what was planned.
 */
export async function planNotices(q: Q, goal: Goal, reminderOffsets: number[], now: Date): Promise<void> {
  await dropNotices(q, goal.id);
  const queue = installationQueue(goal.installationId);
  await enqueueMany(
    q,
    planFor(goal, reminderOffsets, now).map((p) => ({ task: NOTICE_TASK, payload: { ...p.job }, key: p.key, runAt: p.runAt, queue })),
  );
}

/** A completed or cancelled goal needs no more notices. */
export async function dropNotices(q: Q, goalId: string): Promise<void> {
  await dequeue(q, plannedKeys(goalId));
}

/** The completion notice goes out as its own job, stored with the completion itself. */
export async function planCompletedNotice(q: Q, goal: Goal): Promise<void> {
  const { job, key } = completedNoticeJob(goal);
  await enqueue(q, NOTICE_TASK, { ...job }, { key, queue: installationQueue(goal.installationId) });
}
