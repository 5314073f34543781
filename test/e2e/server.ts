import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testPrivateKey } from '../helpers/keys.js';

/**
 * Runs the real entry (`node --import tsx src/main.ts`) as a child process, the way
 * `npm start` runs the build: env → database → migrations → Probot server → workers.
 * Nothing is built: tsx compiles the TypeScript on the fly.
 */

export const WEBHOOK_SECRET = 'e2e-webhook-secret';
const ROOT = new URL('../../', import.meta.url).pathname;
const live = new Set<ServerProcess>();
let serial = 0;

export interface StartOptions {
  databaseUrl: string;
  /** `127.0.0.1:<port>` of the fake GitHub. */
  githubHost: string;
  secret?: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** What node runs; default the TypeScript entry through tsx (benchmarks run the build: `dist/src/main.js`). */
  entry?: string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

export class ServerProcess {
  /** Raw stdout/stderr lines, in order. */
  readonly lines: string[] = [];
  /** stdout lines that parsed as JSON (pino). */
  readonly logs: Array<Record<string, unknown>> = [];
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  /** ms from spawn to /readyz 200 and the "GitDone is ready" log line. */
  readyMs = 0;
  readonly logFile: string;
  private readonly file: WriteStream;
  private lineWaiters: Array<() => void> = [];

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.logFile = join(tmpdir(), `gitdone-e2e-${process.pid}-${++serial}-${port}.log`);
    this.file = createWriteStream(this.logFile);
    const take = (stream: NodeJS.ReadableStream | null, tag: string) => {
      if (!stream) return;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(tag === 'err' ? `[stderr] ${line}` : line);
        this.file.write(`${tag} ${line}\n`);
        if (tag === 'out' && line.startsWith('{')) {
          try {
            this.logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            /* not JSON: kept in lines */
          }
        }
        const waiters = this.lineWaiters;
        this.lineWaiters = [];
        for (const w of waiters) w();
      });
    };
    take(child.stdout, 'out');
    take(child.stderr, 'err');
    this.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this.file.end();
        resolve(this.exit);
      });
    });
    live.add(this);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The PUBLIC_URL the process was given: embed links start with it. */
  get publicUrl(): string {
    return this.url;
  }
  get pid(): number {
    return this.child.pid!;
  }

  /** The last `n` output lines, for failure messages; HTTP access lines are left to the full log. */
  tail(n = 60): string {
    const lines = this.lines.filter((l) => !l.includes('"name":"http"')).slice(-n);
    return `server pid ${this.child.pid} (exit ${JSON.stringify(this.exit ?? null)}; full log: ${this.logFile}), last ${lines.length} lines but HTTP access:\n${lines.join('\n')}`;
  }

  /** Log entries whose msg contains `text`. */
  logged(text: string): Array<Record<string, unknown>> {
    return this.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes(text));
  }

  get(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { ...init, signal: init.signal ?? AbortSignal.timeout(10_000) });
  }

  /** Signs like GitHub (X-Hub-Signature-256: sha256=HMAC-SHA256(secret, body)) and posts to the webhook path. A string payload is sent as it is. */
  async sendWebhook(event: string, payload: unknown, opts: { id: string; secret?: string; signature?: string | null }): Promise<WebhookResponse> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e',
      'x-github-event': event,
      'x-github-delivery': opts.id,
      'x-github-hook-id': '1',
    };
    const signature = opts.signature === undefined ? sign(opts.secret ?? WEBHOOK_SECRET, body) : opts.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const res = await fetch(`${this.url}/api/github/webhooks`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.text() };
  }

  /** SIGTERM and wait for the exit (SIGKILL after `timeoutMs`, and report it). */
  async stop(timeoutMs = 15_000): Promise<Exit & { ms: number; forced: boolean }> {
    const started = Date.now();
    if (this.exit) return { ...this.exit, ms: 0, forced: false };
    this.child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const first = await Promise.race([this.exited, timer]);
    if (first === 'timeout') {
      this.child.kill('SIGKILL');
      return { ...(await this.exited), ms: Date.now() - started, forced: true };
    }
    return { ...first, ms: Date.now() - started, forced: false };
  }

  /** SIGKILL: the process dies at once, with whatever it had in flight. */
  async kill(): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Resolves with the first log entry matching, or rejects after `timeoutMs`. */
  async waitForLog(match: (l: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (this.exit) throw new Error(`server exited (${JSON.stringify(this.exit)}) before the expected log line\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected log line not seen within ${timeoutMs} ms\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.lineWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The environment the child gets: the parent's minus anything that would change what it talks to. */
function childEnv(port: number, o: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'NODE_OPTIONS', // jest's --experimental-vm-modules
    'DATABASE_URL',
    'PRIVATE_KEY_PATH',
    'WEBHOOK_PROXY_URL',
    'WEBHOOK_PATH',
    'GH_ORG',
    'REDIS_URL',
    'SENTRY_DSN',
    'LOG_MESSAGE_KEY',
    'LOG_LEVEL_IN_STRING',
    'GITDONE_DATA_DIR',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
  ]) {
    delete env[k];
  }
  return {
    ...env,
    APP_ID: '1',
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: o.secret ?? WEBHOOK_SECRET,
    DATABASE_URL: o.databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    GHE_HOST: o.githubHost,
    GHE_PROTOCOL: 'http',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    NO_PROXY: '127.0.0.1,localhost',
    ...o.env,
  };
}

/**
 * Starts `node --import tsx src/main.ts` and waits until /readyz answers 200 and the
 * workers are running ("GitDone is ready"). Rejects, with the output, if it exits first.
 */
export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, o.entry ?? ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv(port, o),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess(child, port);
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  const deadline = started + timeoutMs;
  try {
    for (;;) {
      if (server.exit) throw new Error(`server exited before it was ready: ${JSON.stringify(server.exit)}`);
      if (Date.now() > deadline) throw new Error(`/readyz did not answer 200 within ${timeoutMs} ms`);
      const status = await server
        .get('/readyz', { signal: AbortSignal.timeout(2000) })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // /readyz is served before the workers start (main.ts starts them after Probot): wait for those too.
    await server.waitForLog((l) => l.msg === 'GitDone is ready', Math.max(1000, deadline - Date.now()));
  } catch (err) {
    await server.kill();
    throw new Error(`${(err as Error).message}\n${server.tail()}`, { cause: err });
  }
  server.readyMs = Date.now() - started;
  return server;
}

/** Kills every server process still running (afterAll/afterEach: even when a test failed). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill()));
}

// Last resort if jest's worker goes away without running afterAll.
process.once('exit', () => {
  for (const s of live) s.child.kill('SIGKILL');
});

/** Polls `check` until it returns a value other than undefined/false; fails with `explain()` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number; explain?: () => string | Promise<string> },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const more = opts.explain ? await opts.explain() : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}\n${more}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
