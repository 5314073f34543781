import type { Context } from 'probot';
import { sql } from 'kysely';
import { touchGoalsOfRepos, upsertRepository } from '../goals/store.js';
import type { EventDeps } from './deps.js';

/**
 * Installation lifecycle: these only change our own rows (no GitHub call), so they are
 * applied right in the handler. Goals stay readable; untracked repositories are left alone
 * by every job.
 */
export function onInstallationGone({ db }: EventDeps) {
  return async (context: Context<'installation.deleted' | 'installation.suspend'>) => {
    const installationId = context.payload.installation.id;
    await db.transaction().execute(async (trx) => {
      const repos = await trx
        .updateTable('repositories')
        .set({ tracked: false, updated_at: sql`now()` })
        .where('installation_id', '=', installationId)
        .returning('id')
        .execute();
      await touchGoalsOfRepos(trx, repos.map((r) => Number(r.id)));
    });
    context.log.info({ deliveryId: context.id, installationId, action: context.payload.action }, 'installation no longer tracked');
  };
}

export function onInstallationBack({ db }: EventDeps) {
  return async (context: Context<'installation.unsuspend' | 'installation.created'>) => {
    const { installation, repositories } = context.payload;
    await db.transaction().execute(async (trx) => {
      const known = await trx
        .updateTable('repositories')
        .set({ tracked: true, updated_at: sql`now()` })
        .where('installation_id', '=', installation.id)
        .returning('id')
        .execute();
      for (const r of repositories ?? []) {
        await upsertRepository(trx, { id: r.id, installationId: installation.id, fullName: r.full_name }, { track: true });
      }
      await touchGoalsOfRepos(trx, [...known.map((r) => Number(r.id)), ...(repositories ?? []).map((r) => r.id)]);
    });
    context.log.info({ deliveryId: context.id, installationId: installation.id }, 'installation tracked');
  };
}

export function onRepositoriesChanged({ db }: EventDeps) {
  return async (context: Context<'installation_repositories'>) => {
    const { installation, repositories_added, repositories_removed } = context.payload;
    await db.transaction().execute(async (trx) => {
      for (const r of repositories_added) {
        await upsertRepository(trx, { id: r.id, installationId: installation.id, fullName: r.full_name }, { track: true });
      }
      const removed = repositories_removed.flatMap((r) => (r.id === undefined ? [] : [r.id]));
      if (removed.length > 0) {
        await trx.updateTable('repositories').set({ tracked: false, updated_at: sql`now()` }).where('id', 'in', removed).execute();
      }
      await touchGoalsOfRepos(trx, [...repositories_added.map((r) => r.id), ...removed]);
    });
    context.log.info(
      { deliveryId: context.id, added: repositories_added.length, removed: repositories_removed.length },
      'installation repositories changed',
    );
  };
}

/** Renamed or transferred: goals hang on the repository id, only the shown name changes. */
export function onRepositoryMoved({ db }: EventDeps) {
  return async (context: Context<'repository.renamed' | 'repository.transferred'>) => {
    const { repository } = context.payload;
    const result = await db
      .updateTable('repositories')
      .set({ full_name: repository.full_name, updated_at: sql`now()` })
      .where('id', '=', repository.id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) await touchGoalsOfRepos(db, [repository.id]);
    context.log.info({ deliveryId: context.id, repo: repository.full_name }, 'repository renamed or transferred');
  };
}

export function onRepositoryDeleted({ db }: EventDeps) {
  return async (context: Context<'repository.deleted'>) => {
    await db.updateTable('repositories').set({ tracked: false }).where('id', '=', context.payload.repository.id).execute();
    await touchGoalsOfRepos(db, [context.payload.repository.id]);
  };
}
