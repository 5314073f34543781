/**
 * Start to ready, and idle memory, of the built GitDone server (issue #11), next to baselines
 * measured in the same run:
 *   GitDone  `node --enable-source-maps dist/src/main.js` (test/e2e/build.ts builds it, as the
 *            end-to-end tests do) with a GitHub App key and a fake GitHub; "ready" is the first
 *            200 from /readyz (database answers, migrations current, workers and HTTP up). On
 *            - the embedded PostgreSQL (DATABASE_URL unset) with a fresh data directory
 *              (initdb, migrations) and with an existing one (made by an unmeasured start),
 *            - the external PostgreSQL (DATABASE_URL = a scratch database on the machine's
 *              server): a fresh database (migrations) and an existing, migrated one.
 *   bare Probot and a raw node:http server (bench/startup-baseline.mjs, plain node): the
 *            first 200 (Probot's /ping, the raw server's /); and GitDone's modules alone
 *            (loaded as main.js loads them, then the raw server), which says how much of
 *            GitDone's start is loading code.
 * Idle RSS is the node process' resident memory after ready + BENCH_IDLE_MS (default 3 s)
 * of nothing; the embedded PostgreSQL's processes are reported apart (their PSS: shared
 * memory counted once). Starts are interleaved round by round (the machine is shared:
 * neighbours' load spreads over every target alike); each figure is the median of
 * BENCH_RUNS rounds (default 5), after one unmeasured warm-up round.
 *
 * Bounded: each start has BENCH_START_TIMEOUT_MS (default 60 s), the whole run
 * BENCH_TIMEOUT_MS (default 9 min). Every child process, working and data directory and
 * scratch database is removed on the way out, on failure and on SIGINT/SIGTERM too.
 * Run: `npm run bench:startup` (about 3 minutes). The external server: DATABASE_URL's, else
 * postgres://postgres@127.0.0.1:5432/postgres; skipped (and said so) when it does not answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startFakeGitHub, type FakeGitHub } from '../src/playground/fake-github.js';
import { buildServer } from '../test/e2e/build.js';
import { descendants, freePort, killAll, processesMentioning, spawnServer, type ServerProcess } from '../test/e2e/server.js';
import { testPrivateKey } from '../test/helpers/keys.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 3000);
const START_TIMEOUT_MS = Number(process.env.BENCH_START_TIMEOUT_MS ?? 60_000);
const TOTAL_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 9 * 60_000);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EXISTING_DB = 'gitdone_bench_startup';
const FRESH_DB = 'gitdone_bench_startup_fresh';
const ROOT = new URL('../', import.meta.url).pathname;

interface Sample {
  /** spawn → first 200 */
  readyMs: number;
  /** spawn → "migrations applied" / "database schema is current" (GitDone only): node, most of its modules, the database, migrations */
  databaseMs?: number;
  rssAtReadyMb: number;
  idleRssMb: number;
  /** The embedded PostgreSQL's processes, after the same idle time. */
  postgresPssMb?: number;
}

interface Target {
  name: string;
  kind: 'baseline' | 'gitdone';
  /** Before the round's start (not timed): a fresh data directory or database. */
  prepare?: () => Promise<void>;
  start: () => Promise<Sample>;
  /** After the start (not timed). */
  after?: () => Promise<void>;
  samples: Sample[];
}

// ─── Clean-up, whatever happens ─────────────────────────────────────────────────────────

