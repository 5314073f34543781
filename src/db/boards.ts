import { sql } from 'kysely';
import { newToken } from './goals.js';
import type { Q } from './q.js';

/** A repository's board (`/deadline board`): one per repository, found by its token. */
export interface Board {
  repoId: number;
  token: string;
  /** False while its link is withdrawn (`/deadline unshare board`). */
  shared: boolean;
  repoFullName: string;
  tracked: boolean;
}

const selectBoards = (q: Q) =>
  q
    .selectFrom('boards')
    .innerJoin('repositories', 'repositories.id', 'boards.repo_id')
    .select(['boards.repo_id', 'boards.token', 'boards.unshared_at', 'repositories.full_name', 'repositories.tracked']);

type Row = { repo_id: number; token: string; unshared_at: Date | null; full_name: string; tracked: boolean };

function toBoard(r: Row): Board {
  return { repoId: Number(r.repo_id), token: r.token, shared: r.unshared_at === null, repoFullName: r.full_name, tracked: r.tracked };
}

export async function boardByToken(q: Q, token: string): Promise<Board | undefined> {
  const row = await selectBoards(q).where('boards.token', '=', token).executeTakeFirst();
  return row && toBoard(row as Row);
}

export async function boardOfRepo(q: Q, repoId: number): Promise<Board | undefined> {
  const row = await selectBoards(q).where('boards.repo_id', '=', repoId).executeTakeFirst();
  return row && toBoard(row as Row);
}

/** The repository's board, made on first request; asking again returns the same one (two at once: one wins, both see it). */
export async function ensureBoard(q: Q, repoId: number): Promise<Board> {
  await q.insertInto('boards').values({ repo_id: repoId, token: newToken() }).onConflict((oc) => oc.column('repo_id').doNothing()).execute();
  return (await boardOfRepo(q, repoId))!;
}

/**
 * A fresh token for the repository's board (made if it has none), the old one withdrawn:
 * `share board` (shared again) and `unshare board` (the new token published nowhere).
 */
export async function replaceBoardToken(q: Q, repoId: number, opts: { share: boolean }): Promise<{ board: Board; wasShared: boolean }> {
  const old = await q.selectFrom('boards').select(['token', 'unshared_at']).where('repo_id', '=', repoId).forUpdate().executeTakeFirst();
  if (old) {
    await q.insertInto('withdrawn_links').values({ token: old.token, kind: 'board' }).onConflict((oc) => oc.column('token').doNothing()).execute();
    await q
      .updateTable('boards')
      .set({ token: newToken(), unshared_at: opts.share ? null : sql`now()`, updated_at: sql`now()` })
      .where('repo_id', '=', repoId)
      .execute();
  } else {
    await q.insertInto('boards').values({ repo_id: repoId, token: newToken(), unshared_at: opts.share ? null : sql`now()` }).onConflict((oc) => oc.column('repo_id').doNothing()).execute();
  }
  return { board: (await boardOfRepo(q, repoId))!, wasShared: old !== undefined && old.unshared_at === null };
}
