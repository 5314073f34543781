import type { Db } from '../db/database.js';
import { renameRepository, trackInstallation, untrackInstallation, untrackRepositories, upsertRepository } from '../db/repositories.js';

/**
 * The installation lifecycle (SPEC §1): which repositories GitDone acts for. Only our own
 * rows change (no GitHub call). Goals stay readable (the embeds say "no longer tracked");
 * every job leaves untracked repositories alone.
 */

export interface Repo {
  id: number;
  fullName: string;
}

/** Deleted or suspended. */
export async function installationGone(db: Db, installationId: number): Promise<void> {
  await untrackInstallation(db, installationId);
}

/** Installed (again) or unsuspended, with the repositories GitHub lists. */
export async function installationBack(db: Db, installationId: number, repos: Repo[]): Promise<void> {
  await db.transaction().execute(async (q) => {
    await trackInstallation(q, installationId);
    for (const r of repos) await upsertRepository(q, { id: r.id, installationId, fullName: r.fullName }, { track: true });
  });
}

/** Repositories added to or removed from an installation. */
export async function repositoriesChanged(db: Db, installationId: number, added: Repo[], removed: number[]): Promise<void> {
  await db.transaction().execute(async (q) => {
    for (const r of added) await upsertRepository(q, { id: r.id, installationId, fullName: r.fullName }, { track: true });
    await untrackRepositories(q, removed);
  });
}

export async function repositoryMoved(db: Db, id: number, fullName: string): Promise<void> {
  await renameRepository(db, id, fullName);
}

export async function repositoryDeleted(db: Db, id: number): Promise<void> {
  await untrackRepositories(db, [id]);
}
