import { beforeEach, describe, expect, test } from '@jest/globals';
import { runOnce } from 'graphile-worker';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { deliveryId, issueComment, push } from '../../fixtures/payloads.js';
import { openDatabase } from '../../../src/db/database.js';
import { enqueue } from '../../../src/db/queue.js';
import { NOTICE_TASK } from '../../../src/usecases/notices.js';
import { noticeKey, type NoticeJob } from '../../../src/notices/plan.js';
import { sendNotice } from '../../../src/jobs/send-notice.js';
import { taskList, workerLogger } from '../../../src/jobs/worker.js';
import { marker } from '../../../src/notices/marker.js';
import { dropJobs, queued, reschedule, running } from '../../helpers/queue.js';

/**
 * SPEC §4: reminders and the overdue notice, each exactly once. graphile-worker runs a job
 * only when its run_at has come (database time), so a planned notice is made due by
 * setting its run_at to now(); the app's clock decides what the notice says.
 */

let t: TestDatabase;
let app: TestApp;
let clock: Date;

const T0 = new Date('2030-01-10T12:00:00.000Z');
const DUE = '2030-01-15T17:00:00.000Z';
const H = 3600_000;

useTestApp({ now: () => clock }, (env) => ({ t, app } = env));
beforeEach(async () => {
  clock = T0;
});

const runJobs = () => app.runJobs();

async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await running(t.db)) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('jobs still locked after runOnce');
}

async function say(body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}): Promise<void> {
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });
  await runJobs();
}

async function goal(keyword: string, when = '2030-01-15 17:00') {
  await say(`/deadline ${when} Goal ${keyword} keyword=${keyword}`);
  return t.db.selectFrom('goals').selectAll().where('keyword', '=', keyword).executeTakeFirstOrThrow();
}

interface JobRow {
  key: string | null;
  run_at: Date;
  payload: NoticeJob;
  attempts: number;
  last_error: string | null;
}

/** The pending notice jobs of a goal, by key. */
async function jobsOf(goalId: number | string): Promise<JobRow[]> {
  const jobs = (await queued(t.db, `goal:${goalId}:%`)).map((j) => ({ ...j, payload: j.payload as NoticeJob }));
  return jobs.sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || String(a.key).localeCompare(String(b.key)));
}

const pending = async () => (await queued(t.db)).length;

/** Makes the planned jobs whose key matches `like` due now. */
async function makeDue(like: string): Promise<void> {
  await reschedule(t.db, like);
}

const count = (gh: ReturnType<typeof mockGitHub>, text: string) => gh.comments.filter((c) => c.body.includes(text)).length;

