import { describe, expect, test } from '@jest/globals';
import type { TestDatabase } from '../helpers/database.js';
import { PUBLIC_URL, useTestApp, type TestApp } from '../helpers/app.js';
import { mockGitHub } from '../helpers/github.js';
import { deliveryId, issueComment, push } from '../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;

useTestApp({}, (env) => ({ t, app } = env));

const comment = (body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}) =>
  app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });

describe('the core loop', () => {
  test('a /deadline comment creates a goal and answers with an embed link, once', async () => {
    const gh = mockGitHub();
    const id = deliveryId();
    const payload = issueComment({ body: '/deadline 2030-01-15 17:00 Ship the beta keyword=ship-beta tz=Europe/Berlin' });
    await app.probot.receive({ id, name: 'issue_comment', payload: payload as never });
    await app.probot.receive({ id, name: 'issue_comment', payload: payload as never }); // GitHub redelivers
    await app.runJobs();

    const goals = await t.db.selectFrom('goals').selectAll().execute();
    expect(goals).toHaveLength(1);
    expect(goals[0]).toMatchObject({ title: 'Ship the beta', keyword: 'ship-beta', timezone: 'Europe/Berlin', status: 'active', created_by: 'alice' });
    expect(goals[0]!.due_at.toISOString()).toBe('2030-01-15T16:00:00.000Z');
    expect(goals[0]!.token).toMatch(/^[A-Za-z0-9_-]{22}$/);

    expect(gh.comments).toHaveLength(1);
    const reply = gh.comments[0]!.body;
    expect(reply).toContain(`${PUBLIC_URL}/embed/${goals[0]!.token}`);
    expect(reply).toContain('`ship-beta`');
    expect(reply).toMatch(/<!-- gitdone:reply:delivery-[^ ]+ [0-9a-f]{32} -->/);
    expect(reply).toContain('17:00');
    expect(reply).toContain('UTC+01:00');
    expect(gh.reactions).toEqual([{ commentId: 9001, content: '+1' }]);
  });

  test('a push with the keyword completes the goal and posts a notice; a near-miss keyword does not', async () => {
    const gh = mockGitHub();
    await comment('/deadline 2030-01-15 Ship v1 keyword=ship-v1');
    await app.runJobs();

    await app.probot.receive({ id: deliveryId(), name: 'push', payload: push({ commits: [{ message: 'prepare ship-v10 notes' }] }) as never });
    await app.runJobs();
    expect((await t.db.selectFrom('goals').select('status').executeTakeFirstOrThrow()).status).toBe('active');

    const sha = 'f'.repeat(40);
    await app.probot.receive({
      id: deliveryId(),
      name: 'push',
      payload: push({ commits: [{ message: 'chore: tidy' }, { message: 'Finally: SHIP-V1 is out', id: sha, username: 'bob' }] }) as never,
    });
    await app.runJobs();
    const goal = await t.db.selectFrom('goals').selectAll().executeTakeFirstOrThrow();
    expect(goal).toMatchObject({ status: 'completed', completed_via: 'commit', completed_sha: sha, completed_author: 'bob' });
    expect(goal.completed_at).toBeInstanceOf(Date);

    const notice = gh.comments.find((c) => c.body.includes(`gitdone:goal:${goal.id}:completed`));
    expect(notice?.body).toMatch(/completed \d+ days? early by \[`fffffff`\]\(https:\/\/github.com\/octo\/app\/commit\/f{40}\) from `bob`/);
  });

  test('a push to another branch does not complete', async () => {
    mockGitHub();
    await comment('/deadline 2030-01-15 Ship v1 keyword=ship-v1');
    await app.runJobs();
    await app.probot.receive({ id: deliveryId(), name: 'push', payload: push({ ref: 'refs/heads/feature', commits: [{ message: 'ship-v1' }] }) as never });
    await app.runJobs();
    expect((await t.db.selectFrom('goals').select('status').executeTakeFirstOrThrow()).status).toBe('active');
  });

  test('a date in the past is refused with a reply and a confused reaction, nothing stored', async () => {
    const gh = mockGitHub();
    await comment('/deadline 2020-01-01 Too late');
    await app.runJobs();
    expect(await t.db.selectFrom('goals').selectAll().execute()).toHaveLength(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toMatch(/past/i);
    expect(gh.reactions).toEqual([{ commentId: 9001, content: 'confused' }]);
  });

  test('a commenter without write access is refused, saying what is needed', async () => {
    const gh = mockGitHub({ role: 'read' });
    await comment('/deadline 2030-01-15 Ship');
    await app.runJobs();
    expect(await t.db.selectFrom('goals').selectAll().execute()).toHaveLength(0);
    expect(gh.comments[0]!.body).toContain('`write`');
  });

  test('comments by bots and comments without a command are not recorded', async () => {
    await comment('/deadline 2030-01-15 Ship', { userType: 'Bot', login: 'gitdone[bot]' });
    await comment('just chatting about /deadline things');
    expect(await t.db.selectFrom('deliveries').selectAll().execute()).toHaveLength(0);
  });
});
