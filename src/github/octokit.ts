import type { ProbotOctokit } from 'probot';

/** An installation-authenticated Octokit, as `probot.auth(installationId)` returns it. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export function splitFullName(fullName: string): { owner: string; repo: string } {
  const i = fullName.indexOf('/');
  return { owner: fullName.slice(0, i), repo: fullName.slice(i + 1) };
}

/** Status of an Octokit RequestError, or undefined for network and other errors. */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
