import type { PushedCommit } from '../goals/match.js';
import { httpStatus } from './errors.js';
import type { Octokit } from './octokit.js';

/** GitHub lists at most this many commits in a push payload. */
export const PUSH_PAYLOAD_LIMIT = 2048;
/**
 * At most this many commits are read through the compare API for one push. A page of the
 * compare API is parsed on the event loop, so pages stay small (25 commits: a few MB even
 * with huge messages), and a push that would need more than this is cut short, with a log
 * line, rather than keep one job reading for minutes.
 */
export const COMPARE_MAX_COMMITS = 5000;
export const COMPARE_PAGE = 25;

/**
 * The commits of a push from the compare API, page by page, oldest first. Throws
 * ComparisonImpossible before the first page when `before` is gone (a force push, garbage
 * collection): the caller then falls back to the commits the payload listed.
 */
export async function* compareCommitPages(
  octokit: Octokit,
  push: { owner: string; repo: string; before: string; after: string },
  onCap: (read: number, total: number) => void,
): AsyncGenerator<PushedCommit[]> {
  let read = 0;
  for (let page = 1; ; page++) {
    let data;
    try {
      ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: push.owner,
        repo: push.repo,
        basehead: `${push.before}...${push.after}`,
        per_page: COMPARE_PAGE,
        page,
      }));
    } catch (err) {
      if (page === 1 && (httpStatus(err) === 404 || httpStatus(err) === 422)) throw new ComparisonImpossible();
      throw err;
    }
    const commits = data.commits.map((c) => ({ id: c.sha, message: c.commit.message, author: c.author?.login || c.commit.author?.name || null }));
    read += commits.length;
    yield commits;
    if (commits.length === 0 || read >= data.total_commits) return;
    if (read >= COMPARE_MAX_COMMITS) {
      onCap(read, data.total_commits);
      return;
    }
  }
}

export class ComparisonImpossible extends Error {}
