import type { Goal, GoalState } from './types.js';

export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/** The state shown to people (SPEC §1): stored status plus where `now` stands against the deadline. */
export function goalState(goal: Pick<Goal, 'status' | 'dueAt' | 'completedAt'>, now: Date): GoalState {
  if (goal.status === 'cancelled') return 'cancelled';
  if (goal.status === 'completed') {
    return goal.completedAt && goal.completedAt.getTime() > goal.dueAt.getTime() ? 'completed_late' : 'completed';
  }
  const left = goal.dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return left < DUE_SOON_MS ? 'due_soon' : 'on_track';
}
