import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { GoalsTable, RepositoriesTable } from '../../db/schema.js';
import type { CompletedVia, Goal } from '../goals/types.js';
import type { Q } from './q.js';

/** 128 random bits, base64url: unguessable, never sequential (SPEC §1). */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

const goalColumns = [
  'goals.id', 'goals.token', 'goals.repo_id', 'goals.issue_number', 'goals.is_pull_request', 'goals.title',
  'goals.keyword', 'goals.due_at', 'goals.timezone', 'goals.status', 'goals.created_by', 'goals.created_at',
  'goals.updated_at', 'goals.version', 'goals.completed_at', 'goals.completed_via', 'goals.completed_sha',
  'goals.completed_author', 'goals.cancelled_at', 'goals.unshared_at',
  'repositories.full_name', 'repositories.installation_id', 'repositories.tracked',
] as const;

type Row = Selectable<GoalsTable> & Pick<Selectable<RepositoriesTable>, 'full_name' | 'installation_id' | 'tracked'>;

function toGoal(r: Row): Goal {
  return {
    id: String(r.id),
    token: r.token,
    repoId: Number(r.repo_id),
    installationId: Number(r.installation_id),
    repoFullName: r.full_name,
    tracked: r.tracked,
    issueNumber: r.issue_number,
    isPullRequest: r.is_pull_request,
    title: r.title,
    keyword: r.keyword,
    dueAt: r.due_at,
    timezone: r.timezone,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    completedAt: r.completed_at,
    completedVia: r.completed_via,
    completedSha: r.completed_sha,
    completedAuthor: r.completed_author,
    cancelledAt: r.cancelled_at,
    shared: r.unshared_at === null,
  };
}

const selectGoals = (q: Q) =>
  q.selectFrom('goals').innerJoin('repositories', 'repositories.id', 'goals.repo_id').select(goalColumns);

export async function findByToken(q: Q, token: string): Promise<Goal | undefined> {
  const row = await selectGoals(q).where('goals.token', '=', token).executeTakeFirst();
  return row && toGoal(row as Row);
}

export async function findById(q: Q, id: string): Promise<Goal | undefined> {
  const row = await selectGoals(q).where('goals.id', '=', Number(id)).executeTakeFirst();
  return row && toGoal(row as Row);
}

export async function goalsOfIssue(q: Q, repoId: number, issueNumber: number): Promise<Goal[]> {
  const rows = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where('goals.issue_number', '=', issueNumber)
    .orderBy('goals.due_at')
    .execute();
  return rows.map((r) => toGoal(r as Row));
}

/** Every active goal of a repository (for matching a push against all their keywords). */
export async function activeGoalsOfRepo(q: Q, repoId: number): Promise<Goal[]> {
  const rows = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where('goals.status', '=', 'active')
    .orderBy('goals.due_at')
    .orderBy('goals.id')
    .execute();
  return rows.map((r) => toGoal(r as Row));
}

/**
 * A page of goals and how many there are in all, so that a reply shows a bounded number
 * of rows whatever a repository holds: the issue's goals (any status) or the repository's
 * active ones, by due time.
 */
export async function listGoals(
  q: Q,
  where: { repoId: number; issueNumber?: number; activeOnly: boolean },
  limit: number,
): Promise<{ goals: Goal[]; total: number }> {
  let query = selectGoals(q).where('goals.repo_id', '=', where.repoId);
  if (where.issueNumber !== undefined) query = query.where('goals.issue_number', '=', where.issueNumber);
  if (where.activeOnly) query = query.where('goals.status', '=', 'active');
  const rows = await query
    .select(sql<number>`count(*) over ()`.as('total'))
    .orderBy('goals.due_at')
    .orderBy('goals.id')
    .limit(limit)
    .execute();
  return { goals: rows.map((r) => toGoal(r as unknown as Row)), total: Number(rows[0]?.total ?? 0) };
}

/** The active goal with this keyword (case-insensitively, as the unique index compares). */
export async function findActiveByKeyword(q: Q, repoId: number, keyword: string): Promise<Goal | undefined> {
  const row = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where('goals.status', '=', 'active')
    .where(sql<string>`lower(goals.keyword)`, '=', keyword.toLowerCase())
    .executeTakeFirst();
  return row && toGoal(row as Row);
}

/** Active keywords that a derived `base`, `base-2`, `base-3`… could collide with. */
export async function activeKeywordsLike(q: Q, repoId: number, base: string): Promise<string[]> {
  const lower = base.toLowerCase();
  const rows = await q
    .selectFrom('goals')
    .select('keyword')
    .where('repo_id', '=', repoId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb(sql<string>`lower(keyword)`, '=', lower), eb(sql<string>`left(lower(keyword), ${lower.length + 1})`, '=', `${lower}-`)]))
    .execute();
  return rows.map((r) => r.keyword);
}

