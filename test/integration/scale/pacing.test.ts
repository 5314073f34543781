import { expect, test } from '@jest/globals';
import nock from 'nock';
import { sql } from 'kysely';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { queued, reschedule } from '../../helpers/queue.js';
import { deliveryId, issueComment, REPO } from '../../fixtures/payloads.js';

/**
 * One installation's comments are spaced out, and a rate limit GitHub reports pauses that
 * installation alone, without either holding a worker slot (issue #11): the job goes back
 * to its installation's queue for later, its commands already carried out.
 */
let t: TestDatabase;
let app: TestApp;
useTestApp({ commentGapMs: 3000 }, (env) => ({ t, app } = env));

const OTHER = { repo: { ...REPO, id: 5151, name: 'other', full_name: 'acme/other', owner: { login: 'acme', type: 'Organization' } }, installationId: 88 };

async function say(body: string, o: Parameters<typeof issueComment>[0] extends infer P ? Partial<P> : never = {}): Promise<string> {
  const id = deliveryId();
  await app.probot.receive({ id, name: 'issue_comment', payload: issueComment({ body, ...o }) as never });
  return id;
}

async function deliveryJobs() {
  return (await queued(t.db, 'delivery:%')).map((j) => ({ ...j, payload: j.payload as { deliveryId: string; pacedAt?: string } }));
}

async function dbNow(): Promise<number> {
  return (await sql<{ now: Date }>`select now() as now`.execute(t.db)).rows[0]!.now.getTime();
}

function mockOtherInstallation() {
  nock(API).persist().post('/app/installations/88/access_tokens').reply(201, { token: 'other-token', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
}

test('a second comment within 3 s waits in its queue for a reserved time, its command carried out at once', async () => {
  const gh = mockGitHub();
  await say('/deadline 2030-01-15 One keyword=one', { commentId: 1 });
  const second = await say('/deadline 2030-01-15 Two keyword=two', { commentId: 2, issueNumber: 13 });
  await app.runJobs();

  expect(gh.comments).toHaveLength(1);
  expect((await t.db.selectFrom('goals').select('keyword').orderBy('keyword').execute()).map((g) => g.keyword)).toEqual(['one', 'two']);
  const [job, ...rest] = await deliveryJobs();
  expect(rest).toEqual([]);
  expect(job!.payload.deliveryId).toBe(second);
  expect(job!.attempts).toBe(0); // waiting is not failing
  const slot = new Date(job!.payload.pacedAt!).getTime();
  expect(job!.run_at.getTime()).toBe(slot);
  const now = await dbNow();
  expect(slot - now).toBeGreaterThan(1000);
  expect(slot - now).toBeLessThanOrEqual(3000);
  // The deferred attempt wrote nothing (no notice, no claim): the next one is its first attempt
  // and need not look for its comment on the issue.
  expect(await t.db.selectFrom('notices').select('key').where('key', '=', `reply:${second}`).execute()).toEqual([]);

  // Run early, it goes back to wait again for the same time.
  const before = await t.db.selectFrom('installation_pacing').selectAll().executeTakeFirstOrThrow();
  await reschedule(t.db, 'delivery:%');
  await app.runJobs();
  expect(gh.comments).toHaveLength(1);
  expect((await deliveryJobs()).map((j) => [j.payload.pacedAt, j.run_at.getTime()])).toEqual([[job!.payload.pacedAt, slot]]);
  // Within a second of its time, it waits the rest in its slot and posts on the time it
  // reserved, without reserving another.
  const early = slot - (await dbNow()) - 500;
  await new Promise((r) => setTimeout(r, early));
  await reschedule(t.db, 'delivery:%');
  await app.runJobs();
  expect(gh.comments).toHaveLength(2);
  expect(gh.comments[1]!.body).toContain('two');
  expect(await t.db.selectFrom('installation_pacing').selectAll().executeTakeFirstOrThrow()).toEqual(before);
  expect(await deliveryJobs()).toEqual([]);
});

test('another installation is not held up by the first one’s pacing', async () => {
  const gh = mockGitHub();
  mockOtherInstallation();
  for (let i = 0; i < 3; i++) await say(`/deadline 2030-01-15 Ours ${i} keyword=ours-${i}`, { commentId: 10 + i, issueNumber: 20 + i });
  await say('/deadline 2030-01-15 Theirs keyword=theirs', { commentId: 99, ...OTHER });
  await app.runJobs();
  const replied = gh.comments.map((c) => (c.body.includes('theirs') ? 'theirs' : 'ours'));
  expect(replied.sort()).toEqual(['ours', 'theirs']);
  expect((await deliveryJobs()).map((j) => j.payload.pacedAt !== undefined)).toEqual([true, true]);
});

test('a rate limit pauses that installation alone until GitHub allows it; its next job waits too, without asking GitHub', async () => {
  nock(API).post(/\/issues\/\d+\/comments/).reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '120' });
  const gh = mockGitHub();
  mockOtherInstallation();
  const first = await say('/deadline 2030-01-15 One keyword=one', { commentId: 1 });
  await app.runJobs();

  const [job] = await deliveryJobs();
  expect(job).toMatchObject({ attempts: 0, payload: { deliveryId: first } });
  const pause = await t.db.selectFrom('installation_pacing').select('paused_until').executeTakeFirstOrThrow();
  const now = await dbNow();
  expect(pause.paused_until!.getTime() - now).toBeGreaterThan(110_000);
  expect(Math.abs(job!.run_at.getTime() - pause.paused_until!.getTime())).toBeLessThan(2_000);
  expect(app.logs.some((l) => l.level === 40 && l.msg === 'job deferred' && l.reason === 'rate_limit')).toBe(true);

  // The same installation's next comment: carried out, its reply deferred to the pause's end (no POST tried).
  const second = await say('/deadline 2030-01-15 Two keyword=two', { commentId: 2, issueNumber: 13 });
  // Another installation: answered at once.
  await say('/deadline 2030-01-15 Theirs keyword=theirs', { commentId: 99, ...OTHER });
  await app.runJobs();
  expect(gh.comments.map((c) => c.body.includes('theirs'))).toEqual([true]);
  expect(await t.db.selectFrom('goals').select('keyword').where('keyword', '=', 'two').execute()).toHaveLength(1);
  const waiting = (await deliveryJobs()).find((j) => j.payload.deliveryId === second)!;
  expect(waiting.run_at.getTime()).toBeGreaterThanOrEqual(pause.paused_until!.getTime());
  expect(waiting.attempts).toBe(0);
});
