import type { Goal } from '../goals/types.js';

/**
 * Which notices a goal gets, and when (SPEC §4): the reminders before its deadline, the
 * overdue notice at it, the completion notice when it is done. Pure: what to queue, with
 * the keys that make each one unique; usecases/notices.ts queues them.
 */

/** More reminders than this per goal are refused by the config schema (and never planned). */
export const MAX_REMINDERS = 10;

export interface NoticeJob {
  goalId: string;
  kind: 'reminder' | 'overdue' | 'completed';
  /** For reminders: how long before the deadline. */
  offsetMs?: number;
  /** The deadline this notice was planned for; a moved goal makes it stale. */
  dueAt: string;
}

export interface PlannedNotice {
  job: NoticeJob;
  /** The queue's job key: planning again replaces the job with the same key. */
  key: string;
  runAt: Date;
}

/**
 * The keys a goal's planned notices can have: one per reminder slot, and the overdue one.
 * A fixed list (not a `LIKE 'goal:12:%'` scan of the queue) keeps dropping them an index lookup.
 */
export function plannedKeys(goalId: string): string[] {
  return [...Array.from({ length: MAX_REMINDERS }, (_, i) => `goal:${goalId}:reminder:${i}`), `goal:${goalId}:overdue`];
}

/** The reminders still ahead of `now`, and the overdue notice. Reminders already past are left out, not sent late. */
export function planFor(goal: Pick<Goal, 'id' | 'dueAt'>, reminderOffsets: number[], now: Date): PlannedNotice[] {
  const dueAt = goal.dueAt.toISOString();
  const planned: PlannedNotice[] = [];
  for (const [slot, offsetMs] of reminderOffsets.slice(0, MAX_REMINDERS).entries()) {
    const runAt = new Date(goal.dueAt.getTime() - offsetMs);
    if (runAt.getTime() <= now.getTime()) continue;
    planned.push({ job: { goalId: goal.id, kind: 'reminder', offsetMs, dueAt }, key: `goal:${goal.id}:reminder:${slot}`, runAt });
  }
  planned.push({ job: { goalId: goal.id, kind: 'overdue', dueAt }, key: `goal:${goal.id}:overdue`, runAt: goal.dueAt });
  return planned;
}

export function completedNoticeJob(goal: Pick<Goal, 'id' | 'dueAt'>): { job: NoticeJob; key: string } {
  return { job: { goalId: goal.id, kind: 'completed', dueAt: goal.dueAt.toISOString() }, key: `goal:${goal.id}:completed` };
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
