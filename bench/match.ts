/**
 * Matching a push against a repository's goals, in two parts.
 *
 * 1. The pure matcher (issue #8): 2,048 commits against 1,000 active keywords, in one pass
 *    (src/goals/match.ts). The baseline, measured in the same run, is one plain pass over the
 *    same text (`toLowerCase` of every message): the least any matcher must do, so the ratio
 *    says how much matching costs on top of reading the bytes.
 * 2. The job path (issue #11): the push job (jobs/process-delivery.ts → jobs/completion.ts →
 *    usecases/complete-by-push.ts) against a real PostgreSQL holding 1,000 active goals in one
 *    repository, on a push of 2,048 commits recorded the way the webhook intake records it
 *    (usecases/record-delivery.ts). Timed: "matched", from the job's start to its first
 *    completion transaction (by then it knows which goals complete), and the event-loop delay
 *    (perf_hooks monitorEventLoopDelay, 1 ms resolution) while the job runs. Target: matched
 *    under 50 ms, loop p99 under 50 ms. GitHub is stubbed in-process (no network): the
 *    config file and the compare API answer 404, so the commits are read from the stored
 *    payload, as for a force push; a real GitHub would be asked for 2,048 commits in pages
 *    of 25 (github/commits.ts), which bench/abuse.ts measures end to end.
 *
 * Run: `npm run bench:match` (under a minute). The database: DATABASE_URL's server (a scratch
 * database on it, bench/scratch-database.ts), else an embedded PostgreSQL. BENCH_RUNS sets
 * the measured job runs per push size (default 10).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Db } from '../src/db/database.js';
import { loadDelivery, pushCommitBatches } from '../src/db/deliveries.js';
import { activeGoalsOfRepo } from '../src/db/goals.js';
import { GitDoneOctokit } from '../src/github/octokit.js';
import { KeywordMatcher, type PushedCommit } from '../src/goals/match.js';
import type { WorkerDeps } from '../src/jobs/deps.js';
import { processDelivery } from '../src/jobs/process-delivery.js';
import { recordDelivery } from '../src/usecases/record-delivery.js';
import { seedThousandGoals } from '../test/e2e/abuses.js';
import { INSTALLATION, REPO, push } from '../test/fixtures/payloads.js';
import { scratchDatabase } from './scratch-database.js';

const goals = Array.from({ length: 1000 }, (_, i) => ({ keyword: `kw-${i + 1}` }));

function commits(messageBytes: number): PushedCommit[] {
  const words = 'fix the thing kw-10000 (refs kw-1x) Merge branch release/v1.2 into main: '.repeat(Math.ceil(messageBytes / 75)).slice(0, messageBytes);
  return Array.from({ length: 2048 }, (_, i) => ({ id: String(i), message: i === 2047 ? `${words} kw-500` : words, author: null }));
}

function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

// Warm the JIT on a small push first, so that the first row does not pay for compiling.
for (let i = 0; i < 20; i++) {
  const m = new KeywordMatcher(goals);
  for (const c of commits(500)) m.add(c);
}

const rows: string[] = [];
for (const size of [200, 4 * 1024, 64 * 1024]) {
  const list = commits(size);
  let sink = 0;
  const base = best(5, () => {
    for (const c of list) sink += c.message.toLowerCase().length;
  });
  const match = best(5, () => {
    const m = new KeywordMatcher(goals);
    for (const c of list) m.add(c);
    if (m.matches().length !== 1) throw new Error('kw-500 not found');
  });
  void sink;
  rows.push(`| 2,048 × ${size >= 1024 ? `${size / 1024} KB` : `${size} B`} | ${base.toFixed(1)} | ${match.toFixed(1)} | ${(match / base).toFixed(1)} |`);
}
console.log(
  [
    `### ${new Date().toISOString().slice(0, 10)} — matching, ${cpus().length}× ${cpus()[0]?.model.trim()}, Node ${process.version}`,
    '1,000 active keywords; best of 5 runs.',
    '',
    '| commits | baseline: lowercase every message, ms | KeywordMatcher, ms | ratio |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n'),
);

// ─── Part 2: the job path, against PostgreSQL ────────────────────────────────────────────

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 2;
const TARGET_MS = 50;
/** The whole part is bounded: a stuck query must not hang `npm run bench`. */
const JOB_PART_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 240_000);
const SIZES = [200, 4 * 1024, 11 * 1024]; // 11 KB × 2,048: a 24 MB payload, about the most GitHub sends (25 MB)

const database = await scratchDatabase('gitdone_bench_match');
let closing: Promise<void> | undefined;
const close = () => (closing ??= database.close().catch((err: Error) => console.error(`closing the scratch database: ${err.message}`)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void close().then(() => process.exit(130)));
}
const watchdog = setTimeout(() => {
  console.error(`bench/match.ts: the job path took over ${JOB_PART_TIMEOUT_MS} ms; stopping`);
  void close().then(() => process.exit(1));
}, JOB_PART_TIMEOUT_MS);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => x.toFixed(1);

