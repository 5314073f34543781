import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (prom-client: the de-facto client, with process metrics for free).
 * One registry per app instance, so tests that build several apps do not collide.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gitdone_' });
  return {
    registry,
    webhooksReceived: new Counter({ name: 'gitdone_webhooks_received_total', help: 'Webhook deliveries received (signature checked), by event', labelNames: ['event'], registers: [registry] }),
    jobs: new Counter({ name: 'gitdone_jobs_total', help: 'Jobs run, by task and outcome', labelNames: ['task', 'outcome'], registers: [registry] }),
    embedRequests: new Counter({ name: 'gitdone_embed_requests_total', help: 'Embed requests by variant and status', labelNames: ['variant', 'status'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
