import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { stopOrphan } from '../db/embedded.js';

/**
 * The playground starts afresh every time: its stand-in GitHub forgets everything when it
 * stops, so goals kept from an earlier run would point at comments that no longer exist
 * (and hold on to their keywords). So its embedded PostgreSQL (only ever under the
 * playground's own folder, environment.ts) is removed before it starts, after stopping a
 * postgres that an earlier run killed hard may have left running on it.
 */
export async function emptyDataDir(dataDir: string, log: Logger): Promise<void> {
  const databaseDir = path.resolve(dataDir, 'pg');
  await stopOrphan(databaseDir, log);
  await rm(databaseDir, { recursive: true, force: true });
  log.info(`the playground starts afresh: its database under ${databaseDir} is created anew`);
}
