import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSender } from '../../../src/playground/deliver.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/playground/fake-github.js';
import { Playground } from '../../../src/playground/issue.js';
import { playgroundRoutes } from '../../../src/playground/routes.js';
import type { PlaygroundState } from '../../../src/playground/view.js';

/**
 * The playground's routes over HTTP, against the stand-in GitHub and a receiver in GitDone's
 * place that checks signatures like GitHub's receivers must: what the page may do, what a
 * stranger may not, and the webhooks each action sends.
 */

const SECRET = 'playground-test-secret';
interface Received {
  event: string;
  delivery: string;
  signatureOk: boolean;
  payload: Record<string, unknown>;
}

let github: FakeGitHub;
let receiver: http.Server;
let site: http.Server;
let port = 0;
let playground: Playground;
const received: Received[] = [];

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  github = await startFakeGitHub();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      received.push({
        event: String(req.headers['x-github-event']),
        delivery: String(req.headers['x-github-delivery']),
        signatureOk: req.headers['x-hub-signature-256'] === expected,
        payload: JSON.parse(body.toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const receiverPort = await listen(receiver);
  playground = new Playground(
    github,
    { webUrl: `http://${github.host}`, apiUrl: github.baseUrl, installationId: 7 },
    webhookSender({ url: `http://127.0.0.1:${receiverPort}/api/github/webhooks`, secret: SECRET, appId: 1 }),
  );
  site = http.createServer();
  port = await listen(site);
  const routes = playgroundRoutes({ playground, port, publicUrl: `http://localhost:${port}` });
  site.on('request', (req, res) => {
    void routes(req, res).then((handled) => handled || res.writeHead(404).end());
  });
});

afterAll(async () => {
  await github?.close();
  await new Promise((r) => receiver?.close(r));
  site?.closeAllConnections();
  await new Promise((r) => site?.close(r));
});

/** A request as the page makes it (Host localhost, same Origin), with overrides. */
function call(path: string, o: { method?: string; body?: string | object; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          host: `localhost:${port}`,
          ...(body === undefined ? {} : { origin: `http://localhost:${port}`, 'content-type': 'application/json' }),
          ...o.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const state = async (): Promise<PlaygroundState> => JSON.parse((await call('/playground/state')).text) as PlaygroundState;

describe('the playground routes', () => {
  test('the page: its CSP allows exactly its own script and style, and frames of its own embeds', async () => {
    const res = await call('/playground');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.text)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1]!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)};`);
    expect(csp).toContain(`style-src ${hash(style)};`);
    expect(csp).toMatch(/default-src 'none'.*connect-src 'self'.*frame-src 'self'.*frame-ancestors 'none'/);
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from elsewhere
  });

  test('only this machine’s own page may act: Host, Origin and JSON are checked before anything happens', async () => {
    const before = received.length;
    const comment = { author: 'alice', role: 'write', body: '/deadline help' };
    expect((await call('/playground/state', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await call('/playground/comment', { body: comment, headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await call('/playground/comment', { body: comment, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call('/playground/comment', { body: comment, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await call('/playground/comment', { body: '{not json' })).status).toBe(400);
    expect((await call('/playground/comment', { method: 'GET' })).status).toBe(405);
    expect((await call('/playground/nope', { body: comment })).status).toBe(404);
    const bad = await call('/playground/comment', { body: { ...comment, author: 'not a login' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ problem: expect.stringContaining('GitHub login') });
    expect((await call('/playground/comment', { body: 'x'.repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect(received.length).toBe(before);
    expect(github.comments).toHaveLength(0);
  });

  test('a comment is kept by the stand-in GitHub as the user’s, with their role, and delivered as a signed issue_comment.created', async () => {
    const res = await call('/playground/comment', { body: { author: 'bob', role: 'read', body: '/deadline tomorrow Ship it' } });
    expect(res.status).toBe(200);
    const { delivery } = JSON.parse(res.text) as { delivery: { id: string; status: number; event: string } };
    expect(delivery).toMatchObject({ status: 200, event: 'issue_comment.created' });
    const got = received.at(-1)!;
    expect(got).toMatchObject({ event: 'issue_comment', delivery: delivery.id, signatureOk: true });
    expect(got.payload).toMatchObject({
      action: 'created',
      issue: { number: 1, title: 'Try GitDone', state: 'open' },
      comment: { body: '/deadline tomorrow Ship it', user: { login: 'bob', type: 'User' } },
      repository: { id: 1, full_name: 'you/playground', default_branch: 'main' },
      installation: { id: 7 },
      sender: { login: 'bob', type: 'User' },
    });
    // GitDone reads both back from the stand-in's API: the role, and the comment as bob's (not the app's).
    expect(github.roles.bob).toBe('read');
    const listed = (await (await fetch(`${github.baseUrl}/repos/you/playground/issues/1/comments`)).json()) as Array<Record<string, unknown>>;
    expect(listed.at(-1)).toMatchObject({ id: (got.payload.comment as { id: number }).id, user: { login: 'bob', type: 'User' }, performed_via_github_app: null });
    const permission = (await (await fetch(`${github.baseUrl}/repos/you/playground/collaborators/bob/permission`)).json()) as Record<string, unknown>;
    expect(permission).toMatchObject({ permission: 'read', role_name: 'read' });

    const s = await state();
    expect(s.items.at(-1)).toMatchObject({ kind: 'comment', author: 'bob', bot: false, role: 'read', html: '<p>/deadline tomorrow Ship it</p>' });
    expect(s.deliveries[0]).toMatchObject({ id: delivery.id, status: 200 });
  });

  test('pushes chain their SHAs per branch; closing twice is refused; each sends what GitHub would', async () => {
    await call('/playground/push', { body: { author: 'alice', branch: 'main', message: 'first' } });
    const first = received.at(-1)!.payload as { after: string };
    await call('/playground/push', { body: { author: 'alice', branch: 'main', message: 'ship-it done\n\nbody' } });
    const second = received.at(-1)!;
    expect(second.event).toBe('push');
    expect(second.payload).toMatchObject({
      ref: 'refs/heads/main',
      before: first.after,
      deleted: false,
      commits: [{ message: 'ship-it done\n\nbody', author: { username: 'alice' } }],
      head_commit: { message: 'ship-it done\n\nbody' },
      pusher: { name: 'alice' },
    });

    expect((await call('/playground/close', { body: { author: 'carol' } })).status).toBe(200);
    expect(received.at(-1)).toMatchObject({ event: 'issues', payload: { action: 'closed', issue: { state: 'closed', state_reason: 'completed' }, sender: { login: 'carol' } } });
    const again = await call('/playground/close', { body: { author: 'carol' } });
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text)).toEqual({ problem: 'The issue is closed already.' });
    expect((await call('/playground/reopen', { body: { author: 'carol' } })).status).toBe(200);
    expect(received.at(-1)).toMatchObject({ event: 'issues', payload: { action: 'reopened', issue: { state: 'open' } } });

    const kinds = (await state()).items.filter((i) => i.kind !== 'comment').map((i) => i.kind);
    expect(kinds).toEqual(['push', 'push', 'closed', 'reopened']);
  });

  test('the embed shown is the one GitDone linked last; a link a person typed does not count', async () => {
    const api = `${github.baseUrl}/repos/you/playground/issues/1/comments`;
    const post = (body: string) => fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body }) });
    await post(`Deadline set: http://localhost:${port}/embed/AAAAAAAAAAAAAAAAAAAAAA\n\n<!-- gitdone:reply:x n -->`);
    await post('Completed. <!-- gitdone:goal:1:completed n -->');
    github.addComment({ owner: 'you', repo: 'playground', issueNumber: 1, author: 'mallory', body: `look: http://localhost:${port}/embed/BBBBBBBBBBBBBBBBBBBBBB` });
    const s = await state();
    expect(s.embed).toBe('/embed/AAAAAAAAAAAAAAAAAAAAAA');
    const said = s.items.filter((i) => i.kind === 'comment' && i.bot);
    expect(said.map((c) => (c as { html: string }).html)).toEqual([
      `<p>Deadline set: <a href="http://localhost:${port}/embed/AAAAAAAAAAAAAAAAAAAAAA">http://localhost:${port}/embed/AAAAAAAAAAAAAAAAAAAAAA</a></p>\n`,
      '<p>Completed. </p>',
    ]);
  });
});
