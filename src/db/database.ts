import pg from 'pg';
import Cursor from 'pg-cursor';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../../db/schema.js';
import { describeConnectionFailure, targetOf } from './connection-error.js';

export type Db = Kysely<Database>;

/**
 * How GitDone's pools read values: bigint (int8) ids and counts fit in a JS number for
 * GitDone's lifetime, and are read as numbers, so that repository ids compare with GitHub's
 * payloads directly. Set on GitDone's pools only, not process-wide for every pg user.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where pool trouble is reported. */
interface PoolLog {
  warn(obj: object, msg: string): void;
}

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
  /** Another pool on the same database, with the same session name (its own close). */
  sibling(max: number): DbHandle;
}

/** `applicationName` names this process' sessions in pg_stat_activity (see jobs/reaper.ts). */
export function openDatabase(connectionString: string, opts: { max?: number; applicationName?: string; log?: PoolLog } = {}): DbHandle {
  // A database that stops answering must not hold webhook handlers past GitHub's 10 s:
  // waiting for a connection gives up after 5 s (GitHub then shows a failed delivery).
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10, application_name: opts.applicationName, connectionTimeoutMillis: 5000, types });
  // A client losing its connection (database restart) must not crash the process. An idle
  // one is dropped, and said so (a flapping database shows in the log); a busy one fails
  // its query, which reports it and is retried by its job.
  pool.on('error', (err) => opts.log?.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle database connection lost'));
  pool.on('connect', (client) => client.on('error', () => {}));
  // `cursor` lets a query's rows be read in batches (Kysely's `.stream()`, over pg-cursor, the
  // node-postgres project's own cursor): a push's commits are read in one query, not in pages.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  let closed = false;
  return {
    db,
    pool,
    sibling: (max) => openDatabase(connectionString, { ...opts, max }),
    async close() {
      if (closed) return;
      closed = true;
      // Let queries already under way finish (graphile-worker records a finished job without
      // awaiting it): ending the pool under them would leave that job locked.
      for (let i = 0; i < 100 && (pool.waitingCount > 0 || pool.totalCount > pool.idleCount); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await db.destroy(); // ends the pool, but only if Kysely ever used it
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * One round trip, so that a database that is not there stops start-up at once with a
 * message saying where and what to check (DatabaseUnreachable), within the pool's 5 s
 * connection timeout, rather than as a stack trace from the first migration.
 */
export async function checkConnection(handle: DbHandle, connectionString: string, variable = 'DATABASE_URL'): Promise<void> {
  try {
    await handle.pool.query('select 1');
  } catch (err) {
    throw describeConnectionFailure(err, targetOf(connectionString), variable);
  }
}
