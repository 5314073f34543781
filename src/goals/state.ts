import type { Goal, GoalState, GoalStatus } from './types.js';

export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/**
 * The state shown to people (SPEC §1): stored status plus where `now` stands against the
 * deadline, on plain numbers. Browser-safe: the countdown page runs it too.
 */
export function stateAt(status: GoalStatus, dueMs: number, completedMs: number | null, nowMs: number): GoalState {
  if (status === 'cancelled') return 'cancelled';
  if (status === 'completed') return completedMs !== null && completedMs > dueMs ? 'completed_late' : 'completed';
  const left = dueMs - nowMs;
  if (left <= 0) return 'overdue';
  return left < DUE_SOON_MS ? 'due_soon' : 'on_track';
}

export function goalState(goal: Pick<Goal, 'status' | 'dueAt' | 'completedAt'>, now: Date): GoalState {
  return stateAt(goal.status, goal.dueAt.getTime(), goal.completedAt?.getTime() ?? null, now.getTime());
}
