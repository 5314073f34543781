import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO, issueComment, push } from '../fixtures/payloads.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/playground/fake-github.js';
import { killAll, startServer, waitFor, type ServerProcess } from './server.js';
import { COMPARE_PAGE } from '../../src/github/commits.js';

/**
 * The real process, end to end: signed webhooks over HTTP into the built `node dist/src/main.js`,
 * PostgreSQL, graphile-worker, and a fake GitHub over HTTP that the real Octokit talks to.
 */

/** Per test: each one talks to a live process and waits on its workers. */
const TEST_MS = 60_000;

let t: TestDatabase;
let gh: FakeGitHub;
let server: ServerProcess;

// Each test uses its own repository (keywords are unique per repository), so tests do
// not depend on each other's goals.
let nextRepo = 1;
const newRepo = () => {
  const n = nextRepo++;
  return { ...REPO, id: 900_000 + n, name: `app${n}`, full_name: `octo/app${n}` };
};
let nextDelivery = 1;
const newDeliveryId = (tag: string) => `e2e-${tag}-${process.pid}-${Date.now()}-${nextDelivery++}`;

const explain = () => `${gh.summary()}\n${server.tail()}`;

beforeAll(async () => {
  t = await createTestDatabase();
  gh = await startFakeGitHub();
  server = await startServer({ databaseUrl: t.url, githubHost: gh.host });
  console.log(`e2e core-loop: server ready in ${server.readyMs} ms (spawn → /readyz 200 → workers running)`);
}, 60_000);

afterAll(async () => {
  await killAll();
  await gh?.close();
  await t?.close();
});

/** Sends a /deadline comment on `repo` and waits for its reply (and +1 reaction) on the fake GitHub. */
async function createGoal(repo: ReturnType<typeof newRepo>, body: string, opts: { commentId: number; issueNumber?: number }) {
  const id = newDeliveryId('cmd');
  const payload = issueComment({ body, repo, commentId: opts.commentId, issueNumber: opts.issueNumber ?? 12 });
  const res = await server.sendWebhook('issue_comment', payload, { id });
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  const reply = await waitFor('the reply comment', () => gh.repliesTo(id)[0], { timeoutMs: 20_000, explain });
  return { id, payload, reply };
}

function embedLink(body: string): { url: string; token: string } {
  const m = new RegExp(`${server.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/embed/([A-Za-z0-9_-]+)`).exec(body);
  if (!m) throw new Error(`no embed link ${server.publicUrl}/embed/<token> in the reply:\n${body}`);
  return { url: m[0], token: m[1]! };
}

