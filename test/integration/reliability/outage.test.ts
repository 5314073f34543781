import { beforeEach, describe, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { deliveryId, issueComment } from '../../fixtures/payloads.js';
import { openDatabase } from '../../../src/db/database.js';
import { enqueue } from '../../../src/db/queue.js';
import { applicationName, processId } from '../../../src/jobs/reaper.js';
import { releaseJobsOfDeadProcesses } from '../../../src/db/workers.js';
import { claimNotice, ensureNotice } from '../../../src/db/notices.js';
import { CLAIM_MS } from '../../../src/usecases/post-once.js';
import { startWorker } from '../../../src/jobs/worker.js';
import { dropJobs, queued, reschedule } from '../../helpers/queue.js';

/** DESIGN "The flow": GitHub failing, jobs retried, given up loudly, and dead workers' jobs released. */

let t: TestDatabase;
let app: TestApp;
let clock: Date;

useTestApp({ now: () => clock }, (env) => ({ t, app } = env));
beforeEach(async () => {
  clock = new Date('2030-01-10T12:00:00.000Z');
});

const runJobs = () => app.runJobs();

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface JobRow {
  id: string;
  key: string | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  run_at: Date;
  locked_by: string | null;
}
/** The delivery jobs (goals' notice jobs are planned alongside). */
const jobs = async (): Promise<JobRow[]> =>
  (
    await queued(t.db, 'delivery:%')
  ).map(({ id, key, attempts, max_attempts, last_error, run_at, locked_by }) => ({ id, key: key!, attempts, max_attempts, last_error, run_at, locked_by }));

/** Instead of waiting out the backoff: the delivery job's retry is due now. */
const retryNow = () => reschedule(t.db, 'delivery:%');

/** GitHub answers `status` to the next `times` comment posts (registered before mockGitHub, so it is matched first). */
const failCommentPosts = (times: number, status = 502) =>
  nock(API).post(/\/repos\/octo\/app\/issues\/\d+\/comments/).times(times).reply(status, { message: 'Server Error' });

const failedFor = (deliveryOrGoal: Record<string, string>) =>
  app.logs.filter((l) => {
    const p = l.payload as Record<string, unknown> | undefined;
    return p && Object.entries(deliveryOrGoal).every(([k, v]) => p[k] === v);
  });

describe('GitHub failing', () => {
  test('the reply fails with 502 twice: the job is retried, the goal created once, the reply posted once', async () => {
    failCommentPosts(2);
    const gh = mockGitHub();
    const id = deliveryId();
    await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-1' }) as never });
    await runJobs();

    let [job] = await jobs();
    expect(job).toMatchObject({ key: `delivery:${id}`, attempts: 1, locked_by: null });
    expect(job!.last_error).toMatch(/Server Error|502/);
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now()); // backoff
    expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'ship-1' }]);
    expect(gh.comments).toHaveLength(0);
    expect(failedFor({ deliveryId: id }).map((l) => [l.level, l.msg, l.attempt])).toEqual([[40, 'job failed; will retry', 1]]);

    await retryNow();
    await runJobs();
    [job] = await jobs();
    expect(job).toMatchObject({ attempts: 2 });
    expect(gh.comments).toHaveLength(0);

    await retryNow();
    await runJobs();
    expect(await jobs()).toEqual([]);
    expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'ship-1' }]);
    expect(await t.db.selectFrom('command_runs').select(['line', 'ok']).where('delivery_id', '=', id).execute()).toEqual([{ line: 1, ok: true }]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('Deadline set');
    expect(gh.reactions).toEqual([{ commentId: 9001, content: '+1' }]);
    expect((await t.db.selectFrom('deliveries').select('processed_at').where('id', '=', id).executeTakeFirstOrThrow()).processed_at).not.toBeNull();
  });

  test('the permission check fails with 502: nothing is stored until GitHub is back, then once', async () => {
    nock(API).get(/\/collaborators\/alice\/permission/).times(1).reply(503, { message: 'Unavailable' });
    const gh = mockGitHub();
    await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-2' }) as never });
    await runJobs();
    expect(await t.db.selectFrom('goals').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('command_runs').selectAll().execute()).toEqual([]);
    expect((await jobs())[0]).toMatchObject({ attempts: 1 });

    await retryNow();
    await runJobs();
    expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'ship-2' }]);
    expect(gh.comments).toHaveLength(1);
    expect(await jobs()).toEqual([]);
  });

  test('the command comment was deleted before the job ran: the reply stands and the missing reaction does not fail the job', async () => {
    nock(API).post('/repos/octo/app/issues/comments/9001/reactions').reply(404, { message: 'Not Found' });
    const gh = mockGitHub();
    const id = deliveryId();
    await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-5' }) as never });
    await runJobs();
    expect(await jobs()).toEqual([]);
    expect(failedFor({ deliveryId: id })).toEqual([]);
    expect(gh.comments).toHaveLength(1);
    expect((await t.db.selectFrom('deliveries').select('processed_at').where('id', '=', id).executeTakeFirstOrThrow()).processed_at).not.toBeNull();
  });

  test('the last attempt of a delivery job is logged as an error with the delivery id, and not run again', async () => {
    nock(API).persist().post(/\/repos\/octo\/app\/issues\/\d+\/comments/).reply(502, { message: 'Server Error' });
    const gh = mockGitHub();
    const id = deliveryId();
    await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-3' }) as never });
    await runJobs();
    expect(failedFor({ deliveryId: id }).map((l) => l.level)).toEqual([40]);

    // Skip ahead to the last of the attempts.
    const [first] = await jobs();
    await reschedule(t.db, 'delivery:%', { maxAttempts: first!.attempts + 1 });
    await runJobs();
    const lines = failedFor({ deliveryId: id });
    expect(lines.map((l) => [l.level, l.msg, l.task, l.attempt])).toEqual([
      [40, 'job failed; will retry', 'process-delivery', 1],
      [50, 'job failed for good', 'process-delivery', 2],
    ]);
    expect(lines[1]!.err).toBeDefined();
    const [job] = await jobs();
    expect(job).toMatchObject({ attempts: 2, max_attempts: 2 });

    await retryNow();
    await runJobs();
    expect(failedFor({ deliveryId: id })).toHaveLength(2);
    expect(gh.comments).toHaveLength(0);
  });

  test('the last attempt of a notice job is logged as an error with the goal id', async () => {
    mockGitHub();
    await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-4' }) as never });
    await runJobs();
    const goal = await t.db.selectFrom('goals').select('id').executeTakeFirstOrThrow();

    nock.cleanAll();
    failCommentPosts(5, 500);
    mockGitHub();
    clock = new Date('2030-01-14T17:00:00.000Z');
    await reschedule(t.db, `goal:${goal.id}:reminder:%`, { maxAttempts: 1 });
    await runJobs();
    const lines = failedFor({ goalId: String(goal.id), kind: 'reminder' });
    expect(lines.map((l) => [l.level, l.msg, l.task])).toEqual([[50, 'job failed for good', 'send-notice']]);
  });
});

