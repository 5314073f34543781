import { openDatabase } from './db/database.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { readEnv } from './env.js';
import { createLog } from './log.js';

/** `npm run migrate`: apply pending migrations and exit (for a release step before rollout). */
const log = await createLog();
const env = readEnv();
const embedded = env.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: env.dataDir, log });
const database = openDatabase(env.databaseUrl ?? embedded!.url, { max: 2 });
try {
  const applied = await migrateToLatest(database.db, database.pool);
  log.info({ applied }, applied.length ? 'migrations applied' : 'nothing to migrate');
} finally {
  await database.close();
  await embedded?.stop();
}
