import type { Db } from '../db/database.js';

/** What webhook handlers get: the database only. They never call GitHub (DESIGN "The flow"). */
export interface EventDeps {
  db: Db;
}

/** The repository fields every handler stores, from any repository-scoped payload. */
export function repoOf(payload: {
  repository: { id: number; full_name: string; default_branch?: string };
  installation?: { id: number };
}) {
  return {
    id: payload.repository.id,
    installationId: payload.installation?.id ?? 0,
    fullName: payload.repository.full_name,
    defaultBranch: payload.repository.default_branch ?? null,
  };
}
