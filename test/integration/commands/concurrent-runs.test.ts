import { expect, test } from '@jest/globals';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { answerComment, type AnswerPorts, type Comment } from '../../../src/usecases/answer-comment.js';
import { NoticeBusy } from '../../../src/usecases/post-once.js';
import { DEFAULT_CONFIG } from '../../../src/config/repo-config.js';
import { upsertRepository } from '../../../src/db/repositories.js';
import { REPO } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;
useTestApp({}, (env) => ({ t, app } = env));

test('two attempts of one delivery at once carry each line out once, and post one reply', async () => {
  const gh = mockGitHub();
  await upsertRepository(t.db, { id: REPO.id, installationId: 77, fullName: REPO.full_name });
  await t.db.insertInto('deliveries').values({ id: 'twice', event: 'issue_comment.created', payload: '{}' }).execute();
  const comment: Comment = {
    deliveryId: 'twice',
    repo: { id: REPO.id, owner: 'octo', name: 'app', defaultBranch: 'main' },
    issue: { number: 12, title: 'Ship', isPullRequest: false },
    commentId: 9001,
    author: 'alice',
    body: '/deadline 2030-01-15 One keyword=one\n/deadline 2030-01-16 Two keyword=two',
    writtenAt: new Date(),
  };
  const ports: AnswerPorts = {
    db: t.db,
    octokit: await app.deps.auth(77),
    app: app.deps.app,
    links: { publicUrl: 'https://gitdone.test', githubUrl: 'https://github.com' },
    log: app.deps.log,
    now: new Date(),
    config: { ok: true, config: DEFAULT_CONFIG },
  };
  const results = await Promise.allSettled([answerComment(comment, ports), answerComment(comment, ports)]);
  // One attempt posts; the other finds it posted, or finds it being posted and is retried later.
  for (const r of results) {
    if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NoticeBusy);
    else expect(r.value).toMatchObject({ carriedOut: 2, refused: 0 });
  }
  expect(results.filter((r) => r.status === 'fulfilled' && r.value.posted === 'posted')).toHaveLength(1);
  const goals = await t.db.selectFrom('goals').select('keyword').orderBy('keyword').execute();
  expect(goals).toEqual([{ keyword: 'one' }, { keyword: 'two' }]);
  expect(gh.comments).toHaveLength(1);
});