const baselineChildren = new Set<ChildProcess>();
const dataDirs = new Set<string>();
/** The servers' output files (test/e2e/server.ts writes one each): removed unless a start failed. */
const logFiles = new Set<string>();
let keepLogs = false;
let interrupted = false;
let gh: FakeGitHub | undefined;
let externalReady = false;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of baselineChildren) c.kill('SIGKILL');
    await killAll(); // every GitDone process started (and what is below it: an embedded postgres), and its working directory
    for (const dir of dataDirs) await removeDataDir(dir);
    await gh?.close().catch(() => {});
    if (!keepLogs) for (const f of logFiles) rmSync(f, { force: true });
    if (externalReady) {
      await admin(`drop database if exists ${EXISTING_DB} with (force)`).catch((err: Error) => console.error(`dropping ${EXISTING_DB}: ${err.message}`));
      await admin(`drop database if exists ${FRESH_DB} with (force)`).catch((err: Error) => console.error(`dropping ${FRESH_DB}: ${err.message}`));
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench/startup.ts: ${signal}; cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench/startup.ts: over ${TOTAL_TIMEOUT_MS} ms in all; stopping`);
  void cleanup().finally(() => process.exit(1));
}, TOTAL_TIMEOUT_MS);

/** An embedded postgres may take a moment to let go of its data directory. */
async function removeDataDir(dir: string): Promise<void> {
  for (let i = 0; i < 50 && processesMentioning(dir).length > 0; i++) await sleep(100);
  for (const p of processesMentioning(dir)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  rmSync(dir, { recursive: true, force: true });
  dataDirs.delete(dir);
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

// ─── Measuring ──────────────────────────────────────────────────────────────────────────

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Proportional set size of these processes (shared pages split among their users). */
function pssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone meanwhile */
    }
  }
  return kb / 1024;
}

/** Polls `url` every 10 ms until it answers 200; ms since `since`. Throws on exit or timeout. */
async function firstOk(url: string, since: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error(`the process exited before ${url} answered 200`);
    if (Date.now() - since > START_TIMEOUT_MS) throw new Error(`${url} did not answer 200 within ${START_TIMEOUT_MS} ms`);
    const status = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    if (status === 200) return Date.now() - since;
    await sleep(10);
  }
}

async function startBaseline(mode: 'raw' | 'probot' | 'modules'): Promise<Sample> {
  const port = await freePort();
  // GitDone's modules load with GitDone's flag (npm start's --enable-source-maps).
  const flags = mode === 'modules' ? ['--enable-source-maps'] : [];
  const child = spawn(process.execPath, [...flags, path.join(ROOT, 'bench', 'startup-baseline.mjs'), mode, String(port), path.join(buildServer().dir, 'dist')], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', PRIVATE_KEY: testPrivateKey() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const spawnedAt = Date.now();
  baselineChildren.add(child);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    const readyMs = await firstOk(`http://127.0.0.1:${port}${mode === 'probot' ? '/ping' : '/'}`, spawnedAt, () => exited);
    const rssAtReadyMb = statusKb(child.pid!, 'VmRSS') / 1024;
    await sleep(IDLE_MS);
    return { readyMs, rssAtReadyMb, idleRssMb: statusKb(child.pid!, 'VmRSS') / 1024 };
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
    baselineChildren.delete(child);
  }
}

async function startGitDone(o: { databaseUrl?: string; dataDir?: string }): Promise<Sample> {
  let server: ServerProcess | undefined;
  try {
    server = await spawnServer({
      databaseUrl: o.databaseUrl,
      githubHost: gh!.host,
      env: o.dataDir ? { GITDONE_DATA_DIR: o.dataDir } : {},
    });
    const s = server;
    logFiles.add(s.logFile);
    const readyMs = await firstOk(`${s.url}/readyz`, s.spawnedAt, () => s.exit !== undefined);
    const rssAtReadyMb = statusKb(s.pid, 'VmRSS') / 1024;
    const schema = s.logs.find((l) => l.msg === 'migrations applied' || l.msg === 'database schema is current');
    await sleep(IDLE_MS);
    const idleRssMb = statusKb(s.pid, 'VmRSS') / 1024;
    const postgresPssMb = o.dataDir ? pssMb(descendants(s.pid)) : undefined;
    const stopped = await s.stop();
    if (stopped.forced || stopped.code !== 0) throw new Error(`GitDone did not stop cleanly: ${JSON.stringify(stopped)}\n${s.tail()}`);
    return { readyMs, databaseMs: typeof schema?.time === 'number' ? schema.time - s.spawnedAt : undefined, rssAtReadyMb, idleRssMb, postgresPssMb };
  } catch (err) {
    throw new Error(`${(err as Error).message}${server ? `\n${server.tail()}` : ''}`, { cause: err });
  } finally {
    await killAll(); // nothing of it is left running, and its working directory goes
  }
}

// ─── The targets ────────────────────────────────────────────────────────────────────────

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gitdone-bench-startup-'));
  dataDirs.add(dir);
  return dir;
}

