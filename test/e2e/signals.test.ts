import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrations } from '../../db/migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { withDatabase } from '../helpers/run-database.js';
import { killAll, processesMentioning, spawnServer, startServer, waitFor, type Exit, type StartOptions } from './server.js';

/**
 * SIGTERM and SIGINT at random moments of the process' life, start-up included: it must
 * exit 0 before its shutdown timeout, leave no PostgreSQL behind, and leave nothing
 * half-done (migrations applied wholly or not at all; no error logged on the way out).
 *
 * "Random moments" start once the entry point has installed its handler (reported by
 * test/e2e/signal-marker.mjs): before that, Node is still bootstrapping and no JavaScript
 * can catch a signal, so the process simply dies of it, having started nothing.
 */

const RUNS = 20;
const PARALLEL = 4;
/** Signals land within this long after the handler is installed: spans start-up and the first moments of ready. */
const WINDOW_MS = { database: 2500, embedded: 4000 };
const SHUTDOWN_TIMEOUT_MS = 15_000;

const adminUrl = () => process.env.GITDONE_TEST_ADMIN_URL!;
const seed = Number(process.env.GITDONE_SIGNAL_SEED ?? Date.now() % 100_000);
let rng = seed;
/** A small seeded generator, so that a failing run can be replayed with GITDONE_SIGNAL_SEED. */
const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const cleanups: Array<() => Promise<void>> = [];
afterEach(killAll);
afterAll(async () => {
  await killAll();
  for (const c of cleanups) await c().catch(() => {});
});

interface Plan {
  run: number;
  signal: 'SIGTERM' | 'SIGINT';
  database: 'migrated' | 'empty' | 'embedded';
  via: 'node' | 'npm';
  delayMs: number;
}

function plans(): Plan[] {
  return Array.from({ length: RUNS }, (_, run) => {
    const database = run % 7 === 0 ? 'embedded' : run % 2 === 0 ? 'empty' : 'migrated';
    return {
      run,
      signal: run % 5 === 4 ? 'SIGINT' : 'SIGTERM',
      database,
      via: run % 6 === 5 ? 'npm' : 'node',
      delayMs: Math.round(random() * WINDOW_MS[database === 'embedded' ? 'embedded' : 'database']),
    } satisfies Plan;
  });
}

/** An empty database (migrations run while the signal may land) or a migrated clone. */
async function database(kind: Plan['database']): Promise<string | undefined> {
  if (kind === 'embedded') return undefined;
  if (kind === 'migrated') {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.close());
    return db.url;
  }
  const name = `gitdone_sig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database ${name}`);
  cleanups.push(async () => void (await adminQuery(`drop database if exists ${name} with (force)`)));
  return withDatabase(adminUrl(), name);
}

async function adminQuery(text: string, url = adminUrl()): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** How many of GitDone's migrations the database holds, and whether graphile-worker's schema is there wholly. */
async function migrationState(url: string): Promise<{ ours: number; worker: 'none' | 'all' | 'partial' }> {
  const count = async (table: string) => {
    const [exists] = await adminQuery(`select to_regclass('${table}') is not null as ok`, url);
    return exists!.ok ? Number((await adminQuery(`select count(*)::int as n from ${table}`, url))[0]!.n) : -1;
  };
  const ours = Math.max(0, await count('kysely_migration'));
  const workerMigrations = await count('graphile_worker.migrations');
  const [jobs] = await adminQuery(`select to_regclass('graphile_worker._private_jobs') is not null as ok`, url);
  // graphile-worker runs each of its migrations in a transaction: a schema without its job table is half-made.
  return { ours, worker: workerMigrations <= 0 ? 'none' : jobs!.ok ? 'all' : 'partial' };
}

interface Outcome {
  plan: Plan;
  exit: Exit | 'still running';
  ms: number;
  errors: string[];
  leftovers: string[];
  migrations?: { ours: number; worker: string };
  tail: string;
}

