import { makeBadge } from 'badge-maker';
import type { GoalView } from './view.js';
import { shortDuration } from '../time/durations.js';

export interface BadgeMessage {
  label: string;
  message: string;
  /** Hex colour with its `#`. */
  color: string;
}

export const BADGE_COLORS = {
  on_track: '#4c1',
  due_soon: '#dfb317',
  overdue: '#e05d44',
  completed: '#007ec6',
  completed_late: '#fe7d37',
  cancelled: '#9f9f9f',
  untracked: '#9f9f9f',
} as const;

/** What the badge (and the shields.io endpoint) says; shared so both always agree. */
export function badgeMessage(view: GoalView): BadgeMessage {
  const label = 'deadline';
  const left = Date.parse(view.due_at) - Date.parse(view.now);
  switch (view.state) {
    case 'cancelled':
      return { label, message: 'cancelled', color: BADGE_COLORS.cancelled };
    case 'completed':
      return { label, message: 'done', color: BADGE_COLORS.completed };
    case 'completed_late':
      return { label, message: 'done late', color: BADGE_COLORS.completed_late };
    default:
      break;
  }
  // Still active: once GitDone no longer watches the repository, nothing will complete it.
  if (!view.tracked) return { label, message: 'untracked', color: BADGE_COLORS.untracked };
  if (view.state === 'overdue') return { label, message: `overdue ${shortDuration(left)}`, color: BADGE_COLORS.overdue };
  return { label, message: `${shortDuration(left)} left`, color: BADGE_COLORS[view.state] };
}

/**
 * The SVG badge, "deadline | 3d 4h left", drawn by shields.io's own library (badge-maker):
 * the same widths, colours and accessibility text as a shields.io badge, without keeping a
 * font table of our own.
 */
export function renderBadge(view: GoalView): string {
  const { label, message, color } = badgeMessage(view);
  return makeBadge({ label, message, color, style: 'flat' });
}
