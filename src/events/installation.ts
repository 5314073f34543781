import type { Context } from 'probot';
import { sql } from 'kysely';
import { upsertRepository } from '../goals/store.js';
import type { EventDeps } from './deps.js';

/**
 * Installation lifecycle: these only change our own rows (no GitHub call), so they are
 * applied right in the handler. Goals stay readable (the embeds say "no longer tracked");
 * every job leaves untracked repositories alone.
 */
export function onInstallationGone({ db }: EventDeps) {
  return async (context: Context<'installation.deleted' | 'installation.suspend'>) => {
    const installationId = context.payload.installation.id;
    await db.updateTable('repositories').set({ tracked: false, updated_at: sql`now()` }).where('installation_id', '=', installationId).execute();
    context.log.info({ deliveryId: context.id, installationId, action: context.payload.action }, 'installation no longer tracked');
  };
}

export function onInstallationBack({ db }: EventDeps) {
  return async (context: Context<'installation.unsuspend' | 'installation.created'>) => {
    const { installation, repositories } = context.payload;
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('repositories').set({ tracked: true, updated_at: sql`now()` }).where('installation_id', '=', installation.id).execute();
      for (const r of repositories ?? []) {
        await upsertRepository(trx, { id: r.id, installationId: installation.id, fullName: r.full_name }, { track: true });
      }
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
    await db.updateTable('repositories').set({ full_name: repository.full_name, updated_at: sql`now()` }).where('id', '=', repository.id).execute();
    context.log.info({ deliveryId: context.id, repo: repository.full_name }, 'repository renamed or transferred');
  };
}

export function onRepositoryDeleted({ db }: EventDeps) {
  return async (context: Context<'repository.deleted'>) => {
    await db.updateTable('repositories').set({ tracked: false, updated_at: sql`now()` }).where('id', '=', context.payload.repository.id).execute();
    context.log.info({ deliveryId: context.id, repo: context.payload.repository.full_name }, 'repository deleted');
  };
}
