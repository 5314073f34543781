import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { readAppKey } from './app-key.js';

/**
 * GitDone's settings: the one place that reads the environment (docs/configuration.md).
 *
 * `.env` in the working directory is read first and fills in what the real environment
 * leaves unset — the environment wins, as with dotenv. It is parsed with Node's
 * `util.parseEnv`, the parser Probot 14 itself uses for `.env` (helpers/load-env.js) and
 * for the file its setup page writes, so a line means the same to both. Probot's `run()`
 * is not used (see http/probot-server.ts): it would apply `.env` a second time, over the
 * environment.
 *
 * Everything is checked at once and reported together, each problem naming its variable
 * (and saying when the value came from `.env`).
 */

export type EnvVars = Record<string, string | undefined>;

export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  level: string;
  format: LogFormat;
  levelInString: boolean;
  messageKey: string;
  /** SENTRY_DSN is set, but GitDone sends nothing to Sentry (docs/configuration.md#logs says why): warned about at start. */
  ignoredSentryDsn: boolean;
}

export interface GitHubApp {
  appId: number;
  privateKey: string;
  /** Where the key came from ("PRIVATE_KEY", "PRIVATE_KEY_PATH" or the .pem file), for the start-up log. */
  keySource: string;
  webhookSecret: string;
}

export interface Config {
  production: boolean;
  /** Unset: the embedded PostgreSQL under `dataDir` (never in production). */
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  /** Base of links to GitHub pages: https://github.com, or the GHE host. */
  githubUrl: string;
  host: string;
  port: number;
  /** The Prometheus listener (http/metrics-server.ts); unset: none. */
  metricsPort: number | undefined;
  workerConcurrency: number;
  /** How long SIGTERM waits for running work before giving up on it. */
  shutdownTimeoutMs: number;
  log: LogSettings;
  /** OpenTelemetry traces (telemetry/tracing.ts), when OTEL_EXPORTER_OTLP_ENDPOINT is set; undefined: no SDK is loaded. */
  tracing: { serviceName: string; version: string } | undefined;
  /** Unset: no app configured yet, so Probot's setup page runs (development only). */
  app: GitHubApp | undefined;
  /** What Probot's own server and Octokit take. */
  probot: { baseUrl: string; webhookPath: string | undefined; webhookProxyUrl: string | undefined; redisUrl: string | undefined };
  /** The `.env` that was read, if any. */
  dotenvFile: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`GitDone cannot start: ${problems.join(' ')}`);
  }
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** What `.env` adds to the environment, read by the rules above. */
export interface Dotenv {
  file: string | undefined;
  /** Variables whose value came from `.env` (the environment did not set them). */
  applied: Set<string>;
  problem: string | undefined;
}

/**
 * Reads `<cwd>/.env` into `env` for every variable `env` does not already have, so that
 * the libraries that read process.env themselves (pg's PG* variables, Probot's setup page)
 * see the same values as GitDone.
 */
export function applyDotenv(env: EnvVars, cwd: string): Dotenv {
  const file = path.join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { file: undefined, applied: new Set(), problem: code === 'ENOENT' ? undefined : `${file} cannot be read (${code ?? String(err)}).` };
  }
  const applied = new Set<string>();
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    applied.add(key);
  }
  return { file, applied, problem: undefined };
}

export interface ReadOptions {
  cwd: string;
  /** Whether stdout is a terminal: pretty logs there, JSON elsewhere. */
  stdoutIsTTY: boolean;
  /** Variables that came from `.env`, to say so in messages. */
  fromDotenv?: Set<string>;
  /** `npm run migrate` needs no GitHub App. */
  needsApp?: boolean;
}

