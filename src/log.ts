import { pino, type Logger } from 'pino';
import { getTransformStream } from '@probot/pino';
import { redaction } from './log-redact.js';

/**
 * The same logger Probot would build (LOG_LEVEL, LOG_FORMAT=json|pretty,
 * LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY), made here because GitDone logs before
 * Probot starts: while it opens the database and runs migrations.
 */
export async function createLog(env: NodeJS.ProcessEnv = process.env): Promise<Logger> {
  const transform = await getTransformStream({
    logFormat: env.LOG_FORMAT === 'json' ? 'json' : env.LOG_FORMAT === 'pretty' ? 'pretty' : undefined,
    logLevelInString: env.LOG_LEVEL_IN_STRING === 'true',
    sentryDsn: env.SENTRY_DSN,
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env.LOG_LEVEL || 'info', name: 'gitdone', messageKey: env.LOG_MESSAGE_KEY || 'msg', ...redaction }, transform);
}
