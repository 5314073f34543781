import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';

/**
 * A migrated database of its own for a benchmark: on DATABASE_URL's server, else an embedded
 * PostgreSQL. `close` removes it (the scratch database on DATABASE_URL's server is dropped).
 */
export async function scratchDatabase(name: string): Promise<DbHandle & { url: string }> {
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(path.join(tmpdir(), 'gitdone-bench-'));
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir, database: name, persistent: false, log: { info: () => {}, warn: console.warn } }) : undefined;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  let url = embedded?.url;
  if (!url) {
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`create database ${name}`);
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
      if (embedded) {
        await embedded.stop();
        rmSync(dataDir!, { recursive: true, force: true });
      } else await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
