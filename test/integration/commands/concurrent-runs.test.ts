import { expect, test } from '@jest/globals';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { runCommands, type CommandContext } from '../../../src/commands/run.js';
import { DEFAULT_CONFIG } from '../../../src/repo-config.js';
import { upsertRepository } from '../../../src/goals/store.js';
import { REPO } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;
useTestApp({}, (env) => ({ t, app } = env));

test('two attempts of one delivery at once carry each line out once and agree on the outcome', async () => {
  mockGitHub();
  await upsertRepository(t.db, { id: REPO.id, installationId: 77, fullName: REPO.full_name });
  await t.db.insertInto('deliveries').values({ id: 'twice', event: 'issue_comment.created', payload: '{}' }).execute();
  const ctx: CommandContext = {
    db: t.db,
    octokit: await app.deps.auth(77),
    log: app.deps.log,
    deliveryId: 'twice',
    repo: { id: REPO.id, owner: 'octo', name: 'app', defaultBranch: 'main' },
    issue: { number: 12, title: 'Ship', isPullRequest: false },
    author: 'alice',
    body: '/deadline 2030-01-15 One keyword=one\n/deadline 2030-01-16 Two keyword=two',
    writtenAt: new Date(),
    now: new Date(),
    config: DEFAULT_CONFIG,
    links: { publicUrl: 'https://gitdone.test', githubUrl: 'https://github.com' },
  };
  const [a, b] = await Promise.all([runCommands(ctx), runCommands(ctx)]);
  expect(a).toEqual(b);
  expect(a.outcomes.every((o) => o.ok)).toBe(true);
  const goals = await t.db.selectFrom('goals').select('keyword').orderBy('keyword').execute();
  expect(goals).toEqual([{ keyword: 'one' }, { keyword: 'two' }]);
});
