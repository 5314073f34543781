import { PERMISSIONS, type Permission } from '../config/repo-config.js';
import { httpStatus } from './errors.js';
import type { Octokit } from './octokit.js';

/**
 * The user's role on the repository, from the collaborator-permission API: `role_name`
 * knows triage and maintain, which the legacy `permission` field folds into read/write.
 * `author_association` is not used: it says nothing reliable about rights.
 */
export async function repositoryRole(octokit: Octokit, owner: string, repo: string, username: string): Promise<Permission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    const role = (data.role_name ?? data.permission) as string;
    return (PERMISSIONS as readonly string[]).includes(role) ? (role as Permission) : legacy(data.permission);
  } catch (err) {
    if (httpStatus(err) === 404) return 'none'; // not a collaborator (or no such user)
    throw err;
  }
}

function legacy(permission: string): Permission {
  return (PERMISSIONS as readonly string[]).includes(permission) ? (permission as Permission) : 'none';
}
