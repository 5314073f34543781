import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { runOnce } from 'graphile-worker';
import { gitdone } from '../../src/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import type { WorkerDeps } from '../../src/jobs/deps.js';
import { taskList, workerLogger } from '../../src/jobs/worker.js';
import type { Octokit } from '../../src/github/octokit.js';
import { appIdentity } from '../../src/github/app-identity.js';
import { clearData, createTestDatabase, type TestDatabase } from './database.js';
import { capturingLog } from './log.js';
import { testPrivateKey } from './keys.js';
import { runnable, running } from './queue.js';

export const PUBLIC_URL = 'https://gitdone.test';

/**
 * Probot with GitDone loaded, on a test database, in the Probot + nock style: retries and
 * throttling are off so a mocked failure shows at once; `runJobs()` drains the queue.
 */
export async function createTestApp(t: TestDatabase, opts: { now?: () => Date; commentGapMs?: number } = {}) {
  const { log, lines } = capturingLog();
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    secret: 'test-secret',
    log,
    // A function, not an object: Probot layers its own throttle options over object
    // defaults, and the write throttle would space every comment a second apart.
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o.throttle as object), enabled: false },
    })),
  });
  const metrics = createMetrics();
  await probot.load(gitdone({ db: t.db, metrics, publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: opts.now }), {
    cwd: process.cwd(),
    addHandler: () => {},
  });
  const deps: WorkerDeps = {
    db: t.db,
    auth: async (id) => (await probot.auth(id)) as unknown as Octokit,
    asApp: async () => (await probot.auth()) as unknown as Octokit,
    app: appIdentity(1, async () => (await probot.auth()) as unknown as Octokit),
    links: { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com' },
    log,
    now: opts.now,
    // Comments are not spaced out here (test/integration/scale/pacing.test.ts tests that they are).
    commentGapMs: opts.commentGapMs ?? 0,
  };
  return {
    probot,
    deps,
    logs: lines,
    metrics,
    /**
     * Runs every job that is due now, including those the jobs add, until none is left.
     * graphile-worker 0.17 does not await its "job done" update before runOnce resolves,
     * so wait until no job is locked any more before the test looks at the queue.
     */
    runJobs: async () => {
      const lockedNow = () => running(t.db);
      const lockedByOthers = await lockedNow(); // a test may hold jobs on purpose
      // Again while jobs are due: a job added to an installation's queue while that queue was
      // busy (a completion notice queued by the push job) is not runnable until it is free.
      for (let round = 0; round < 20; round++) {
        await runOnce({ pgPool: t.pool, taskList: taskList(deps), logger: workerLogger(deps) });
        await settled(lockedNow, lockedByOthers);
        if (lockedByOthers > 0 || (await runnable(t.db)) === 0) return;
      }
      throw new Error('jobs still due after 20 rounds of runOnce');
    },
  };
}

async function settled(lockedNow: () => Promise<number>, lockedByOthers: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await lockedNow()) <= lockedByOthers) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('jobs still locked 2 s after runOnce');
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * The hooks every integration test file wants: a fresh database and app for the file,
 * nock closed to the network, and a clean slate (tables, queue, logs, mocks) per test.
 * `ready` hands the database and app to the file once they exist.
 */
export function useTestApp(opts: { now?: () => Date; commentGapMs?: number }, ready: (env: { t: TestDatabase; app: TestApp }) => void): void {
  let t: TestDatabase | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    app = await createTestApp(t, opts);
    nock.disableNetConnect();
    ready({ t, app });
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await t?.close();
  });
  beforeEach(async () => {
    await clearData(t!);
    app!.logs.length = 0;
  });
  afterEach(() => nock.cleanAll());
}
