/**
 * Probot's real server, as GitDone builds it (http/probot-server.ts), with its access log
 * (pino-http): a 200 writes nothing at info, a 5xx writes an error line, and LOG_LEVEL=debug
 * still shows every request, with the embed token cut out.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { Server } from 'probot';
import type { Config } from '../../../src/config/env.js';
import { embedRoutes } from '../../../src/embed/routes.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { createProbotServer } from '../../../src/http/probot-server.js';
import { redaction } from '../../../src/log-redact.js';
import { goal } from '../embed/fixtures.js';

const TOKEN = 'SecretEmbedToken1234';

function logAt(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level, ...redaction }, stream), lines };
}

async function freePort(): Promise<number> {
  const probe = netServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let running: Server | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(level: string) {
  const { log, lines } = logAt(level);
  const port = await freePort();
  const config = { host: '127.0.0.1', port, probot: { baseUrl: 'https://api.github.com', webhookPath: undefined, webhookProxyUrl: undefined, redisUrl: undefined } } as unknown as Config;
  const server = createProbotServer(config, log, undefined);
  const known = goal({ token: TOKEN });
  await server.load((_app, { addHandler }) => {
    addHandler(async (req, res) => {
      if (req.url === '/boom') throw new Error('handler failed');
      if (req.url === '/unavailable') return (res.writeHead(503).end(), true);
      return false;
    });
    addHandler(embedRoutes({ db: undefined as never, metrics: createMetrics(), publicUrl: 'https://gitdone.test', githubUrl: 'https://github.com', cacheMs: 1000, findGoal: async (t) => (t === TOKEN ? { state: 'live', value: known } : undefined) }));
  });
  running = server;
  await server.start();
  const get = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    await r.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 20)); // pino-http writes once the response has finished
    return r.status;
  };
  const access = () => lines.filter((l) => l.name === 'http');
  return { get, lines, access };
}

describe("Probot's access log", () => {
  test('at info: a 200 or 404 embed request writes no line, a 5xx writes one at error', async () => {
    const s = await start('info');
    expect(await s.get(`/embed/${TOKEN}.svg`)).toBe(200);
    expect(await s.get(`/embed/${TOKEN}`)).toBe(200);
    expect(await s.get('/embed/UnknownToken12345678.json')).toBe(404);
    expect(s.access()).toEqual([]);

    expect(await s.get('/boom')).toBe(500);
    expect(await s.get('/unavailable')).toBe(503);
    expect(s.access().map((l) => [l.level, l.msg])).toEqual([
      [50, expect.stringMatching(/^GET \/boom 500 - \d+ms$/)],
      [50, expect.stringMatching(/^GET \/unavailable 503 - \d+ms$/)],
    ]);
    expect(s.access()[0]).toMatchObject({ req: { method: 'GET', url: '/boom' }, res: { statusCode: 500 } });
    expect(JSON.stringify(s.access())).not.toMatch(/"headers"/);
  });

  test('at debug: every request has its line, with the request but no headers and no embed token', async () => {
    const s = await start('debug');
    expect(await s.get(`/embed/${TOKEN}.svg?theme=dark`)).toBe(200);
    expect(await s.get('/boom')).toBe(500);
    expect(s.access().map((l) => [l.level, l.msg])).toEqual([
      [20, expect.stringMatching(/^GET \/embed\/…\.svg\?theme=dark 200 - \d+ms$/)],
      [50, expect.stringMatching(/^GET \/boom 500 - \d+ms$/)],
    ]);
    expect(s.access()[0]).toMatchObject({ req: { method: 'GET', url: '/embed/….svg?theme=dark' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
    const text = JSON.stringify(s.lines);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/"headers"|user-agent/i);
  });
});