async function main(): Promise<string> {
  buildServer(); // once, before anything is timed
  gh = await startFakeGitHub();
  await fetch(`http://${gh.host}/`).then((r) => r.arrayBuffer()).catch(() => {}); // this process' first fetch pays for loading undici: not the servers'

  let externalNote = '';
  try {
    await admin(`drop database if exists ${EXISTING_DB} with (force)`);
    await admin(`create database ${EXISTING_DB}`);
    externalReady = true;
  } catch (err) {
    externalNote = `External PostgreSQL (${new URL(ADMIN_URL).host}) did not answer (${(err as Error).message}): its rows are left out.`;
  }

  let embeddedFresh = '';
  const existingDir = freshDataDir();
  const targets: Target[] = [
    { name: 'raw node:http', kind: 'baseline', start: () => startBaseline('raw'), samples: [] },
    { name: 'bare Probot', kind: 'baseline', start: () => startBaseline('probot'), samples: [] },
    { name: "GitDone's modules alone, then a raw server", kind: 'baseline', start: () => startBaseline('modules'), samples: [] },
    {
      name: 'GitDone, embedded PostgreSQL, fresh data directory',
      kind: 'gitdone',
      prepare: async () => void (embeddedFresh = freshDataDir()),
      start: () => startGitDone({ dataDir: embeddedFresh }),
      after: () => removeDataDir(embeddedFresh),
      samples: [],
    },
    { name: 'GitDone, embedded PostgreSQL, existing data directory', kind: 'gitdone', start: () => startGitDone({ dataDir: existingDir }), samples: [] },
  ];
  if (externalReady) {
    targets.push(
      {
        name: 'GitDone, external PostgreSQL, fresh database',
        kind: 'gitdone',
        prepare: async () => {
          await admin(`drop database if exists ${FRESH_DB} with (force)`);
          await admin(`create database ${FRESH_DB}`);
        },
        start: () => startGitDone({ databaseUrl: databaseUrl(FRESH_DB) }),
        samples: [],
      },
      { name: 'GitDone, external PostgreSQL, existing database', kind: 'gitdone', start: () => startGitDone({ databaseUrl: databaseUrl(EXISTING_DB) }), samples: [] },
    );
  }

  // Round 0 warms the file cache and makes the existing data directory and database.
  for (let round = 0; round <= RUNS; round++) {
    for (const t of targets) {
      await t.prepare?.();
      const sample = await t.start();
      await t.after?.();
      if (round > 0) t.samples.push(sample);
    }
    console.error(`bench/startup.ts: round ${round}/${RUNS} done`);
  }

  const med = (xs: Array<number | undefined>) => {
    const s = xs.filter((x): x is number => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const num = (x: number) => (Number.isNaN(x) ? '—' : String(Math.round(x)));
  const m = (t: Target) => ({
    ready: med(t.samples.map((s) => s.readyMs)),
    database: med(t.samples.map((s) => s.databaseMs)),
    atReady: med(t.samples.map((s) => s.rssAtReadyMb)),
    idle: med(t.samples.map((s) => s.idleRssMb)),
    pg: med(t.samples.map((s) => s.postgresPssMb)),
    fastest: Math.min(...t.samples.map((s) => s.readyMs)),
    range: `${Math.round(Math.min(...t.samples.map((s) => s.readyMs)))}–${Math.round(Math.max(...t.samples.map((s) => s.readyMs)))}`,
  });
  const raw = m(targets[0]!);
  const probot = m(targets[1]!);
  const modules = m(targets[2]!);
  return [
    `### ${new Date().toISOString().slice(0, 10)} — start-up, ${cpus().length}× ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `Median of ${RUNS} interleaved rounds after a warm-up round; idle RSS after ready + ${IDLE_MS / 1000} s. "Ready": GitDone's /readyz, the baselines' first 200. External PostgreSQL: ${externalReady ? new URL(ADMIN_URL).host : 'not measured'}.`,
    ...(externalNote ? [externalNote] : []),
    '',
    '| target | start → ready ms (median) | range ms | beyond loading code: fastest run − fastest modules-alone run, ms | spawn → schema checked ms | ready / bare Probot | ready / raw | RSS at ready MB | idle RSS MB | idle RSS / bare Probot | idle RSS / raw | embedded postgres PSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...targets.map((t) => {
      const x = m(t);
      return `| ${t.name} | ${num(x.ready)} | ${x.range} | ${t.kind === 'gitdone' ? num(x.fastest - modules.fastest) : '—'} | ${num(x.database)} | ${(x.ready / probot.ready).toFixed(2)} | ${(x.ready / raw.ready).toFixed(1)} | ${num(x.atReady)} | ${num(x.idle)} | ${(x.idle / probot.idle).toFixed(2)} | ${(x.idle / raw.idle).toFixed(1)} | ${num(x.pg)} |`;
    }),
  ].join('\n');
}

let exitCode = 0;
try {
  console.log(await main());
} catch (err) {
  if (!interrupted) {
    console.error(err);
    keepLogs = true; // the error names the server's log file
  }
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
