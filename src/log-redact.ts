import type { LoggerOptions } from 'pino';

/**
 * What must never reach a log line (DESIGN: logs never carry payloads, secrets or embed
 * tokens), as pino options every GitDone logger uses:
 * - request headers (signatures, cookies, forwarded addresses) and the peer address;
 * - a webhook error's `event` (Probot and @octokit/webhooks attach the whole payload to it);
 * - the token part of an embed or board URL, in a `url` field or in a message such as
 *   Probot's access line "GET /embed/<token> 200 - 3ms".
 */
const TOKEN_PATH = /\/(embed|board)\/[A-Za-z0-9_-]{6,}/g;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATH, '/$1/…');
}

export const redaction: Pick<LoggerOptions, 'redact' | 'hooks'> = {
  redact: {
    paths: ['req.headers', 'req.remoteAddress', 'req.remotePort', 'res.headers', 'req.url', 'url', 'err.event', 'err.aggregateErrors[*].event', 'event.payload'],
    censor: (value, path) => (path.at(-1) === 'url' && typeof value === 'string' ? redactUrl(value) : undefined),
  },
  hooks: {
    logMethod(args, method) {
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactUrl(args[i] as string);
      return method.apply(this, args);
    },
  },
};
