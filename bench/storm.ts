/**
 * A reminder storm (issue #11): 10,000 reminders due in the same minute across 500
 * installations, two replicas of the built server (`node dist/src/main.js`) on one
 * PostgreSQL, and a stand-in GitHub that answers every call after 100 ms, Octokit's pacing on.
 * Meanwhile webhooks keep arriving (a push to one of the storm's repositories every 50 ms,
 * each stored and matched) and their answer times are measured.
 *
 * Targets: every reminder posted exactly once, all within 2 minutes of their due time, webhook
 * p99 under 200 ms during the storm. The baselines, measured in the same run: the same webhooks
 * before the storm, and the floor the pacing sets (20 comments of one installation 3 s apart:
 * the last one 57 s after the first).
 *
 * Run: `npm run bench:storm` (about 3 minutes; bounded: gives up 4 minutes after the due time).
 * STORM_INSTALLATIONS, STORM_PER_INSTALLATION and STORM_REPLICAS change the shape.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import { startFakeGitHub } from '../src/playground/fake-github.js';
import { COMMENT_GAP_MS } from '../src/usecases/pacing.js';
import { buildServer } from '../test/e2e/build.js';
import { rssMb } from '../test/e2e/probe.js';
import { killAll, startServer, type ServerProcess } from '../test/e2e/server.js';
import { push } from '../test/fixtures/payloads.js';
import { scratchDatabase } from './scratch-database.js';

const INSTALLATIONS = Number(process.env.STORM_INSTALLATIONS ?? 500);
const PER_INSTALLATION = Number(process.env.STORM_PER_INSTALLATION ?? 20);
const REPLICAS = Number(process.env.STORM_REPLICAS ?? 2);
const GITHUB_LATENCY_MS = 100;
/** A directory: each replica writes a V8 CPU profile there (`node --cpu-prof`). */
const PROFILE = process.env.STORM_PROFILE;
const WEBHOOK_EVERY_MS = 50;
const TARGET = { allWithinMs: 120_000, webhookP99Ms: 200 };
const GIVE_UP_MS = 240_000;
const TICKS = 100; // USER_HZ on Linux: /proc's CPU times are in these
const REMINDER_MS = 3_600_000;

const total = INSTALLATIONS * PER_INSTALLATION;
buildServer(); // before the clock starts: the replicas start from this build
const database = await scratchDatabase('gitdone_bench_storm');
const gh = await startFakeGitHub();
gh.delayMs = GITHUB_LATENCY_MS;
gh.maxRequests = 0; // keep comments, not the request log
const replicas: ServerProcess[] = [];

// The due time: far enough ahead to seed, start the replicas and measure the quiet baseline.
const due = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
const deadline = new Date(due.getTime() + REMINDER_MS);
const repoId = (i: number) => 700_000 + i;

try {
  await seed();
  replicas.push(...(await Promise.all(Array.from({ length: REPLICAS }, () => startServer({ databaseUrl: database.url, githubHost: gh.host, nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [], env: { GITDONE_WORKER_CONCURRENCY: process.env.GITDONE_WORKER_CONCURRENCY } })))));

  const quiet = await webhooks(until(due.getTime() - 2_000));
  const stormStarted = Date.now();
  const commitsBefore = await commits();
  const cpuBefore = { machine: machineCpu(), replicas: replicas.map((r) => processCpuMs(r.pid)), postgres: postgresCpuMs() };
  const storm = webhooks(() => posted() >= total || Date.now() > due.getTime() + GIVE_UP_MS);
  const peakRss = replicas.map(() => 0);
  while (posted() < total && Date.now() < due.getTime() + GIVE_UP_MS) {
    replicas.forEach((r, i) => (peakRss[i] = Math.max(peakRss[i]!, rssMb(r.pid))));
    await new Promise((r) => setTimeout(r, 500));
  }
  const during = await storm;
  const stormCommits = (await commits()) - commitsBefore;
  const cpu = cpuShares(cpuBefore);
  report(quiet, during, peakRss, Date.now() - stormStarted, stormCommits, cpu);
} finally {
  // SIGTERM first: a replica writes its CPU profile (STORM_PROFILE) only when it exits by itself.
  await Promise.all(replicas.map((r) => r.stop(20_000)));
  await killAll();
  await gh.close();
  await database.close();
}

