import { run, type Probot, type Server } from 'probot';
import type { Runner } from 'graphile-worker';
import { gitdone } from './app.js';
import { openDatabase, type DbHandle } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { EnvError, readEnv } from './env.js';
import { appIdentity } from './github/app-identity.js';
import { createMetrics } from './http/metrics.js';
import { startWorker } from './jobs/worker.js';
import { applicationName } from './jobs/reaper.js';
import { createLog } from './log.js';

/** What is running, so that shutdown can stop whatever got started, in reverse. */
interface Running {
  embedded?: EmbeddedDatabase;
  database?: DbHandle;
  server?: Server;
  runner?: Runner;
}

/** Entry: env → database → migrations → server → workers; SIGTERM drains them in reverse. */
async function main(): Promise<void> {
  const log = await createLog();
  let env;
  try {
    env = readEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      log.fatal(err.message);
      process.exit(1);
    }
    throw err;
  }

  // Handlers first: a SIGTERM during start-up stops whatever has started by then. (An
  // embedded postgres caught mid-start is left to the next start's orphan check.)
  const running: Running = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests or jobs; finishing what started');
    setTimeout(() => {
      log.error('shutdown took too long; exiting with work unfinished (jobs will be retried)');
      process.exit(1);
    }, env.shutdownTimeoutMs).unref();
    try {
      await running.server?.stop();
      await running.runner?.stop(); // waits for running jobs; pending ones stay queued in the database
      await running.database?.close();
      await running.embedded?.stop();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A stray rejection (a library's unawaited bookkeeping during a database blip, say) is a
  // bug to log, not a reason to drop every request and job in flight.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));

  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    log.warn(`DATABASE_URL is not set: starting an embedded PostgreSQL under ${env.dataDir} — for development only`);
    running.embedded = await startEmbeddedPostgres({ dataDir: env.dataDir, log });
    databaseUrl = running.embedded.url;
  }
  const database = (running.database = openDatabase(databaseUrl, { applicationName: applicationName() }));
  const applied = await migrateToLatest(database.db, database.pool);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is current');
  if (stopping) return;

  const metrics = createMetrics();
  // The same path and secret Probot reads (WEBHOOK_PATH, WEBHOOK_SECRET, default "development").
  const webhooks = { path: process.env.WEBHOOK_PATH || '/api/github/webhooks', secret: process.env.WEBHOOK_SECRET || 'development' };
  let probot: Probot | undefined;
  const ourSigint = new Set(process.listeners('SIGINT'));
  running.server = await run(
    (app, options) => {
      probot = app;
      // A completion shows on embeds within a second; a burst of views costs one query a second.
      return gitdone({ db: database.db, metrics, publicUrl: env.publicUrl, githubUrl: env.githubUrl, embedCacheMs: 1000, webhooks })(app, options);
    },
    { log } as Parameters<typeof run>[1],
  );
  // Probot's own SIGINT handler exits at once; ours drains first.
  for (const l of process.listeners('SIGINT')) if (!ourSigint.has(l)) process.removeListener('SIGINT', l);
  if (stopping) return;

  if (!probot) {
    log.warn(`No GitHub App is configured yet: open http://localhost:${running.server.port} to register one, then restart.`);
    return;
  }
  const app = probot;
  running.runner = await startWorker(
    {
      db: database.db,
      auth: (id) => app.auth(id) as never,
      app: appIdentity(Number(process.env.APP_ID), () => app.auth() as never),
      links: { publicUrl: env.publicUrl, githubUrl: env.githubUrl },
      log,
      metrics,
    },
    database.pool,
    { concurrency: env.workerConcurrency },
  );
  log.info({ publicUrl: env.publicUrl }, 'GitDone is ready');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
