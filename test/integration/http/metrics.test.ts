/** The metrics listener (METRICS_PORT) over real HTTP: every metric GitDone exports, the scrape-time gauges, a hung database. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net, { type AddressInfo } from 'node:net';
import { sql } from 'kysely';
import nock from 'nock';
import { Octokit } from '@octokit/rest';
import { openDatabase } from '../../../src/db/database.js';
import { createMetrics, eventLabel, SCRAPE_QUERY_TIMEOUT_MS } from '../../../src/http/metrics.js';
import { startMetricsServer } from '../../../src/http/metrics-server.js';
import { countGitHubRequests } from '../../../src/telemetry/github-requests.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

/** Every metric docs/operations.md#alerts and deploy/kubernetes/alerts may name. */
const GITDONE_METRICS = [
  'gitdone_webhooks_received_total',
  'gitdone_webhooks_recorded_total',
  'gitdone_reply_latency_seconds',
  'gitdone_jobs_total',
  'gitdone_jobs_queued',
  'gitdone_installations_rate_limited',
  'gitdone_webhook_batch_size',
  'gitdone_github_requests_total',
  'gitdone_goals',
  'gitdone_notices_total',
  'gitdone_embed_requests_total',
  'gitdone_db_pool_connections',
  'gitdone_database_up',
];

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

async function listen(metrics: ReturnType<typeof createMetrics>) {
  const listener = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${listener.port}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  return { get, close: listener.close };
}

