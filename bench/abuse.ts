/**
 * What one tenant's worst input costs everybody (issue #8), measured on the built server
 * (`node dist/src/main.js`, as in production; test/e2e/build.ts builds it) against a fake GitHub: each abuse runs while
 * another process polls /healthz and this one samples the server's memory; the server's own
 * event-loop delay comes from its metrics. Targets: RSS growth under 100 MB, the longest
 * /healthz wait under 200 ms, event-loop delay p99 under 50 ms while a big push is matched.
 * Run: `npm run bench:abuse` (about a minute). Uses DATABASE_URL's server when
 * set (a scratch database on it), else an embedded PostgreSQL.
 */
import { cpus, totalmem } from 'node:os';
import { biggestPush, hugePushBody, listFlood, seedThousandGoals, unsignedFlood, type Target } from '../test/e2e/abuses.js';
import { startFakeGitHub } from '../src/playground/fake-github.js';
import { measure, type Cost } from '../test/e2e/probe.js';
import { killAll, startServer } from '../test/e2e/server.js';
import { listFlood as warmUp } from '../test/e2e/abuses.js';
import { scratchDatabase } from './scratch-database.js';

const TARGETS = { rssGrowthMb: 100, maxHealthzMs: 200, loopP99Ms: 50 };

const database = await scratchDatabase('gitdone_bench_abuse');
const gh = await startFakeGitHub();
const server = await startServer({ databaseUrl: database.url, githubHost: gh.host }); // the built server (test/e2e/build.ts)
const x: Target = { server, gh, db: database.db };
await seedThousandGoals(database.db);

const rows: Array<[string, Cost]> = [];
try {
  // The first command a fresh process handles pays for JIT compilation: not what is measured.
  await warmUp(x);
  // The noise floor of this machine, measured the same way with nothing sent.
  rows.push(['(baseline: idle server, 3 s)', await measure(server, () => new Promise((r) => setTimeout(r, 3000)))]);
  rows.push(['1,200 × `/deadline list`, 1,000 goals', (await listFlood(x)).cost]);
  rows.push(['push body of 2,048 × 64 KB (134 MB): 413', (await hugePushBody(x)).cost]);
  rows.push(['largest real push (24 MB) + 2,049 × 64 KB compared', (await biggestPush(x)).cost]);
  rows.push(['50 MB, wrong signature: 413', (await unsignedFlood(x)).cost]);
} finally {
  await killAll();
  await gh.close();
  await database.close();
}

const mark = (v: number, target: number) => `${v}${v <= target ? '' : ' ✗'}`;
console.log(
  [
    `### ${new Date().toISOString().slice(0, 10)} — abuse, ${cpus().length}× ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}`,
    `Targets: RSS growth < ${TARGETS.rssGrowthMb} MB, longest /healthz < ${TARGETS.maxHealthzMs} ms, event-loop p99 < ${TARGETS.loopP99Ms} ms (✗ marks a miss).`,
    '',
    '| abuse | RSS growth MB | longest /healthz ms | loop p99 ms | loop max ms | seconds |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      ([name, c]) =>
        `| ${name} | ${mark(c.rssGrowthMb, TARGETS.rssGrowthMb)} | ${mark(c.maxHealthzMs, TARGETS.maxHealthzMs)} | ${mark(c.loopP99Ms, TARGETS.loopP99Ms)} | ${c.loopMaxMs} | ${c.seconds} |`,
    ),
  ].join('\n'),
);
