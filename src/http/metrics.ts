import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/database.js';
import { withTimeout } from '../util/with-timeout.js';

/**
 * Prometheus metrics (prom-client: the de-facto client, with process metrics for free).
 * One registry per app instance, so tests that build several apps do not collide.
 *
 * Every label value comes from a short fixed list or from GitDone's own code (task names,
 * HTTP methods and status codes): never a repository, user, token or delivery id, so that
 * the number of series stays bounded whatever tenants send. docs/operations.md#alerts
 * says which of these to alert on.
 */

/** Events GitDone subscribes to (app.yml), those GitHub sends every app, and its first ping; anything else is "other". */
export const WEBHOOK_EVENTS = ['issue_comment', 'issues', 'pull_request', 'push', 'repository', 'installation', 'installation_repositories', 'ping'] as const;

/** The webhook event as a label value: one of WEBHOOK_EVENTS, or "other". */
export function eventLabel(name: string): string {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name) ? name : 'other';
}

/** How long a scrape waits for the database: a slow database must not hang Prometheus (or pile up queries). */
export const SCRAPE_QUERY_TIMEOUT_MS = 1000;

/** What the scrape-time gauges read: the queue and goals from the database, connections from the pools. */
export interface MetricSources {
  db: Db;
  /** By name: `main` (embeds, health), `intake` (webhooks), `worker` (jobs); startup.ts. */
  pools: Record<string, Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'>>;
  /** Logs a failed or slow scrape query (at most once a minute). */
  warn?: (err: unknown) => void;
  timeoutMs?: number;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gitdone_' });
  let sources: MetricSources | undefined;
  const counts = scrapeCounts(() => sources);
  const registers = [registry];

  const metrics = {
    registry,

    webhooksReceived: new Counter({
      name: 'gitdone_webhooks_received_total',
      help: 'Webhook deliveries whose signature checked out, by event (events GitDone does not subscribe to count as "other")',
      labelNames: ['event'],
      registers,
    }),
    webhooksRecorded: new Counter({
      name: 'gitdone_webhooks_recorded_total',
      help: 'Webhook deliveries stored with their job (or deliberately ignored) before GitDone answered 2xx, by event',
      labelNames: ['event'],
      registers,
    }),
    replyLatency: new Histogram({
      name: 'gitdone_reply_latency_seconds',
      help: 'From a command delivery being received to GitDone posting its reply on GitHub (pacing and retries included)',
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600],
      registers,
    }),

    jobs: new Counter({ name: 'gitdone_jobs_total', help: 'Jobs run, by task and outcome (ok; retry: failed, will run again; failed: failed for good)', labelNames: ['task', 'outcome'], registers }),
    jobsQueued: new Gauge({
      name: 'gitdone_jobs_queued',
      help: 'Jobs due now and not yet taken by a worker, by task (scheduled reminders count only once due); read from the database at scrape time',
      labelNames: ['task'],
      registers,
      async collect() {
        const c = await counts();
        this.reset();
        for (const [task, n] of c?.queued ?? []) this.set({ task }, n);
      },
    }),
    installationsRateLimited: new Gauge({
      name: 'gitdone_installations_rate_limited',
      help: 'Installations whose GitHub writes are paused because GitHub reported a rate limit (their jobs wait in the queue until then); read from the database at scrape time',
      registers,
      async collect() {
        const c = await counts();
        this.reset();
        if (c) this.set(c.paused);
      },
    }),
    webhookBatchSize: new Histogram({
      name: 'gitdone_webhook_batch_size',
      help: 'Deliveries committed together in one transaction (group commit, usecases/record-delivery.ts)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),

    githubRequests: new Counter({
      name: 'gitdone_github_requests_total',
      help: 'GitHub REST requests by method and final HTTP status after Octokit\'s own retries ("network": no answer)',
      labelNames: ['method', 'status'],
      registers,
    }),

    goals: new Gauge({
      name: 'gitdone_goals',
      help: 'Goals by state (active ones split into on_track, due_soon and overdue); read from the database at scrape time',
      labelNames: ['state'],
      registers,
      async collect() {
        const c = await counts();
        this.reset();
        for (const [state, n] of c?.goals ?? []) this.set({ state }, n);
      },
    }),

    notices: new Counter({ name: 'gitdone_notices_total', help: 'Comments GitDone meant to post, by kind and result', labelNames: ['kind', 'result'], registers }),
    embedRequests: new Counter({ name: 'gitdone_embed_requests_total', help: 'Embed and board requests by variant (page, json, svg, ics, shields; board_page, board_json, board_ics) and status (found, withdrawn, not_found)', labelNames: ['variant', 'status'], registers }),

    databaseUp: new Gauge({
      name: 'gitdone_database_up',
      help: 'Whether the database answered this scrape\'s query within 1 s (1) or not (0): what /readyz checks, seen from Prometheus',
      registers,
      async collect() {
        if (!sources) return;
        this.set((await counts()) ? 1 : 0);
      },
    }),

    dbPool: new Gauge({
      name: 'gitdone_db_pool_connections',
      help: 'PostgreSQL connections of this process\' pools (main, intake, worker): total open, idle, and requests waiting for one',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [name, pool] of Object.entries(sources?.pools ?? {})) {
          this.set({ pool: name, state: 'total' }, pool.totalCount);
          this.set({ pool: name, state: 'idle' }, pool.idleCount);
          this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
        }
      },
    }),