/** Log settings, always usable: a bad value falls back to its default and is listed in `problems`. */
export function readLogSettings(env: EnvVars, stdoutIsTTY: boolean, label: (k: string) => string = (k) => k): { settings: LogSettings; problems: string[] } {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  let format: LogFormat = production || !stdoutIsTTY ? 'json' : 'pretty';
  if (env.LOG_FORMAT) {
    if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') format = env.LOG_FORMAT;
    else problems.push(`${label('LOG_FORMAT')} must be json or pretty, got "${env.LOG_FORMAT}".`);
  }
  let level = 'info';
  if (env.LOG_LEVEL) {
    if (LOG_LEVELS.includes(env.LOG_LEVEL)) level = env.LOG_LEVEL;
    else problems.push(`${label('LOG_LEVEL')} must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}".`);
  }
  return {
    settings: { level, format, levelInString: env.LOG_LEVEL_IN_STRING === 'true', messageKey: env.LOG_MESSAGE_KEY || 'msg', ignoredSentryDsn: Boolean(env.SENTRY_DSN) },
    problems,
  };
}

/** Checks every setting; throws ConfigError listing all problems. */
export function readConfig(env: EnvVars, o: ReadOptions): Config {
  const label = (k: string) => (o.fromDotenv?.has(k) ? `${k} (from .env)` : k);
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${label('PORT')} must be a port number (1–65535), got "${env.PORT}".`);

  let metricsPort: number | undefined;
  if (env.METRICS_PORT) {
    metricsPort = Number(env.METRICS_PORT);
    if (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65535) {
      problems.push(`${label('METRICS_PORT')} must be a port number (1–65535), got "${env.METRICS_PORT}".`);
    } else if (metricsPort === port) {
      problems.push(`${label('METRICS_PORT')} must differ from PORT (${port}): metrics are kept off the public port.`);
    }
  }

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    const scheme = safeProtocol(databaseUrl);
    if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
      problems.push(`${label('DATABASE_URL')} must be a URL like postgres://user:password@host:5432/gitdone${scheme ? `, not ${scheme}//…` : ''}.`);
    }
  } else if (production) {
    problems.push(
      `DATABASE_URL is required when NODE_ENV=production${o.fromDotenv?.has('NODE_ENV') ? ' (NODE_ENV=production came from .env)' : ''}: ` +
        "the embedded database keeps its data on this machine's disk, which the next deploy throws away. Point DATABASE_URL at your PostgreSQL.",
    );
  }

  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (env.PUBLIC_URL && !/^https?:$/.test(safeProtocol(publicUrl) ?? '')) {
    problems.push(`${label('PUBLIC_URL')} must be an absolute http(s) URL like https://gitdone.example.com, got "${env.PUBLIC_URL}".`);
  }

  const ghProtocol = env.GHE_PROTOCOL || 'https';
  if (ghProtocol !== 'https' && ghProtocol !== 'http') problems.push(`${label('GHE_PROTOCOL')} must be https or http, got "${env.GHE_PROTOCOL}".`);
  const githubUrl = env.GHE_HOST ? `${ghProtocol}://${env.GHE_HOST}` : 'https://github.com';

  const webhookProxyUrl = env.WEBHOOK_PROXY_URL || undefined;
  if (webhookProxyUrl && !/^https?:$/.test(safeProtocol(webhookProxyUrl) ?? '')) {
    problems.push(`${label('WEBHOOK_PROXY_URL')} must be an http(s) URL like https://smee.io/abc, got "${webhookProxyUrl}".`);
  }
  const webhookPath = env.WEBHOOK_PATH || undefined;
  if (webhookPath && !webhookPath.startsWith('/')) problems.push(`${label('WEBHOOK_PATH')} must start with /, got "${webhookPath}".`);

  const log = readLogSettings(env, o.stdoutIsTTY, label);
  problems.push(...log.problems);

  const workerConcurrency = positiveInt(env.GITDONE_WORKER_CONCURRENCY, 16, label('GITDONE_WORKER_CONCURRENCY'), problems);
  const shutdownTimeoutMs = positiveInt(env.GITDONE_SHUTDOWN_TIMEOUT_MS, 20_000, label('GITDONE_SHUTDOWN_TIMEOUT_MS'), problems);

  const app = o.needsApp === false ? undefined : readApp(env, o.cwd, production, label, problems);

  let tracing: Config['tracing'];
  const otlp = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (otlp && env.OTEL_SDK_DISABLED !== 'true') {
    const which = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
    if (!/^https?:$/.test(safeProtocol(otlp) ?? '')) problems.push(`${label(which)} must be an http(s) URL like http://otel-collector:4318, got "${otlp}".`);
    tracing = { serviceName: env.OTEL_SERVICE_NAME || 'gitdone', version: readVersion(o.cwd) };
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    production,
    databaseUrl,
    dataDir: env.GITDONE_DATA_DIR || './.data',
    publicUrl,
    githubUrl,
    host: env.HOST || 'localhost',
    port,
    metricsPort,
    workerConcurrency,
    shutdownTimeoutMs,
    log: log.settings,
    tracing,
    app,
    probot: {
      baseUrl: env.GHE_HOST ? `${ghProtocol}://${env.GHE_HOST}/api/v3` : 'https://api.github.com',
      webhookPath,
      webhookProxyUrl,
      redisUrl: env.REDIS_URL || undefined,
    },
    dotenvFile: undefined,
  };
}

