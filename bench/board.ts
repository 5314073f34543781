/**
 * The repository board against a repository's size (issue #13): `/board/<token>` (page),
 * `.json` and `.ics` for a repository with 10, 1,000 and 20,000 active goals (and 500 finished
 * ones), through the production routes on a real PostgreSQL, the lookup cache off so that every
 * request queries. Baseline, measured in the same run: one goal's countdown page
 * (`/embed/<token>`), the smallest thing the same routes serve. The board is capped at 100
 * active goals, so its cost should stop growing with the repository. Sequential requests
 * (the median of 60 after 10 to warm up), bounded in time.
 * Run: `npm run bench:board` (about half a minute; DATABASE_URL's server, or an embedded one).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { ensureBoard } from '../src/db/boards.js';
import { upsertRepository } from '../src/db/repositories.js';
import { embedRoutes } from '../src/embed/routes.js';
import { createMetrics } from '../src/http/metrics.js';
import { scratchDatabase } from './scratch-database.js';

const SIZES = [10, 1000, 20_000];
const FINISHED = 500;
const RUNS = 60;
const deadline = Date.now() + 3 * 60_000;

const t = await scratchDatabase('gitdone_bench_board');
const routes = embedRoutes({ db: t.db, metrics: createMetrics(), publicUrl: 'http://127.0.0.1', githubUrl: 'https://github.com', cacheMs: 0 });
const server = http.createServer((req, res) => {
  void routes(req, res).then((handled) => handled || res.writeHead(404).end());
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${path}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function median(path: string): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 10; i++) bytes = await get(path);
  const times: number[] = [];
  for (let i = 0; i < RUNS && Date.now() < deadline; i++) {
    const t0 = performance.now();
    await get(path);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, bytes };
}

const rows: string[] = [];
try {
  let repoId = 1000;
  for (const size of SIZES) {
    repoId++;
    await upsertRepository(t.db, { id: repoId, installationId: 1, fullName: `bench/size-${size}` });
    await sql`insert into goals (token, repo_id, issue_number, is_pull_request, title, keyword, due_at, timezone, status, created_by, completed_at, completed_via)
      select md5(random()::text || i), ${repoId}, i, false, 'Goal number ' || i || ' of the benchmark', 'k-' || i, now() + (i || ' minutes')::interval, 'Europe/Berlin',
             case when i > ${size} then 'completed' else 'active' end, 'bench',
             case when i > ${size} then now() - (i || ' minutes')::interval end, case when i > ${size} then 'command' end
      from generate_series(1, ${size + FINISHED}) as i`.execute(t.db);
    await sql`analyze goals`.execute(t.db);
    const board = await ensureBoard(t.db, repoId);
    const goal = await t.db.selectFrom('goals').select('token').where('repo_id', '=', repoId).where('status', '=', 'active').limit(1).executeTakeFirstOrThrow();
    const base = await median(`/embed/${goal.token}`);
    for (const suffix of ['', '.json', '.ics']) {
      const m = await median(`/board/${board.token}${suffix}`);
      rows.push(`| ${size.toLocaleString('en-US')} | board${suffix || ' page'} | ${m.ms.toFixed(2)} | ${(m.bytes / 1024).toFixed(1)} | ${base.ms.toFixed(2)} | ${(m.ms / base.ms).toFixed(1)} |`);
    }
  }
} finally {
  server.close();
  await t.close();
}

console.log(`### board (bench/board.ts) — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
console.log(`${RUNS} sequential requests each (median), lookup cache off; ${FINISHED} finished goals per repository.\n`);
console.log('| active goals | URL | median ms | KiB | goal page ms (baseline) | ratio |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
