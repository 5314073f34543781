import { Context, type Logger } from 'probot';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { quote } from '../markdown/inert.js';
import { parseRepoConfig, unreadableConfig, type ConfigResult } from '../config/repo-config.js';
import { httpStatus, isPermanent } from './errors.js';
import type { Octokit } from './octokit.js';

export const CONFIG_FILE = 'gitdone.yml';

/**
 * Reads `.github/gitdone.yml` the Probot way (organisation `.github` repository and
 * `_extends` included). Jobs run long after the webhook, so the Context is rebuilt
 * from the stored delivery.
 *
 * Fails closed: a file that cannot be read or parsed (a YAML syntax error, a 403 because the
 * app may not read contents, an `_extends` that points nowhere) gives the fallbacks with
 * `permission: admin` and a reason for the reply, never the defaults (which would let
 * writers in where the owners asked for admins). Only trouble a retry can fix (5xx, rate
 * limits, the network) is thrown, for the job to retry.
 */
export async function loadRepoConfig(
  event: { id: string; name: string; payload: unknown },
  octokit: Octokit,
  log: Logger,
): Promise<ConfigResult> {
  const context = new Context(event as unknown as EmitterWebhookEvent, octokit, log);
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
  } catch (err) {
    const status = httpStatus(err);
    if (status !== undefined ? !isPermanent(err) : !isParseError(err)) throw err;
    log.warn({ deliveryId: event.id, status, reason: (err as Error).message }, 'repository config unreadable; failing closed');
    return unreadableConfig(`\`.github/${CONFIG_FILE}\` could not be read: ${reason(err, status)}.`);
  }
  return parseRepoConfig(raw);
}

/** What the config plugin throws for a file it fetched but could not use (no status: not GitHub's doing). */
function isParseError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('[@probot/octokit-plugin-config]');
}

function reason(err: unknown, status: number | undefined): string {
  if (status === 403) return 'GitHub answered 403 (the app may not read this repository\'s contents, or the file is in a repository it cannot see)';
  if (status !== undefined) return `GitHub answered ${status} (a file named by \`_extends\` may be missing)`;
  const message = (err as Error).message;
  if (message.includes('invalid YAML')) {
    // The YAML library's own words say where; they quote the file, so they are echoed inertly.
    const cause = (err as { cause?: Error }).cause?.message.split('\n')[0];
    return `it is not valid YAML${cause ? ` (${quote(cause, { max: 120 })})` : ''}`;
  }
  if (message.includes('not an object')) return 'it must be a YAML mapping like `timezone: Europe/Berlin`';
  if (message.includes('directory or a submodule')) return 'it is a directory or a submodule, not a file';
  return quote(message, { max: 120 });
}
