import { beforeEach, describe, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { COMPARE_MAX_COMMITS, COMPARE_PAGE } from '../../../src/github/commits.js';
import { deliveryId, issueClosed, issueComment, pullRequestClosed, push } from '../../fixtures/payloads.js';
import { enqueue } from '../../../src/db/queue.js';
import { NOTICE_TASK } from '../../../src/usecases/notices.js';
import type { NoticeJob } from '../../../src/notices/plan.js';
import { sendNotice } from '../../../src/jobs/send-notice.js';

/** SPEC §3: what completes a goal, what does not, and the notice that says so (once). */

let t: TestDatabase;
let app: TestApp;
let clock = new Date();

useTestApp({ now: () => clock }, (env) => ({ t, app } = env));
beforeEach(async () => {
  clock = new Date();
});

const runJobs = () => app.runJobs();

type CommentOpts = Partial<Parameters<typeof issueComment>[0]>;

async function say(body: string, extra: CommentOpts = {}): Promise<string> {
  const id = deliveryId();
  await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });
  await runJobs();
  return id;
}

/** Creates an active goal through the real command path and returns its row. */
async function goal(keyword: string, extra: CommentOpts & { when?: string } = {}) {
  const { when = '2030-01-15 17:00', ...opts } = extra;
  await say(`/deadline ${when} Goal ${keyword} keyword=${keyword}`, opts);
  return t.db.selectFrom('goals').selectAll().where('keyword', '=', keyword).executeTakeFirstOrThrow();
}

async function pushed(payload: ReturnType<typeof push>): Promise<void> {
  await app.probot.receive({ id: deliveryId(), name: 'push', payload: payload as never });
  await runJobs();
}

const statusOf = async (keyword: string) =>
  (await t.db.selectFrom('goals').select('status').where('keyword', '=', keyword).executeTakeFirstOrThrow()).status;

const sha = (n: number) => n.toString(16).padStart(8, '0') + 'e'.repeat(32);