/**
 * The GitHub App. Nothing set: setup mode (outside production). Anything set: all of it
 * must be usable — a key that is given but unreadable is an error, never setup mode.
 */
function readApp(env: EnvVars, cwd: string, production: boolean, label: (k: string) => string, problems: string[]): GitHubApp | undefined {
  const key = readAppKey(env, cwd, label);
  problems.push(...key.problems);
  const appIdSet = Boolean(env.APP_ID);
  const appId = Number(env.APP_ID);
  if (appIdSet && !(Number.isInteger(appId) && appId > 0)) {
    problems.push(`${label('APP_ID')} must be the app's numeric ID (from its settings page), got "${env.APP_ID}".`);
  }
  const keyGiven = Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
  if (!appIdSet && keyGiven) problems.push(`${label(env.PRIVATE_KEY ? 'PRIVATE_KEY' : 'PRIVATE_KEY_PATH')} is set but APP_ID is not: set the app's numeric ID too.`);
  if (appIdSet && key.problems.length === 0 && !key.key) {
    problems.push(`${label('APP_ID')} is set but no private key was found: set PRIVATE_KEY, or PRIVATE_KEY_PATH to the .pem file.`);
  }
  if (!appIdSet && !keyGiven && production) {
    problems.push('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required when NODE_ENV=production: the setup page that registers an app runs in development only.');
  }
  if (production && !env.WEBHOOK_SECRET) {
    problems.push("WEBHOOK_SECRET is required when NODE_ENV=production: without it webhooks would be checked against Probot's public default, \"development\".");
  }
  if (!appIdSet || !key.key) return undefined;
  return { appId, privateKey: key.key.pem, keySource: key.key.source, webhookSecret: env.WEBHOOK_SECRET || 'development' };
}

/**
 * `.env` into process.env, then every setting checked. Call it first: whatever reads
 * process.env later (pg, Probot's setup page) then sees the same values.
 */
export function loadConfig(o: { needsApp?: boolean; env?: EnvVars; cwd?: string; stdoutIsTTY?: boolean } = {}): Config {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const dotenv = applyDotenv(env, cwd);
  if (dotenv.problem) throw new ConfigError([dotenv.problem]);
  const config = readConfig(env, { cwd, stdoutIsTTY: o.stdoutIsTTY ?? process.stdout.isTTY === true, fromDotenv: dotenv.applied, needsApp: o.needsApp });
  return { ...config, dotenvFile: dotenv.file };
}

/** package.json's version, for the traces' service.version. */
function readVersion(cwd: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function positiveInt(value: string | undefined, fallback: number, name: string, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name} must be a positive integer, got "${value}".`);
    return fallback;
  }
  return n;
}

/** The URL's scheme ("postgres:"), or undefined when it is not a URL. Never echoes the rest (it may hold a password). */
function safeProtocol(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}
