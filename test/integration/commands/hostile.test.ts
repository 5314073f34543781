import { describe, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { activeParts } from '../../helpers/markdown.js';
import { deliveryId, issueComment, REPO, INSTALLATION } from '../../fixtures/payloads.js';
import { COMMENT_MAX } from '../../../src/notices/reply.js';

/**
 * What one person who may merely comment (or one careless paste) can make GitDone do:
 * bounded work, a reply that fits, nothing of theirs live in it (issue #8).
 */
let t: TestDatabase;
let app: TestApp;

useTestApp({}, (env) => ({ t, app } = env));

async function say(body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}) {
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });
  await app.runJobs();
}

const goals = () => t.db.selectFrom('goals').selectAll().orderBy('id').execute();
/** Delivery jobs still queued (a job that failed waits here for its retry). */
const queued = async () =>
  (await t.pool.query<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process-delivery'`)).rows[0]!.n;

async function manyGoals(n: number): Promise<void> {
  await t.db.insertInto('repositories').values({ id: REPO.id, installation_id: INSTALLATION.id, full_name: REPO.full_name, default_branch: 'main' }).execute();
  await sql`insert into goals (token, repo_id, issue_number, title, keyword, due_at, timezone, status, created_by)
    select 'tok' || i, ${REPO.id}, 1000 + i, ${'|@x '.repeat(50)}, 'kw-' || i, '2030-01-15'::timestamptz + i * interval '1 minute', 'UTC', 'active', 'alice'
    from generate_series(1, ${n}) as i`.execute(t.db);
}

describe('bounded work per comment, and the user always hears back', () => {
  test('1,200 `list` lines in a repository of 1,000 goals: one list of 50, "…and 950 more", in one reply that fits', async () => {
    await manyGoals(1000);
    const gh = mockGitHub();
    await say(Array(1200).fill('/deadline list').join('\n'));
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX);
    expect(body.match(/\| \[`/g)).toHaveLength(50);
    expect(body).toContain('…and 950 more.');
    expect(body).toContain('1199 lines repeated an earlier command and were carried out once');
  });

  test('1,000 creates in one comment: ten goals, and the reply says the rest were not carried out', async () => {
    const gh = mockGitHub();
    await say(Array.from({ length: 1000 }, (_, i) => `/deadline 2030-01-15 Goal ${i} keyword=g-${i}`).join('\n'));
    expect(await goals()).toHaveLength(10);
    const body = gh.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX);
    expect(body.match(/Deadline set/g)).toHaveLength(10);
    expect(body).toContain('990 more lines were not (lines 11, 12, 13, 14, 15 and 985 more)');
    expect(gh.reactions.map((r) => r.content).sort()).toEqual(['+1', 'confused']);
  });

  test('a line split by U+2028 is read, not silently dropped', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15\u2028Sep keyword=sep');
    expect((await goals())[0]).toMatchObject({ keyword: 'sep', title: 'Sep' });
    expect(gh.comments).toHaveLength(1);
  });
});

describe('nothing a user wrote is live in a reply', () => {
  test('no permission: the refusal says so and repeats none of their words', async () => {
    const gh = mockGitHub({ role: 'read' });
    await say('/deadline done a @octo/team\n/deadline 2030-01-15 ![x](http://evil.example/t.png) keyword=img');
    const body = gh.comments[0]!.body;
    expect(body).not.toContain('octo/team');
    expect(body).not.toContain('evil.example');
    expect(body).toContain('`/deadline done` needs `write`');
    expect(body).toContain('`/deadline <when>` needs `write`');
    expect(await goals()).toHaveLength(0);
  });

  test('with permission, refused words are echoed inertly', async () => {
    const gh = mockGitHub();
    await say(
      [
        '/deadline done a @octo/team',
        '/deadline ![x](http://evil.example/t.png) Ship',
        '/deadline 2030-01-15 Title keyword=<img/src=x>',
        '/deadline move #12 www.evil.example',
        '/deadline frobnicate @everyone',
      ].join('\n'),
    );
    const body = gh.comments[0]!.body;
    expect(body).toContain('@octo/team'); // shown…
    expect(activeParts(body, { hrefs: ['https://gitdone.test/'] })).toEqual([]); // …but never live
  });

  test('help and list stay open to everyone', async () => {
    const gh = mockGitHub({ role: 'none' });
    await say('/deadline help\n/deadline list');
    expect(gh.comments[0]!.body).toContain('GitDone commands');
    expect(gh.comments[0]!.body).toContain('No active deadlines');
  });
});

describe('the repository config fails closed', () => {
  test('a YAML syntax error anywhere: permission rises to admin, and the reply says why', async () => {
    const gh = mockGitHub({ config: 'permission: admin\ntimezone: [unclosed\n', role: 'write' });
    await say('/deadline 2030-01-15 Closed keyword=closed');
    expect(await goals()).toHaveLength(0);
    const body = gh.comments[0]!.body;
    expect(body).toContain('needs `admin` or more');
    expect(body).toContain('is not valid YAML');
    expect(body).toContain('only admins can run commands');
  });

  test('a 403 reading the config is answered at once, not retried for days', async () => {
    const gh = mockGitHub({ configStatus: 403, role: 'admin' });
    await say('/deadline 2030-01-15 Forbidden keyword=forbidden');
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('GitHub answered 403');
    expect((await goals())[0]).toMatchObject({ keyword: 'forbidden' }); // an admin may still act
    expect(await queued()).toBe(0);
  });

  test('a 5xx reading the config is retried (it may pass)', async () => {
    const gh = mockGitHub({ configStatus: 502 });
    await say('/deadline 2030-01-15 Later keyword=later');
    expect(gh.comments).toHaveLength(0);
    expect(await queued()).toBe(1); // the delivery's job, back for a retry
  });
});

describe('odd payloads GitHub can send', () => {
  test('a comment whose user is null (a deleted account) is answered as its sender', async () => {
    const gh = mockGitHub();
    const payload = issueComment({ body: '/deadline 2030-01-15 Ghost keyword=ghost' });
    await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: { ...payload, comment: { ...payload.comment, user: null } } as never });
    await app.runJobs();
    expect((await goals())[0]).toMatchObject({ keyword: 'ghost', created_by: 'alice' });
    expect(gh.comments).toHaveLength(1);
  });
});