describe('a push completes goals', () => {
  test('on the default branch, not on another one', async () => {
    mockGitHub();
    await goal('ship-v1');
    await pushed(push({ ref: 'refs/heads/feature', commits: [{ message: 'ship-v1 on a branch' }] }));
    expect(await statusOf('ship-v1')).toBe('active');
    await pushed(push({ ref: 'refs/heads/main', commits: [{ message: 'ship-v1 on main', id: sha(1) }] }));
    const g = await t.db.selectFrom('goals').selectAll().executeTakeFirstOrThrow();
    expect(g).toMatchObject({ status: 'completed', completed_via: 'commit', completed_sha: sha(1), completed_author: 'bob' });
  });

  test('with branches [main, "release/*"]: release/1.2 completes, release/a/b does not', async () => {
    mockGitHub({ config: 'branches: [main, "release/*"]\n' });
    await goal('rel-a');
    await goal('rel-b');
    await pushed(push({ ref: 'refs/heads/release/a/b', commits: [{ message: 'rel-a deep' }] }));
    await pushed(push({ ref: 'refs/heads/feature/rel', commits: [{ message: 'rel-a elsewhere' }] }));
    expect(await statusOf('rel-a')).toBe('active');
    await pushed(push({ ref: 'refs/heads/release/1.2', commits: [{ message: 'rel-a for 1.2' }] }));
    expect(await statusOf('rel-a')).toBe('completed');
    await pushed(push({ ref: 'refs/heads/main', commits: [{ message: 'rel-b' }] }));
    expect(await statusOf('rel-b')).toBe('completed');
  });

  test('with branches ["*"]: any branch', async () => {
    mockGitHub({ config: 'branches: ["*"]\n' });
    await goal('any-1');
    await pushed(push({ ref: 'refs/heads/people/bob/wip', commits: [{ message: 'any-1' }] }));
    expect(await statusOf('any-1')).toBe('completed');
  });

  test('keyword: case-insensitive, whole token only', async () => {
    mockGitHub();
    await goal('ship-v1');
    await pushed(push({ commits: [{ message: 'bump ship-v10' }, { message: 'preship-v1 checks' }, { message: 'ship-v1.2 later' }, { message: 'ship-v1x' }] }));
    expect(await statusOf('ship-v1')).toBe('active');
    await pushed(push({ commits: [{ message: 'Release: SHIP-V1.', id: sha(7) }] }));
    const g = await t.db.selectFrom('goals').selectAll().executeTakeFirstOrThrow();
    expect(g).toMatchObject({ status: 'completed', completed_sha: sha(7) });
  });

  test('one push completes several goals, each with the first commit carrying its keyword', async () => {
    const gh = mockGitHub();
    const a = await goal('alpha');
    const b = await goal('beta');
    const c = await goal('gamma');
    await goal('delta');
    await pushed(
      push({
        commits: [
          { message: 'chore', id: sha(1) },
          { message: 'alpha and beta', id: sha(2), username: 'carol' },
          { message: 'gamma', id: sha(3) },
          { message: 'alpha again', id: sha(4) },
        ],
      }),
    );
    const rows = await t.db.selectFrom('goals').select(['keyword', 'status', 'completed_sha', 'completed_author']).orderBy('keyword').execute();
    expect(rows).toEqual([
      { keyword: 'alpha', status: 'completed', completed_sha: sha(2), completed_author: 'carol' },
      { keyword: 'beta', status: 'completed', completed_sha: sha(2), completed_author: 'carol' },
      { keyword: 'delta', status: 'active', completed_sha: null, completed_author: null },
      { keyword: 'gamma', status: 'completed', completed_sha: sha(3), completed_author: 'bob' },
    ]);
    for (const g of [a, b, c]) {
      expect(gh.comments.filter((x) => x.body.includes(`<!-- gitdone:goal:${g.id}:completed `))).toHaveLength(1);
    }
  });

  test('a commit GitHub marks as not distinct (already on another branch) counts', async () => {
    mockGitHub();
    await goal('ship-v1');
    const p = push({ commits: [{ message: 'ship-v1', id: sha(5) }] });
    p.commits[0]!.distinct = false;
    await pushed(p);
    expect(await statusOf('ship-v1')).toBe('completed');
  });

  test('a merge commit message counts', async () => {
    mockGitHub();
    await goal('ship-v1');
    await pushed(push({ commits: [{ message: "Merge pull request #7 from octo/feature\n\nFinish ship-v1", id: sha(9) }] }));
    const g = await t.db.selectFrom('goals').selectAll().executeTakeFirstOrThrow();
    expect(g).toMatchObject({ status: 'completed', completed_sha: sha(9) });
  });

  test('a push capped at 2048 listed commits: the rest comes from the compare API, page by page', async () => {
    mockGitHub();
    await goal('ship-v1');
    const before = 'b'.repeat(40);
    const after = 'c'.repeat(40);
    const total = 3000;
    const listed = Array.from({ length: 2048 }, (_, i) => ({ message: `chore ${i + 1}`, id: sha(i + 1) }));
    const pages: number[] = [];
    nock(API)
      .persist()
      .get(new RegExp(`^/repos/octo/app/compare/${before}\\.\\.\\.${after}`))
      .query(true)
      .reply((uri) => {
        const q = new URL(uri, API).searchParams;
        const page = Number(q.get('page') ?? 1);
        const perPage = Number(q.get('per_page') ?? 30);
        pages.push(page);
        const first = (page - 1) * perPage + 1;
        const commits = [];
        for (let n = first; n < first + perPage && n <= total; n++) {
          commits.push({
            sha: sha(n),
            commit: { message: n === 3000 ? 'at last: ship-v1' : `chore ${n}`, author: { name: 'Dana Doe' } },
            author: n === 3000 ? { login: 'dana' } : null,
          });
        }
        return [200, { total_commits: total, commits, status: 'ahead', ahead_by: total, behind_by: 0, files: [] }];
      });
    await pushed(push({ before, after, commits: listed }));

    const g = await t.db.selectFrom('goals').selectAll().executeTakeFirstOrThrow();
    expect(g).toMatchObject({ status: 'completed', completed_sha: sha(3000), completed_author: 'dana' });
    expect(pages).toEqual(Array.from({ length: total / COMPARE_PAGE }, (_, i) => i + 1));
  });

  test('compare paging is capped, and the cap is logged', async () => {
    mockGitHub();
    await goal('late-in-history');
    const before = 'b'.repeat(40);
    const after = 'c'.repeat(40);
    let served = 0;
    nock(API)
      .persist()
      .get(new RegExp(`^/repos/octo/app/compare/`))
      .query(true)
      .reply((uri) => {
        const q = new URL(uri, API).searchParams;
        const perPage = Number(q.get('per_page'));
        const first = (Number(q.get('page')) - 1) * perPage + 1;
        served += perPage;
        const commits = Array.from({ length: perPage }, (_, i) => ({ sha: sha(first + i), commit: { message: `chore ${first + i}`, author: { name: 'x' } }, author: null }));
        return [200, { total_commits: 1_000_000, commits, files: [] }];
      });
    await pushed(push({ before, after, commits: Array.from({ length: 2048 }, (_, i) => ({ message: `chore ${i}`, id: sha(i + 1) })) }));
    expect(served).toBe(COMPARE_MAX_COMMITS);
    expect(app.logs.find((l) => l.msg === 'push longer than GitDone reads: only its first commits were matched')).toMatchObject({ read: COMPARE_MAX_COMMITS, total: 1_000_000 });
  });
});

