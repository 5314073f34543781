import { stateAt } from '../goals/state.js';
import type { GoalState, GoalStatus } from '../goals/types.js';
import { zonedDeadline } from '../time/deadline.js';
import { clockParts, longDuration } from '../time/durations.js';

/**
 * What the countdown page shows at a given instant, from the goal's public fields. Pure and
 * browser-safe: the server draws the first frame with it (embed/page.ts), and the page's
 * script — built from embed/page-script.ts, which imports this module — redraws with it
 * every second, so the two cannot disagree.
 */
export interface CountdownFields {
  status: GoalStatus;
  due_at: string;
  completed_at: string | null;
  timezone: string;
}

export interface Frame {
  state: GoalState;
  /** The pill's words. */
  label: string;
  /** HTML: digits as <b>, units as <i> (constant markup, no user text), or a word. */
  big: string;
  /** "left", "over", "2 days early"… */
  cap: string;
  /** The deadline in the goal's zone. */
  time: string;
  zone: string;
}

export const LABELS: Record<GoalState, string> = {
  on_track: 'On track',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  completed: 'Completed',
  completed_late: 'Completed late',
  cancelled: 'Cancelled',
};

/** What the page's live region says when the state changes to this. */
export const ANNOUNCEMENTS: Partial<Record<GoalState, string>> = {
  due_soon: 'Due soon: less than a day left',
  overdue: 'Overdue: the deadline has passed',
  completed: 'Completed',
  completed_late: 'Completed after the deadline',
  cancelled: 'Cancelled',
};

export function isFinal(state: GoalState): boolean {
  return state === 'cancelled' || state === 'completed' || state === 'completed_late';
}

function clock(ms: number): string {
  return clockParts(ms)
    .map(([n, u]) => `<b>${n}</b><i>${u}</i>`)
    .join('');
}

export function frame(goal: CountdownFields, nowMs: number): Frame {
  const due = Date.parse(goal.due_at);
  const completed = goal.completed_at ? Date.parse(goal.completed_at) : null;
  const state = stateAt(goal.status, due, completed, nowMs);
  const { time, zone } = zonedDeadline(due, goal.timezone);
  const base = { state, label: LABELS[state], time, zone };
  switch (state) {
    case 'cancelled':
      return { ...base, big: 'Cancelled', cap: '' };
    case 'completed':
    case 'completed_late': {
      const at = completed ?? nowMs;
      return { ...base, big: 'Done', cap: `${longDuration(at - due)} ${at > due ? 'late' : 'early'}` };
    }
    case 'overdue':
      return { ...base, big: clock(nowMs - due), cap: 'over' };
    default:
      return { ...base, big: clock(due - nowMs), cap: 'left' };
  }
}
