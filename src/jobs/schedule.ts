import type { Q } from '../db/q.js';
import type { Goal } from '../goals/types.js';
import { MAX_REMINDERS } from '../repo-config.js';
import { dequeue, enqueue } from './enqueue.js';

export interface NoticeJob {
  goalId: string;
  kind: 'reminder' | 'overdue' | 'completed';
  /** For reminders: how long before the deadline. */
  offsetMs?: number;
  /** The deadline this notice was planned for; a moved goal makes it stale. */
  dueAt: string;
}

export const NOTICE_TASK = 'send-notice';

/**
 * The keys a goal's planned notices can have: one per reminder slot, and the overdue one.
 * A fixed list (not a `LIKE 'goal:12:%'` scan of the queue) keeps dropping them an index lookup.
 */
function plannedKeys(goalId: string): string[] {
  return [...Array.from({ length: MAX_REMINDERS }, (_, i) => `goal:${goalId}:reminder:${i}`), `goal:${goalId}:overdue`];
}

/**
 * Plans the reminders and the overdue notice of an active goal as delayed jobs. Planning
 * again (after a move, or with other reminders configured) first drops what was planned;
 * reminders whose time has already passed are not sent late, they are left out.
 */
export async function planNotices(q: Q, goal: Goal, reminderOffsets: number[], now: Date): Promise<void> {
  await dropNotices(q, goal.id);
  const dueAt = goal.dueAt.toISOString();
  for (const [slot, offsetMs] of reminderOffsets.slice(0, MAX_REMINDERS).entries()) {
    const runAt = new Date(goal.dueAt.getTime() - offsetMs);
    if (runAt.getTime() <= now.getTime()) continue;
    const job: NoticeJob = { goalId: goal.id, kind: 'reminder', offsetMs, dueAt };
    await enqueue(q, NOTICE_TASK, { ...job }, { key: `goal:${goal.id}:reminder:${slot}`, runAt });
  }
  const overdue: NoticeJob = { goalId: goal.id, kind: 'overdue', dueAt };
  await enqueue(q, NOTICE_TASK, { ...overdue }, { key: `goal:${goal.id}:overdue`, runAt: goal.dueAt });
}

/** A completed or cancelled goal needs no more notices. */
export async function dropNotices(q: Q, goalId: string): Promise<void> {
  await dequeue(q, plannedKeys(goalId));
}

/** The completion notice goes out as its own job, stored with the completion itself. */
export async function planCompletedNotice(q: Q, goal: Goal): Promise<void> {
  const job: NoticeJob = { goalId: goal.id, kind: 'completed', dueAt: goal.dueAt.toISOString() };
  await enqueue(q, NOTICE_TASK, { ...job }, { key: `goal:${goal.id}:completed` });
}

/** The exactly-once key of a notice: goal, event and the deadline it was for. */
export function noticeKey(job: NoticeJob): string {
  switch (job.kind) {
    case 'reminder':
      return `goal:${job.goalId}:reminder:${job.offsetMs}:${job.dueAt}`;
    case 'overdue':
      return `goal:${job.goalId}:overdue:${job.dueAt}`;
    case 'completed':
      return `goal:${job.goalId}:completed`;
  }
}