describe('closing completes goals', () => {
  test('an issue closed as completed completes; closed as not planned or duplicate does not', async () => {
    const gh = mockGitHub();
    const g = await goal('close-1', { issueNumber: 21 });
    await goal('close-2', { issueNumber: 22 });
    await app.probot.receive({ id: deliveryId(), name: 'issues', payload: issueClosed({ number: 22, stateReason: 'not_planned' }) as never });
    await app.probot.receive({ id: deliveryId(), name: 'issues', payload: issueClosed({ number: 22, stateReason: 'duplicate' as never }) as never });
    await runJobs();
    expect(await statusOf('close-2')).toBe('active');

    await app.probot.receive({ id: deliveryId(), name: 'issues', payload: issueClosed({ number: 21, stateReason: 'completed' }) as never });
    await runJobs();
    const row = await t.db.selectFrom('goals').selectAll().where('id', '=', g.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', completed_via: 'close', completed_author: 'carol' });
    const notice = gh.comments.find((c) => c.body.includes(`gitdone:goal:${g.id}:completed`));
    expect(notice?.issueNumber).toBe(21);
    expect(notice?.body).toContain('when this issue was closed');
  });

  test('a merged pull request completes; one closed unmerged does not', async () => {
    const gh = mockGitHub();
    const merged = await goal('pr-1', { issueNumber: 31, pullRequest: true });
    await goal('pr-2', { issueNumber: 32, pullRequest: true });
    await app.probot.receive({ id: deliveryId(), name: 'pull_request', payload: pullRequestClosed({ number: 32, merged: false }) as never });
    await runJobs();
    expect(await statusOf('pr-2')).toBe('active');

    await app.probot.receive({ id: deliveryId(), name: 'pull_request', payload: pullRequestClosed({ number: 31, merged: true }) as never });
    await runJobs();
    expect(await statusOf('pr-1')).toBe('completed');
    const notice = gh.comments.find((c) => c.body.includes(`gitdone:goal:${merged.id}:completed`));
    expect(notice?.body).toContain('when this pull request was merged');
  });

  test('complete_on_close: false turns it off', async () => {
    mockGitHub({ config: 'complete_on_close: false\n' });
    await goal('close-3', { issueNumber: 23 });
    await goal('pr-3', { issueNumber: 33, pullRequest: true });
    await app.probot.receive({ id: deliveryId(), name: 'issues', payload: issueClosed({ number: 23 }) as never });
    await app.probot.receive({ id: deliveryId(), name: 'pull_request', payload: pullRequestClosed({ number: 33, merged: true }) as never });
    await runJobs();
    expect(await statusOf('close-3')).toBe('active');
    expect(await statusOf('pr-3')).toBe('active');
    const processed = await t.db.selectFrom('deliveries').select('processed_at').where('event', 'like', '%.closed').execute();
    expect(processed).toHaveLength(2);
    expect(processed.every((d) => d.processed_at !== null)).toBe(true);
  });
});

describe('/deadline done and the completion notice', () => {
  test('/deadline done completes, says how early, and is answered once even if its job runs again', async () => {
    const gh = mockGitHub();
    const start = new Date();
    clock = start;
    await goal('done-1', { when: 'in 3 days' });
    clock = new Date(start.getTime() + 24 * 3600_000);
    const id = await say('/deadline done done-1', { commentId: 9100 });

    const g = await t.db.selectFrom('goals').selectAll().where('keyword', '=', 'done-1').executeTakeFirstOrThrow();
    expect(g).toMatchObject({ status: 'completed', completed_via: 'command', completed_author: 'alice' });
    expect(g.completed_at?.toISOString()).toBe(clock.toISOString());
    const replies = () => gh.comments.filter((c) => c.body.includes(`<!-- gitdone:reply:${id} `));
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toMatch(/completed 2 days early by `alice` with `\/deadline done`/);
    expect(gh.reactions).toContainEqual({ commentId: 9100, content: '+1' });
    // No notice job is left for the goal: the reply was the notice.
    const left = await sql<{ key: string }>`select key from graphile_worker.jobs where key like ${`goal:${g.id}:%`}`.execute(t.db);
    expect(left.rows).toEqual([]);

    // The job runs again (say the process died after posting, before marking the delivery).
    await t.db.updateTable('deliveries').set({ processed_at: null }).where('id', '=', id).execute();
    await enqueue(t.db, 'process-delivery', { deliveryId: id }, { key: `delivery:${id}` });
    await runJobs();
    expect(replies()).toHaveLength(1);
    expect(await t.db.selectFrom('goals').select('version').where('id', '=', g.id).executeTakeFirstOrThrow()).toEqual({ version: g.version });
  });

  test('the commit notice says how early, links the commit and names the author; posted once however often its job runs', async () => {
    const gh = mockGitHub();
    const g = await goal('early-1', { when: 'in 2 days' }); // done a moment later: 1 day and 23+ hours early
    await pushed(push({ commits: [{ message: 'early-1 done', id: sha(0xabc0123), username: 'bob' }] }));
    const notices = () => gh.comments.filter((c) => c.body.includes(`<!-- gitdone:goal:${g.id}:completed `));
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.body).toContain(`completed 1 day early by [\`${sha(0xabc0123).slice(0, 7)}\`](https://github.com/octo/app/commit/${sha(0xabc0123)}) from \`bob\``);

    const job: NoticeJob = { goalId: String(g.id), kind: 'completed', dueAt: g.due_at.toISOString() };
    await sendNotice(app.deps, job);
    await Promise.all([sendNotice(app.deps, job), sendNotice(app.deps, job)]);
    await enqueue(t.db, NOTICE_TASK, { ...job });
    await enqueue(t.db, NOTICE_TASK, { ...job }, { key: `goal:${g.id}:completed` });
    await runJobs();
    expect(notices()).toHaveLength(1);
    expect(gh.comments.filter((c) => c.body.includes(':completed'))).toHaveLength(1);
  });

  test('a late commit says how late', async () => {
    const gh = mockGitHub();
    clock = new Date(Date.now() - 5 * 3600_000);
    const g = await goal('late-1', { when: 'in 2 hours' });
    expect(g.due_at.getTime()).toBeLessThan(Date.now());
    const id = 'def1234' + '5'.repeat(33);
    await pushed(push({ commits: [{ message: 'late-1', id, username: 'erin' }] }));
    const notice = gh.comments.find((c) => c.body.includes(`<!-- gitdone:goal:${g.id}:completed `));
    expect(notice?.body).toContain(`completed 3 hours late by [\`def1234\`](https://github.com/octo/app/commit/${id}) from \`erin\``);
  });
});
