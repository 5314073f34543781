import type { ProbotOctokit } from 'probot';

/** An installation-authenticated Octokit, as `probot.auth(installationId)` returns it. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export function splitFullName(fullName: string): { owner: string; repo: string } {
  const i = fullName.indexOf('/');
  return { owner: fullName.slice(0, i), repo: fullName.slice(i + 1) };
}
