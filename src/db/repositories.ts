import { sql } from 'kysely';
import type { Q } from './q.js';

/** The repositories table: which installation acts for a repository, and whether GitDone still tracks it. */

export interface RepoRef {
  id: number;
  installationId: number;
  fullName: string;
  defaultBranch?: string | null;
}

/**
 * Keeps the repository row current: goals follow the id, the name is only for display.
 * Only installation events (`track: true`) make a repository tracked again: any other
 * webhook, a late one or a manual redelivery, must not revive a removed installation.
 */
export async function upsertRepository(q: Q, repo: RepoRef, opts: { track?: boolean } = {}): Promise<void> {
  await q
    .insertInto('repositories')
    .values({
      id: repo.id,
      installation_id: repo.installationId,
      full_name: repo.fullName,
      default_branch: repo.defaultBranch ?? null,
      tracked: true,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        installation_id: repo.installationId,
        full_name: repo.fullName,
        default_branch: sql`coalesce(excluded.default_branch, repositories.default_branch)`,
        ...(opts.track ? { tracked: true } : {}),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/**
 * upsertRepository for many at once (one statement): the last entry for an id wins, and rows
 * are written in id order, so that two replicas' batches never wait on each other in a circle.
 */
export async function upsertRepositories(q: Q, repos: RepoRef[]): Promise<void> {
  const byId = new Map(repos.map((r) => [r.id, r]));
  if (byId.size === 0) return;
  const rows = [...byId.values()].sort((a, b) => a.id - b.id);
  await q
    .insertInto('repositories')
    .values(rows.map((r) => ({ id: r.id, installation_id: r.installationId, full_name: r.fullName, default_branch: r.defaultBranch ?? null, tracked: true })))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        installation_id: sql`excluded.installation_id`,
        full_name: sql`excluded.full_name`,
        default_branch: sql`coalesce(excluded.default_branch, repositories.default_branch)`,
        updated_at: sql`now()`,
      })
      // Most deliveries change nothing here: no row version written, no lock held for them.
      .where(
        sql<boolean>`(repositories.installation_id, repositories.full_name) is distinct from (excluded.installation_id, excluded.full_name)
          or (excluded.default_branch is not null and excluded.default_branch is distinct from repositories.default_branch)`,
      ),
    )
    .execute();
}

/** An installation removed or suspended: its repositories are no longer tracked (their goals stay readable). */
export async function untrackInstallation(q: Q, installationId: number): Promise<void> {
  await q.updateTable('repositories').set({ tracked: false, updated_at: sql`now()` }).where('installation_id', '=', installationId).execute();
}

/** An installation back (unsuspended, or installed again): its repositories are tracked again. */
export async function trackInstallation(q: Q, installationId: number): Promise<void> {
  await q.updateTable('repositories').set({ tracked: true, updated_at: sql`now()` }).where('installation_id', '=', installationId).execute();
}

/** Repositories removed from an installation, or deleted. */
export async function untrackRepositories(q: Q, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await q.updateTable('repositories').set({ tracked: false, updated_at: sql`now()` }).where('id', 'in', ids).execute();
}

/** Renamed or transferred: goals hang on the repository id, only the shown name changes. */
export async function renameRepository(q: Q, id: number, fullName: string): Promise<void> {
  await q.updateTable('repositories').set({ full_name: fullName, updated_at: sql`now()` }).where('id', '=', id).execute();
}

/**
 * The installation id of a repository no installation of GitDone acts for (an issue was
 * transferred to it): GitHub's ids start at 1, so no installation event ever matches it, and
 * the row stays untracked until the app is installed there (upsertRepository with `track`).
 */
export const NO_INSTALLATION = 0;

/**
 * A repository GitHub says GitDone is not installed on: known by name, untracked. An existing
 * row keeps its installation id (an installation event may bring it back).
 */
export async function untrackedRepository(q: Q, repo: { id: number; fullName: string }): Promise<void> {
  await q
    .insertInto('repositories')
    .values({ id: repo.id, installation_id: NO_INSTALLATION, full_name: repo.fullName, default_branch: null, tracked: false })
    .onConflict((oc) => oc.column('id').doUpdateSet({ full_name: repo.fullName, tracked: false, updated_at: sql`now()` }))
    .execute();
}
