import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO, issueComment } from '../fixtures/payloads.js';
import { deliveryTraceIds } from '../../src/telemetry/delivery-trace.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/playground/fake-github.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { killAll, startServer, waitFor, type ServerProcess } from './server.js';

/**
 * OpenTelemetry against the real process: with OTEL_EXPORTER_OTLP_ENDPOINT, one webhook's
 * HTTP request, its SQL, the job that acts on it and that job's GitHub call share one trace,
 * exported to an OTLP receiver, and the job's log lines carry that trace id. Without it, no
 * OpenTelemetry SDK or instrumentation module is loaded (test/e2e/module-watch.mjs reports
 * every one); only the no-op API, which prom-client loads whenever it is installed.
 */

let t: TestDatabase;
let t2: TestDatabase; // each server its own database: a shared queue would let either run the other's jobs
let gh: FakeGitHub;
let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
let traced: ServerProcess;
let plain: ServerProcess;

beforeAll(async () => {
  [t, t2] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  gh = await startFakeGitHub();
  otlp = await startOtlpReceiver();
  [traced, plain] = await Promise.all([
    startServer({ databaseUrl: t.url, githubHost: gh.host, watchModules: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100' } }),
    // SENTRY_DSN too: GitDone ignores it (saying so) rather than fetch @sentry/node with npx.
    // And no METRICS_PORT: no metrics listener.
    startServer({ databaseUrl: t2.url, githubHost: gh.host, watchModules: true, env: { SENTRY_DSN: 'https://public@sentry.invalid/1', METRICS_PORT: undefined } }),
  ]);
}, 60_000);

afterAll(async () => {
  await killAll();
  await gh?.close();
  await otlp?.close();
  await t?.close();
  await t2?.close();
});

/** OpenTelemetry modules the process loaded, but the no-op API itself (prom-client loads it, for exemplars, whenever it is installed). */
const loadedOtel = (s: ServerProcess) =>
  s.lines.filter((l) => l.includes('[e2e] module loaded:') && l.includes('@opentelemetry/') && !/@opentelemetry\/api(\/|$)/.test(l));

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  test('one webhook: its request, SQL, job and GitHub call share one trace; the job logs its trace id; no embed token is exported', async () => {
    const repo = { ...REPO, id: 990_001, name: 'traced', full_name: 'octo/traced' };
    const id = `e2e-trace-${process.pid}-${Date.now()}`;
    const res = await traced.sendWebhook('issue_comment', issueComment({ body: '/deadline 2030-01-15 Trace me keyword=trace-me', repo, commentId: 8001 }), { id });
    expect(res.status).toBe(200);
    const reply = await waitFor('the reply', () => gh.repliesTo(id)[0], { timeoutMs: 20_000, explain: () => traced.tail() });
    const token = /\/embed\/([A-Za-z0-9_-]+)/.exec(reply.body)![1]!;
    expect((await traced.get(`/embed/${token}.json`)).status).toBe(200);

    const { traceId, spanId: deliverySpan } = deliveryTraceIds(id);
    const explain = () => JSON.stringify(otlp.spans.map((s) => [s.traceId.slice(0, 8), s.kind, s.name]), null, 0);
    const inTrace = () => otlp.spans.filter((s) => s.traceId === traceId);
    const job = await waitFor('the job span', () => inTrace().find((s) => s.name === 'job process-delivery'), { timeoutMs: 15_000, explain });
    const request = inTrace().find((s) => s.kind === 2 && s.attributes['http.route'] === undefined && String(s.attributes['url.path'] ?? s.attributes['http.target']).startsWith('/api/github/webhooks'));
    expect(request).toBeDefined();
    expect(request!.parentSpanId).toBe(deliverySpan); // GitHub sends no context: the delivery is the trace
    expect(job.parentSpanId).toBe(deliverySpan);
    expect(job.attributes['gitdone.delivery_id']).toBe(id);

    const sql = inTrace().filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
    expect(sql.some((s) => s.parentSpanId === request!.spanId)).toBe(true); // recorded while the request waited
    const github = await waitFor(
      'the GitHub comment call in the trace',
      () => inTrace().find((s) => s.kind === 3 && String(s.attributes['url.full']).includes('/repos/octo/traced/issues/12/comments')),
      { timeoutMs: 10_000, explain },
    );
    const ancestors = (span: { parentSpanId: string }): string[] => {
      const parent = inTrace().find((s) => s.spanId === span.parentSpanId);
      return parent ? [parent.spanId, ...ancestors(parent)] : [];
    };
    expect(ancestors(github)).toContain(job.spanId);
    expect(sql.some((s) => ancestors(s).includes(job.spanId))).toBe(true);
    expect(new Set(inTrace().map((s) => s.service))).toEqual(new Set(['gitdone']));

    const jobLogs = traced.logs.filter((l) => l.trace_id === traceId && l.span_id !== undefined);
    expect(jobLogs.length).toBeGreaterThan(0);

    await waitFor('the embed request span', () => otlp.spans.find((s) => s.kind === 2 && s.name.includes('GET')), { timeoutMs: 10_000, explain });
    await new Promise((r) => setTimeout(r, 300)); // one more export round
    expect(JSON.stringify(otlp.spans)).not.toContain(token);
    expect(loadedOtel(traced).length).toBeGreaterThan(0); // the watcher does see them when they load
  }, 60_000);
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  test('no OpenTelemetry module is loaded, and log lines carry no trace id; SENTRY_DSN is ignored, saying so; no METRICS_PORT, no listener', async () => {
    const id = `e2e-untraced-${process.pid}-${Date.now()}`;
    const repo = { ...REPO, id: 990_002, name: 'plain', full_name: 'octo/plain' };
    expect((await plain.sendWebhook('issue_comment', issueComment({ body: '/deadline 2030-01-15 Plain keyword=plain', repo, commentId: 8002 }), { id })).status).toBe(200);
    await waitFor('the reply', () => gh.repliesTo(id)[0], { timeoutMs: 20_000, explain: () => plain.tail() });
    expect(loadedOtel(plain)).toEqual([]);
    expect(plain.logs.filter((l) => 'trace_id' in l)).toEqual([]);
    expect(plain.lines.filter((l) => l.includes('[e2e] module loaded:') && l.includes('@sentry/'))).toEqual([]);
    expect(plain.logged('SENTRY_DSN is set, but GitDone sends no errors to Sentry')).toHaveLength(1);
    expect(plain.metricsPort).toBeUndefined();
    expect(plain.logged('metrics at /metrics')).toEqual([]);
    expect(traced.logged('metrics at /metrics')).toHaveLength(1);
  }, 60_000);
});