    /** Where the scrape-time gauges read from; until it is called they stay empty. */
    watch(s: MetricSources): void {
      sources = s;
    },

    /** Counts a delivery whose signature checked out (webhooks/intake.ts). */
    webhookReceived(event: string): void {
      metrics.webhooksReceived.inc({ event: eventLabel(event) });
    },

    /** Counts a delivery answered 2xx: stored with its job, or deliberately ignored (webhooks/intake.ts). */
    webhookRecorded(event: string): void {
      metrics.webhooksRecorded.inc({ event: eventLabel(event) });
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

interface Counts {
  queued: Array<[string, number]>;
  goals: Array<[string, number]>;
  /** Installations paused by a rate limit. */
  paused: number;
}

const GOAL_STATES = ['on_track', 'due_soon', 'overdue', 'completed', 'completed_late', 'cancelled'];
const TASK_NAME = /^[a-z][a-z0-9_:-]{0,62}$/;

/**
 * The database part of a scrape: one statement for the queue and the goals, shared by the
 * gauges of one scrape. Only one runs at a time: while a query hangs, scrapes get no
 * database gauges (rather than stale ones) and never stack up connections.
 */
function scrapeCounts(sources: () => MetricSources | undefined): () => Promise<Counts | undefined> {
  let running: Promise<Counts> | undefined;
  let current: Promise<Counts | undefined> | undefined;
  let lastWarned = 0;
  return () => {
    const s = sources();
    if (!s) return Promise.resolve(undefined);
    // Both gauges of one scrape share one answer.
    if (current) return current;
    running ??= queryCounts(s.db).finally(() => (running = undefined));
    current = withTimeout(running, s.timeoutMs ?? SCRAPE_QUERY_TIMEOUT_MS)
      .catch((err: unknown) => {
        if (Date.now() - lastWarned > 60_000) {
          lastWarned = Date.now();
          s.warn?.(err);
        }
        return undefined;
      })
      .finally(() => setImmediate(() => (current = undefined)));
    return current;
  };
}

/** The goal states follow goals/state.ts (due soon: less than 24 h left). */
async function queryCounts(db: Db): Promise<Counts> {
  const { rows } = await sql<{ kind: 'queued' | 'goals' | 'paused'; label: string; n: number }>`
    select 'queued' as kind, task_identifier as label, count(*)::int as n
      from graphile_worker.jobs
     where locked_at is null and run_at <= now() and attempts < max_attempts
     group by task_identifier
    union all
    select 'goals', case
             when status = 'active' and due_at <= now() then 'overdue'
             when status = 'active' and due_at < now() + interval '24 hours' then 'due_soon'
             when status = 'active' then 'on_track'
             when status = 'completed' and completed_at > due_at then 'completed_late'
             else status end, count(*)::int
      from goals group by 2
    union all
    select 'paused', '', count(*)::int from installation_pacing where paused_until > now()`.execute(db);
  const counts: Counts = { queued: [], goals: GOAL_STATES.map((s) => [s, 0]), paused: 0 };
  for (const r of rows) {
    if (r.kind === 'paused') counts.paused = r.n;
    else if (r.kind === 'queued') counts.queued.push([TASK_NAME.test(r.label) ? r.label : 'other', r.n]);
    else {
      const g = counts.goals.find(([state]) => state === r.label);
      if (g) g[1] += r.n;
    }
  }
  return counts;
}
