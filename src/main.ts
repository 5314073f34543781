import { run, type Probot } from 'probot';
import type { Runner } from 'graphile-worker';
import { gitdone } from './app.js';
import { openDatabase } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { EnvError, readEnv } from './env.js';
import { createMetrics } from './http/metrics.js';
import { startWorker } from './jobs/worker.js';
import { applicationName } from './jobs/reaper.js';
import { createLog } from './log.js';

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

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    log.warn(`DATABASE_URL is not set: starting an embedded PostgreSQL under ${env.dataDir} — for development only`);
    embedded = await startEmbeddedPostgres({ dataDir: env.dataDir, log });
    databaseUrl = embedded.url;
  }
  const database = openDatabase(databaseUrl, { applicationName: applicationName() });
  const applied = await migrateToLatest(database.db, database.pool);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is current');

  const metrics = createMetrics();
  let probot: Probot | undefined;
  const signalsBefore = new Set(process.listeners('SIGINT'));
  const server = await run(
    (app, options) => {
      probot = app;
      return gitdone({ db: database.db, metrics, publicUrl: env.publicUrl, githubUrl: env.githubUrl })(app, options);
    },
    { log } as Parameters<typeof run>[1],
  );
  // Probot's own SIGINT handler exits at once; ours below drains first.
  for (const l of process.listeners('SIGINT')) if (!signalsBefore.has(l)) process.removeListener('SIGINT', l);

  let runner: Runner | undefined;
  if (probot) {
    const app = probot;
    runner = await startWorker(
      { db: database.db, auth: (id) => app.auth(id) as never, links: { publicUrl: env.publicUrl, githubUrl: env.githubUrl }, log, metrics },
      database.pool,
      { concurrency: env.workerConcurrency },
    );
    log.info({ publicUrl: env.publicUrl }, 'GitDone is ready');
  } else {
    log.warn(`No GitHub App is configured yet: open http://localhost:${server.port} to register one, then restart.`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests or jobs; finishing what started');
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting with work unfinished (jobs will be retried)');
      process.exit(1);
    }, env.shutdownTimeoutMs);
    deadline.unref();
    try {
      await server.stop();
      await runner?.stop(); // waits for running jobs; pending ones stay queued in the database
      await database.close();
      await embedded?.stop();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
