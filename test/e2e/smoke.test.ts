import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/playground/fake-github.js';
import { killAll, startServer, WEBHOOK_SECRET, type ServerProcess } from './server.js';

/**
 * `npm run smoke -- <url>` (src/smoke.ts) as operators run it after a deploy: against the
 * real server process it passes with one line; against a wrong secret, a stopped server,
 * a server that hangs or is not ready, it fails with one line that says why.
 */

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the smoke test as a process; `viaNpm` goes through `npm run smoke`, as the docs say. */
function smoke(url: string, opts: { secret?: string | null; args?: string[]; viaNpm?: boolean } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1,localhost' };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules
  delete env.WEBHOOK_SECRET;
  if (opts.secret !== null) env.WEBHOOK_SECRET = opts.secret ?? WEBHOOK_SECRET;
  const [cmd, argv] = opts.viaNpm
    ? ['npm', ['run', '--silent', 'smoke', '--', url, ...(opts.args ?? [])]]
    : [process.execPath, ['--import', 'tsx', 'src/smoke.ts', url, ...(opts.args ?? [])]];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Exactly one line of output, which is returned. */
function theLine(run: Run): string {
  const lines = (run.stdout + run.stderr).split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

let t: TestDatabase;
let gh: FakeGitHub;
let server: ServerProcess;

beforeAll(async () => {
  t = await createTestDatabase();
  gh = await startFakeGitHub();
  server = await startServer({ databaseUrl: t.url, githubHost: gh.host });
}, 60_000);

afterAll(async () => {
  await killAll();
  await gh?.close();
  await t?.close();
});

describe('npm run smoke against the real server', () => {
  test('passes: health, readiness, a signed ping, unknown embeds answer 404; one line, exit 0, nothing sent to GitHub', async () => {
    const before = gh.requests.length;
    const run = await smoke(server.url, { viaNpm: true });
    const line = theLine(run);
    expect(line).toMatch(/^smoke ok: http:\/\/127\.0\.0\.1:\d+ — healthz 200, readyz 200, ping 200, embed 404, embed\.json 404, metrics 404 \(\d+ ms\)$/);
    expect(run.code).toBe(0);
    expect(gh.requests.length).toBe(before);
  });

  test('a wrong webhook secret fails with one line that names the secret', async () => {
    const run = await smoke(server.url, { secret: 'not-the-secret' });
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/^smoke failed: .* the signed ping was refused \(401 .*\): is WEBHOOK_SECRET the one/);
  });

  test('no WEBHOOK_SECRET, or no URL, is a usage error (exit 2)', async () => {
    const noSecret = await smoke(server.url, { secret: null });
    expect(noSecret.code).toBe(2);
    expect(theLine(noSecret)).toMatch(/WEBHOOK_SECRET is not set/);
    const noUrl = await smoke('not a url');
    expect(noUrl.code).toBe(2);
    expect(theLine(noUrl)).toMatch(/is not a URL/);
  });
});

describe('npm run smoke against servers that are not fine', () => {
  let stub: http.Server;
  let stubUrl = '';
  beforeAll(async () => {
    // /hang/* never answers; /notready/* is up but not ready; /moved/* redirects the webhook;
    // /exposed/* is fine but serves metrics on the public port.
    stub = http.createServer((req, res) => {
      const [, mode, ...rest] = (req.url ?? '').split('/');
      const path = `/${rest.join('/')}`;
      if (mode === 'hang') return; // keeps the socket open, says nothing
      if (path === '/healthz') return void res.writeHead(200).end('ok\n');
      if (mode === 'exposed') {
        if (path === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('gitdone_goals{state="overdue"} 1\n');
        if (path.endsWith('.json')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        if (path.startsWith('/embed/')) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<p>not found</p>');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
      if (mode === 'notready') return void res.writeHead(503).end('database unavailable (ECONNREFUSED)\n');
      if (path === '/readyz') return void res.writeHead(200).end('ready\n');
      res.writeHead(301, { location: 'https://elsewhere.example/api/github/webhooks' }).end();
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stub.closeAllConnections();
    await new Promise((r) => stub.close(r));
  });

  test('a server that does not answer fails within the timeout per check', async () => {
    const run = await smoke(`${stubUrl}/hang`, { args: ['--timeout=300'] });
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/^smoke failed: .* GET \/healthz: no answer within 300 ms$/);
    expect(run.ms).toBeLessThan(5000);
  });

  test('a server that is up but not ready fails on /readyz, with what it said', async () => {
    const run = await smoke(`${stubUrl}/notready`);
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/GET \/readyz answered 503 \(database unavailable \(ECONNREFUSED\)\), expected 200$/);
  });

  test('a redirect on the webhook path fails: GitHub does not follow it', async () => {
    const run = await smoke(`${stubUrl}/moved`);
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/POST \/api\/github\/webhooks \(signed ping\) answered 301, a redirect to https:\/\/elsewhere\.example/);
  });

  test('metrics answered on the public URL fail: they belong on METRICS_PORT only', async () => {
    const run = await smoke(`${stubUrl}/exposed`);
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/GET \/metrics answered 200 on the public URL, expected 404: .*METRICS_PORT/);
  });

  test('a stopped server fails with one line: could not connect', async () => {
    const url = server.url;
    const stopped = await server.stop();
    expect(stopped.forced).toBe(false);
    const run = await smoke(url);
    expect(run.code).toBe(1);
    expect(theLine(run)).toMatch(/^smoke failed: .* GET \/healthz: could not connect \(ECONNREFUSED\)$/);
  });
});