async function runOnce(plan: Plan): Promise<Outcome> {
  const url = await database(plan.database);
  const o: StartOptions = {
    databaseUrl: url,
    via: plan.via,
    markSignalHandler: true,
    env: { GITDONE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
  };
  const server = await spawnServer(o);
  const handler = await server.waitForLine(/\[e2e\] SIGTERM handler installed pid=\d+/, 20_000);
  const nodePid = Number(/pid=(\d+)/.exec(handler)![1]);
  await new Promise((r) => setTimeout(r, plan.delayMs));
  const signalledAt = Date.now();
  server.child.kill(plan.signal);
  let exit: Exit | 'still running';
  try {
    exit = await server.waitForExit(SHUTDOWN_TIMEOUT_MS + 5000);
  } catch {
    exit = 'still running';
  }
  const ms = Date.now() - signalledAt;
  // npm's node may outlive npm: give it the same deadline.
  await waitFor('node to be gone', () => !isAlive(nodePid), { timeoutMs: Math.max(0, SHUTDOWN_TIMEOUT_MS + 5000 - ms) }).catch(() => {});
  const leftovers = [
    ...(isAlive(nodePid) ? [`node pid ${nodePid}`] : []),
    ...processesMentioning(server.cwd).map((p) => `${p.pid}: ${p.cmdline}`),
    ...(existsSync(join(server.cwd, '.data', 'pg', 'postmaster.pid')) ? [readFileSync(join(server.cwd, '.data', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0] + ' (postmaster.pid)'] : []),
  ];
  const outcome: Outcome = {
    plan,
    exit,
    ms,
    errors: server.logs.filter((l) => Number(l.level) >= 50).map((l) => String(l.msg)),
    leftovers,
    tail: server.tail(25),
  };
  if (exit === 'still running' || leftovers.length) await server.killTree();
  if (url) outcome.migrations = await migrationState(url);
  return outcome;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('signals at random moments', () => {
  test(
    `${RUNS} runs, ${PARALLEL} at a time: each exits 0 in time, leaves no PostgreSQL and no half-applied migration`,
    async () => {
      const queue = plans();
      const outcomes: Outcome[] = [];
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          for (let plan = queue.shift(); plan; plan = queue.shift()) outcomes.push(await runOnce(plan));
        }),
      );
      outcomes.sort((a, b) => a.plan.run - b.plan.run);
      const bad = outcomes.filter(
        (o) =>
          o.exit === 'still running' ||
          o.exit.code !== 0 ||
          o.ms > SHUTDOWN_TIMEOUT_MS ||
          o.errors.length > 0 ||
          o.leftovers.length > 0 ||
          (o.migrations && !(o.migrations.ours === 0 || o.migrations.ours === Object.keys(migrations).length)) ||
          (o.migrations && o.migrations.worker === 'partial') ||
          (o.migrations && (o.migrations.ours === 0) !== (o.migrations.worker === 'none')),
      );
      const summary = outcomes.map((o) => `run ${o.plan.run} ${o.plan.via} ${o.plan.database} ${o.plan.signal} at +${o.plan.delayMs} ms → ${JSON.stringify(o.exit)} in ${o.ms} ms`);
      console.log(`signal runs (seed ${seed}):\n${summary.join('\n')}`);
      expect(bad.map((o) => ({ ...o, tail: o.tail.split('\n') }))).toEqual([]);
    },
    240_000,
  );
});

describe('npm start', () => {
  test('SIGTERM to npm (what a terminal or a process manager sends it) stops node and the embedded PostgreSQL; npm exits 0', async () => {
    const server = await startServer({ via: 'npm', markSignalHandler: true, readyTimeoutMs: 60_000 });
    const nodePid = Number(/pid=(\d+)/.exec(await server.waitForLine(/SIGTERM handler installed/, 1000))![1]);
    const exit = await server.stop(SHUTDOWN_TIMEOUT_MS + 5000);
    expect({ code: exit.code, signal: exit.signal, forced: exit.forced }).toEqual({ code: 0, signal: null, forced: false });
    expect(isAlive(nodePid)).toBe(false);
    expect(processesMentioning(server.cwd)).toEqual([]);
  }, 90_000);

  test('npm killed outright (SIGKILL, nothing forwarded): node notices its parent is gone and shuts down cleanly', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.close());
    const server = await startServer({ via: 'npm', databaseUrl: db.url, markSignalHandler: true });
    const nodePid = Number(/pid=(\d+)/.exec(await server.waitForLine(/SIGTERM handler installed/, 1000))![1]);
    await server.kill();
    await waitFor('node to exit after its parent died', () => !isAlive(nodePid), { timeoutMs: 10_000, explain: () => server.tail() });
    // Its log (still on the pipe npm left behind) says it shut down, not that it crashed.
    await waitFor('"stopped" in its log', () => server.logged('stopped').length > 0, { timeoutMs: 2000, explain: () => server.tail() });
  }, 60_000);
});