/**
 * The baseline: how the job read a push's commits before (issue #11), one page query per
 * 100 commits, each unpacking the whole stored payload to return its 100.
 */
async function pushCommitsPage(db: Db, deliveryId: string, after: number, limit: number): Promise<PushedCommit[]> {
  const { rows } = await sql<{ id: string | null; message: string | null; author: string | null }>`
    select c.value->>'id' as id, c.value->>'message' as message,
           coalesce(nullif(c.value->'author'->>'username', ''), nullif(c.value->'author'->>'name', '')) as author
    from deliveries d, jsonb_array_elements(d.payload->'commits') with ordinality as c(value, n)
    where d.id = ${deliveryId} and c.n > ${after} and c.n <= ${after + limit}
    order by c.n`.execute(db);
  return rows.map((r) => ({ id: r.id ?? '', message: r.message ?? '', author: r.author }));
}

try {
  await seedThousandGoals(database.db);

  // GitHub, stubbed in-process: every request (the config file, the org's .github, the compare
  // API) answers 404, as GitHub does for a repository without .github/gitdone.yml and a
  // `before` that is gone. The real Octokit (plugins, hooks) still runs.
  const githubRequests: string[] = [];
  const octokit = new GitDoneOctokit({
    auth: 'stub',
    log: { debug() {}, info() {}, warn() {}, error() {} },
    request: {
      fetch: async (url: string) => {
        githubRequests.push(new URL(url).pathname);
        return new Response(JSON.stringify({ message: 'Not Found' }), { status: 404, headers: { 'content-type': 'application/json' } });
      },
    },
  });
  // Time spent inside GitHub requests (stubbed, but through Octokit's throttling and retry
  // plugins, which wait some milliseconds per request even for an instant answer): a GitHub
  // round trip, left out of "matched" as the target asks.
  let githubMs = 0;
  octokit.hook.wrap('request', async (request, options) => {
    const t = performance.now();
    try {
      return await request(options);
    } finally {
      githubMs += performance.now() - t;
    }
  });

  // The moment the job knows which goals complete: completeByPush opens its first transaction
  // (one per completed goal) right after matching. Nothing else in the push job opens one.
  let matchedAt: number | undefined;
  const watched = new Proxy(database.db, {
    get(target, key) {
      if (key === 'transaction') matchedAt ??= performance.now();
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as Db;
  const deps: WorkerDeps = {
    db: watched,
    auth: async () => octokit,
    asApp: async () => octokit,
    app: { id: 1, slug: async () => 'gitdone' },
    links: { publicUrl: 'http://127.0.0.1', githubUrl: 'https://github.com' },
    log: pino({ level: 'silent' }),
  };

  let nextKeyword = 1000; // each run's last commit carries a keyword of its own: one goal completes per run
  const jobRows: string[] = [];
  const partRows: string[] = [];
  for (const size of SIZES) {
    const base = commits(size).map((c) => c.message);
    const runs: Array<{ matched: number; github: number; total: number; p99: number; max: number }> = [];
    const ids: string[] = [];
    let payloadBytes = 0;
    // Recorded before anything is timed, as the webhook intake would have (its own cost is
    // bench:http's); one more than the job runs, left unprocessed for the step-by-step timing.
    for (let r = 0; r < WARMUP + RUNS + 1; r++) {
      const keyword = `kw-${nextKeyword--}`;
      const body = Buffer.from(
        JSON.stringify(push({ commits: base.map((m, i) => ({ message: i === base.length - 1 ? `${m} ${keyword}` : m })), before: 'b'.repeat(40), after: 'c'.repeat(40) })),
      );
      payloadBytes = body.length;
      const id = `bench-push-${size}-${r}-${process.pid}`;
      await recordDelivery(database.db, { id, event: 'push', json: body, repo: { id: REPO.id, installationId: INSTALLATION.id, fullName: REPO.full_name, defaultBranch: 'main' } });
      ids.push(keyword, id);
    }
    // The noise floor: the same histogram over an idle 300 ms.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 300));
    idle.disable();

    for (let r = 0; r < WARMUP + RUNS; r++) {
      const [keyword, id] = [ids[2 * r]!, ids[2 * r + 1]!];
      githubRequests.length = 0;
      githubMs = 0;
      matchedAt = undefined;
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const t0 = performance.now();
      await processDelivery(deps, id);
      const t1 = performance.now();
      loop.disable();
      const done = await database.db.selectFrom('goals').select('keyword').where('status', '=', 'completed').where('completed_sha', 'is not', null).orderBy('completed_at', 'desc').execute();
      if (matchedAt === undefined || !done.some((g) => g.keyword === keyword)) throw new Error(`the push of ${size} B messages did not complete ${keyword}`);
      if (githubRequests.some((p) => !/\/contents\/|\/compare\//.test(p))) throw new Error(`unexpected GitHub requests: ${githubRequests.join(', ')}`);
      if (r >= WARMUP) runs.push({ matched: matchedAt - t0 - githubMs, github: githubMs, total: t1 - t0, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
    }

    // Where the time goes: the job's steps one at a time, on the push no job has processed.
    const lastId = ids.at(-1)!;
    const steps = { load: [] as number[], goals: [] as number[], pages: [] as number[], firstPage: [] as number[], lastPage: [] as number[], cursor: [] as number[], match: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      const row = await loadDelivery(database.db, lastId);
      steps.load.push(performance.now() - t);
      t = performance.now();
      const goals = await activeGoalsOfRepo(database.db, REPO.id);
      steps.goals.push(performance.now() - t);
      // What the job does: one query, its rows read through a cursor 100 at a time.
      t = performance.now();
      const all: PushedCommit[] = [];
      for await (const batch of pushCommitBatches(database.db, lastId, 100)) all.push(...batch);
      steps.cursor.push(performance.now() - t);
      // The baseline, what the job did before: 21 page queries, each unpacking the whole payload.
      t = performance.now();
      let paged = 0;
      for (let done = 0; done < row!.commitCount; done += 100) paged += (await pushCommitsPage(database.db, lastId, done, 100)).length;
      steps.pages.push(performance.now() - t);
      t = performance.now();
      await pushCommitsPage(database.db, lastId, 0, 100);
      steps.firstPage.push(performance.now() - t);
      t = performance.now();
      await pushCommitsPage(database.db, lastId, 2000, 100);
      steps.lastPage.push(performance.now() - t);
      if (paged !== all.length) throw new Error(`the cursor read ${all.length} commits, the pages ${paged}`);
      t = performance.now();
      const m = new KeywordMatcher(goals);
      for (const c of all) m.add(c);
      if (m.matches().length !== 1) throw new Error('the matcher did not find the one keyword');
      steps.match.push(performance.now() - t);
    }

    const matched = runs.map((x) => x.matched);
    const p99 = runs.map((x) => x.p99);
    const label = `2,048 × ${size >= 1024 ? `${size / 1024} KB` : `${size} B`} (${(payloadBytes / 2 ** 20).toFixed(1)} MB)`;
    const mark = (v: number) => `${ms(v)}${v < TARGET_MS ? '' : ' ✗'}`;
    jobRows.push(
      `| ${label} | ${mark(median(matched))} | ${ms(Math.max(...matched))} | ${ms(median(runs.map((x) => x.github)))} | ${ms(median(runs.map((x) => x.total)))} | ${mark(median(p99))} | ${ms(Math.max(...runs.map((x) => x.max)))} | ${ms(idle.percentile(99) / 1e6)} | ${ms(median(steps.match))} | ${(median(matched) / median(steps.match)).toFixed(1)} |`,
    );
    const db = median(steps.load) + median(steps.goals) + median(steps.cursor);
    partRows.push(
      `| ${label} | ${ms(median(steps.load))} | ${ms(median(steps.goals))} | ${ms(median(steps.cursor))} | ${ms(median(steps.pages))} (first ${ms(median(steps.firstPage))}, last ${ms(median(steps.lastPage))}) | ${(median(steps.pages) / median(steps.cursor)).toFixed(1)} | ${ms(median(steps.match))} | ${Math.round((100 * db) / (db + median(steps.match)))} % |`,
    );
  }

  console.log(
    [
      '',
      `### ${new Date().toISOString().slice(0, 10)} — push job path, ${cpus().length}× ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}`,
      `One repository with 1,000 active goals; a recorded push of 2,048 commits, the last one carrying a keyword; GitHub stubbed in-process (404: no config, compare impossible). Median of ${RUNS} runs after ${WARMUP} warm-up runs. Targets: matched < ${TARGET_MS} ms, loop p99 < ${TARGET_MS} ms (✗ marks a miss). Event-loop delay at 1 ms resolution (an idle loop reads about 1 ms).`,
      '',
      '| push | matched ms (median) | matched ms (max) | left out: GitHub requests (stubbed) ms | whole job ms | loop p99 ms (median) | loop max ms (max) | baseline: idle loop p99 ms | baseline: matcher alone on the same commits, ms | ratio matched / matcher alone |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...jobRows,
      '',
      'Where the time goes (each step alone, medians; the job reads its commits in one query, through a cursor, 100 rows at a time):',
      '',
      '| push | load delivery ms | 1,000 active goals ms | commits: one query, cursor, ms | baseline (before): 21 page queries ms | ratio pages / cursor | matcher ms | database share of the steps |',
      '|---|---|---|---|---|---|---|---|',
      ...partRows,
    ].join('\n'),
  );
} finally {
  clearTimeout(watchdog);
  await close();
}
