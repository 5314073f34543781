import { Migrator, sql } from 'kysely';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { migrations } from '../../db/migrations/index.js';
import type { Db } from './database.js';

/** Any constant works; it only has to be the same for every replica. */
const MIGRATION_LOCK = 0x67697464; // "gitd"

const migrator = (db: Db) =>
  new Migrator({ db, provider: { getMigrations: async () => migrations } });

/**
 * Applies GitDone's migrations and graphile-worker's schema. Replicas that start
 * together queue on one advisory lock, so each migration runs once.
 */
export async function migrateToLatest(db: Db, pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const { error, results } = await migrator(db).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** True when every migration this build knows is applied (for /readyz). */
export async function migrationsCurrent(db: Db): Promise<boolean> {
  const applied = await migrator(db).getMigrations();
  const worker = await sql<{ ok: boolean }>`select to_regclass('graphile_worker.jobs') is not null as ok`.execute(db);
  return applied.every((m) => m.executedAt !== undefined) && worker.rows[0]?.ok === true;
}

const quietWorkerLogger = new WorkerLogger(() => () => {});
