import type { Counter } from 'prom-client';

/** The part of an Octokit this needs (before-after-hook's `hook`). */
interface Hookable {
  hook: {
    after(name: 'request', fn: (response: { status: number }, options: { method?: string }) => void): void;
    error(name: 'request', fn: (error: unknown, options: { method?: string }) => unknown): void;
  };
}

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);
const counted = new WeakSet<object>();

/**
 * Counts every request `octokit` makes in gitdone_github_requests_total{method,status}.
 * Registered after Octokit's retry and throttling plugins, the hooks see each request's
 * final outcome once, not every retry. A request that got no answer (DNS, reset, timeout)
 * is "network". The same Octokit is counted once however often it passes through here
 * (Probot hands out one app-level instance).
 */
export function countGitHubRequests<T>(octokit: T, counter: Counter<'method' | 'status'>): T {
  const o = octokit as unknown as Hookable;
  if (counted.has(o)) return octokit;
  counted.add(o);
  const method = (options: { method?: string }) => {
    const m = (options.method ?? 'GET').toUpperCase();
    return METHODS.has(m) ? m : 'other';
  };
  o.hook.after('request', (response, options) => counter.inc({ method: method(options), status: statusLabel(response.status) }));
  o.hook.error('request', (error, options) => {
    // Octokit reports a request that got no answer as status 500 without a response.
    const response = (error as { response?: { status?: unknown } }).response;
    counter.inc({ method: method(options), status: statusLabel(response?.status) });
    throw error;
  });
  return octokit;
}

function statusLabel(status: unknown): string {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'network';
}
