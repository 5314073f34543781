import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testPrivateKey } from '../helpers/keys.js';
import { buildServer } from './build.js';

/**
 * Runs the built server (`node dist/src/main.js`, or `npm start` itself) as a child
 * process, the way it runs in production: env → database → migrations → Probot server →
 * workers. The build is made once per source version (see build.ts).
 *
 * Each process gets its own working directory (a folder like the repository's root:
 * package.json, app.yml, dist/), so that a developer's `.env` or `*.pem` never leaks into
 * a test, and a test can give it a `.env` of its own.
 */

export const WEBHOOK_SECRET = 'e2e-webhook-secret';
const ROOT = new URL('../../', import.meta.url).pathname;
const SIGNAL_MARKER = new URL('./signal-marker.mjs', import.meta.url).href;
const MODULE_WATCH = new URL('./module-watch.mjs', import.meta.url).href;
const live = new Set<ServerProcess>();
/** Every process started since the last killAll, exited or not: npm's node may outlive npm. */
const started = new Set<ServerProcess>();
let serial = 0;

export interface StartOptions {
  /** The database; leave out for the embedded PostgreSQL (under the working directory's .data). */
  databaseUrl?: string;
  /** `127.0.0.1:<port>` of the fake GitHub (default: a port nothing listens on). */
  githubHost?: string;
  secret?: string;
  /** false: no APP_ID, PRIVATE_KEY or WEBHOOK_SECRET, so the process starts in setup mode. */
  app?: boolean;
  /** Put last into the child's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Contents of `.env` in the working directory. */
  dotenv?: string;
  /**
   * How to start it: `node dist/src/main.js` (default); `npm start` (with `--ignore-scripts`:
   * the build is already there); or node in a pseudo-terminal (util-linux `script`).
   */
  via?: 'node' | 'npm' | 'terminal';
  /** The entry to run with node, relative to the working directory (default `dist/src/main.js`; the playground's is `dist/src/playground/main.js`). */
  entry?: string;
  /** Preload test/e2e/signal-marker.mjs, which reports when the SIGTERM handler is installed. */
  markSignalHandler?: boolean;
  /** Preload test/e2e/module-watch.mjs, which reports every OpenTelemetry module loaded ("[e2e] module loaded: …" on stderr). */
  watchModules?: boolean;
  readyTimeoutMs?: number;
  /** More node flags before the entry (with `via: 'node'`), e.g. `--cpu-prof` (benchmarks; NODE_OPTIONS refuses it). */
  nodeArgs?: string[];
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
  /** When it was spawned (Date.now()). */
  readonly spawnedAt = Date.now();
  /** The node process' pid, when signal-marker.mjs reported it (under `npm start`, npm's child). */
  nodePid: number | undefined;
  private readonly file: WriteStream;
  private lineWaiters: Array<() => void> = [];

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** Its working directory (package.json, app.yml, dist/, and .env when given). */
    readonly cwd: string,
    /** METRICS_PORT, unless the test removed it. */
    readonly metricsPort?: number,
  ) {
    this.logFile = join(tmpdir(), `gitdone-e2e-${process.pid}-${++serial}-${port}.log`);
    this.file = createWriteStream(this.logFile);
    const take = (stream: NodeJS.ReadableStream | null, tag: string) => {
      if (!stream) return;
      createInterface({ input: stream }).on('line', (raw) => {
        const line = raw.replace(/\r$/, ''); // a pseudo-terminal ends lines with \r\n
        const marker = /\[e2e\] SIGTERM handler installed pid=(\d+)/.exec(line);
        if (marker) this.nodePid = Number(marker[1]);
        this.lines.push(tag === 'err' ? `[stderr] ${line}` : line);
        if (!this.file.writableEnded) this.file.write(`${tag} ${line}\n`); // npm's node may write on after npm exited
        if (tag === 'out' && line.startsWith('{')) {
          try {
            this.logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            /* not JSON: kept in lines */
          }
        }
        this.wake();
      });
    };
    take(child.stdout, 'out');
    take(child.stderr, 'err');
    this.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this.file.end();
        this.wake();
        resolve(this.exit);
      });
    });
    live.add(this);
    started.add(this);
  }

  private wake(): void {
    const waiters = this.lineWaiters;
    this.lineWaiters = [];
    for (const w of waiters) w();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The PUBLIC_URL the process was given: embed links start with it. */
  get publicUrl(): string {
    return this.url;
  }
  /** The Prometheus listener (METRICS_PORT): every e2e server has one unless its test removes the variable. */
  get metricsUrl(): string {
    if (!this.metricsPort) throw new Error('this server was started without METRICS_PORT');
    return `http://127.0.0.1:${this.metricsPort}/metrics`;
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

  /** SIGKILL to the process and everything below it (`npm start`'s node, an embedded postgres): test cleanup. */
  async killTree(): Promise<Exit> {
    // npm's node outlives a killed npm: take it and its children too.
    const inner = this.nodePid ? [this.nodePid, ...descendants(this.nodePid)] : [];
    const below = [...(this.exit ? [] : descendants(this.pid)), ...inner];
    const exit = await this.kill();
    for (const pid of below) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    return exit;
  }

  /** Resolves with the first raw output line (stdout or `[stderr] …`) matching, or rejects after `timeoutMs` or on exit. */
  async waitForLine(match: RegExp, timeoutMs: number): Promise<string> {
    return this.waitUntil(() => this.lines.find((l) => match.test(l)), `a line matching ${match}`, timeoutMs);
  }

  /** Resolves with the exit, or rejects after `timeoutMs` (the process is left running). */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    return this.waitUntil(() => this.exit, 'the process to exit', timeoutMs, { exitIsFailure: false });
  }

  /** Resolves with the first log entry matching, or rejects after `timeoutMs`. */
  async waitForLog(match: (l: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
    return this.waitUntil(() => this.logs.find(match), 'the expected log line', timeoutMs);
  }

  private async waitUntil<T>(check: () => T | undefined, what: string, timeoutMs: number, o = { exitIsFailure: true }): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (this.exit && o.exitIsFailure) throw new Error(`server exited (${JSON.stringify(this.exit)}) before ${what}\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} not seen within ${timeoutMs} ms\n${this.tail()}`);
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

/** Variables of the parent that would change what the child talks to or how it behaves. */
const INHERITED_BUT_DROPPED = [
  'NODE_OPTIONS', // jest's --experimental-vm-modules
  'DATABASE_URL',
  'NODE_ENV',
  'APP_ID',
  'PRIVATE_KEY',
  'PRIVATE_KEY_PATH',
  'WEBHOOK_SECRET',
  'WEBHOOK_PROXY_URL',
  'WEBHOOK_PATH',
  'PUBLIC_URL',
  'GH_ORG',
  'METRICS_PORT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SDK_DISABLED',
  'REDIS_URL',
  'SENTRY_DSN',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'LOG_MESSAGE_KEY',
  'LOG_LEVEL_IN_STRING',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
];

/** The environment the child gets: the parent's, minus what would change its behaviour, plus the test's. */
function childEnv(port: number, metricsPort: number, o: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!INHERITED_BUT_DROPPED.includes(k) && !k.startsWith('GITDONE_') && !k.startsWith('npm_') && !k.startsWith('PG')) env[k] = v;
  }
  Object.assign(env, {
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    GHE_HOST: o.githubHost ?? '127.0.0.1:9',
    GHE_PROTOCOL: 'http',
    // No LOG_FORMAT: off a terminal the logs are JSON by default, which every test relies on.
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    NO_PROXY: '127.0.0.1,localhost',
    // The setup page would ask smee.io for a channel: no network in tests.
    NO_SMEE_SETUP: 'true',
  });
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  if (o.app !== false) {
    Object.assign(env, { APP_ID: '1', PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: o.secret ?? WEBHOOK_SECRET });
  }
  const preload = [...(o.markSignalHandler ? [SIGNAL_MARKER] : []), ...(o.watchModules ? [MODULE_WATCH] : [])];
  if (preload.length) env.NODE_OPTIONS = preload.map((p) => `--import ${p}`).join(' ');
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A working directory laid out like the repository: package.json, app.yml and the build's dist/. */
function workingDirectory(o: StartOptions): string {
  const build = buildServer();
  const dir = join(ROOT, 'test-artifacts', 'e2e-run', `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), readFileSync(join(build.dir, 'package.json')));
  writeFileSync(join(dir, 'app.yml'), readFileSync(join(ROOT, 'app.yml')));
  symlinkSync(join(build.dir, 'dist'), join(dir, 'dist'));
  if (o.dotenv !== undefined) writeFileSync(join(dir, '.env'), o.dotenv);
  return dir;
}

/** Starts the process and returns at once: for tests about start-up itself. */
export async function spawnServer(o: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  let metricsPort = await freePort();
  while (metricsPort === port) metricsPort = await freePort();
  const cwd = workingDirectory(o);
  const env = childEnv(port, metricsPort, o);
  const options = { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] as Array<'ignore' | 'pipe'> };
  const child =
    o.via === 'npm'
      ? spawn('npm', ['start', '--ignore-scripts', '--silent'], options)
      : o.via === 'terminal'
        ? spawn('script', ['--quiet', '--return', '--command', `${process.execPath} ${o.entry ?? 'dist/src/main.js'}`, '/dev/null'], options)
        : spawn(process.execPath, ['--enable-source-maps', ...(o.nodeArgs ?? []), o.entry ?? 'dist/src/main.js'], options);
  return new ServerProcess(child, port, cwd, env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined);
}

/**
 * Starts the built server and waits until /readyz answers 200 and the workers are running
 * ("GitDone is ready"). Rejects, with the output, if it exits first.
 */
export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const server = await spawnServer(o);
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  const deadline = server.spawnedAt + timeoutMs;
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
    await server.waitForLog((l) => l.msg === 'GitDone is ready', Math.max(1000, deadline - Date.now()));
  } catch (err) {
    await server.kill();
    throw new Error(`${(err as Error).message}\n${server.tail()}`, { cause: err });
  }
  server.readyMs = Date.now() - server.spawnedAt;
  return server;
}

/** Processes whose command line mentions `text` (an embedded database's data directory, say). */
export function processesMentioning(text: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text)) found.push({ pid: Number(name), cmdline });
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** Every process below `pid` (children, their children, …), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Kills every server process still running (afterAll/afterEach: even when a test failed). */
export async function killAll(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.all(all.map((s) => s.killTree()));
  for (const s of all) {
    // An embedded postgres killed just now may take a moment to let go of its data directory.
    for (let i = 0; i < 50 && processesMentioning(s.cwd).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    rmSync(s.cwd, { recursive: true, force: true });
  }
}

// Last resort if jest's worker goes away without running afterAll.
process.once('exit', () => {
  for (const s of live) s.child.kill('SIGKILL');
  for (const s of started) {
    try {
      if (s.nodePid) process.kill(s.nodePid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
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
