import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics.js';
import { InvalidBody, parseBody } from './parse.js';

/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/; // projects_v2_item has a digit
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

export interface IntakeOptions {
  path: string;
  secret: string;
  /** Hands a verified delivery to the app's handlers (Probot's `webhooks.receive`). */
  receive(event: { id: string; name: string; payload: Record<string, unknown> }): Promise<void>;
  log: Logger;
  metrics?: Pick<Metrics, 'webhookReceived' | 'webhookRecorded'>;
  maxBytes?: number;
}

/**
 * `POST <webhook path>`: GitHub's deliveries, in place of the middleware Probot would
 * mount. It differs where one tenant's input could hurt the others:
 * - a body over 25 MB is refused with 413 before it is read (Content-Length), or as soon
 *   as it passes 25 MB (chunked), instead of being buffered whole;
 * - the signature is computed while the body streams in, and a mismatch is refused with
 *   401 and a log line that names the delivery, never its payload;
 * - a large body is parsed a slice at a time, the event loop free in between (parse.ts);
 * - odd headers (an empty event name) get a 400 with a reason, not a 500.
 * Answers 2xx only once the handlers have finished, that is once the delivery is stored.
 */
export function webhookIntake(opts: IntakeOptions) {
  const max = opts.maxBytes ?? MAX_BODY_BYTES;
  const path = trimSlashes(opts.path);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (trimSlashes((req.url ?? '').split('?')[0] ?? '') !== path) return false;
    const id = header(req, 'x-github-delivery');
    const name = header(req, 'x-github-event');
    const log = opts.log.child({ deliveryId: id && DELIVERY_ID.test(id) ? id : undefined, event: name && EVENT_NAME.test(name) ? name : undefined });
    const refuse = (status: number, reason: string, extra: Record<string, string> = {}) => {
      log.warn({ status, reason }, 'webhook refused');
      answer(res, status, { error: reason }, extra);
      return true;
    };

    if (req.method !== 'POST') return refuse(405, 'webhooks are POSTed', { allow: 'POST' });
    if (!/^\s*application\/json\s*(?:;|$)/i.test(header(req, 'content-type') ?? '')) return refuse(415, 'Content-Type must be application/json');
    if (!name || !EVENT_NAME.test(name)) return refuse(400, 'X-GitHub-Event is missing or is not an event name');
    if (!id || !DELIVERY_ID.test(id)) return refuse(400, 'X-GitHub-Delivery is missing or malformed');
    const signature = header(req, 'x-hub-signature-256');
    if (!signature || !SIGNATURE.test(signature)) return refuse(400, 'X-Hub-Signature-256 is missing or malformed');
    const declared = Number(header(req, 'content-length') ?? NaN);
    if (declared > max) return refuseTooLarge(req, res, refuse, max);

    const body = await readSigned(req, opts.secret, max, declared);
    if (body === 'too-large') return refuseTooLarge(req, res, refuse, max);
    if (body === 'aborted') return true; // the client went away; nothing to answer
    if (!timingSafeEqual(body.digest, Buffer.from(signature.slice(7), 'hex'))) {
      return refuse(401, 'signature does not match: check that WEBHOOK_SECRET is the app\'s webhook secret');
    }
    opts.metrics?.webhookReceived(name);
    let payload: Record<string, unknown>;
    try {
      payload = await parseBody(name, body.bytes);
    } catch (err) {
      if (err instanceof InvalidBody) return refuse(400, err.message);
      throw err;
    }
    try {
      await opts.receive({ id, name, payload });
    } catch (err) {
      // The handlers store the delivery; failing that (the database is down) GitHub must
      // see a failure, so that the delivery can be redelivered. Never the payload in the log.
      log.error({ err: summarize(err) }, 'webhook not recorded');
      answer(res, 500, { error: 'the delivery could not be recorded; redeliver it later' });
      return true;
    }
    opts.metrics?.webhookRecorded(name);
    answer(res, 200, { ok: true });
    return true;
  };
}

/**
 * Reads the body, hashing it as it comes; stops at `max` bytes. Each chunk is copied into
 * place as it arrives (into a buffer of the announced length when there is one), so that a
 * 25 MB body never costs one long copy at the end.
 */
function readSigned(req: IncomingMessage, secret: string, max: number, declared: number): Promise<{ bytes: Buffer; digest: Buffer } | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const hmac = createHmac('sha256', secret);
    let buf = Buffer.allocUnsafe(Number.isInteger(declared) && declared >= 0 ? declared : 64 * 1024);
    let size = 0;
    const done = (result: { bytes: Buffer; digest: Buffer } | 'too-large' | 'aborted') => {
      req.removeAllListeners('data');
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > max) {
        req.pause();
        return done('too-large');
      }
      hmac.update(chunk);
      if (size + chunk.length > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(max, Math.max(buf.length * 2, size + chunk.length)));
        buf.copy(bigger, 0, 0, size);
        buf = bigger;
      }
      chunk.copy(buf, size);
      size += chunk.length;
    });
    req.once('end', () => done({ bytes: buf.subarray(0, size), digest: hmac.digest() }));
    req.once('aborted', () => done('aborted'));
    req.once('error', () => done('aborted'));
  });
}

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, refuse: (s: number, r: string, h?: Record<string, string>) => boolean, max: number): boolean {
  refuse(413, `the body is larger than ${max} bytes (GitHub sends at most 25 MB)`);
  // Nothing more is kept. The rest is read and dropped for a moment, so that the answer
  // reaches the sender (closing on unread data resets the connection, answer and all;
  // so does `Connection: close`, which Node acts on as soon as the answer is written),
  // then the connection is closed whatever is still coming.
  req.resume();
  setTimeout(() => req.destroy(), 1000).unref();
  return true;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function trimSlashes(p: string): string {
  return p.replace(/\/+$/, '') || '/';
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** An error's message and where it came from, without the `event` (payload) that webhook errors carry. */
function summarize(err: unknown): { message: string; stack?: string } {
  const inner = err instanceof AggregateError && err.errors.length > 0 ? err.errors[0] : err;
  return { message: String((inner as Error)?.message ?? inner), stack: (inner as Error)?.stack };
}
