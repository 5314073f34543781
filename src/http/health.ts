import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { migrationsCurrent } from '../db/migrate.js';
import { withTimeout } from '../util/with-timeout.js';

/** How long /readyz waits for the database: a load balancer's probe must not hang with it. */
const READY_TIMEOUT_MS = 2000;

/**
 * /healthz (the process runs), /readyz (database answers, migrations current). Metrics are
 * not here: they have their own listener on METRICS_PORT (metrics-server.ts), so the public
 * port answers /metrics with 404 like any unknown path.
 */
export function healthRoutes(deps: { db: Db }) {
  const ready = readiness(deps.db);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, 'ok\n');
      return true;
    }
    if (path === '/readyz') {
      try {
        const current = await withTimeout(ready(), READY_TIMEOUT_MS);
        if (current) send(res, 200, 'ready\n');
        else send(res, 503, 'migrations pending\n');
      } catch (err) {
        // The error code helps an operator; the message may name hosts, which a public probe need not see.
        send(res, 503, `database unavailable (${(err as { code?: string }).code ?? 'no answer'})\n`);
      }
      return true;
    }
    return false;
  };
}

/**
 * Setup mode (no GitHub App yet, only Probot's setup page): the process runs, so /healthz
 * is 200; it cannot do its work, so /readyz is 503 "not configured" and a load balancer
 * sends it nothing.
 */
export function setupModeHealthRoutes() {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') send(res, 200, 'ok\n');
    else if (path === '/readyz') send(res, 503, 'not configured\n');
    else return false;
    return true;
  };
}

/**
 * True when the database answers and every migration is applied; throws when it does not
 * answer. Once current, the migrations stay current for this build: later probes only ask
 * the database to answer (Kysely's check introspects the whole catalogue).
 */
function readiness(db: Db): () => Promise<boolean> {
  let migrated = false;
  return async () => {
    await sql`select 1`.execute(db);
    migrated ||= await migrationsCurrent(db);
    return migrated;
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}