/** 500 repositories (one per installation), 20 goals each, and one reminder per goal due at `due`, queued as GitDone queues them. */
async function seed(): Promise<void> {
  const db = database.db;
  await sql`insert into repositories (id, installation_id, full_name, default_branch, tracked)
    select ${repoId(0)}::bigint + i, 800000 + i, 'storm' || i || '/app', 'main', true from generate_series(1, ${INSTALLATIONS}::int) i`.execute(db);
  await sql`insert into goals (token, repo_id, issue_number, is_pull_request, title, keyword, due_at, timezone, status, created_by)
    select md5(random()::text || i || n), ${repoId(0)}::bigint + i, n, false, 'Storm goal ' || n, 'storm-' || n, ${deadline}::timestamptz, 'UTC', 'active', 'bench'
    from generate_series(1, ${INSTALLATIONS}::int) i, generate_series(1, ${PER_INSTALLATION}::int) n order by i, n`.execute(db);
  await sql`select graphile_worker.add_jobs(array(
    select row('send-notice',
               json_build_object('goalId', g.id::text, 'kind', 'reminder', 'offsetMs', ${REMINDER_MS}::int, 'dueAt', ${deadline.toISOString()}::text),
               'installation:' || r.installation_id, ${due}::timestamptz, 25, 'goal:' || g.id || ':reminder:0', null, null)::graphile_worker.job_spec
    from goals g join repositories r on r.id = g.repo_id order by g.id))`.execute(db);
}

function posted(): number {
  return gh.comments.length;
}

function until(t: number): () => boolean {
  return () => Date.now() >= t;
}

/** One signed push every WEBHOOK_EVERY_MS (open loop: a slow answer does not slow the sender), round robin over the replicas; answer times in ms. */
async function webhooks(stop: () => boolean): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  const inFlight: Array<Promise<void>> = [];
  for (let n = 0; !stop(); n++) {
    const i = 1 + (n % INSTALLATIONS);
    const payload = {
      ...push({ commits: [{ message: `chore: unrelated change ${n}`, id: randomUUID().replace(/-/g, '').padEnd(40, '0') }], repo: { id: repoId(i), name: 'app', full_name: `storm${i}/app`, default_branch: 'main', owner: { login: `storm${i}`, type: 'Organization' } } }),
      installation: { id: 800_000 + i },
    };
    const started = performance.now();
    inFlight.push(
      replicas[n % replicas.length]!.sendWebhook('push', payload, { id: randomUUID() }).then(
        (r) => (r.status === 200 ? ms.push(performance.now() - started) : failed++, undefined),
        () => void failed++,
      ),
    );
    await new Promise((r) => setTimeout(r, WEBHOOK_EVERY_MS));
  }
  await Promise.all(inFlight);
  return { ms, failed };
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Transactions committed in the storm's database so far (each statement outside a transaction is one): what the storm costs PostgreSQL. */
async function commits(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(database.db);
  return Number(rows[0]!.n);
}

/** The machine's busy and total CPU time so far (ms, all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const t = f.map(Number);
  const idle = t[3]! + t[4]!;
  const total = t.reduce((a, b) => a + b, 0);
  return { busy: ((total - idle) * 1000) / TICKS, total: (total * 1000) / TICKS };
}

/** CPU time (user + system, ms) of one process so far. */
function processCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
  } catch {
    return NaN;
  }
}

/** CPU time of every PostgreSQL process (its backends included) so far. */
function postgresCpuMs(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres')) sum += processCpuMs(Number(pid));
    } catch {
      /* gone */
    }
  }
  return sum;
}

