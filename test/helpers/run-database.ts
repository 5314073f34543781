import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/**
 * One PostgreSQL for the whole run: DATABASE_URL's server when set, else an embedded
 * one. A template database is migrated once; each test file clones it (fast, isolated).
 */
export async function setUpRunDatabase(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({
      // One cluster per run: parallel runs (several checkouts, CI) must not share a data directory.
      dataDir: `.data/test-${process.pid}`,
      database: 'postgres',
      persistent: false,
      log: { info: () => {}, warn: (m) => console.warn(m) },
    });
    adminUrl = embedded.url;
  }
  const template = `gitdone_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await admin.end();

  const handle = openDatabase(withDatabase(adminUrl, template), { max: 2 });
  await migrateToLatest(handle.db, handle.pool);
  await handle.close();

  process.env.GITDONE_TEST_ADMIN_URL = adminUrl;
  process.env.GITDONE_TEST_TEMPLATE = template;
  (globalThis as Record<string, unknown>).__gitdoneEmbedded = embedded;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
export async function tearDownRunDatabase(): Promise<void> {
  const adminUrl = process.env.GITDONE_TEST_ADMIN_URL;
  const template = process.env.GITDONE_TEST_TEMPLATE;
  if (adminUrl && template) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // Test databases left by a crashed test file are cloned from the template: drop them too.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`gitdone_t_${process.pid}_%`, template],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
  }
  const embedded = (globalThis as Record<string, unknown>).__gitdoneEmbedded as EmbeddedDatabase | undefined;
  await embedded?.stop();
}
