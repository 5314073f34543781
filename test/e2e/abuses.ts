import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { rawPost } from '../helpers/raw-http.js';
import { INSTALLATION, REPO, issueComment, push } from '../fixtures/payloads.js';
import type { FakeGitHub } from '../../src/playground/fake-github.js';
import { measure, type Cost } from './probe.js';
import { waitFor, type ServerProcess } from './server.js';

/**
 * What one tenant can do to everybody (issue #8), as runnable scenarios against the real
 * process: used by test/e2e/abuse.test.ts (outcomes, loose bounds) and bench/abuse.ts
 * (the figures against their targets).
 */
export interface Target {
  server: ServerProcess;
  gh: FakeGitHub;
  db: Db;
  /** Where the server's Prometheus metrics are (for its event-loop delay). */
  metricsUrl?: string;
}

let next = 1;
const deliveryId = (tag: string) => `abuse-${tag}-${process.pid}-${Date.now()}-${next++}`;
const explain = (x: Target) => () => `${x.gh.summary()}\n${x.server.tail()}`;

/** A repository with 1,000 active goals, keywords `kw-1` … `kw-1000`. */
export async function seedThousandGoals(db: Db): Promise<void> {
  await db.insertInto('repositories').values({ id: REPO.id, installation_id: INSTALLATION.id, full_name: REPO.full_name, default_branch: 'main' }).execute();
  await sql`insert into goals (token, repo_id, issue_number, title, keyword, due_at, timezone, status, created_by)
    select 'abuse-token-' || i, ${REPO.id}, 1000 + i, 'Goal ' || i, 'kw-' || i, '2030-01-15'::timestamptz + i * interval '1 minute', 'UTC', 'active', 'alice'
    from generate_series(1, 1000) as i`.execute(db);
}

/** 1,200 `/deadline list` lines in one comment, in the repository of 1,000 goals. */
export async function listFlood(x: Target): Promise<{ cost: Cost; reply: string }> {
  const id = deliveryId('list');
  const body = JSON.stringify(issueComment({ body: Array(1200).fill('/deadline list').join('\n') }));
  const cost = await measure(
    x.server,
    async () => {
      const res = await x.server.sendWebhook('issue_comment', body, { id });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
      await waitFor('the reply', () => x.gh.repliesTo(id)[0], { timeoutMs: 60_000, explain: explain(x) });
    },
    x.metricsUrl,
  );
  return { cost, reply: x.gh.repliesTo(id)[0]!.body };
}

/** A push body of 2,048 commits × 64 KB (134 MB): more than GitHub ever sends. */
export async function hugePushBody(x: Target): Promise<{ cost: Cost; status: number }> {
  let status = 0;
  const cost = await measure(
    x.server,
    async () => {
      status = await rawPost(x.server.port, { 'content-length': String(2048 * 64 * 1024) }, 128);
    },
    x.metricsUrl,
  );
  return { cost, status };
}

/**
 * The largest push GitHub does send: 2,048 commits listed in a 24 MB payload, its history
 * going on (so the compare API is read: 2,049 commits of 64 KB messages), against the 1,000
 * goals, the last commit carrying `kw-500`.
 */
export async function biggestPush(x: Target): Promise<{ cost: Cost; completed: string[] }> {
  const before = 'b'.repeat(40);
  const after = 'c'.repeat(40);
  const filler = 'x'.repeat(11 * 1024);
  const listed = Array.from({ length: 2048 }, (_, i) => ({ message: `${filler} chore ${i}`, id: i.toString(16).padStart(40, '0') }));
  const long = 'word kw-10000 not-a-kw '.repeat(Math.floor((64 * 1024) / 23));
  x.gh.compares.set(
    `${REPO.full_name}:${before}...${after}`,
    Array.from({ length: 2049 }, (_, i) => ({ sha: (i + 1).toString(16).padStart(40, '0'), message: i === 2048 ? `${long} kw-500` : long })),
  );
  const body = JSON.stringify(push({ before, after, commits: listed })); // built before the measuring starts
  const id = deliveryId('push');
  const status = async () => (await x.db.selectFrom('goals').select('status').where('keyword', '=', 'kw-500').executeTakeFirstOrThrow()).status;
  const cost = await measure(
    x.server,
    async () => {
      const res = await x.server.sendWebhook('push', body, { id });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
      await waitFor('kw-500 completed by the last compared commit', async () => (await status()) === 'completed' || undefined, {
        timeoutMs: 150_000,
        explain: explain(x),
      });
    },
    x.metricsUrl,
  );
  const completed = (await x.db.selectFrom('goals').select('keyword').where('status', '=', 'completed').execute()).map((g) => g.keyword);
  return { cost, completed };
}

/** 50 MB with a signature that does not match. */
export async function unsignedFlood(x: Target): Promise<{ cost: Cost; status: number }> {
  let status = 0;
  const cost = await measure(
    x.server,
    async () => {
      status = await rawPost(x.server.port, { 'content-length': String(50 * 1024 * 1024), 'x-github-event': 'issue_comment' }, 50);
    },
    x.metricsUrl,
  );
  return { cost, status };
}
