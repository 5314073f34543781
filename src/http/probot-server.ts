import type { IncomingMessage, ServerResponse } from 'node:http';
import { Probot, Server } from 'probot';
import type { Logger } from 'pino';
import type { Config, GitHubApp } from '../config/env.js';
import { GitDoneOctokit } from '../github/octokit.js';
import { setupModeHealthRoutes } from './health.js';

/**
 * Probot's HTTP server (webhooks with signature check, the app's routes, /ping), built from
 * GitDone's configuration rather than by Probot's `run()`. `run()` would re-read `.env`
 * over the environment (config/env.ts has already applied it, the other way round),
 * install a SIGINT handler that exits at once, and leave no room for routes in setup mode.
 * What `run()` does besides is reproduced here, from Probot 14.3's lib/run.js.
 */
export function createProbotServer(config: Config, log: Logger, app: GitHubApp | undefined): Server {
  const credentials = app
    ? { appId: app.appId, privateKey: app.privateKey, secret: app.webhookSecret }
    : // Setup mode: Probot's own placeholders (probot#1512); this instance never talks to GitHub.
      { appId: 1, privateKey: 'dummy value for setup, see #1512', secret: 'development' };
  return new Server({
    host: config.host,
    port: config.port,
    webhookPath: config.probot.webhookPath,
    webhookProxy: config.probot.webhookProxyUrl,
    log,
    Probot: Probot.defaults({ ...credentials, baseUrl: config.probot.baseUrl, redisConfig: config.probot.redisUrl, log, Octokit: GitDoneOctokit }),
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
type SetupAppFactory = (o: { host: string; port: number; log: Logger }) => () => Promise<Handler>;

/**
 * Probot's setup page (registers the app on GitHub from app.yml and writes .env), with
 * /healthz and /readyz in front of it. Probot exports the page only through `run()`, so
 * its module is loaded by path; a Probot upgrade that moves it fails here, at start-up in
 * setup mode, and in the setup-mode end-to-end test.
 */
export async function loadSetupPage(server: Server, log: Logger): Promise<void> {
  const setupModule = new URL('./apps/setup.js', import.meta.resolve('probot'));
  const { setupAppFactory } = (await import(setupModule.href)) as { setupAppFactory: SetupAppFactory };
  server.addHandler(setupModeHealthRoutes());
  await server.loadHandlerFactory(setupAppFactory({ host: server.host, port: server.port, log: log.child({ name: 'setup' }) }));
}
