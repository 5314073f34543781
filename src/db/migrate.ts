import { Migrator, sql, type Migration } from 'kysely';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { migrations } from '../../db/migrations/index.js';
import type { Db } from './database.js';

/** Any constant works; it only has to be the same for every replica. */
const MIGRATION_LOCK = 0x67697464; // "gitd"

type Migrations = Record<string, Migration>;

const migrator = (db: Db, known: Migrations) =>
  new Migrator({ db, provider: { getMigrations: async () => known } });

export interface MigrateOptions {
  /** The migrations this build knows (tests pass an older build's list). */
  migrations?: Migrations;
  /** Called with the database's migrations that are newer than this build's newest. */
  onNewer?: (names: string[]) => void;
}

/**
 * Applies GitDone's migrations and graphile-worker's schema. Replicas that start
 * together queue on one advisory lock, so each migration runs once.
 *
 * A database that a newer release has migrated further is fine (migrations are
 * expand-then-contract, so this build still works on it; docs/operations.md#roll-back):
 * when every migration this build knows is applied and the rest all sort after its newest,
 * they are reported through `onNewer` and the Migrator is not run at all, since Kysely's
 * would refuse ("corrupted migrations"). Anything else unknown (a gap in the middle) is
 * still refused.
 */
export async function migrateToLatest(db: Db, pool: pg.Pool, o: MigrateOptions = {}): Promise<string[]> {
  const known = o.migrations ?? migrations;
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const newer = await newerMigrations(db, known);
    if (newer) {
      o.onNewer?.(newer);
      await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
      return [];
    }
    const { error, results } = await migrator(db, known).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/** True when every migration this build knows is applied (for /readyz); newer ones a later release applied do not matter. */
export async function migrationsCurrent(db: Db, known: Migrations = migrations): Promise<boolean> {
  const applied = new Set(await appliedMigrations(db));
  const worker = await sql<{ ok: boolean }>`select to_regclass('graphile_worker.jobs') is not null as ok`.execute(db);
  return Object.keys(known).every((name) => applied.has(name)) && worker.rows[0]?.ok === true;
}

/**
 * The applied migrations this build does not know, when all of the build's are applied and
 * those all come after its newest (a newer release ran them); otherwise undefined.
 */
async function newerMigrations(db: Db, known: Migrations): Promise<string[] | undefined> {
  const applied = await appliedMigrations(db);
  const names = Object.keys(known).sort();
  const newest = names.at(-1) ?? '';
  const appliedSet = new Set(applied);
  const unknown = applied.filter((name) => !(name in known));
  if (unknown.length === 0 || !names.every((n) => appliedSet.has(n))) return undefined;
  return unknown.every((name) => name > newest) ? unknown.sort() : undefined;
}

/** Names in Kysely's bookkeeping table; none before the first migration ever ran. */
async function appliedMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as exists`.execute(db);
  if (!rows[0]?.exists) return [];
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return applied.rows.map((r) => r.name);
}

const quietWorkerLogger = new WorkerLogger(() => () => {});