/** Where the machine's CPU went during the storm: how busy it was, and the replicas' and PostgreSQL's shares. */
function cpuShares(before: { machine: { busy: number; total: number }; replicas: number[]; postgres: number }) {
  const m = machineCpu();
  const busy = m.busy - before.machine.busy;
  const total = m.total - before.machine.total;
  const replicaMs = replicas.reduce((a, r, i) => a + processCpuMs(r.pid) - before.replicas[i]!, 0);
  const pg = postgresCpuMs() - before.postgres; // backends that ended meanwhile are not counted: a floor
  return { busyPct: (100 * busy) / total, replicasPct: (100 * replicaMs) / busy, postgresPct: (100 * pg) / busy };
}
function report(
  quiet: { ms: number[]; failed: number },
  during: { ms: number[]; failed: number },
  peakRss: number[],
  stormMs: number,
  stormCommits: number,
  cpu: { busyPct: number; replicasPct: number; postgresPct: number },
): void {
  // Exactly once: one comment per goal, carrying that goal's reminder marker.
  const perGoal = new Map<string, number>();
  const late: number[] = [];
  const byInstallation = new Map<string, number[]>();
  for (const c of gh.comments) {
    const goal = /gitdone:goal:(\d+):reminder:/.exec(c.body)?.[1];
    if (!goal) continue;
    perGoal.set(goal, (perGoal.get(goal) ?? 0) + 1);
    const at = Date.parse(c.created_at);
    late.push(at - due.getTime());
    byInstallation.set(c.owner, [...(byInstallation.get(c.owner) ?? []), at]);
  }
  const duplicates = [...perGoal.values()].filter((n) => n > 1).length;
  const missing = total - perGoal.size;
  const spans = [...byInstallation.values()].map((ts) => Math.max(...ts) - Math.min(...ts));
  const floorMs = (PER_INSTALLATION - 1) * COMMENT_GAP_MS;
  const maxLate = Math.max(...late);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const mark = (ok: boolean) => (ok ? '' : ' ✗');
  console.log(
    [
      `### ${new Date().toISOString().slice(0, 10)} — reminder storm, ${cpus().length}× ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}`,
      `${total.toLocaleString('en')} reminders due at the same second across ${INSTALLATIONS} installations (${PER_INSTALLATION} each), ${REPLICAS} replicas, GitHub answering after ${GITHUB_LATENCY_MS} ms; a push every ${WEBHOOK_EVERY_MS} ms meanwhile.`,
      '',
      '| measure | value | target / baseline | ratio |',
      '|---|---|---|---|',
      `| reminders posted | ${perGoal.size.toLocaleString('en')} of ${total.toLocaleString('en')} (${missing} missing, ${duplicates} posted twice) | all, once each${mark(missing === 0 && duplicates === 0)} | |`,
      `| posted after due, p50 / p99 / max | ${s(pct(late, 50))} / ${s(pct(late, 99))} / ${s(maxLate)} s | ≤ ${s(TARGET.allWithinMs)} s${mark(maxLate <= TARGET.allWithinMs)}; pacing floor ${s(floorMs)} s | max / floor ${(maxLate / floorMs).toFixed(2)} |`,
      `| one installation's first to last, median / max | ${s(pct(spans, 50))} / ${s(Math.max(...spans))} s | pacing floor ${s(floorMs)} s (${PER_INSTALLATION} × ${COMMENT_GAP_MS / 1000} s apart) | ${(pct(spans, 50) / floorMs).toFixed(2)} |`,
      `| webhook p50 / p99 / max during the storm | ${pct(during.ms, 50).toFixed(0)} / ${pct(during.ms, 99).toFixed(0)} / ${Math.max(...during.ms).toFixed(0)} ms (${during.ms.length} answered, ${during.failed} failed) | p99 < ${TARGET.webhookP99Ms} ms${mark(pct(during.ms, 99) < TARGET.webhookP99Ms && during.failed === 0)} | |`,
      `| webhook p50 / p99 before the storm (baseline) | ${pct(quiet.ms, 50).toFixed(0)} / ${pct(quiet.ms, 99).toFixed(0)} ms (${quiet.ms.length} answered, ${quiet.failed} failed) | | p99 storm / quiet ${(pct(during.ms, 99) / pct(quiet.ms, 99)).toFixed(1)} |`,
      `| replicas' peak RSS | ${peakRss.map((mb) => `${Math.round(mb)} MB`).join(', ')} | | |`,
      `| storm duration (due → last posted or gave up) | ${s(stormMs)} s | | |`,
      `| machine CPU during the storm (${cpus().length} cores) | ${cpu.busyPct.toFixed(0)} % busy: replicas ${cpu.replicasPct.toFixed(0)} %, PostgreSQL ≥ ${cpu.postgresPct.toFixed(0)} %, the rest (load generator, stand-in GitHub, other work) ${Math.max(0, 100 - cpu.replicasPct - cpu.postgresPct).toFixed(0)} % | | |`,
      `| PostgreSQL transactions during the storm | ${stormCommits.toLocaleString('en')} (${(stormCommits / Math.max(1, perGoal.size)).toFixed(1)} per reminder posted, webhooks included) | | |`,
    ].join('\n'),
  );
  if (missing || duplicates || maxLate > TARGET.allWithinMs) process.exitCode = 1;
}
