import type { Context } from 'probot';
import {
  installationBack,
  installationGone,
  repositoriesChanged,
  repositoryDeleted,
  repositoryMoved,
} from '../usecases/track-installation.js';
import type { EventDeps } from './deps.js';

/** Installation lifecycle events, applied at once (usecases/track-installation.ts: no GitHub call). */

export function onInstallationGone({ db }: EventDeps) {
  return async (context: Context<'installation.deleted' | 'installation.suspend'>) => {
    const installationId = context.payload.installation.id;
    await installationGone(db, installationId);
    context.log.info({ deliveryId: context.id, installationId, action: context.payload.action }, 'installation no longer tracked');
  };
}

export function onInstallationBack({ db }: EventDeps) {
  return async (context: Context<'installation.unsuspend' | 'installation.created'>) => {
    const { installation, repositories } = context.payload;
    await installationBack(db, installation.id, (repositories ?? []).map((r) => ({ id: r.id, fullName: r.full_name })));
    context.log.info({ deliveryId: context.id, installationId: installation.id }, 'installation tracked');
  };
}

export function onRepositoriesChanged({ db }: EventDeps) {
  return async (context: Context<'installation_repositories'>) => {
    const { installation, repositories_added, repositories_removed } = context.payload;
    const removed = repositories_removed.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    await repositoriesChanged(db, installation.id, repositories_added.map((r) => ({ id: r.id, fullName: r.full_name })), removed);
    context.log.info({ deliveryId: context.id, added: repositories_added.length, removed: removed.length }, 'installation repositories changed');
  };
}

/** Renamed or transferred: goals hang on the repository id, only the shown name changes. */
export function onRepositoryMoved({ db }: EventDeps) {
  return async (context: Context<'repository.renamed' | 'repository.transferred'>) => {
    const { repository } = context.payload;
    await repositoryMoved(db, repository.id, repository.full_name);
    context.log.info({ deliveryId: context.id, repo: repository.full_name }, 'repository renamed or transferred');
  };
}

export function onRepositoryDeleted({ db }: EventDeps) {
  return async (context: Context<'repository.deleted'>) => {
    await repositoryDeleted(db, context.payload.repository.id);
    context.log.info({ deliveryId: context.id, repo: context.payload.repository.full_name }, 'repository deleted');
  };
}
