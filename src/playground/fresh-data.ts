import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import type { DbHandle } from '../db/database.js';

/**
 * The playground starts afresh every time: its stand-in GitHub forgets everything when it
 * stops, so goals kept from an earlier run would point at comments that no longer exist
 * (and hold on to their keywords). So, before the migrations run, every schema in its
 * database is dropped: GitDone's tables, graphile-worker's queue, all of it. The embedded
 * PostgreSQL itself is kept, so that only the first run pays for creating it (initdb).
 *
 * Only ever the playground's own embedded database (environment.ts sets DATABASE_URL to
 * nothing): a database someone named is never emptied.
 */
export async function emptyDatabase(config: Config, database: DbHandle, log: Logger): Promise<void> {
  if (config.databaseUrl) throw new Error('the playground empties only its own embedded database, not DATABASE_URL\'s');
  const { rows } = await database.pool.query<{ name: string }>(
    "select nspname as name from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema'",
  );
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    for (const { name } of rows) await client.query(`drop schema ${client.escapeIdentifier(name)} cascade`);
    await client.query('create schema public');
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  log.info({ dropped: rows.map((r) => r.name) }, 'the playground starts afresh: its database was emptied');
}
