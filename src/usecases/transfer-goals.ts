import { lockLine, recordRun } from '../db/command-runs.js';
import { activeKeywordsLike, findActiveByKeyword, findById, lockGoalsOfIssue, setIssue } from '../db/goals.js';
import type { Q } from '../db/q.js';
import { untrackedRepository, upsertRepository } from '../db/repositories.js';
import { splitFullName } from '../github/octokit.js';
import { uniqueKeyword } from '../goals/keyword.js';
import { transferredNotice, type MovedGoal } from '../notices/transfer.js';
import { postOnce, type PostResult } from './post-once.js';
import type { NotifyPorts } from './notify.js';

/**
 * An issue transferred to another repository (SPEC §1: a goal belongs to a repository and to
 * the issue where it was created): its goals follow it, to the new repository and number,
 * keeping their tokens, so every countdown link, badge and calendar entry keeps working.
 *
 * - Keywords stay unique among the new repository's active goals: a clashing one gets `-2`,
 *   `-3`, … (as a derived keyword would), and the comment on the new issue says so.
 * - Planned reminders are not re-planned: each one reads its goal when it is due
 *   (usecases/notify.ts), so it is posted on the issue where the goal is by then.
 * - When GitDone is not installed on the new repository, the goals still follow the issue (the
 *   links show where it is now), but the repository is untracked: the embeds say so, nothing
 *   is posted and nothing completes them until the app is installed there.
 *
 * GitHub sends two deliveries for one transfer (`issues.transferred` to the old repository,
 * `issues.opened` with `changes.old_issue` to the new one), in no set order: whichever comes
 * first moves the goals (their rows are locked), the other finds none left to move.
 * What a delivery did is stored with the move (command_runs, line 0), so a retried job posts
 * the same comment, once.
 */

export interface Transfer {
  deliveryId: string;
  from: { repoId: number; fullName: string; issueNumber: number };
  to: { repoId: number; fullName: string; issueNumber: number; defaultBranch: string | null };
  /** The installation that acts for the new repository; null: GitDone is not installed there. */
  installationId: number | null;
}

/** A transfer posts its one comment the way a notice is posted: the same ports. */
export type TransferPorts = NotifyPorts;

export interface Transferred {
  moved: number;
  renamed: number;
  posted: PostResult | 'nothing';
}

/** The command_runs line a transfer's outcome is kept under (command lines count from 1). */
const TRANSFER_LINE = 0;

export async function transferGoals(t: Transfer, p: TransferPorts): Promise<Transferred> {
  const done = await p.db.transaction().execute(async (q) => {
    const earlier = await lockLine(q, t.deliveryId, TRANSFER_LINE);
    if (earlier) return { body: earlier.reply, moved: 0, renamed: 0 };
    const moved = await move(q, t);
    const body = moved.length > 0 && moved.some((m) => m.goal.status === 'active') ? transferredNotice(t.from, moved, p.now, p.links.publicUrl) : '';
    await recordRun(q, t.deliveryId, TRANSFER_LINE, { ok: true, reply: body }, null);
    return { body, moved: moved.length, renamed: moved.filter((m) => m.renamedFrom !== undefined).length };
  });
  if (done.body === '' || t.installationId === null) return { moved: done.moved, renamed: done.renamed, posted: 'nothing' };
  const octokit = await p.auth(t.installationId);
  const { owner, repo } = splitFullName(t.to.fullName);
  const posted = await postOnce(
    p.db,
    octokit,
    { key: `transfer:${t.deliveryId}`, repoId: t.to.repoId, owner, repo, issueNumber: t.to.issueNumber, body: done.body },
    p.app,
    p.beforeComment,
  );
  return { moved: done.moved, renamed: done.renamed, posted };
}

/** Moves the issue's goals, in the caller's transaction; each as it now is, with the keyword it gave up. */
async function move(q: Q, t: Transfer): Promise<MovedGoal[]> {
  const goals = await lockGoalsOfIssue(q, t.from.repoId, t.from.issueNumber);
  if (goals.length === 0) return [];
  if (t.installationId === null) await untrackedRepository(q, { id: t.to.repoId, fullName: t.to.fullName });
  // GitHub has just said this installation acts for the repository: it is tracked.
  else await upsertRepository(q, { id: t.to.repoId, installationId: t.installationId, fullName: t.to.fullName, defaultBranch: t.to.defaultBranch }, { track: true });
  const moved: MovedGoal[] = [];
  const taken = new Set<string>(); // keywords found taken in the new repository so far, lowercase
  for (const goal of goals) {
    const keyword = goal.status === 'active' ? await freeKeyword(q, t.to.repoId, goal.keyword, taken) : goal.keyword;
    await setIssue(q, goal.id, { repoId: t.to.repoId, issueNumber: t.to.issueNumber, keyword });
    const now = (await findById(q, goal.id))!;
    moved.push(keyword === goal.keyword ? { goal: now } : { goal: now, renamedFrom: goal.keyword });
  }
  return moved;
}

/**
 * `keyword`, or the first of `keyword-2`, `keyword-3`, … that no active goal of the repository
 * uses; `taken` remembers what earlier goals of the same transfer found, so that many goals
 * with one keyword cost a query each, not one per suffix tried.
 */
async function freeKeyword(q: Q, repoId: number, keyword: string, taken: Set<string>): Promise<string> {
  for (const k of await activeKeywordsLike(q, repoId, keyword)) taken.add(k.toLowerCase());
  for (;;) {
    const candidate = uniqueKeyword(keyword, taken);
    // A 64-character keyword is cut to make room for its suffix, which activeKeywordsLike does not cover.
    if (!(await findActiveByKeyword(q, repoId, candidate))) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
    taken.add(candidate.toLowerCase());
  }
}
