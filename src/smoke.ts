/**
 * The smoke test after a deploy: `npm run smoke -- <PUBLIC_URL>`, or in the image
 * `node dist/src/smoke.js <PUBLIC_URL>`, with the app's webhook secret in WEBHOOK_SECRET.
 *
 * It asks what GitHub and a reader would ask, each within a timeout: /healthz and /readyz
 * answer 200, a signed `ping` delivery is accepted, an unknown embed is a 404 (page and
 * JSON; that goes through the database), and /metrics is a 404 (metrics are not public). It prints one line, "smoke ok: …" (exit 0) or
 * "smoke failed: <reason>" (exit 1); a usage mistake exits 2.
 *
 * Node built-ins only, and no app configuration: it runs in the production image, and
 * against any deployment from anywhere. It writes nothing: a ping is not stored.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const DEFAULT_TIMEOUT_MS = 5000;

class SmokeFailure extends Error {}

interface Answer {
  status: number;
  type: string;
  body: string;
  location: string | null;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { timeout: { type: 'string' } } });
  } catch (err) {
    usage((err as Error).message);
  }
  const [target, ...extra] = args.positionals;
  if (!target || extra.length) usage('give exactly one URL');
  let base: URL;
  try {
    base = new URL(target);
  } catch {
    usage(`"${target}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') usage(`"${target}" is not an http(s) URL`);
  const timeoutMs = args.values.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(args.values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) usage(`--timeout must be a number of milliseconds, got "${args.values.timeout}"`);
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) usage('WEBHOOK_SECRET is not set: the GitHub App webhook secret, to sign the ping');

  const root = base.href.replace(/\/+$/, '');
  const started = Date.now();
  try {
    const notes = await runChecks(root, secret, timeoutMs);
    console.log(`smoke ok: ${root} — ${notes.join(', ')} (${Date.now() - started} ms)`);
    process.exit(0);
  } catch (err) {
    const reason = err instanceof SmokeFailure ? err.message : `unexpected error: ${(err as Error).message}`;
    console.log(`smoke failed: ${root} — ${oneLine(reason)}`);
    process.exit(1);
  }
}

async function runChecks(root: string, secret: string, timeoutMs: number): Promise<string[]> {
  const ask = (method: 'GET' | 'POST', path: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
    request(root, method, path, timeoutMs, init);
  const notes: string[] = [];

  for (const path of ['/healthz', '/readyz']) {
    const res = await ask('GET', path);
    expectStatus(`GET ${path}`, res, (s) => s === 200, '200');
    notes.push(`${path.slice(1)} 200`);
  }

  // GitHub's own first delivery to a new webhook. GitDone checks the signature and answers;
  // GitDone records nothing for it.
  const body = JSON.stringify({
    zen: 'Keep it logically awesome.',
    hook_id: 0,
    hook: { type: 'App', id: 0, active: true, events: [], config: { content_type: 'json', url: `${root}/api/github/webhooks` } },
  });
  const ping = await ask('POST', '/api/github/webhooks', {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/gitdone-smoke',
      'x-github-event': 'ping',
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '0',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  if (ping.status === 400 || ping.status === 401) {
    throw new SmokeFailure(
      `the signed ping was refused (${ping.status} ${snippet(ping.body)}): is WEBHOOK_SECRET the one the server and the GitHub App use?`,
    );
  }
  expectStatus('POST /api/github/webhooks (signed ping)', ping, (s) => s >= 200 && s < 300, '2xx');
  notes.push(`ping ${ping.status}`);

  // 128 random bits, like a real token: no goal has it.
  const token = randomBytes(16).toString('base64url');
  const page = await ask('GET', `/embed/${token}`);
  expectStatus('GET /embed/<unknown token>', page, (s) => s === 404, '404');
  if (!page.type.startsWith('text/html')) throw new SmokeFailure(`GET /embed/<unknown token> answered 404 as "${page.type}", expected an HTML page`);
  notes.push('embed 404');

  const json = await ask('GET', `/embed/${token}.json`);
  expectStatus('GET /embed/<unknown token>.json', json, (s) => s === 404, '404');
  if (!json.type.startsWith('application/json') || !parsesAsJson(json.body)) {
    throw new SmokeFailure(`GET /embed/<unknown token>.json answered 404 as "${json.type}" (${snippet(json.body)}), expected JSON`);
  }
  notes.push('embed.json 404');

  // Metrics have their own port (METRICS_PORT), reached by Prometheus inside the cluster;
  // a proxy or Ingress that routes /metrics publicly is a mistake to catch here.
  const metrics = await ask('GET', '/metrics');
  if (metrics.status !== 404) {
    throw new SmokeFailure(
      `GET /metrics answered ${metrics.status} on the public URL, expected 404: Prometheus metrics belong on METRICS_PORT only; check what the proxy or Ingress routes there`,
    );
  }
  notes.push('metrics 404');
  return notes;
}

/**
 * One request, body included, within `timeoutMs`. Redirects are not followed: GitHub does
 * not follow them for webhooks, and embed links start with PUBLIC_URL as given.
 */
async function request(
  root: string,
  method: 'GET' | 'POST',
  path: string,
  timeoutMs: number,
  init: { headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const what = `${method} ${path.replace(/\/embed\/[^/.]+/, '/embed/<unknown token>')}`;
  try {
    const res = await fetch(`${root}${path}`, { method, ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body, location: res.headers.get('location') };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new SmokeFailure(`${what}: no answer within ${timeoutMs} ms`);
    const cause = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new SmokeFailure(`${what}: could not connect (${cause})`);
  }
}

function expectStatus(what: string, res: Answer, ok: (status: number) => boolean, expected: string): void {
  if (ok(res.status)) return;
  if (res.status >= 300 && res.status < 400) {
    throw new SmokeFailure(`${what} answered ${res.status}, a redirect to ${res.location ?? '?'}: use the final address as the URL (and as PUBLIC_URL)`);
  }
  throw new SmokeFailure(`${what} answered ${res.status} (${snippet(res.body)}), expected ${expected}`);
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function snippet(text: string): string {
  const flat = oneLine(text).trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat || 'empty body';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function usage(problem: string): never {
  console.error(`smoke: ${problem}. Usage: WEBHOOK_SECRET=… npm run smoke -- <PUBLIC_URL> [--timeout=<ms per check>]`);
  process.exit(2);
}

await main();
