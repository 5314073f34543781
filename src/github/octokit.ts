import { ProbotOctokit } from 'probot';

/** An installation-authenticated Octokit, as `probot.auth(installationId)` returns it. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export function splitFullName(fullName: string): { owner: string; repo: string } {
  const i = fullName.indexOf('/');
  return { owner: fullName.slice(0, i), repo: fullName.slice(i + 1) };
}

/**
 * Every GitHub request gives up after this long, retries included: a claim to post
 * (usecases/post-once.ts, 2 minutes) must outlast any attempt, and a worker slot must not be
 * held by a connection GitHub never answers.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * Probot's Octokit, changed where one deployment serves every installation:
 * - a rate limit is not waited out inside the job (Probot's default retries after
 *   `retry-after`, holding a worker slot for up to an hour): the error reaches the job, which
 *   pauses that installation alone and goes back to the queue for then (jobs/worker.ts);
 * - each request is bounded in time (REQUEST_TIMEOUT_MS).
 * A function, not an object, for the throttle options: Probot layers its own over object
 * defaults, and this class is beneath Probot's (Probot.defaults({ Octokit })).
 */
export const GitDoneOctokit = ProbotOctokit.plugin(requestTimeout).defaults((o: Record<string, unknown>) => ({
  ...o,
  throttle: { ...(o.throttle as object), onRateLimit: () => false, onSecondaryRateLimit: () => false },
}));

interface RequestOptions {
  request?: { signal?: AbortSignal; /** Another bound than REQUEST_TIMEOUT_MS (tests). */ timeoutMs?: number };
}

function requestTimeout(octokit: { hook: { before(name: 'request', fn: (options: RequestOptions) => void): void } }): void {
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: options.request?.signal ?? AbortSignal.timeout(options.request?.timeoutMs ?? REQUEST_TIMEOUT_MS) };
  });
}
