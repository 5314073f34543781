import type { Db } from '../db/database.js';
import type { RepoRef } from '../db/repositories.js';
import type { RecordDelivery } from '../usecases/record-delivery.js';

/** What webhook handlers get: the database only. They never call GitHub (DESIGN "The flow"). */
export interface EventDeps {
  db: Db;
  /** Stores a delivery and its job, durably (usecases/record-delivery.ts: batched with its neighbours). */
  record: RecordDelivery;
}

interface Delivered {
  id: string;
  payload: { repository?: { id: number; full_name: string; default_branch?: string } | null; installation?: { id: number } | null };
  log: { warn(obj: object, msg: string): void };
}

/**
 * The repository a delivery is about, with the installation that can act there; null (and a
 * log line) when either is missing. A delivery without an installation is not one GitDone can
 * answer, and must not overwrite the installation id that later notices need.
 */
export function repoOf(context: Delivered): RepoRef | null {
  const { repository, installation } = context.payload;
  if (!repository || !installation?.id) {
    context.log.warn({ deliveryId: context.id, repository: Boolean(repository), installation: Boolean(installation?.id) }, 'delivery without a repository or an installation; ignored');
    return null;
  }
  return {
    id: repository.id,
    installationId: installation.id,
    fullName: repository.full_name,
    defaultBranch: repository.default_branch ?? null,
  };
}