async function json(url: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

/** True when the delivery was processed and no job for it is pending or running. */
async function settled(deliveryId: string): Promise<boolean> {
  const row = await t.db.selectFrom('deliveries').select('processed_at').where('id', '=', deliveryId).executeTakeFirst();
  if (!row?.processed_at) return false;
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = ${`delivery:${deliveryId}`}`.execute(t.db);
  return rows[0]!.n === 0;
}

describe('GitDone as a process, against a fake GitHub', () => {
  test(
    'a /deadline comment → one reply with an embed link that serves the goal (HTML and JSON), and a +1 reaction',
    async () => {
      const repo = newRepo();
      const { reply } = await createGoal(repo, '/deadline 2030-01-15 17:00 Ship the beta keyword=ship-beta', { commentId: 7001 });

      expect(reply).toMatchObject({ owner: 'octo', repo: repo.name, issueNumber: 12 });
      const link = embedLink(reply.body);
      expect(link.token.length).toBeGreaterThanOrEqual(22); // ≥ 128 random bits, base64url

      const page = await fetch(link.url, { signal: AbortSignal.timeout(10_000) });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('x-frame-options')).toBeNull();
      expect(await page.text()).toContain('Ship the beta');

      const j = await json(`${link.url}.json`);
      expect(j.status).toBe(200);
      expect(j.type).toMatch(/^application\/json/);
      expect(j.body).toMatchObject({
        title: 'Ship the beta',
        repo: repo.full_name,
        issue: 12,
        keyword: 'ship-beta',
        state: 'on_track',
        status: 'active',
        due_at: '2030-01-15T17:00:00.000Z', // no tz= and no config: UTC
        timezone: 'UTC',
        commit: null,
      });

      await waitFor('the +1 reaction on the command comment', () => gh.reactions.find((r) => r.repo === repo.name && r.commentId === 7001), {
        timeoutMs: 10_000,
        explain,
      });
      expect(gh.reactions.filter((r) => r.repo === repo.name).map((r) => r.content)).toEqual(['+1']);
      // The worker only called routes this fake knows (a 404 elsewhere would be a wrong URL).
      expect(gh.unknownRequests()).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'a push to main with "Ship-Beta done" completes the goal: .json shows completed with the commit, and a completion notice is posted',
    async () => {
      const repo = newRepo();
      const { reply } = await createGoal(repo, '/deadline 2030-01-15 17:00 Ship the beta keyword=ship-beta', { commentId: 7002 });
      const link = embedLink(reply.body);

      const sha = 'd'.repeat(40);
      const id = newDeliveryId('push');
      const res = await server.sendWebhook(
        'push',
        push({ repo, ref: 'refs/heads/main', commits: [{ message: 'chore: tidy' }, { message: 'Ship-Beta done', id: sha, username: 'bob' }] }),
        { id },
      );
      expect(res.status).toBe(200);

      const done = await waitFor(
        'the goal to show completed',
        async () => {
          const j = await json(`${link.url}.json`);
          return j.body.status === 'completed' ? j.body : undefined;
        },
        { timeoutMs: 20_000, explain },
      );
      expect(done).toMatchObject({ status: 'completed', state: 'completed', keyword: 'ship-beta' });
      expect(done.commit).toMatchObject({ sha, author: 'bob' });
      expect(typeof done.completed_at).toBe('string');

      const notice = await waitFor(
        'the completion notice',
        () => gh.comments.find((c) => c.repo === repo.name && /<!-- gitdone:goal:\d+:completed [0-9a-f]{32} -->/.test(c.body)),
        { timeoutMs: 20_000, explain },
      );
      expect(notice.issueNumber).toBe(12);
      expect(notice.body).toContain(sha.slice(0, 7));
      await waitFor('the push delivery to settle', () => settled(id), { timeoutMs: 10_000, explain });
      expect(gh.comments.filter((c) => c.repo === repo.name)).toHaveLength(2); // the reply and the notice, once each
    },
    TEST_MS,
  );

  test(
    'a push whose payload lists 2048 commits: the keyword commit is found through the paginated compare API',
    async () => {
      const repo = newRepo();
      const { reply } = await createGoal(repo, '/deadline 2030-01-15 Ship the gamma keyword=ship-gamma', { commentId: 7003 });
      const link = embedLink(reply.body);

      const before = '1'.repeat(40);
      const after = '2'.repeat(40);
      const listed = Array.from({ length: 2048 }, (_, i) => ({ message: `chore ${i}`, id: i.toString(16).padStart(40, '0') }));
      const total = 2150;
      const keywordSha = 'e'.repeat(40);
      gh.compares.set(
        `octo/${repo.name}:${before}...${after}`,
        Array.from({ length: total }, (_, i) =>
          i === total - 1
            ? { sha: keywordSha, message: 'finally: ship-gamma', login: 'carol' }
            : { sha: `${i.toString(16).padStart(39, '0')}f`, message: `chore ${i}` },
        ),
      );
      const id = newDeliveryId('bigpush');
      const res = await server.sendWebhook('push', push({ repo, before, after, commits: listed }), { id });
      expect(res.status).toBe(200);

      const done = await waitFor(
        'the goal to be completed by the last compared commit',
        async () => {
          const j = await json(`${link.url}.json`);
          return j.body.status === 'completed' ? j.body : undefined;
        },
        { timeoutMs: 30_000, explain },
      );
      expect(done.commit).toMatchObject({ sha: keywordSha, author: 'carol' });
      const pages = gh.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/repos/octo/${repo.name}/compare/`)).map((r) => Number(r.query.page ?? 1));
      expect(Math.max(...pages)).toBe(Math.ceil(total / COMPARE_PAGE)); // followed the pages to the end
    },
    TEST_MS,
  );

  test(
    'the same delivery id sent twice (GitHub redelivery) → one goal and one reply',
    async () => {
      const repo = newRepo();
      const id = newDeliveryId('dup');
      const payload = issueComment({ body: '/deadline 2030-02-01 Twice told keyword=twice', repo, commentId: 7004 });
      const first = await server.sendWebhook('issue_comment', payload, { id });
      const second = await server.sendWebhook('issue_comment', payload, { id });
      // and once more, concurrently with a third copy
      const [third, fourth] = await Promise.all([
        server.sendWebhook('issue_comment', payload, { id }),
        server.sendWebhook('issue_comment', payload, { id }),
      ]);
      for (const r of [first, second, third, fourth]) expect(r.status).toBe(200);

      await waitFor('the reply', () => gh.repliesTo(id)[0], { timeoutMs: 20_000, explain });
      await waitFor('the delivery to settle', () => settled(id), { timeoutMs: 10_000, explain });
      await new Promise((r) => setTimeout(r, 500)); // room for a wrongly queued second job to show

      expect(gh.repliesTo(id)).toHaveLength(1);
      expect(gh.comments.filter((c) => c.repo === repo.name)).toHaveLength(1);
      const goals = await t.db.selectFrom('goals').select(['keyword', 'status']).where('repo_id', '=', repo.id).execute();
      expect(goals).toEqual([{ keyword: 'twice', status: 'active' }]);
      const deliveries = await t.db.selectFrom('deliveries').select('id').where('id', '=', id).execute();
      expect(deliveries).toHaveLength(1);
    },
    TEST_MS,
  );

  test(
    'a bad signature (or none) → 4xx, and nothing is stored or sent',
    async () => {
      const repo = newRepo();
      const payload = issueComment({ body: '/deadline 2030-02-01 Forged keyword=forged', repo, commentId: 7005 });
      const requestsBefore = gh.requests.length;
      const wrongSecret = newDeliveryId('badsig');
      const noSignature = newDeliveryId('nosig');
      const tampered = newDeliveryId('tampered');

      const r1 = await server.sendWebhook('issue_comment', payload, { id: wrongSecret, secret: 'not-the-secret' });
      const r2 = await server.sendWebhook('issue_comment', payload, { id: noSignature, signature: null });
      const r3 = await server.sendWebhook('issue_comment', payload, { id: tampered, signature: `sha256=${'0'.repeat(64)}` });
      for (const r of [r1, r2, r3]) {
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }

      await new Promise((r) => setTimeout(r, 1000)); // a job, had one been queued, would have run by now
      const ids = [wrongSecret, noSignature, tampered];
      expect(await t.db.selectFrom('deliveries').select('id').where('id', 'in', ids).execute()).toEqual([]);
      expect(await t.db.selectFrom('goals').select('id').where('repo_id', '=', repo.id).execute()).toEqual([]);
      expect(await t.db.selectFrom('repositories').select('id').where('id', '=', repo.id).execute()).toEqual([]);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = any(${ids.map((i) => `delivery:${i}`)})`.execute(t.db);
      expect(rows[0]!.n).toBe(0);
      expect(gh.requests.slice(requestsBefore).filter((r) => r.path.includes(`/${repo.name}/`))).toEqual([]);
    },
    TEST_MS,
  );

  test(
    '/healthz and /readyz answer 200; an unknown token is a 404 (HTML for the page, JSON for .json)',
    async () => {
      const health = await server.get('/healthz');
      expect(health.status).toBe(200);
      const ready = await server.get('/readyz');
      expect(ready.status).toBe(200);

      const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
      const page = await server.get(`/embed/${unknown}`);
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/<html/i);

      const j = await server.get(`/embed/${unknown}.json`);
      expect(j.status).toBe(404);
      expect(j.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await j.json()).toMatchObject({ error: expect.any(String) });

      const garbage = await server.get('/embed/not a token!.json');
      expect(garbage.status).toBe(404);
    },
    TEST_MS,
  );
});

describe('metrics after the scenarios above (goals created, pushes, embeds viewed)', () => {
  test(
    'METRICS_PORT serves them; the public port answers 404; no label names a repository, token or delivery id',
    async () => {
      expect((await server.get('/metrics')).status).toBe(404);
      const res = await fetch(server.metricsUrl, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^gitdone_webhooks_received_total\{event="issue_comment"\} [1-9]/m);
      expect(text).toMatch(/^gitdone_webhooks_received_total\{event="push"\} [1-9]/m);
      expect(text).toMatch(/^gitdone_github_requests_total\{method="POST",status="201"\} [1-9]/m);
      expect(text).toMatch(/^gitdone_goals\{state="completed"\} [1-9]/m);
      expect(text).toMatch(/^gitdone_embed_requests_total\{variant="json",status="found"\} [1-9]/m);
      expect(text).toMatch(/^gitdone_db_pool_connections\{pool="intake",state="total"\} [1-9]/m);

      const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]!);
      const tokens = (await t.db.selectFrom('goals').select('token').execute()).map((g) => g.token);
      const repos = (await t.db.selectFrom('repositories').select('full_name').execute()).flatMap((r) => [r.full_name, r.full_name.split('/')[1]!]);
      const deliveries = (await t.db.selectFrom('deliveries').select('id').execute()).map((d) => d.id);
      expect(tokens.length * repos.length * deliveries.length).toBeGreaterThan(0);
      const leaks = labelValues.filter((v) => [...tokens, ...repos, ...deliveries].some((secret) => v.includes(secret)) || v.startsWith('e2e-'));
      expect(leaks).toEqual([]);
      expect(new Set(labelValues).size).toBeLessThan(200); // bounded, whatever the tenants did
    },
    TEST_MS,
  );
});

describe('shutdown', () => {
  test(
    'SIGTERM → the process stops taking requests and exits 0 within a few seconds',
    async () => {
      const exit = await server.stop(10_000);
      expect({ code: exit.code, signal: exit.signal, forced: exit.forced }).toEqual({ code: 0, signal: null, forced: false });
      expect(exit.ms).toBeLessThan(5000);
      expect(server.logged('stopped').length).toBeGreaterThan(0);
      await expect(server.get('/healthz', { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    },
    TEST_MS,
  );
});
