import { httpStatus } from './errors.js';
import type { Octokit } from './octokit.js';

/** Comments and reactions on an issue or pull request: the GitHub calls, nothing more. */

export interface IssueRef {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** Which comments are GitDone's own: only those may count as a marker (anyone can type one). */
export interface AppIdentity {
  id: number;
  /** The app's slug (`GET /app`), for comments that do not say which app wrote them. */
  slug(): Promise<string | undefined>;
}

/** Posts a comment; its id. */
export async function createComment(octokit: Octokit, where: IssueRef, body: string): Promise<number> {
  const { data } = await octokit.rest.issues.createComment({ owner: where.owner, repo: where.repo, issue_number: where.issueNumber, body });
  return data.id;
}

/** The id of a comment this app wrote since `since` that carries `tag`, if there is one. */
export async function findOwnComment(octokit: Octokit, where: IssueRef, tag: string, since: Date, app: AppIdentity): Promise<number | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: where.owner,
    repo: where.repo,
    issue_number: where.issueNumber,
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
export async function react(octokit: Octokit, where: IssueRef & { commentId?: number }, content: Reaction): Promise<void> {
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