describe('planning', () => {
  test('by default one reminder 24 h before the deadline, posted mentioning the creator', async () => {
    const gh = mockGitHub();
    const g = await goal('rem-1');
    const jobs = await jobsOf(g.id);
    expect(jobs.map((j) => [j.key, j.run_at.toISOString()])).toEqual([
      [`goal:${g.id}:reminder:0`, '2030-01-14T17:00:00.000Z'],
      [`goal:${g.id}:overdue`, DUE],
    ]);
    await runJobs();
    expect(gh.comments).toHaveLength(1); // the reply only: nothing is due yet

    clock = new Date('2030-01-14T17:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    const reminders = gh.comments.filter((c) => c.body.includes(`<!-- gitdone:goal:${g.id}:reminder:${24 * H}:${DUE} `));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.issueNumber).toBe(12);
    expect(reminders[0]!.body).toMatch(/^⏰ @alice /);
    expect(reminders[0]!.body).toContain('in 1 day');
    expect((await jobsOf(g.id)).map((j) => j.key)).toEqual([`goal:${g.id}:overdue`]);
  });

  test('reminders: [24h, 1h] plans two; both are posted', async () => {
    const gh = mockGitHub({ config: 'reminders: [24h, 1h]\n' });
    const g = await goal('rem-2');
    expect((await jobsOf(g.id)).map((j) => [j.key, j.run_at.toISOString()])).toEqual([
      [`goal:${g.id}:reminder:0`, '2030-01-14T17:00:00.000Z'],
      [`goal:${g.id}:reminder:1`, '2030-01-15T16:00:00.000Z'],
      [`goal:${g.id}:overdue`, DUE],
    ]);
    clock = new Date('2030-01-15T16:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    expect(count(gh, `gitdone:goal:${g.id}:reminder:${24 * H}:`)).toBe(1);
    expect(count(gh, `gitdone:goal:${g.id}:reminder:${H}:`)).toBe(1);
    expect(gh.comments.find((c) => c.body.includes(`reminder:${H}:`))?.body).toContain('in 1 hour');
  });

  test('reminders: [] plans none, only the overdue notice', async () => {
    mockGitHub({ config: 'reminders: []\n' });
    const g = await goal('rem-3');
    expect((await jobsOf(g.id)).map((j) => j.key)).toEqual([`goal:${g.id}:overdue`]);
  });

  test('a reminder whose time has already passed at creation is not planned', async () => {
    const gh = mockGitHub({ config: 'reminders: [24h, 1h]\n' });
    clock = new Date('2030-01-15T10:00:00.000Z'); // 7 h before the deadline
    const g = await goal('rem-4');
    expect((await jobsOf(g.id)).map((j) => j.key)).toEqual([`goal:${g.id}:reminder:1`, `goal:${g.id}:overdue`]);
    await runJobs();
    expect(count(gh, ':reminder:')).toBe(0);
  });
});

describe('the overdue notice', () => {
  test('is posted once at the deadline, however often its job runs', async () => {
    const gh = mockGitHub();
    const g = await goal('late-1');
    clock = new Date(new Date(DUE).getTime() + 60_000);
    await makeDue(`goal:${g.id}:overdue`);
    await runJobs();
    const tag = `<!-- gitdone:goal:${g.id}:overdue:${DUE} `;
    expect(count(gh, tag)).toBe(1);
    expect(gh.comments.find((c) => c.body.includes(tag))!.body).toMatch(/^⌛ @alice the deadline for .* has passed/);

    const job: NoticeJob = { goalId: String(g.id), kind: 'overdue', dueAt: DUE };
    await enqueue(t.db, NOTICE_TASK, { ...job }, { key: `goal:${g.id}:overdue` });
    await enqueue(t.db, NOTICE_TASK, { ...job });
    await runJobs();
    await Promise.all([sendNotice(app.deps, job), sendNotice(app.deps, job)]);
    expect(count(gh, tag)).toBe(1);
    expect(await t.db.selectFrom('goals').select('status').where('id', '=', g.id).executeTakeFirstOrThrow()).toEqual({ status: 'active' });
  });
});

describe('changes re-plan or drop notices', () => {
  test('/deadline move re-plans; a job planned for the old deadline posts nothing', async () => {
    const gh = mockGitHub();
    const g = await goal('move-1');
    const before = await jobsOf(g.id);
    await say('/deadline move move-1 2030-01-20 17:00');
    const NEW_DUE = '2030-01-20T17:00:00.000Z';
    expect((await t.db.selectFrom('goals').select('due_at').where('id', '=', g.id).executeTakeFirstOrThrow()).due_at.toISOString()).toBe(NEW_DUE);
    const after = await jobsOf(g.id);
    expect(after.map((j) => [j.key, j.run_at.toISOString(), j.payload.dueAt])).toEqual([
      [`goal:${g.id}:reminder:0`, '2030-01-19T17:00:00.000Z', NEW_DUE],
      [`goal:${g.id}:overdue`, NEW_DUE, NEW_DUE],
    ]);
    expect(after.map((j) => j.run_at.toISOString())).not.toContain(before[0]!.run_at.toISOString());

    // A copy of the old plan (say, taken by a worker just before the move) comes due.
    for (const old of before) await enqueue(t.db, NOTICE_TASK, { ...old.payload }, { key: `stale:${old.key}` });
    clock = new Date('2030-01-15T17:30:00.000Z');
    await makeDue('stale:%');
    await runJobs();
    expect(count(gh, `gitdone:goal:${g.id}:reminder:`)).toBe(0);
    expect(count(gh, `gitdone:goal:${g.id}:overdue:`)).toBe(0);
    expect(await queued(t.db, 'stale:%')).toEqual([]);

    // The new plan still goes out, for the new deadline.
    clock = new Date('2030-01-19T17:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    expect(count(gh, `<!-- gitdone:goal:${g.id}:reminder:${24 * H}:${NEW_DUE} `)).toBe(1);
  });

  test('cancel drops the pending notice jobs', async () => {
    const gh = mockGitHub();
    const g = await goal('cancel-1');
    expect(await jobsOf(g.id)).toHaveLength(2);
    await say('/deadline cancel cancel-1');
    expect(await jobsOf(g.id)).toEqual([]);
    expect(await pending()).toBe(0);
    expect(count(gh, 'is cancelled')).toBe(1);
  });

  test('completion (command or push) drops the pending reminder and overdue jobs', async () => {
    const gh = mockGitHub();
    const a = await goal('done-a');
    const b = await goal('done-b');
    await say('/deadline done done-a');
    expect(await jobsOf(a.id)).toEqual([]);

    await app.probot.receive({ id: deliveryId(), name: 'push', payload: push({ commits: [{ message: 'done-b' }] }) as never });
    await runJobs();
    expect(await jobsOf(b.id)).toEqual([]);
    expect(await pending()).toBe(0);
    expect(count(gh, `gitdone:goal:${b.id}:completed`)).toBe(1);
    expect(count(gh, ':reminder:') + count(gh, ':overdue:')).toBe(0);
  });

  test('a goal completed or cancelled after its reminder was planned gets no reminder', async () => {
    const gh = mockGitHub();
    const a = await goal('race-a');
    const b = await goal('race-b');
    // Changed behind the queue's back, as if the job had been taken just before.
    await t.db.updateTable('goals').set({ status: 'completed', completed_at: T0, completed_via: 'command' }).where('id', '=', a.id).execute();
    await t.db.updateTable('goals').set({ status: 'cancelled', cancelled_at: T0 }).where('id', '=', b.id).execute();
    clock = new Date(new Date(DUE).getTime() + H);
    await makeDue('goal:%');
    await runJobs();
    expect(count(gh, ':reminder:') + count(gh, ':overdue:')).toBe(0);
    expect(await pending()).toBe(0); // done, not failing and retried
  });
});

describe('exactly once', () => {
  test('two workers on one database racing for the same due notices post each once', async () => {
    mockGitHub();
    const keywords = Array.from({ length: 10 }, (_, i) => `race-${i + 1}`);
    await say(keywords.map((k) => `/deadline 2030-01-15 17:00 Goal ${k} keyword=${k}`).join('\n'));
    const goals = await t.db.selectFrom('goals').select('id').execute();
    expect(goals).toHaveLength(10);

    // Each planned notice three times in a row (as a redelivery or a bug might queue it), so
    // that both workers take copies of the same notice at once: the queue keeps them off one
    // job, only the notice key keeps them off one comment.
    const planned = (await queued(t.db)).map((j) => ({ payload: j.payload as NoticeJob }));
    expect(planned).toHaveLength(20);
    await dropJobs(t.db);
    for (const { payload } of planned) {
      for (let copy = 0; copy < 3; copy++) await enqueue(t.db, NOTICE_TASK, { ...payload });
    }
    clock = new Date(new Date(DUE).getTime() + 60_000);
    await reschedule(t.db, '%');

    // GitHub takes a while to answer a post, which widens the window for a double post.
    nock.cleanAll();
    const posted: string[] = [];
    nock(API)
      .persist()
      .post(/\/repos\/octo\/app\/issues\/12\/comments/)
      .delay(40)
      .reply((_uri, body) => {
        posted.push((body as { body: string }).body);
        return [201, { id: 200000 + posted.length }];
      });
    nock(API)
      .persist()
      .get(/\/repos\/octo\/app\/issues\/12\/comments/)
      .query(true)
      .reply(() => [200, posted.map((b, i) => ({ id: 200001 + i, body: b }))]);
    mockGitHub();

    const handles = [openDatabase(t.url, { max: 8 }), openDatabase(t.url, { max: 8 })];
    const ran = [0, 0];
    try {
      await Promise.all(
        handles.map((h, i) => {
          const deps = { ...app.deps, db: h.db };
          const tasks = taskList(deps);
          const send = tasks[NOTICE_TASK]!;
          tasks[NOTICE_TASK] = (payload, helpers) => {
            ran[i]!++;
            return send(payload, helpers);
          };
          return runOnce({ pgPool: h.pool, taskList: tasks, concurrency: 6, logger: workerLogger(deps) });
        }),
      );
      await settled(); // before the pools close: their last completions may be in flight
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    expect(await pending()).toBe(0);
    expect(ran[0]! + ran[1]!).toBe(60);
    expect(Math.min(...ran)).toBeGreaterThan(0); // both workers took part
    for (const { id } of goals) {
      expect(posted.filter((b) => b.includes(`<!-- gitdone:goal:${id}:reminder:${24 * H}:${DUE} `))).toHaveLength(1);
      expect(posted.filter((b) => b.includes(`<!-- gitdone:goal:${id}:overdue:${DUE} `))).toHaveLength(1);
    }
    expect(posted).toHaveLength(20);
    const notices = await t.db.selectFrom('notices').select(['key', 'posted_at', 'comment_id']).where('goal_id', 'is not', null).execute();
    expect(notices).toHaveLength(20);
    expect(notices.every((n) => n.posted_at !== null && n.comment_id !== null)).toBe(true);
  });

  test('an attempt that posted but died before recording it: the retry finds the marker and posts nothing', async () => {
    const gh = mockGitHub();
    const g = await goal('crash-1');
    const job: NoticeJob = { goalId: String(g.id), kind: 'reminder', offsetMs: 24 * H, dueAt: DUE };
    const key = noticeKey(job);
    // What the first attempt left: the notice row without posted_at, and the comment on GitHub.
    await t.db.insertInto('notices').values({ key, goal_id: g.id, repo_id: g.repo_id, issue_number: 12, nonce: 'n0nce' }).execute();
    gh.comments.push({ issueNumber: 12, body: `⏰ @alice reminder\n\n${marker(key, 'n0nce')}` });
    const found = 100000 + gh.comments.length;

    clock = new Date('2030-01-14T17:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    expect(count(gh, marker(key, 'n0nce'))).toBe(1);
    expect(gh.comments).toHaveLength(2); // the reply and the comment already there
    const row = await t.db.selectFrom('notices').select(['posted_at', 'comment_id']).where('key', '=', key).executeTakeFirstOrThrow();
    expect(row.posted_at).not.toBeNull();
    expect(row.comment_id).toBe(found);
  });

  test('an attempt that died before posting: the retry, finding no marker, posts once', async () => {
    const gh = mockGitHub();
    const g = await goal('crash-2');
    const job: NoticeJob = { goalId: String(g.id), kind: 'reminder', offsetMs: 24 * H, dueAt: DUE };
    const key = noticeKey(job);
    await t.db.insertInto('notices').values({ key, goal_id: g.id, repo_id: g.repo_id, issue_number: 12, nonce: 'n0nce' }).execute();
    clock = new Date('2030-01-14T17:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    await sendNotice(app.deps, job);
    expect(count(gh, marker(key, 'n0nce'))).toBe(1);
  });

  test.each([
    ['anyone, with the marker GitDone would use', 'mallory', (key: string) => marker(key)],
    ['anyone, even with the right nonce', 'mallory', (key: string) => marker(key, 'n0nce')],
    ['another app', 'other-app[bot]', (key: string) => marker(key, 'n0nce')],
    ['this app, but without the nonce', undefined, (key: string) => marker(key)],
  ])('a marker written by %s does not count: the notice is still posted', async (_who, by, forged) => {
    const gh = mockGitHub();
    const g = await goal('forged');
    const job: NoticeJob = { goalId: String(g.id), kind: 'reminder', offsetMs: 24 * H, dueAt: DUE };
    const key = noticeKey(job);
    // A first attempt that failed before posting, and a comment that looks like the notice.
    await t.db.insertInto('notices').values({ key, goal_id: g.id, repo_id: g.repo_id, issue_number: 12, nonce: 'n0nce' }).execute();
    gh.comments.push({ issueNumber: 12, body: `Nice work! ${forged(key)}`, by });
    clock = new Date('2030-01-14T17:00:00.000Z');
    await makeDue(`goal:${g.id}:reminder:%`);
    await runJobs();
    expect(gh.comments.filter((c) => c.by === undefined && c.body.includes(marker(key, 'n0nce')))).toHaveLength(1);
  });

  test('each notice carries a random nonce of its own', async () => {
    mockGitHub();
    const a = await goal('nonce-a');
    const b = await goal('nonce-b');
    for (const g of [a, b]) await sendNotice(app.deps, { goalId: String(g.id), kind: 'reminder', offsetMs: 24 * H, dueAt: DUE });
    const nonces = (await t.db.selectFrom('notices').select('nonce').where('key', 'like', 'goal:%').execute()).map((r) => r.nonce);
    expect(nonces).toHaveLength(2);
    expect(new Set(nonces).size).toBe(2);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
  });
});
