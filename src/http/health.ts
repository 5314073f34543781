import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { migrationsCurrent } from '../db/migrate.js';
import type { Metrics } from './metrics.js';

/** /healthz (the process runs), /readyz (database answers, migrations current), /metrics. */
export function healthRoutes(deps: { db: Db; metrics: Metrics }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, 'ok\n');
      return true;
    }
    if (path === '/readyz') {
      try {
        await withTimeout(sql`select 1`.execute(deps.db), 2000);
        if (!(await migrationsCurrent(deps.db))) {
          send(res, 503, 'migrations pending\n');
          return true;
        }
        send(res, 200, 'ready\n');
      } catch (err) {
        send(res, 503, `database unavailable: ${(err as Error).message}\n`);
      }
      return true;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(await deps.metrics.registry.metrics());
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
