import type { Probot } from 'probot';
import type { Logger } from 'pino';
import { gitdone } from './app.js';
import { ConfigError, loadConfig, readLogSettings, type Config } from './config/env.js';
import { checkConnection, openDatabase, type DbHandle } from './db/database.js';
import { DatabaseUnreachable } from './db/connection-error.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { createMetrics } from './http/metrics.js';
import { createProbotServer, loadSetupPage } from './http/probot-server.js';
import { applicationName } from './jobs/reaper.js';
import { startWorker } from './jobs/worker.js';
import { Reported, ShutdownStarted, type Lifecycle } from './lifecycle.js';
import { createLog } from './log.js';

/**
 * GitDone's start-up, step by step on the lifecycle (so that a signal at any point stops
 * exactly what has started, newest first):
 * config → log → database (embedded when DATABASE_URL is unset) → migrations →
 * GitHub App → workers → HTTP server. Without an app: the setup page instead of the last three.
 */
export async function startGitDone(life: Lifecycle): Promise<void> {
  const { config, log } = await configure(life, { needsApp: true });
  try {
    process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
    const database = await startDatabase(life, config, log, { applicationName: applicationName() });
    await life.step('migrations', async () => {
      const applied = await migrateToLatest(database.db, database.pool);
      log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is current');
      return { value: applied };
    });
    if (config.app) await serve(life, config, log, database);
    else await serveSetupPage(life, config, log);
  } catch (err) {
    throw report(err, log);
  }
}

/** `npm run migrate`: config → log → database → migrations; the caller then ends the process. */
export async function migrateOnly(life: Lifecycle): Promise<void> {
  const { config, log } = await configure(life, { needsApp: false });
  try {
    const database = await startDatabase(life, config, log, { max: 2 });
    await life.step('migrations', async () => {
      const applied = await migrateToLatest(database.db, database.pool);
      log.info({ applied }, applied.length ? 'migrations applied' : 'nothing to migrate');
      return { value: applied };
    });
  } catch (err) {
    throw report(err, log);
  }
}

/** Reads the configuration and makes the log; a configuration error is logged (as the settings allow) and Reported. */
async function configure(life: Lifecycle, o: { needsApp: boolean }): Promise<{ config: Config; log: Logger }> {
  let config: Config;
  try {
    config = loadConfig(o);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Logged in the format the settings ask for, as far as they can be read.
    const { log, flush } = await createLog(readLogSettings(process.env, process.stdout.isTTY === true).settings);
    life.configure({ log, flush, shutdownTimeoutMs: 1000 });
    log.fatal({ problems: err.problems }, err.message);
    throw new Reported(err.message);
  }
  const { log, flush } = await createLog(config.log);
  life.configure({ log, flush, shutdownTimeoutMs: config.shutdownTimeoutMs });
  if (config.dotenvFile) log.info({ file: config.dotenvFile }, 'settings read from the environment and .env (the environment wins)');
  return { config, log };
}

/** The database: DATABASE_URL's, or an embedded PostgreSQL (development only); checked to answer. */
async function startDatabase(life: Lifecycle, config: Config, log: Logger, o: { max?: number; applicationName?: string } = {}): Promise<DbHandle> {
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
  return life.step('database pool', async () => {
    const database = openDatabase(connectionString, o);
    try {
      await checkConnection(database, connectionString, config.databaseUrl ? 'DATABASE_URL' : 'the embedded PostgreSQL');
    } catch (err) {
      await database.close();
      throw err;
    }
    return { value: database, stop: () => database.close() };
  });
}

/** The app: webhooks and routes through Probot, jobs through the workers. */
async function serve(life: Lifecycle, config: Config, log: Logger, database: DbHandle): Promise<void> {
  const app = config.app!;
  log.info({ appId: app.appId, key: app.keySource }, 'GitHub App configured');
  const metrics = createMetrics();
  const server = createProbotServer(config, log, app);
  const probot = await life.step('GitHub App', async () => {
    let loaded: Probot | undefined;
    await server.load((probotApp, options) => {
      loaded = probotApp;
      // A completion shows on embeds within a second; a burst of views costs one query a second.
      return gitdone({ db: database.db, metrics, publicUrl: config.publicUrl, githubUrl: config.githubUrl, embedCacheMs: 1000 })(probotApp, options);
    });
    return { value: loaded! };
  });
  await life.step('workers', async () => {
    const runner = await startWorker(
      { db: database.db, auth: (id) => probot.auth(id) as never, links: { publicUrl: config.publicUrl, githubUrl: config.githubUrl }, log, metrics },
      database.pool,
      { concurrency: config.workerConcurrency },
    );
    // Waits for running jobs; pending ones stay queued in the database for the next process.
    return { value: runner, stop: () => runner.stop() };
  });
  await listen(life, server);
  log.info({ publicUrl: config.publicUrl }, 'GitDone is ready');
}

/** No GitHub App yet (development only): Probot's setup page, with /healthz and /readyz. */
async function serveSetupPage(life: Lifecycle, config: Config, log: Logger): Promise<void> {
  const server = createProbotServer(config, log, undefined);
  await life.step('setup page', async () => ({ value: await loadSetupPage(server, log) }));
  await listen(life, server);
  log.warn(`No GitHub App is configured yet: open http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${server.port} to register one, then restart.`);
}

async function listen(life: Lifecycle, server: ReturnType<typeof createProbotServer>): Promise<void> {
  await life.step('HTTP server', async () => {
    try {
      await server.start();
    } catch (err) {
      // Probot's server has logged it already ("Port 3000 is already in use…").
      if ((err as { syscall?: string }).syscall === 'listen') throw new Reported((err as Error).message);
      throw err;
    }
    return { value: undefined, stop: () => server.stop() };
  });
}

/** Logs a start-up failure once, readably; returns what the entry point should see. */
function report(err: unknown, log: Logger): unknown {
  if (err instanceof Reported || err instanceof ShutdownStarted) return err;
  if (err instanceof DatabaseUnreachable) log.fatal({ code: err.code }, err.message);
  else log.fatal({ err }, `start-up failed: ${(err as Error)?.message ?? String(err)}`);
  return new Reported(String(err));
}
