import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * The Prometheus listener on METRICS_PORT: `GET /metrics` and nothing else, apart from the
 * public port so that no Ingress or proxy in front of GitDone ever exposes it.
 *
 * It listens on every interface (Node's default: `::`, IPv4 included, or 0.0.0.0 without
 * IPv6), whatever HOST says: Prometheus scrapes the pod's address from another pod, and HOST
 * may well be 127.0.0.1 behind a sidecar. What keeps it off the internet is that only the
 * cluster-internal metrics Service routes to it (deploy/kubernetes) and nothing publishes
 * the port in compose; and the metrics name no repository, user or token.
 */
export async function startMetricsServer(o: { port: number; registry: Registry; host?: string }): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return send(res, 404, 'not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET /metrics\n', { allow: 'GET, HEAD' });
    o.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': o.registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => send(res, 500, `metrics failed: ${(err as Error)?.message ?? String(err)}\n`),
    );
  });
  // A scraper that keeps its connection open must not hold up shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function send(res: import('node:http').ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}
