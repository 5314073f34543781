/** /healthz and /readyz over real HTTP, against a live, a dead, a hung and an unmigrated database; no /metrics there. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { openDatabase, type DbHandle } from '../../../src/db/database.js';
import { healthRoutes } from '../../../src/http/health.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server running healthRoutes on `handle`'s database, 404 for anything it does not answer. */
async function serve(handle: Pick<DbHandle, 'db'>) {
  const routes = healthRoutes({ db: handle.db });
  const server = http.createServer(async (req, res) => {
    if (!(await routes(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const request = (path: string, method = 'GET') =>
    new Promise<Reply>((resolve, reject) => {
      http
        .request({ host: '127.0.0.1', port, path, method }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        })
        .on('error', reject)
        .end();
    });
  return { request, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestDatabase;
let live: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  t = await createTestDatabase();
  live = await serve(t);
});
afterAll(async () => {
  await live.close();
  await t.close();
});

describe('/healthz', () => {
  test('200 while the process runs, GET and HEAD', async () => {
    const r = await live.request('/healthz');
    expect(r).toMatchObject({ status: 200, body: 'ok\n' });
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await live.request('/healthz', 'HEAD')).status).toBe(200);
  });

  test('other paths and methods are left to the next handler', async () => {
    expect((await live.request('/healthz', 'POST')).status).toBe(404);
    expect((await live.request('/healthzz')).status).toBe(404);
  });
});

describe('/readyz', () => {
  test('200 on a live, migrated database', async () => {
    expect(await live.request('/readyz?probe=1')).toMatchObject({ status: 200, body: 'ready\n' });
  });

  test('503 when the database refuses connections', async () => {
    const dead = openDatabase('postgres://postgres@127.0.0.1:1/x', { max: 1 });
    const s = await serve(dead);
    try {
      const r = await s.request('/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toBe('database unavailable (ECONNREFUSED)\n');
      expect(r.headers['cache-control']).toBe('no-store');
    } finally {
      await s.close();
      await dead.close();
    }
  });

  test('503 within the timeout when the database accepts but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)); // takes the connection, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hung = openDatabase(`postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/x`, { max: 1 });
    const s = await serve(hung);
    try {
      const started = Date.now();
      const r = await s.request('/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toBe('database unavailable (no answer)\n');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await s.close();
      for (const socket of sockets) socket.destroy(); // the pending connect fails, so the pool can end
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      await hung.close();
    }
  });

  test('503 while a migration is pending (a process starting on an unmigrated database), 200 once applied', async () => {
    const fresh = await serve(t); // readiness remembers "migrated" once seen, so a new process
    const last = await t.db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .orderBy('name' as never, 'desc')
      .executeTakeFirstOrThrow();
    const { name } = last as { name: string };
    await t.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', name as never).execute();
    try {
      expect(await fresh.request('/readyz')).toMatchObject({ status: 503, body: 'migrations pending\n' });
    } finally {
      await t.db.insertInto('kysely_migration' as never).values(last as never).execute();
    }
    expect((await fresh.request('/readyz')).status).toBe(200);
    await fresh.close();
  });
});

describe('/metrics', () => {
  test('is not among the public routes (it has its own listener on METRICS_PORT)', async () => {
    expect((await live.request('/metrics')).status).toBe(404);
  });
});
