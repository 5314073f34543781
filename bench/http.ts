/**
 * Benchmarks (run on demand: `npm run bench:http`, or `npm run bench` for all). Each target runs in its own process on
 * 127.0.0.1 and is loaded by autocannon for a bounded time; every result is reported as
 * a ratio to a baseline measured in the same run, because these machines are shared.
 *   webhooks: GitDone recording an issue_comment command vs bare Probot with a no-op handler
 *   embeds:   GitDone's page/.svg/.json vs a raw node:http server sending the same bytes
 * Settings: BENCH_SECONDS (8 per target), BENCH_CONNECTIONS (64), BENCH_ONLY=webhooks|embeds,
 * BENCH_PROFILE=<dir> (GitDone's targets write a V8 CPU profile there: node --cpu-prof).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { sign } from '@octokit/webhooks-methods';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { insertGoal } from '../src/db/goals.js';
import { upsertRepository } from '../src/db/repositories.js';
import { issueComment, REPO, INSTALLATION } from '../test/fixtures/payloads.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ONLY = process.env.BENCH_ONLY;
const PROFILE = process.env.BENCH_PROFILE;

/** A port nobody listens on now (the machine is shared: other benchmarks pick ports too). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

interface Result { name: string; rps: number; p50: number; p99: number; errors: number; rssMb: number; cpuUs: number }

async function startTarget(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const profile = PROFILE && args[0] === 'gitdone' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/server.ts', args[0]!, String(port), ...args.slice(1)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Read until the target says it is ready, then keep draining: GitDone logs on stdout.
  let out = '';
  let ready = false;
  child.stdout!.on('data', (d: Buffer) => {
    if (ready) return;
    out += d;
    ready = /^ready$/m.test(out);
  });
  for (let i = 0; i < 300 && !ready; i++) await new Promise((r) => setTimeout(r, 100));
  if (!ready) throw new Error(`target ${args[0]} did not start:\n${out}`);
  return { child, port };
}

/** CPU time (user + system) the process has used, in µs: /proc/<pid>/stat, in clock ticks of 10 ms. */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime (fields 14 and 15 of proc(5))
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function load(name: string, target: { child: ChildProcess; port: number }, urlPath: string, opts: Partial<autocannon.Options> = {}): Promise<Result> {
  // The path goes in the URL: autocannon ignores a separate `path` when `requests` is given.
  const cpuBefore = cpuUs(target.child.pid!);
  const r = await autocannon({ url: `http://127.0.0.1:${target.port}${urlPath}`, connections: CONNECTIONS, duration: SECONDS, ...opts });
  // CPU per answer: what the target spent, whatever else the machine was doing (it is shared).
  const cpu = (cpuUs(target.child.pid!) - cpuBefore) / Math.max(r.requests.total, 1);
  const result = { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, rssMb: rssMb(target.child.pid!), cpuUs: cpu };
  target.child.kill('SIGTERM');
  await once(target.child, 'exit');
  return result;
}

async function main() {
  // A database for GitDone: DATABASE_URL's server (a scratch database on it) or an embedded one.
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'gitdone-bench-')), database: 'bench', persistent: false, log: { info: () => {}, warn: console.warn } });
  let url = embedded?.url;
  if (!url) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query('drop database if exists gitdone_bench with (force)');
    await admin.query('create database gitdone_bench');
    await admin.end();
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = '/gitdone_bench';
    url = u.toString();
  }
  const database = openDatabase(url);
  await migrateToLatest(database.db, database.pool);
  await upsertRepository(database.db, { id: REPO.id, installationId: INSTALLATION.id, fullName: REPO.full_name, defaultBranch: 'main' });
  const goal = await insertGoal(database.db, { repoId: REPO.id, issueNumber: 12, isPullRequest: false, title: 'Ship the beta', keyword: 'ship-beta', dueAt: new Date(Date.now() + 3 * 86400_000), timezone: 'Europe/Berlin', createdBy: 'alice' });

  const body = JSON.stringify(issueComment({ body: '/deadline 2030-01-15 17:00 Ship the beta keyword=ship-beta' }));
  const signature = await sign('bench-secret', body);
  const webhook: Partial<autocannon.Options> = {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-hub-signature-256': signature },
    // A fresh delivery id per request, as GitHub sends: every request stores a row and a job.
    requests: [
      {
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-github-delivery': randomUUID() } }),
      },
    ],
  };

  const results: Array<[Result, Result]> = [];
  const hook = '/api/github/webhooks';
  if (ONLY !== 'embeds') {
    results.push([
      await load('probot-bare webhook', await startTarget(['probot-bare']), hook, webhook),
      await load('gitdone webhook', await startTarget(['gitdone'], { DATABASE_URL: url }), hook, webhook),
    ]);
  }
  const recorded = Number((await database.db.selectFrom('deliveries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  const scratch = mkdtempSync(path.join(tmpdir(), 'gitdone-bench-bytes-'));
  const embeds = ONLY === 'webhooks' ? [] : ([['', 'text/html; charset=utf-8'], ['.svg', 'image/svg+xml; charset=utf-8'], ['.json', 'application/json; charset=utf-8']] as const);
  for (const [variant, type] of embeds) {
    const gitdone = await startTarget(['gitdone'], { DATABASE_URL: url });
    const bytes = Buffer.from(await (await fetch(`http://127.0.0.1:${gitdone.port}/embed/${goal.token}${variant}`)).arrayBuffer());
    const file = path.join(scratch, `body${variant || '.html'}`);
    writeFileSync(file, bytes);
    const raw = await startTarget(['raw', file, type]);
    const embedPath = `/embed/${goal.token}${variant}`;
    results.push([await load(`raw ${variant || 'page'} (${bytes.length} B)`, raw, embedPath), await load(`gitdone embed ${variant || 'page'}`, gitdone, embedPath)]);
  }
  await database.close();
  await embedded?.stop();

  const lines = [
    `### ${new Date().toISOString().slice(0, 10)} — ${cpus().length}× ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}`,
    `${SECONDS} s per target, ${CONNECTIONS} connections, autocannon on 127.0.0.1; ${recorded} webhook deliveries recorded.`,
    '',
    '| baseline | req/s | p99 ms | CPU µs/req | RSS MB | GitDone | req/s | p99 ms | CPU µs/req | RSS MB | throughput ratio | p99 ratio | CPU ratio | issue #11 target | met |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(([b, g]) => {
      const target = g.name.includes('webhook') ? { ratio: 0.3, p99: 100 } : { ratio: 0.6, p99: 10 };
      const ratio = g.rps / b.rps;
      const met = ratio >= target.ratio && g.p99 < target.p99 ? 'yes' : 'no';
      return `| ${b.name} | ${Math.round(b.rps)} | ${b.p99} | ${Math.round(b.cpuUs)} | ${b.rssMb} | ${g.name} | ${Math.round(g.rps)} | ${g.p99} | ${Math.round(g.cpuUs)} | ${g.rssMb} | ${ratio.toFixed(2)} | ${(g.p99 / Math.max(b.p99, 1)).toFixed(1)} | ${(b.cpuUs / g.cpuUs).toFixed(2)} | ≥ ${target.ratio}, p99 < ${target.p99} ms | ${met} |`;
    }),
    `\nErrors or non-2xx: ${results.flat().map((r) => `${r.name}: ${r.errors}`).join(', ')}`,
  ];
  console.log(lines.join('\n'));
}

await main();
