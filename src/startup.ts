import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { Logger } from 'pino';
import { gitdone } from './app.js';
import type { Config } from './config/env.js';
import { reportFailure } from './configure.js';
import type { DbHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { appIdentity } from './github/app-identity.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { startMetricsServer } from './http/metrics-server.js';
import { createProbotServer, loadSetupPage } from './http/probot-server.js';
import { startWorker } from './jobs/worker.js';
import { Reported, type Lifecycle } from './lifecycle.js';
import { countGitHubRequests } from './telemetry/github-requests.js';

/** An HTTP route in Probot's server: answers and returns true, or returns false to pass. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * What an entry point other than `npm start` adds to the server. `npm start` adds nothing;
 * the playground (src/playground/main.ts) adds its page, so that the app never knows of it.
 */
export interface StartExtras {
  /** More HTTP routes, tried after GitDone's own. */
  routes?: Route[];
}

/**
 * GitDone's start-up after configure.ts and start-database.ts, step by step on the
 * lifecycle (so that a signal at any point stops exactly what has started, newest first):
 * migrations → metrics listener (with METRICS_PORT) → GitHub App → workers → HTTP server.
 * Without an app: the setup page instead of the last four.
 */
export async function startGitDone(life: Lifecycle, config: Config, log: Logger, database: DbHandle, extras: StartExtras = {}): Promise<void> {
  try {
    await migrations(life, log, database);
    if (config.app) await serve(life, config, log, database, extras);
    else await serveSetupPage(life, config, log);
  } catch (err) {
    throw reportFailure(err, log);
  }
}

/** `npm run migrate`: the migrations alone; the caller then ends the process. */
export async function migrateOnly(life: Lifecycle, log: Logger, database: DbHandle): Promise<void> {
  try {
    await migrations(life, log, database);
  } catch (err) {
    throw reportFailure(err, log);
  }
}

/** Applied whole or not at all: a signal meanwhile waits for the step to finish. */
async function migrations(life: Lifecycle, log: Logger, database: DbHandle): Promise<void> {
  await life.step('migrations', async () => {
    const applied = await migrateToLatest(database.db, database.pool, {
      onNewer: (newer) =>
        log.warn({ newer }, 'the database has migrations newer than this build (a newer release ran them); carrying on without migrating, as expand-then-contract allows'),
    });
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is current');
    return { value: applied };
  });
}

/**
 * Connections per replica, in three pools so that no path can starve another (issue #11):
 * the main pool (DbHandle, 10: migrations, embeds, health, metrics), webhook intake (its
 * deliveries commit in batches: a few connections carry hundreds a second), and the worker
 * (graphile-worker's LISTEN session and the jobs' queries; no job holds a connection while it
 * waits on GitHub, so a handful serves many concurrent jobs). docs/operations.md#scale.
 */
const INTAKE_CONNECTIONS = 4;
const WORKER_CONNECTIONS = 8;

/** The app: webhooks and routes through Probot, jobs through the workers. */
async function serve(life: Lifecycle, config: Config, log: Logger, database: DbHandle, extras: StartExtras): Promise<void> {
  const app = config.app!;
  log.info({ appId: app.appId, key: app.keySource }, 'GitHub App configured');
  const metrics = createMetrics();
  if (config.metricsPort) await serveMetrics(life, log, metrics, config.metricsPort);
  // Every GitHub request a job makes is counted (gitdone_github_requests_total).
  const github = <T>(octokit: Promise<T>) => octokit.then((o) => countGitHubRequests(o, metrics.githubRequests));
  const pools = await life.step('webhook and worker pools', async () => {
    const opened = { intake: database.sibling(INTAKE_CONNECTIONS), worker: database.sibling(WORKER_CONNECTIONS) };
    return { value: opened, stop: () => Promise.all([opened.intake.close(), opened.worker.close()]).then(() => {}) };
  });
  metrics.watch({
    db: database.db,
    pools: { main: database.pool, intake: pools.intake.pool, worker: pools.worker.pool },
    warn: (err) => log.warn({ err }, 'metrics: the database did not answer in time; queue and goal gauges left out'),
  });
  const server = createProbotServer(config, log, app);
  const probot = await life.step('GitHub App', async () => {
    let loaded: Probot | undefined;
    await server.load(async (probotApp, options) => {
      loaded = probotApp;
      // A completion shows on embeds within a second; a burst of views costs one query a second.
      await gitdone({
        db: database.db,
        intakeDb: pools.intake.db,
        metrics,
        publicUrl: config.publicUrl,
        githubUrl: config.githubUrl,
        embedCacheMs: 1000,
        // GitDone's own intake takes the path Probot would serve (WEBHOOK_PATH) and its secret.
        webhooks: { path: config.probot.webhookPath ?? '/api/github/webhooks', secret: app.webhookSecret },
      })(probotApp, options);
      for (const route of extras.routes ?? []) options.addHandler(route);
    });
    return { value: loaded! };
  });
  await life.step('workers', async () => {
    const runner = await startWorker(
      {
        db: pools.worker.db,
        auth: (id) => github(probot.auth(id)) as never,
        asApp: () => github(probot.auth()) as never,
        app: appIdentity(app.appId, () => github(probot.auth()) as never),
        links: { publicUrl: config.publicUrl, githubUrl: config.githubUrl },
        log,
        metrics,
      },
      pools.worker.pool,
      { concurrency: config.workerConcurrency },
    );
    // Waits for running jobs; pending ones stay queued in the database for the next process.
    return { value: runner, stop: () => runner.stop() };
  });
  await listen(life, server);
  log.info({ publicUrl: config.publicUrl }, 'GitDone is ready');
}

/** Prometheus metrics on their own port, never on the public one (http/metrics-server.ts). */
async function serveMetrics(life: Lifecycle, log: Logger, metrics: Metrics, port: number): Promise<void> {
  await life.step('metrics listener', async () => {
    try {
      const listener = await startMetricsServer({ port, registry: metrics.registry });
      log.info({ port: listener.port }, 'metrics at /metrics on METRICS_PORT');
      return { value: listener, stop: () => listener.close() };
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') {
        log.fatal(`METRICS_PORT ${port} is already in use: stop whatever listens there, or choose another port.`);
        throw new Reported((err as Error).message);
      }
      throw err;
    }
  });
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
