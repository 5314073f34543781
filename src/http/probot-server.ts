import type { IncomingMessage, ServerResponse } from 'node:http';
import { Probot, Server } from 'probot';
import type { ChildLoggerOptions, Logger } from 'pino';
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
    log: withAccessLevels(log),
    Probot: Probot.defaults({ ...credentials, baseUrl: config.probot.baseUrl, redisConfig: config.probot.redisUrl, log, Octokit: GitDoneOctokit }),
  });
}

/**
 * The logger to hand Probot's server, so that its access log (pino-http, one line per request)
 * does not cost more than the request: a 5xx (or a failed response) is logged at error, every
 * other answer at debug (LOG_LEVEL=debug shows them all). Webhook refusals and failures have
 * lines of their own at warn and error (webhooks/intake.ts), so nothing is lost at info.
 *
 * Left as Probot builds it, the access log wrote each request at info, and built a child logger
 * per request whose bindings (the request, through the serialisers and log-redact.ts) pino
 * serialises at once, written or not: about 10 µs a request, as much as the raw server spends
 * on a whole answer (bench/RESULTS.md). Probot 14.3's Server takes `loggingOptions` in its
 * types but never hands them to pino-http, so the logger is the one way in: its child
 * `{ name: 'http' }` is pino-http's, and here it builds each request's logger only when a line
 * is written. Redaction is unchanged (the same serialisers, the same pino child).
 * test/unit/http/access-log.test.ts runs it through Probot's real server.
 */
export function withAccessLevels(log: Logger): Logger {
  const server = Object.create(log) as Logger;
  server.child = ((bindings: Bindings, options?: ChildLoggerOptions) =>
    bindings.name === 'http' && Object.keys(bindings).length === 1 ? accessLog(log.child(bindings, options)) : log.child(bindings, options)) as unknown as Logger['child'];
  return server;
}

type Bindings = Record<string, unknown>;

/**
 * What pino-http needs of its logger: `child({}, options)` once (its serialisers), `levels`, and
 * per request `child({ req })`, whose `info(…)` it calls with `{ res, responseTime[, err] }`
 * when the response is done. Anything else reaches a real pino child.
 */
function accessLog(base: Logger): Logger {
  const facade = {
    levels: base.levels,
    child: (bindings: Bindings, options?: ChildLoggerOptions) => (options ? accessLog(base.child(bindings, options)) : new RequestLog(base, bindings)),
  };
  return Object.assign(Object.create(base) as Logger, facade);
}

/** One request's logger: two fields until a line is written (a class, so nothing is built per request). */
class RequestLog {
  #real: Logger | undefined;
  constructor(
    private readonly base: Logger,
    private readonly bindings: Bindings,
  ) {}

  get levels() {
    return this.base.levels;
  }
  private get real(): Logger {
    return (this.#real ??= this.base.child(this.bindings));
  }
  info(obj: unknown, ...rest: unknown[]): void {
    if (!isAccessLine(obj)) return void this.real.info(obj, ...(rest as [string]));
    const failed = obj.err !== undefined || ((obj.res as { statusCode?: number } | undefined)?.statusCode ?? 0) >= 500;
    const level = failed ? 'error' : 'debug';
    if (this.base.isLevelEnabled(level)) this.real[level](obj, ...(rest as [string]));
  }
  trace(obj: unknown, ...rest: unknown[]): void {
    this.real.trace(obj, ...(rest as [string]));
  }
  debug(obj: unknown, ...rest: unknown[]): void {
    this.real.debug(obj, ...(rest as [string]));
  }
  warn(obj: unknown, ...rest: unknown[]): void {
    this.real.warn(obj, ...(rest as [string]));
  }
  error(obj: unknown, ...rest: unknown[]): void {
    this.real.error(obj, ...(rest as [string]));
  }
  fatal(obj: unknown, ...rest: unknown[]): void {
    this.real.fatal(obj, ...(rest as [string]));
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options);
  }
}

/** pino-http's line at the end of a response (`{ res, responseTime }`, and `err` for a failure). */
function isAccessLine(obj: unknown): obj is { res?: unknown; err?: unknown; responseTime: number } {
  return typeof obj === 'object' && obj !== null && 'responseTime' in obj && 'res' in obj;
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
