/**
 * The embed's caches, driven straight through the route handler (no sockets, no database: a
 * stand-in `find`), so that a hostile volume of requests runs in a few seconds. What is
 * counted is entries and bytes held, never time.
 */
import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EMBED_CACHE_LIMITS, embedRoutes, type EmbedDeps } from '../../../src/embed/routes.js';
import type { Goal } from '../../../src/goals/types.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { DAY, HOUR, NOW, goal } from './fixtures.js';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function routes(goals: Map<string, Goal>, over: Partial<EmbedDeps> = {}) {
  const finds: string[] = [];
  const handler = embedRoutes({
    db: undefined as never, // `find` stands in for it
    metrics: createMetrics(),
    publicUrl: 'https://gitdone.test',
    githubUrl: 'https://github.com',
    cacheMs: 60_000, // nothing expires during a test: the worst case for memory
    find: async (token) => (finds.push(token), goals.get(token)),
    ...over,
  });
  const get = async (url: string, headers: Record<string, string> = {}): Promise<Sent> => {
    const sent: Sent = { status: 0, headers: {}, body: '' };
    const req = { method: 'GET', url, headers } as unknown as IncomingMessage;
    const res = {
      writeHead(status: number, h: Record<string, string> = {}) {
        sent.status = status;
        sent.headers = h;
        return this;
      },
      end(body?: Buffer) {
        sent.body = body ? body.toString('utf8') : '';
      },
    } as unknown as ServerResponse;
    if (!(await handler(req, res))) throw new Error(`${url} was not handled`);
    return sent;
  };
  return { handler, get, finds };
}

const token = () => randomBytes(16).toString('base64url');
const VARIANTS = ['', '.json', '.svg', '.ics', '/shields.json'];

describe('an unchanged goal is answered from cache', () => {
  test('the same bytes and ETag, drawn once per freshness window, with .json reading the clock each time', async () => {
    const g = goal({ token: 'AbCdEfGhIjKlMnOp', dueAt: new Date(NOW.getTime() + 3 * DAY + 4 * HOUR) });
    let clock = NOW;
    const { get, finds } = routes(new Map([[g.token, g]]), { now: () => clock });
    const first = await get(`/embed/${g.token}.svg`);
    expect(first.body).toContain('3d 4h left');
    const firstJson = await get(`/embed/${g.token}.json`);
    clock = new Date(NOW.getTime() + 2 * HOUR);
    const again = await get(`/embed/${g.token}.svg`);
    // Drawn at the first request and sent as is: the words have not been redrawn for the new clock.
    expect(again).toEqual(first);
    const json = await get(`/embed/${g.token}.json`);
    expect(json.headers.etag).toBe(firstJson.headers.etag);
    expect(JSON.parse(json.body)).toEqual({ ...JSON.parse(firstJson.body), now: clock.toISOString() });
    expect(json.headers['content-length']).toBe(String(Buffer.byteLength(json.body)));
    expect(await get(`/embed/${g.token}.svg`, { 'if-none-match': first.headers.etag! })).toMatchObject({ status: 304, body: '' });
    expect(finds).toEqual([g.token]);
  });

  test('a new goal object from the lookup (a fresh query) is drawn again', async () => {
    const g = goal({ token: 'AbCdEfGhIjKlMnOp' });
    const goals = new Map([[g.token, g]]);
    const { get } = routes(goals, { cacheMs: 30 });
    const before = await get(`/embed/${g.token}.json`);
    goals.set(g.token, { ...g, status: 'completed', completedAt: NOW, completedVia: 'command', version: 2 });
    await new Promise((r) => setTimeout(r, 50));
    const after = await get(`/embed/${g.token}.json`);
    expect(JSON.parse(after.body)).toMatchObject({ status: 'completed' });
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});

describe('hostile volume: memory stays bounded', () => {
  test('100,000 random tokens and 20,000 distinct query strings hold no more than the limits', async () => {
    const known = goal({ token: 'KnownTokenAbCdEf' });
    const { handler, get } = routes(new Map([[known.token, known]]));
    const statuses = new Map<number, number>();
    const count = (s: Sent) => statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    for (let i = 0; i < 20_000; i++) {
      const q = `?theme=${i % 3 === 0 ? 'dark' : i.toString(36)}&utm=${i}&${(i * 7919).toString(36)}=1`;
      count(await get(`/embed/${known.token}${VARIANTS[i % VARIANTS.length]}${q}`));
    }
    // Query strings other than ?theme= draw nothing new: page × (auto, dark) and the four others.
    expect(handler.cacheSize()).toMatchObject({ lookups: 1, answers: 6 });
    for (let i = 0; i < 100_000; i++) count(await get(`/embed/${token()}${VARIANTS[i % VARIANTS.length]}?x=${i}`));
    expect(Object.fromEntries(statuses)).toEqual({ 200: 20_000, 404: 100_000 });
    const size = handler.cacheSize();
    expect(size.lookups).toBe(EMBED_CACHE_LIMITS.lookups); // full, not past full: least recently used out
    expect(size.answers).toBe(6); // an unknown token draws no answer
  });

  test('many real goals in every form stay within the answers’ count and bytes', async () => {
    const goals = new Map<string, Goal>();
    // 1,800 goals: 10,800 answers (past the count), 3,600 pages of ~9 KB (past the bytes).
    for (let i = 0; i < 1_800; i++) {
      const g = goal({ id: String(i), token: token(), title: `Goal ${i} ${'x'.repeat(200)}` });
      goals.set(g.token, g);
    }
    const { handler, get } = routes(goals);
    let ok = 0;
    for (const t of goals.keys()) {
      for (const v of [...VARIANTS, '?theme=light']) if ((await get(`/embed/${t}${v}`)).status === 200) ok++;
    }
    expect(ok).toBe(goals.size * 6);
    const size = handler.cacheSize();
    expect(size.answers).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.answers);
    expect(size.answerBytes).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.answerBytes);
    expect(size.answerBytes).toBeGreaterThan(EMBED_CACHE_LIMITS.answerBytes / 2); // it did fill up
    expect(size.lookups).toBe(goals.size);
  });
});
