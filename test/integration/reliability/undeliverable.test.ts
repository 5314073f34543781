import { expect, test } from '@jest/globals';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { deliveryId, issueComment } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;
useTestApp({}, (env) => ({ t, app } = env));

test.each([
  ['the issue is gone', 404, {}],
  ['the issue is locked', 403, { 'x-ratelimit-remaining': '4000' }],
])('%s: the command is carried out, the reply is settled unposted, and the job is not retried for days', async (_why, status, headers) => {
  nock(API).post(/\/issues\/\d+\/comments/).reply(status, { message: 'no' }, headers);
  mockGitHub();
  const id = deliveryId();
  await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship' }) as never });
  await app.runJobs();
  expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'ship' }]);
  expect((await t.db.selectFrom('deliveries').select('processed_at').where('id', '=', id).executeTakeFirstOrThrow()).processed_at).not.toBeNull();
  const notice = await t.db.selectFrom('notices').selectAll().where('key', '=', `reply:${id}`).executeTakeFirstOrThrow();
  expect(notice).toMatchObject({ comment_id: null });
  expect(notice.posted_at).not.toBeNull();
  const { rows } = await t.pool.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process-delivery'");
  expect(rows[0].n).toBe(0);
  expect(app.logs.some((l) => l.level === 40 && l.deliveryId === id && String(l.msg).includes('refuses the reply for good'))).toBe(true);
});

test('a rate-limited 403 is not final: the job waits for the time GitHub gives, unspent (test/integration/scale/pacing.test.ts)', async () => {
  nock(API).post(/\/issues\/\d+\/comments/).reply(403, { message: 'secondary rate limit' }, { 'retry-after': '60' });
  mockGitHub();
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body: '/deadline 2030-01-15 Ship keyword=ship' }) as never });
  await app.runJobs();
  const { rows } = await t.pool.query("select attempts, run_at > now() + interval '50 seconds' as later from graphile_worker.jobs where task_identifier = 'process-delivery'");
  expect(rows).toEqual([{ attempts: 0, later: true }]);
});
