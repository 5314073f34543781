/** Status of an Octokit RequestError, or undefined for network and other errors. */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function headersOf(err: unknown): Record<string, string | undefined> {
  return (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
}

/** A primary or secondary rate limit: GitHub says so with 429, or 403 plus its rate-limit headers. */
export function isRateLimited(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === 429) return true;
  if (status !== 403) return false;
  const h = headersOf(err);
  return h['x-ratelimit-remaining'] === '0' || h['retry-after'] !== undefined;
}

/**
 * GitHub refusals no retry will change: the thing is gone (404, 410), forbidden (403 that
 * is not a rate limit: a locked issue, an archived repository, a permission the app lacks),
 * or refused as sent (422). Everything else (5xx, rate limits, network) may pass if retried.
 */
export function isPermanent(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === 404 || status === 410 || status === 422) return true;
  return status === 403 && !isRateLimited(err);
}

/**
 * When GitHub allows the next try after a rate limit: `retry-after` (seconds), else, with the
 * quota spent, `x-ratelimit-reset` (epoch seconds), else a minute, as GitHub's docs ask for
 * secondary limits. Kept between a second and an hour whatever the headers say.
 */
export function retryAt(err: unknown, now: Date): Date {
  const h = headersOf(err);
  let ms = 60_000;
  const after = Number(h['retry-after']);
  const reset = Number(h['x-ratelimit-reset']);
  if (h['retry-after'] !== undefined && Number.isFinite(after)) ms = after * 1000;
  else if (h['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) ms = reset * 1000 - now.getTime();
  return new Date(now.getTime() + Math.min(Math.max(ms, 1000), 3_600_000));
}
