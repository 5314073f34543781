/** A goal as the rest of the code sees it (the row, camel-cased, joined with its repository). */
export type GoalStatus = 'active' | 'completed' | 'cancelled';

/** Derived for display (SPEC §1); never stored. */
export type GoalState = 'on_track' | 'due_soon' | 'overdue' | 'completed' | 'completed_late' | 'cancelled';

export type CompletedVia = 'commit' | 'command' | 'close';

export interface Goal {
  id: string;
  token: string;
  repoId: number;
  installationId: number;
  /** Current `owner/name`: follows renames and transfers (goals hang on the repository id). */
  repoFullName: string;
  /** False once the app was uninstalled, suspended or removed from the repository. */
  tracked: boolean;
  issueNumber: number;
  isPullRequest: boolean;
  title: string;
  keyword: string;
  dueAt: Date;
  timezone: string;
  status: GoalStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Bumped on every change (the embeds hash their bytes for ETags instead). */
  version: number;
  completedAt: Date | null;
  completedVia: CompletedVia | null;
  completedSha: string | null;
  completedAuthor: string | null;
  cancelledAt: Date | null;
  /**
   * False while the goal's link is withdrawn (`/deadline unshare`): its token is then known to
   * no one, and no reply, list or reminder may show it.
   */
  shared: boolean;
}
