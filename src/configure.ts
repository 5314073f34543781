import type { Logger } from 'pino';
import { ConfigError, loadConfig, readLogSettings, type Config } from './config/env.js';
import { DatabaseUnreachable } from './db/connection-error.js';
import { Reported, ShutdownStarted, type Lifecycle } from './lifecycle.js';
import { createLog } from './log.js';

/**
 * The first step of every entry point: reads the configuration (.env included) and makes
 * the log. Loaded before the heavy modules (Probot, graphile-worker, pg), so that a
 * mistake in the settings is reported at once. A configuration error is logged, in the
 * format the settings ask for as far as they can be read, and thrown as Reported.
 */
export async function configure(life: Lifecycle, o: { needsApp: boolean }): Promise<{ config: Config; log: Logger }> {
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
  // A stray rejection (a library's unawaited bookkeeping during a database blip, say) is a
  // bug to log, not a reason to drop every request and job in flight.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
  if (config.log.ignoredSentryDsn) {
    log.warn('SENTRY_DSN is set, but GitDone sends no errors to Sentry: forward error-level log lines from your log collector instead (docs/configuration.md#errors-and-sentry)');
  }
  if (config.dotenvFile) log.info({ file: config.dotenvFile }, 'settings read from the environment and .env (the environment wins)');
  return { config, log };
}


/** Logs a start-up failure once, readably (no stack for a database that is not there); returns what to throw on. */
export function reportFailure(err: unknown, log: Logger): unknown {
  if (err instanceof Reported || err instanceof ShutdownStarted) return err;
  if (err instanceof DatabaseUnreachable) log.fatal({ code: err.code }, err.message);
  else log.fatal({ err }, `start-up failed: ${(err as Error)?.message ?? String(err)}`);
  return new Reported(String(err));
}
