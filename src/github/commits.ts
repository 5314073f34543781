import type { PushedCommit } from '../goals/match.js';
import { httpStatus } from './errors.js';
import type { Octokit } from './octokit.js';

/** GitHub lists at most this many commits in a push payload. */
export const PUSH_PAYLOAD_LIMIT = 2048;

interface PushPayload {
  before: string;
  after: string;
  commits: Array<{ id: string; message: string; author?: { username?: string | null; name?: string | null } | null }>;
}

/**
 * Every commit of a push, oldest first. The payload's list is used when it is complete;
 * when it looks cut short (GitHub caps it), the compare API is read page by page.
 */
export async function pushCommits(octokit: Octokit, owner: string, repo: string, push: PushPayload): Promise<PushedCommit[]> {
  const listed = push.commits.map((c) => ({ id: c.id, message: c.message, author: c.author?.username || c.author?.name || null }));
  const newBranch = /^0+$/.test(push.before);
  if (push.commits.length < PUSH_PAYLOAD_LIMIT || newBranch) return listed;

  const commits: PushedCommit[] = [];
  for (let page = 1; ; page++) {
    let data;
    try {
      ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${push.before}...${push.after}`,
        per_page: 100,
        page,
      }));
    } catch (err) {
      // `before` gone (force push, garbage-collected): the listed commits are all we can know.
      if (httpStatus(err) === 404 || httpStatus(err) === 422) return listed;
      throw err;
    }
    for (const c of data.commits) {
      commits.push({ id: c.sha, message: c.commit.message, author: c.author?.login || c.commit.author?.name || null });
    }
    if (data.commits.length === 0 || commits.length >= data.total_commits) break;
  }
  return commits;
}
