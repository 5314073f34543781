import type { Goal } from '../goals/types.js';
import { toView, type GoalView } from './view.js';

/** How many active goals a board shows (page, JSON and calendar alike); the rest are counted. */
export const BOARD_ACTIVE_MAX = 100;
/** How many completed or cancelled goals a board shows, latest first. */
export const BOARD_FINISHED_MAX = 20;

/**
 * What `/board/<token>.json` answers and the board page draws: the repository, then its goals,
 * each exactly as `/embed/<token>.json` shows it (active ones by due time, then the latest
 * finished). No goal token is in it: the board gives no way to a goal's own link.
 */
export interface BoardView {
  repository: { name: string; url: string; tracked: boolean };
  goals: GoalView[];
  /** Active goals in all; more than the board shows when above BOARD_ACTIVE_MAX. */
  active_total: number;
  now: string;
}

export interface BoardContent {
  repoFullName: string;
  tracked: boolean;
  /** Due first; at most BOARD_ACTIVE_MAX. */
  active: Goal[];
  activeTotal: number;
  /** Latest first; at most BOARD_FINISHED_MAX. */
  finished: Goal[];
}

export function toBoardView(b: BoardContent, now: Date, githubUrl = 'https://github.com'): BoardView {
  return {
    repository: { name: b.repoFullName, url: `${githubUrl}/${b.repoFullName}`, tracked: b.tracked },
    goals: [...b.active.slice(0, BOARD_ACTIVE_MAX), ...b.finished.slice(0, BOARD_FINISHED_MAX)].map((g) => toView(g, now, githubUrl)),
    active_total: b.activeTotal,
    now: now.toISOString(),
  };
}
