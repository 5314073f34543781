import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../startup.js';
import { readActor, readComment, readPush, type Input } from './input.js';
import type { Outcome, Playground } from './issue.js';
import { PLAYGROUND_CSP, renderPlaygroundPage } from './page.js';
import { stateView } from './view.js';

/** A comment of 65,536 characters, escaped in JSON, fits with room to spare. */
const MAX_BODY_BYTES = 1024 * 1024;

type Action = (body: unknown) => Input<() => Promise<Outcome>>;

/**
 * `/playground`: the page, the state it polls, and its actions (comment, push, close,
 * reopen), each of which becomes a webhook to GitDone (issue.ts). Added to the server by the
 * playground's entry only (main.ts), through startup.ts's `routes`.
 *
 * The actions deliver signed webhooks on behalf of whoever calls them, so only this
 * machine's own page may: the Host must be this machine (against DNS rebinding), a browser's
 * Origin must be the page's, and bodies must be JSON (a cross-site form cannot send that
 * without a CORS preflight, which is never answered).
 */
export function playgroundRoutes(o: { playground: Playground; port: number; publicUrl: string }): Route {
  const page = renderPlaygroundPage();
  const markdownCache = new Map<number, string>();
  const hosts = new Set([`localhost:${o.port}`, `127.0.0.1:${o.port}`, `[::1]:${o.port}`]);
  const p = o.playground;
  const actions: Record<string, Action> = {
    comment: (b) => then(readComment(b), (v) => () => p.comment(v)),
    push: (b) => then(readPush(b), (v) => () => p.push(v)),
    close: (b) => then(readActor(b), (v) => () => p.close(v)),
    reopen: (b) => then(readActor(b), (v) => () => p.reopen(v)),
  };

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== '/playground' && !path.startsWith('/playground/')) return false;
    const host = req.headers.host ?? '';
    if (!hosts.has(host)) return answer(res, 403, { problem: 'The playground answers on this machine only: open it at localhost.' });

    if (req.method === 'GET' && (path === '/playground' || path === '/playground/')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PLAYGROUND_CSP,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(page);
      return true;
    }
    if (req.method === 'GET' && path === '/playground/state') return answer(res, 200, stateView(p, o.publicUrl, markdownCache));

    const action = actions[path.slice('/playground/'.length)];
    if (!action) return answer(res, 404, { problem: 'No such playground route.' });
    if (req.method !== 'POST') return answer(res, 405, { problem: 'Actions are POSTed.' }, { allow: 'POST' });
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) return answer(res, 403, { problem: 'Only the playground page itself may act.' });
    if (!/^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) return answer(res, 415, { problem: 'Send JSON.' });
    const body = await readJson(req);
    if (body === TOO_LARGE) return answer(res, 413, { problem: 'That is more than the playground takes.' });
    if (body === INVALID) return answer(res, 400, { problem: 'The body is not JSON.' });
    const checked = action(body);
    if ('problem' in checked) return answer(res, 400, checked);
    const outcome = await checked.value();
    return answer(res, 'problem' in outcome ? 409 : 200, outcome);
  };
}

function then<T, U>(input: Input<T>, f: (v: T) => U): Input<U> {
  return 'problem' in input ? input : { value: f(input.value) };
}

const TOO_LARGE = Symbol('too large');
const INVALID = Symbol('invalid');

/** The body as JSON; past the limit the rest is read and dropped, so that the answer still reaches the page. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => {
      if (size > MAX_BODY_BYTES) return resolve(TOO_LARGE);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(INVALID);
      }
    });
    req.once('error', () => resolve(INVALID));
  });
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
  return true;
}