export async function hasActiveGoals(q: Q, repoId: number, issueNumber?: number): Promise<boolean> {
  let query = q.selectFrom('goals').select('id').where('repo_id', '=', repoId).where('status', '=', 'active');
  if (issueNumber !== undefined) query = query.where('issue_number', '=', issueNumber);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export interface NewGoal {
  repoId: number;
  issueNumber: number;
  isPullRequest: boolean;
  title: string;
  keyword: string;
  dueAt: Date;
  timezone: string;
  createdBy: string;
}

export async function insertGoal(q: Q, g: NewGoal): Promise<Goal> {
  const { id } = await q
    .insertInto('goals')
    .values({
      token: newToken(),
      repo_id: g.repoId,
      issue_number: g.issueNumber,
      is_pull_request: g.isPullRequest,
      title: g.title,
      keyword: g.keyword,
      due_at: g.dueAt,
      timezone: g.timezone,
      status: 'active',
      created_by: g.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findById(q, String(id)))!;
}

/** Completes an active goal; undefined when it was not active (already done, cancelled). */
export async function setCompleted(
  q: Q,
  id: string,
  done: { via: CompletedVia; at: Date; sha?: string; author?: string },
): Promise<Goal | undefined> {
  const row = await q
    .updateTable('goals')
    .set({
      status: 'completed',
      completed_at: done.at,
      completed_via: done.via,
      completed_sha: done.sha ?? null,
      completed_author: done.author ?? null,
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where('id', '=', Number(id))
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  return row && findById(q, id);
}

export async function setCancelled(q: Q, id: string): Promise<Goal | undefined> {
  const row = await q
    .updateTable('goals')
    .set({ status: 'cancelled', cancelled_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', Number(id))
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  return row && findById(q, id);
}

/** A new deadline; with `timezone`, the goal is shown in that zone from now on. */
export async function setDueAt(q: Q, id: string, dueAt: Date, timezone?: string): Promise<Goal | undefined> {
  const row = await q
    .updateTable('goals')
    .set({ due_at: dueAt, ...(timezone ? { timezone } : {}), updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', Number(id))
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  return row && findById(q, id);
}

/** Whether an issue has goals of any status (a transfer moves finished ones too, for their links). */
export async function hasGoals(q: Q, repoId: number, issueNumber: number): Promise<boolean> {
  const row = await q.selectFrom('goals').select('id').where('repo_id', '=', repoId).where('issue_number', '=', issueNumber).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * In a transaction: the goals of an issue, locked until it ends, so that two deliveries of one
 * transfer (GitHub sends `issues.transferred` and `issues.opened`) never both move them.
 */
export async function lockGoalsOfIssue(q: Q, repoId: number, issueNumber: number): Promise<Goal[]> {
  const ids = await q
    .selectFrom('goals')
    .select('id')
    .where('repo_id', '=', repoId)
    .where('issue_number', '=', issueNumber)
    .orderBy('id')
    .forUpdate()
    .execute();
  if (ids.length === 0) return [];
  const rows = await selectGoals(q)
    .where('goals.id', 'in', ids.map((r) => r.id))
    .orderBy('goals.due_at')
    .orderBy('goals.id')
    .execute();
  return rows.map((r) => toGoal(r as Row));
}

/**
 * The goal a `share`/`unshare` names by keyword: the repository's active goal with it, or
 * else the most recent finished one (a finished goal's badge may still sit in a README).
 */
export async function findLatestByKeyword(q: Q, repoId: number, keyword: string): Promise<Goal | undefined> {
  const row = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where(sql<string>`lower(goals.keyword)`, '=', keyword.toLowerCase())
    .orderBy(sql`goals.status = 'active'`, 'desc')
    .orderBy('goals.created_at', 'desc')
    .orderBy('goals.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toGoal(row as Row);
}

/**
 * The repository's first `limit` active goals by due time, and how many are active in all: two
 * queries, each on the goals_repo_active_due index (migration 0008), so that neither reads the
 * rows past the limit (`count(*) over ()`, as listGoals does, would fetch every one of them).
 */
export async function activeGoalsPage(q: Q, repoId: number, limit: number): Promise<{ goals: Goal[]; total: number }> {
  const rows = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where('goals.status', '=', 'active')
    .orderBy('goals.due_at')
    .orderBy('goals.id')
    .limit(limit)
    .execute();
  const goals = rows.map((r) => toGoal(r as Row));
  if (goals.length < limit) return { goals, total: goals.length };
  const { n } = await q
    .selectFrom('goals')
    .select(sql<string>`count(*)`.as('n'))
    .where('repo_id', '=', repoId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return { goals, total: Number(n) };
}

/** The repository's most recently completed or cancelled goals, latest first (the board's second list). */
export async function recentlyFinished(q: Q, repoId: number, limit: number): Promise<Goal[]> {
  const rows = await selectGoals(q)
    .where('goals.repo_id', '=', repoId)
    .where('goals.status', '<>', 'active')
    // The same expression as the goals_repo_finished index (migration 0008), so the LIMIT stops the scan.
    .orderBy(sql`coalesce(goals.completed_at, goals.cancelled_at)`, 'desc')
    .orderBy('goals.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => toGoal(r as Row));
}

/** A goal now belongs to another repository and issue (an issue transfer), under `keyword`; its token stays. */
export async function setIssue(q: Q, id: string, to: { repoId: number; issueNumber: number; keyword: string }): Promise<void> {
  await q
    .updateTable('goals')
    .set({ repo_id: to.repoId, issue_number: to.issueNumber, keyword: to.keyword, updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', Number(id))
    .execute();
}

/**
 * Gives the goal a fresh token and withdraws the one it had (withdrawn_links), in one go:
 * `share` (the goal is shared again, under the new token) and `unshare` (the new token is
 * published nowhere). Returns the goal as it is now and whether its old link was shared.
 * Run it in the command's transaction; the row lock keeps two of them from crossing.
 */
export async function replaceToken(q: Q, id: string, opts: { share: boolean }): Promise<{ goal: Goal; wasShared: boolean } | undefined> {
  const old = await q
    .selectFrom('goals')
    .select(['token', 'unshared_at'])
    .where('id', '=', Number(id))
    .forUpdate()
    .executeTakeFirst();
  if (!old) return undefined;
  await q.insertInto('withdrawn_links').values({ token: old.token, kind: 'goal' }).onConflict((oc) => oc.column('token').doNothing()).execute();
  await q
    .updateTable('goals')
    .set({
      token: newToken(),
      unshared_at: opts.share ? null : sql`now()`,
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where('id', '=', Number(id))
    .execute();
  return { goal: (await findById(q, id))!, wasShared: old.unshared_at === null };
}
