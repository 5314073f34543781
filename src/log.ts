import { pino, type Logger } from 'pino';
import { getTransformStream } from '@probot/pino';
import type { LogSettings } from './config/env.js';
import { redaction } from './log-redact.js';

type Mixin = () => Record<string, unknown>;
let mixin: Mixin | undefined;

/** Fields every log line gets from its context (telemetry/tracing.ts: the active span's trace id); undefined: none. */
export function setLogMixin(fn: Mixin | undefined): void {
  mixin = fn;
}

export interface Log {
  log: Logger;
  /** Writes out what is still buffered: call before process.exit, or the last lines are lost. */
  flush(): Promise<void>;
}

/**
 * One logger for GitDone and Probot (it is handed to Probot's server), built the way
 * Probot builds its own (@probot/pino: pretty or JSON). Never with @probot/pino's Sentry
 * option: that fetches @sentry/node with npx at run time and ships whole log objects
 * (payloads included) to Sentry (docs/configuration.md#errors-and-sentry).
 * The format is chosen by config/env.ts: JSON in production and whenever stdout is not a
 * terminal (log collectors want one object a line), pretty in a terminal, LOG_FORMAT wins.
 */
export async function createLog(settings: LogSettings): Promise<Log> {
  const transform = await getTransformStream({
    logFormat: settings.format,
    logLevelInString: settings.levelInString,
  });
  const destination = pino.destination({ dest: 1, sync: true });
  transform.pipe(destination as unknown as NodeJS.WritableStream);
  const log = pino({ level: settings.level, name: 'gitdone', messageKey: settings.messageKey, mixin: () => mixin?.() ?? {}, ...redaction }, transform);
  return {
    log,
    async flush() {
      // The transform hands lines on asynchronously; let it, then write them out.
      await new Promise((resolve) => setImmediate(resolve));
      destination.flushSync();
    },
  };
}