/** `name{labels} value` lines of a scrape, as { 'name{labels}': value }. */
function samples(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe('the metrics listener', () => {
  test('serves every GitDone metric with its help text, the process metrics, and 404 elsewhere', async () => {
    const metrics = createMetrics();
    metrics.watch({ db: t.db, pools: { main: t.pool } });
    const s = await listen(metrics);
    try {
      const r = await s.get('/metrics');
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of GITDONE_METRICS) expect(r.body).toMatch(new RegExp(`^# HELP ${name} \\S.{20,}$`, 'm'));
      expect(r.body).toMatch(/^gitdone_nodejs_eventloop_lag_p99_seconds \d/m);
      expect(r.body).toMatch(/^gitdone_process_resident_memory_bytes \d/m);
      expect((await s.get('/')).status).toBe(404);
      expect((await s.get('/healthz')).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  test('goals by state and due jobs by task are read from the database at scrape time; the pool from pg', async () => {
    await t.db.insertInto('repositories').values({ id: 1, installation_id: 1, full_name: 'octo/metrics-secret-name' }).execute();
    const now = Date.now();
    const hours = (h: number) => new Date(now + h * 3_600_000);
    const goal = (token: string, status: 'active' | 'completed' | 'cancelled', dueAt: Date, completedAt: Date | null = null) => ({
      token, repo_id: 1, issue_number: 1, is_pull_request: false, title: 't', keyword: token, due_at: dueAt, timezone: 'UTC', status, created_by: 'u', completed_at: completedAt,
    });
    await t.db
      .insertInto('goals')
      .values([
        goal('far1', 'active', hours(48)),
        goal('far2', 'active', hours(100)),
        goal('soon', 'active', hours(2)),
        goal('late', 'active', hours(-1)),
        goal('done', 'completed', hours(5), hours(1)),
        goal('donelate', 'completed', hours(-5), hours(-1)),
        goal('gone', 'cancelled', hours(5)),
      ])
      .execute();
    // One installation paused by a rate limit now, one whose pause is over.
    await t.db.insertInto('installation_pacing').values([{ installation_id: 1, next_write_at: hours(1), paused_until: hours(1) }, { installation_id: 2, next_write_at: hours(-1), paused_until: hours(-1) }]).execute();
    for (const [task, runAt] of [['process-delivery', null], ['process-delivery', null], ['send-notice', null], ['send-notice', hours(5)]] as const) {
      await sql`select graphile_worker.add_job(${task}, '{}'::json, run_at => ${runAt}::timestamptz)`.execute(t.db);
    }
    const metrics = createMetrics();
    metrics.watch({ db: t.db, pools: { main: { totalCount: 3, idleCount: 2, waitingCount: 1 }, intake: { totalCount: 1, idleCount: 1, waitingCount: 0 } } });
    const s = await listen(metrics);
    try {
      const got = samples((await s.get('/metrics')).body);
      expect(got).toMatchObject({
        'gitdone_goals{state="on_track"}': 2,
        'gitdone_goals{state="due_soon"}': 1,
        'gitdone_goals{state="overdue"}': 1,
        'gitdone_goals{state="completed"}': 1,
        'gitdone_goals{state="completed_late"}': 1,
        'gitdone_goals{state="cancelled"}': 1,
        'gitdone_jobs_queued{task="process-delivery"}': 2,
        'gitdone_jobs_queued{task="send-notice"}': 1, // the other one is scheduled for later
        'gitdone_db_pool_connections{pool="main",state="total"}': 3,
        'gitdone_db_pool_connections{pool="main",state="idle"}': 2,
        'gitdone_db_pool_connections{pool="main",state="waiting"}': 1,
        'gitdone_db_pool_connections{pool="intake",state="total"}': 1,
        gitdone_installations_rate_limited: 1,
        gitdone_database_up: 1,
      });
    } finally {
      await s.close();
      await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    }
  });

  test('a database that never answers does not hang a scrape, and scrapes do not pile up queries on it', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)); // takes the connection, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hung = openDatabase(`postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/x`, { max: 5 });
    const metrics = createMetrics();
    const warnings: unknown[] = [];
    metrics.watch({ db: hung.db, pools: { main: hung.pool }, warn: (err) => warnings.push(err) });
    const s = await listen(metrics);
    try {
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const r = await s.get('/metrics');
        const ms = Date.now() - started;
        expect(r.status).toBe(200);
        expect(ms).toBeLessThan(2000);
        expect(ms).toBeGreaterThanOrEqual(SCRAPE_QUERY_TIMEOUT_MS - 50);
        expect(r.body).not.toMatch(/^gitdone_goals\{/m); // left out rather than stale
        expect(r.body).toMatch(/^gitdone_database_up 0$/m);
        expect(r.body).toMatch(/^gitdone_db_pool_connections\{pool="main",state="waiting"\} 0$/m);
      }
      expect(hung.pool.totalCount).toBe(1); // one query in flight, not three
      expect(warnings).toHaveLength(1); // logged once a minute at most
    } finally {
      await s.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await hung.close();
    }
  });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('label values stay bounded', () => {
  test('webhook events outside the subscribed ones are "other"', () => {
    expect(['push', 'issue_comment', 'installation_repositories', 'ping'].map(eventLabel)).toEqual(['push', 'issue_comment', 'installation_repositories', 'ping']);
    expect(['octo/app', 'star', 'projects_v2_item', ''].map(eventLabel)).toEqual(['other', 'other', 'other', 'other']);
  });

  test('GitHub requests by method and final status, "network" without one, each Octokit hooked once', async () => {
    const metrics = createMetrics();
    const octokit = countGitHubRequests(new Octokit({ baseUrl: 'https://api.github.test', request: { retries: 0 }, log: quiet }), metrics.githubRequests);
    countGitHubRequests(octokit, metrics.githubRequests); // again: still counted once
    nock.disableNetConnect();
    try {
      nock('https://api.github.test')
        .get('/repos/octo/secret-repo').reply(200, {})
        .post('/repos/octo/secret-repo/issues/1/comments').reply(502, { message: 'bad gateway' })
        .get('/repos/octo/secret-repo/issues/2').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      await octokit.request('GET /repos/{owner}/{repo}', { owner: 'octo', repo: 'secret-repo' });
      await expect(octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'octo', repo: 'secret-repo', issue_number: 1, body: 'x' })).rejects.toThrow();
      await expect(octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: 'octo', repo: 'secret-repo', issue_number: 2 })).rejects.toThrow();
      const text = await metrics.registry.metrics();
      expect(samples(text)).toMatchObject({
        'gitdone_github_requests_total{method="GET",status="200"}': 1,
        'gitdone_github_requests_total{method="POST",status="502"}': 1,
        'gitdone_github_requests_total{method="GET",status="network"}': 1,
      });
      expect(text).not.toContain('secret-repo');
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
