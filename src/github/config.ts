import { Context, type Logger } from 'probot';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { parseRepoConfig, DEFAULT_CONFIG, type ConfigResult } from '../repo-config.js';
import type { Octokit } from './octokit.js';

export const CONFIG_FILE = 'gitdone.yml';

/**
 * Reads `.github/gitdone.yml` the Probot way (organisation `.github` repository and
 * `_extends` included). Jobs run long after the webhook, so the Context is rebuilt
 * from the stored delivery.
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
    const status = (err as { status?: number }).status;
    // A YAML syntax error is the repository's to fix; a GitHub failure is ours to retry.
    if (status !== undefined && status !== 404) throw err;
    return { ok: false, config: DEFAULT_CONFIG, errors: [`\`.github/${CONFIG_FILE}\` could not be read: ${(err as Error).message}`] };
  }
  return parseRepoConfig(raw);
}
