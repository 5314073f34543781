import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** A migrated database of its own for a benchmark: on DATABASE_URL's server, else an embedded PostgreSQL. */
export async function scratchDatabase(name: string): Promise<DbHandle & { url: string }> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'gitdone-bench-')), database: name, persistent: false, log: { info: () => {}, warn: console.warn } });
  let url = embedded?.url;
  if (!url) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const handle = openDatabase(url);
  await migrateToLatest(handle.db, handle.pool);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await embedded?.stop();
    },
  };
}