describe('the jobs of a dead process', () => {
  /**
   * A job as a crashed worker leaves it: locked. graphile-worker has no public way to lock a
   * job without running it, so this one test writes its private table (and only this one).
   */
  async function lockedJob(key: string, workerId: string, lockedAgo = '0 seconds'): Promise<void> {
    await enqueue(t.db, 'process-delivery', { deliveryId: `missing-${key}` }, { key });
    await sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - ${lockedAgo}::interval where key = ${key}`.execute(t.db);
  }
  const lockedBy = async (key: string) => (await queued(t.db, key))[0]?.locked_by;
  const sessionsOf = async (id: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${applicationName(id)}`.execute(t.db)).rows[0]!.n;

  test('are released when the process has no session left; a live process keeps its jobs', async () => {
    const dead = 'deadbeef0001';
    const live = 'a11ve0000001';
    const livePool = openDatabase(t.url, { max: 1, applicationName: applicationName(live) });
    const client = await livePool.pool.connect(); // the live process' session (graphile-worker's LISTEN in real life)
    try {
      const silent = sql<Date>`now() - interval '1 minute'`; // neither has beaten for a minute
      await t.db.insertInto('worker_processes').values([
        { worker_id: 'worker-dead', process_id: dead, seen_at: silent },
        { worker_id: 'worker-live', process_id: live, seen_at: silent },
      ]).execute();
      await lockedJob('job-dead', 'worker-dead');
      await lockedJob('job-live', 'worker-live');

      expect(await releaseJobsOfDeadProcesses(t.db)).toEqual(['worker-dead']);
      expect(await lockedBy('job-dead')).toBeNull();
      expect(await lockedBy('job-live')).toBe('worker-live');
      expect(await t.db.selectFrom('worker_processes').select('worker_id').execute()).toEqual([{ worker_id: 'worker-live' }]);
      expect(await releaseJobsOfDeadProcesses(t.db)).toEqual([]);

      // The released job runs at once on a live worker (instead of after the 4-hour lock expiry).
      await app.runJobs();
      await until(async () => (await lockedBy('job-dead')) === undefined);
      expect(await lockedBy('job-dead')).toBeUndefined();
      expect(await lockedBy('job-live')).toBe('worker-live');
    } finally {
      client.release();
      await livePool.close();
    }
    // Now that process is gone too.
    await until(async () => (await sessionsOf(live)) === 0);
    expect(await releaseJobsOfDeadProcesses(t.db)).toEqual(['worker-live']);
    expect(await lockedBy('job-live')).toBeNull();
  });

  test("a dead process' notice claims are given back with its jobs; a live process keeps its claims", async () => {
    const dead = 'deadbeef0002';
    const live = 'a11ve0000002';
    const deadPool = openDatabase(t.url, { max: 1, applicationName: applicationName(dead) });
    const livePool = openDatabase(t.url, { max: 2, applicationName: applicationName(live) });
    const client = await livePool.pool.connect(); // the live process' session
    try {
      for (const [key, handle] of [['reply:claimed-by-dead', deadPool], ['reply:claimed-by-live', livePool]] as const) {
        await ensureNotice(t.db, { key, repoId: 4242, issueNumber: 12 });
        // Claimed through that process' own connection, as post-once does.
        expect((await claimNotice(handle.db, key, CLAIM_MS)).kind).toBe('claimed');
      }
      await deadPool.close(); // the dead process' sessions are gone
      const claims = await t.db.selectFrom('notices').select(['key', 'claimed_by']).orderBy('key').execute();
      expect(claims).toEqual([
        { key: 'reply:claimed-by-dead', claimed_by: applicationName(dead) },
        { key: 'reply:claimed-by-live', claimed_by: applicationName(live) },
      ]);
      const silent = sql<Date>`now() - interval '1 minute'`;
      await t.db.insertInto('worker_processes').values([
        { worker_id: 'worker-dead-2', process_id: dead, seen_at: silent },
        { worker_id: 'worker-live-2', process_id: live, seen_at: silent },
      ]).execute();

      expect(await releaseJobsOfDeadProcesses(t.db)).toEqual(['worker-dead-2']);
      // The dead one's claim is free now (not in 2 minutes); the next claim is not a first attempt,
      // so it looks for the dead process' comment on the issue before posting.
      const next = await claimNotice(t.db, 'reply:claimed-by-dead', CLAIM_MS);
      expect(next).toMatchObject({ kind: 'claimed', firstAttempt: false });
      expect((await claimNotice(t.db, 'reply:claimed-by-live', CLAIM_MS)).kind).toBe('busy');
    } finally {
      client.release();
      await livePool.close();
      await deadPool.close().catch(() => {});
    }
  });

  test('a process with no session that beat recently (reconnecting after a database restart) keeps its jobs', async () => {
    await t.db.insertInto('worker_processes').values({ worker_id: 'worker-blip', process_id: 'b11b00000001' }).execute(); // seen now
    await lockedJob('job-blip', 'worker-blip');
    expect(await releaseJobsOfDeadProcesses(t.db)).toEqual([]);
    expect(await lockedBy('job-blip')).toBe('worker-blip');
    await t.db.updateTable('worker_processes').set({ seen_at: sql<Date>`now() - interval '21 seconds'` }).where('worker_id', '=', 'worker-blip').execute();
    expect(await releaseJobsOfDeadProcesses(t.db)).toEqual(['worker-blip']);
  });

  test('a lock whose owner no process registered is released only after the grace period', async () => {
    await lockedJob('job-orphan-old', 'pool-nobody-knows', '11 minutes');
    await lockedJob('job-orphan-new', 'pool-just-started');
    expect(await releaseJobsOfDeadProcesses(t.db)).toEqual(['pool-nobody-knows']);
    expect(await lockedBy('job-orphan-old')).toBeNull();
    expect(await lockedBy('job-orphan-new')).toBe('pool-just-started');
    await dropJobs(t.db, 'job-orphan-%');
  });

  test('a real worker stuck on a job, whose process is gone: the job is released and runs once elsewhere', async () => {
    // The permission check hangs until we let it go (then fails): the job stays locked meanwhile.
    let letGo!: () => void;
    const gate = new Promise<void>((r) => (letGo = r));
    nock(API)
      .get(/\/collaborators\/alice\/permission/)
      .once()
      .reply(async () => {
        await gate;
        return [502, { message: 'Server Error' }];
      });
    const gh = mockGitHub();
    const handle = openDatabase(t.url, { max: 4, applicationName: applicationName() });
    const runner = await startWorker(app.deps, handle.pool, { concurrency: 1, pollInterval: 100, reapEveryMs: 60_000 });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      letGo();
      await runner.stop();
      await handle.close(); // waits for the failed attempt to be recorded, then ends the pool
    };
    try {
      const id = await app.probot
        .receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship-9' }) as never })
        .then(() => t.db.selectFrom('deliveries').select('id').executeTakeFirstOrThrow())
        .then((r) => r.id);
      await until(async () => (await jobs())[0]?.locked_by != null);
      const owner = (await jobs())[0]!.locked_by!;

      // The lock owner is known to belong to this process...
      const known = await t.db.selectFrom('worker_processes').select(['worker_id', 'process_id']).execute();
      expect(known).toContainEqual({ worker_id: owner, process_id: processId });
      expect(await releaseJobsOfDeadProcesses(t.db)).toEqual([]);

      // ...which now dies (as far as the database can tell: no session of it is left).
      await t.db.updateTable('worker_processes').set({ process_id: 'gone00000000', seen_at: sql<Date>`now() - interval '1 minute'` }).where('process_id', '=', processId).execute();
      expect(await releaseJobsOfDeadProcesses(t.db)).toContain(owner);
      expect((await jobs())[0]).toMatchObject({ locked_by: null, attempts: 1 });

      await stop(); // the stuck attempt ends (failing); it no longer owns the job, so that changes nothing
      await runJobs(); // another process takes the job
      expect(await jobs()).toEqual([]);
      expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'ship-9' }]);
      expect(gh.comments.filter((c) => c.body.includes(`<!-- gitdone:reply:${id} `))).toHaveLength(1);
    } finally {
      await stop();
    }
  });

  test('a running worker registers itself under this process and is not released while it lives', async () => {
    const handle = openDatabase(t.url, { max: 4, applicationName: applicationName() });
    const runner = await startWorker(app.deps, handle.pool, { concurrency: 1, pollInterval: 60_000, reapEveryMs: 60_000 });
    try {
      await until(async () => (await t.db.selectFrom('worker_processes').select('worker_id').where('process_id', '=', processId).execute()).length >= 2);
      expect(await releaseJobsOfDeadProcesses(t.db)).toEqual([]);
    } finally {
      await runner.stop();
      await handle.close();
    }
    await until(async () => (await sessionsOf(processId)) === 0);
    // Its last beat is recent, so it is not dead yet; once silent for long enough, it is.
    expect(await releaseJobsOfDeadProcesses(t.db)).toEqual([]);
    await t.db.updateTable('worker_processes').set({ seen_at: sql<Date>`now() - interval '1 minute'` }).where('process_id', '=', processId).execute();
    // Jobs are locked by the pool (graphile-worker 0.17): its id must be among those released.
    const released = await releaseJobsOfDeadProcesses(t.db);
    expect(released.some((id) => id.startsWith('pool-'))).toBe(true);
  });
});
