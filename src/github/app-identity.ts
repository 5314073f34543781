import type { AppIdentity } from './comments.js';
import type { Octokit } from './octokit.js';

/**
 * This app's identity for telling its own comments from look-alikes: its id, and its slug
 * from `GET /app` (asked once, when first needed; a failure is asked again next time).
 */
export function appIdentity(id: number, asApp: () => Promise<Octokit>): AppIdentity {
  let slug: Promise<string | undefined> | undefined;
  return {
    id,
    slug: () =>
      (slug ??= asApp()
        .then(async (octokit) => (await octokit.rest.apps.getAuthenticated()).data?.slug)
        .catch(() => {
          slug = undefined;
          return undefined;
        })),
  };
}
