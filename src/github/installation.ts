import { httpStatus } from './errors.js';
import type { Octokit } from './octokit.js';

/**
 * The installation of this app that acts for a repository, as GitHub says now
 * (`GET /repos/{owner}/{repo}/installation`, asked as the app itself); null when the app is not
 * installed there, or the installation is suspended (GitDone does not act for those).
 */
export async function repositoryInstallation(asApp: Octokit, owner: string, repo: string): Promise<number | null> {
  try {
    const { data } = await asApp.rest.apps.getRepoInstallation({ owner, repo });
    return data.suspended_at ? null : data.id;
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw err;
  }
}
