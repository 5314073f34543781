import type { Logger } from 'pino';
import type { Config } from './config/env.js';
import { reportFailure } from './configure.js';
import { checkConnection, openDatabase, type DbHandle } from './db/database.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * The database, as the second start-up step: DATABASE_URL's, or an embedded PostgreSQL
 * (development only), checked to answer before anything uses it. Loaded before Probot and
 * the workers, so that a database that is not there is reported at once.
 */
export async function startDatabase(life: Lifecycle, config: Config, log: Logger, o: { max?: number; applicationName?: string } = {}): Promise<DbHandle> {
  try {
    let url = config.databaseUrl;
    if (!url) {
      log.warn(`DATABASE_URL is not set: starting an embedded PostgreSQL under ${config.dataDir} — for development only`);
      const embedded = await life.step('embedded PostgreSQL', async (ctx) => {
        const started = await startEmbeddedPostgres({ dataDir: config.dataDir, log, onAbandon: ctx.onAbandon });
        return { value: started, stop: () => started.stop(), abandon: started.abandon };
      });
      url = embedded.url;
    }
    const connectionString = url;
    return await life.step('database pool', async () => {
      const database = openDatabase(connectionString, { ...o, log });
      try {
        await checkConnection(database, connectionString, config.databaseUrl ? 'DATABASE_URL' : 'the embedded PostgreSQL');
      } catch (err) {
        await database.close();
        throw err;
      }
      return { value: database, stop: () => database.close() };
    });
  } catch (err) {
    throw reportFailure(err, log);
  }
}
