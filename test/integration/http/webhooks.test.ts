/**
 * GitDone's webhook endpoint over real HTTP (webhooks/intake.ts): what GitHub can send is
 * kept or deliberately ignored, never a 500; what it cannot send is refused with a reason,
 * before it costs memory, and without its payload reaching the log (issue #8).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import nock from 'nock';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { webhookIntake } from '../../../src/webhooks/intake.js';
import { PARSE_INLINE_MAX } from '../../../src/webhooks/parse.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import type { TestDatabase } from '../../helpers/database.js';
import { mockGitHub } from '../../helpers/github.js';
import { rawPost } from '../../helpers/raw-http.js';
import { INSTALLATION, REPO, issueComment, push } from '../../fixtures/payloads.js';

const SECRET = 'intake-secret';
let t: TestDatabase;
let app: TestApp;
let port: number;
let server: http.Server;

useTestApp({}, (env) => ({ t, app } = env));

beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1'); // this file's own server; GitHub stays mocked
  const intake = webhookIntake({ path: '/api/github/webhooks', secret: SECRET, log: app.probot.log as never, receive: (e) => app.probot.receive(e as never), maxBytes: 25 * 1024 * 1024 });
  server = http.createServer(async (req, res) => {
    if (!(await intake(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Sent {
  status: number;
  body: string;
}

function post(opts: { event?: string; id?: string; body: string | Buffer; secret?: string; headers?: Record<string, string>; path?: string }): Promise<Sent> {
  const bytes = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const signature = `sha256=${createHmac('sha256', opts.secret ?? SECRET).update(bytes).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path ?? '/api/github/webhooks',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': opts.event ?? 'issue_comment',
          'x-github-delivery': opts.id ?? randomUUID(),
          'x-hub-signature-256': signature,
          'content-length': String(bytes.length),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

const logText = () => JSON.stringify(app.logs);

describe('what GitHub can send', () => {
  test('every example payload GitHub documents is answered 2xx, never 500', async () => {
    const statuses = new Map<number, string[]>();
    for (const event of examples as Array<{ name: string; examples: unknown[] }>) {
      for (const [i, example] of event.examples.entries()) {
        const { status } = await post({ event: event.name, body: JSON.stringify(example) });
        statuses.set(status, [...(statuses.get(status) ?? []), `${event.name}#${i}`]);
      }
    }
    expect(Object.fromEntries([...statuses].filter(([s]) => s !== 200))).toEqual({});
    expect(statuses.get(200)!.length).toBeGreaterThan(300); // 329 in @octokit/webhooks-examples 7.6
  });

  test('NUL and half a surrogate pair in a payload are stored (as U+FFFD), not answered 500', async () => {
    mockGitHub();
    const id = randomUUID();
    const body = JSON.stringify(issueComment({ body: '/deadline 2030-01-15 A\u0000B \ud800 keyword=odd' })).replace('A\\u0000B', 'A\\u0000B');
    const sent = await post({ id, body });
    expect(sent.status).toBe(200);
    const row = await t.db.selectFrom('deliveries').select('payload').where('id', '=', id).executeTakeFirstOrThrow();
    expect((row.payload as { comment: { body: string } }).comment.body).toBe('/deadline 2030-01-15 A\ufffdB \ufffd keyword=odd');
    await app.runJobs();
    expect(await t.db.selectFrom('goals').select('keyword').execute()).toEqual([{ keyword: 'odd' }]);
  });

  test('a literal backslash-u text is not mistaken for an escape', async () => {
    const id = randomUUID();
    expect((await post({ id, body: JSON.stringify(issueComment({ body: '/deadline help \\u0000 \\\\ud800' })) })).status).toBe(200);
    const row = await t.db.selectFrom('deliveries').select('payload').where('id', '=', id).executeTakeFirstOrThrow();
    expect((row.payload as { comment: { body: string } }).comment.body).toBe('/deadline help \\u0000 \\\\ud800');
  });

  test('a delivery without an installation is ignored, and never overwrites the installation id', async () => {
    await t.db.insertInto('repositories').values({ id: REPO.id, installation_id: INSTALLATION.id, full_name: REPO.full_name }).execute();
    const { installation: _, ...payload } = issueComment({ body: '/deadline 2030-01-15 Orphan' });
    expect((await post({ body: JSON.stringify(payload) })).status).toBe(200);
    const repo = await t.db.selectFrom('repositories').select('installation_id').where('id', '=', REPO.id).executeTakeFirstOrThrow();
    expect(repo.installation_id).toBe(INSTALLATION.id);
    expect(await t.db.selectFrom('deliveries').selectAll().execute()).toEqual([]);
    expect(app.logs.some((l) => l.msg === 'delivery without a repository or an installation; ignored')).toBe(true);
  });

  test('a push to a repository with no active goal, and an event GitDone ignores, cost no write', async () => {
    await t.db.insertInto('repositories').values({ id: REPO.id, installation_id: INSTALLATION.id, full_name: REPO.full_name }).execute();
    const version = async () => (await sql<{ xmin: string }>`select xmin::text from repositories where id = ${REPO.id}`.execute(t.db)).rows[0]!.xmin;
    const before = await version();
    const pushed = push({ commits: [{ message: 'fix: nothing to do with goals', id: '1'.repeat(40) }] });
    expect((await post({ body: JSON.stringify(pushed), event: 'push' })).status).toBe(200);
    expect((await post({ body: JSON.stringify({ action: 'created', repository: REPO, installation: INSTALLATION, sender: { login: 'alice' } }), event: 'star' })).status).toBe(200);
    expect(await t.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
    expect(await version()).toBe(before); // the repository row was not even rewritten
    expect((await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(t.db)).rows[0]!.n).toBe(0);
  });

  test('a push larger than half a megabyte is read in slices, and stored whole', async () => {
    await t.db.insertInto('repositories').values({ id: REPO.id, installation_id: INSTALLATION.id, full_name: REPO.full_name }).execute();
    await t.db.insertInto('goals').values({ token: 't1', repo_id: REPO.id, issue_number: 1, is_pull_request: false, title: 'T', keyword: 'far-away', due_at: new Date('2030-01-15'), timezone: 'UTC', status: 'active', created_by: 'a' }).execute();
    const id = randomUUID();
    const commits = Array.from({ length: 300 }, (_, i) => ({ message: `${'x'.repeat(4000)} ${i === 299 ? 'far-away' : ''}`, id: `${i}`.padStart(40, '0') }));
    const body = JSON.stringify(push({ commits }));
    expect(body.length).toBeGreaterThan(PARSE_INLINE_MAX);
    expect((await post({ event: 'push', id, body })).status).toBe(200);
    const { rows } = await t.pool.query(`select jsonb_array_length(payload->'commits') as n, payload->'commits'->299->>'message' as last from deliveries where id = $1`, [id]);
    expect(rows[0]).toMatchObject({ n: 300 });
    expect(rows[0].last).toContain('far-away');
  });
});

describe('what GitHub cannot send', () => {
  test('a wrong signature: 401, and a log line with the delivery id and none of the payload', async () => {
    const id = randomUUID();
    const sent = await post({ id, body: JSON.stringify({ secret: 'PAYLOAD-MARKER' }), secret: 'wrong' });
    expect(sent.status).toBe(401);
    expect(sent.body).toContain('signature does not match');
    expect(app.logs.find((l) => l.deliveryId === id)).toMatchObject({ status: 401 });
    expect(logText()).not.toContain('PAYLOAD-MARKER');
  });

  test('a body over the cap is refused with 413 before it is read', async () => {
    const status = await rawPost(port, { 'content-length': String(26 * 1024 * 1024) }, 26);
    expect(status).toBe(413);
  });

  test('a chunked body that grows past the cap is cut off with 413', async () => {
    const status = await rawPost(port, { 'transfer-encoding': 'chunked' }, 30);
    expect(status).toBe(413);
  });

  test.each([
    ['an empty event name', { 'x-github-event': '' }, 400, /X-GitHub-Event/],
    ['an event name that is not one', { 'x-github-event': '../../etc' }, 400, /X-GitHub-Event/],
    ['no delivery id', { 'x-github-delivery': '' }, 400, /X-GitHub-Delivery/],
    ['no signature', { 'x-hub-signature-256': '' }, 400, /X-Hub-Signature-256/],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /application\/json/],
  ])('%s: %i with a reason', async (_what, headers, status, reason) => {
    const sent = await post({ body: '{}', headers });
    expect(sent.status).toBe(status);
    expect(sent.body).toMatch(reason);
  });

  test('JSON that does not parse: 400', async () => {
    const sent = await post({ body: '{"action":' });
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('invalid JSON');
  });

  test('a GET: 405', async () => {
    const status = await new Promise<number>((resolve) => http.get({ host: '127.0.0.1', port, path: '/api/github/webhooks' }, (res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(405);
  });
});
