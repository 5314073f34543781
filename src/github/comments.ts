import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { marker } from '../notices/marker.js';
import { httpStatus, isPermanent } from './errors.js';
import type { Octokit } from './octokit.js';

export interface Notice {
  /** Names the goal and the event, e.g. `goal:12:overdue:2030-01-15T17:00:00.000Z`. */
  key: string;
  goalId?: string | null;
  repoId: number;
  owner: string;
  repo: string;
  issueNumber: number;
  /** The Markdown; the hidden marker is appended here. */
  body: string;
}

/** Which comments are GitDone's own: only those may count as a marker (anyone can type one). */
export interface AppIdentity {
  id: number;
  /** The app's slug (`GET /app`), for comments that do not say which app wrote them. */
  slug(): Promise<string | undefined>;
}

/**
 * Posts a comment at most once per key, whatever retries, restarts or replicas do.
 * The notice row (with a random nonce) is committed before the post; a later attempt that
 * finds it unposted looks on the issue for a comment of this app carrying the marker and
 * nonce before posting, in case the earlier attempt posted and died before recording it.
 * A per-key lock keeps replicas from racing.
 */
export type PostResult = 'posted' | 'already-posted' | 'undeliverable';

export async function postOnce(db: Db, octokit: Octokit, n: Notice, app: AppIdentity): Promise<PostResult> {
  const inserted = await db
    .insertInto('notices')
    .values({ key: n.key, goal_id: n.goalId ?? null, repo_id: n.repoId, issue_number: n.issueNumber, nonce: randomBytes(16).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();

  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${n.key}, 0))`.execute(trx);
    const row = await trx.selectFrom('notices').select(['posted_at', 'created_at', 'nonce']).where('key', '=', n.key).executeTakeFirstOrThrow();
    if (row.posted_at) return 'already-posted';
    const tag = marker(n.key, row.nonce);
    try {
      if (!inserted) {
        const found = await findMarkedComment(octokit, n, tag, row.created_at, app);
        if (found) {
          await trx.updateTable('notices').set({ posted_at: sql`now()`, comment_id: found }).where('key', '=', n.key).execute();
          return 'already-posted';
        }
      }
      const { data } = await octokit.rest.issues.createComment({
        owner: n.owner,
        repo: n.repo,
        issue_number: n.issueNumber,
        body: `${n.body}\n\n${tag}`,
      });
      await trx.updateTable('notices').set({ posted_at: sql`now()`, comment_id: data.id }).where('key', '=', n.key).execute();
    } catch (err) {
      if (!isPermanent(err)) throw err;
      // Retrying for days would not bring a deleted issue back: settle the notice, unposted.
      await trx.updateTable('notices').set({ posted_at: sql`now()` }).where('key', '=', n.key).execute();
      return 'undeliverable';
    }
    return 'posted';
  });
}

async function findMarkedComment(octokit: Octokit, n: Notice, tag: string, since: Date, app: AppIdentity): Promise<number | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: n.owner,
    repo: n.repo,
    issue_number: n.issueNumber,
    since: new Date(since.getTime() - 60_000).toISOString(),
    per_page: 100,
  });
  for (const c of comments) {
    if (c.body?.includes(tag) && (await writtenBy(c, app))) return c.id;
  }
  return undefined;
}

/** A comment written through this app's installation token: GitHub says which app, or it is the app's bot user. */
async function writtenBy(c: { performed_via_github_app?: { id: number } | null; user?: { login: string; type?: string } | null }, app: AppIdentity): Promise<boolean> {
  if (c.performed_via_github_app) return c.performed_via_github_app.id === app.id;
  if (c.user?.type !== 'Bot') return false;
  const slug = await app.slug();
  return slug !== undefined && c.user.login === `${slug}[bot]`;
}

export type Reaction = '+1' | 'confused';

/**
 * Reacting twice is harmless: GitHub answers 200 with the existing reaction. A command
 * comment deleted meanwhile (404/410) gets none: retrying could not change that, and the
 * reply is already posted.
 */
export async function react(
  octokit: Octokit,
  where: { owner: string; repo: string; commentId?: number; issueNumber: number },
  content: Reaction,
): Promise<void> {
  try {
    if (where.commentId !== undefined) {
      await octokit.rest.reactions.createForIssueComment({ owner: where.owner, repo: where.repo, comment_id: where.commentId, content });
    } else {
      await octokit.rest.reactions.createForIssue({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, content });
    }
  } catch (err) {
    const status = httpStatus(err);
    if (status !== 404 && status !== 410) throw err;
  }
}
