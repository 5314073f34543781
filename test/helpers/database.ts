import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../../src/db/database.js';
import { withDatabase } from './run-database.js';
import { dropJobs } from './queue.js';

export interface TestDatabase extends DbHandle {
  url: string;
}

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.GITDONE_TEST_ADMIN_URL;
  const template = process.env.GITDONE_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('test/helpers/global-setup.ts did not run');
  // The parent jest process' pid names the run, so teardown finds what a crash left.
  const name = `gitdone_t_${template.split('_').pop()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${template}`);
  const url = withDatabase(adminUrl, name);
  const handle = openDatabase(url, { max: 5 });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Empties every GitDone table and the job queue between tests (children before parents). */
export async function clearData(t: TestDatabase): Promise<void> {
  await dropJobs(t.db);
  for (const table of ['worker_processes', 'installation_pacing', 'command_runs', 'notices', 'withdrawn_links', 'boards', 'goals', 'deliveries', 'repositories'] as const) {
    await t.db.deleteFrom(table).execute();
  }
}
