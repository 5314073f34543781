/**
 * The embed's caches, driven straight through the route handler (no sockets, no database: a
 * stand-ins for the lookups), so that a hostile volume of requests runs in a few seconds. What is
 * counted is entries and bytes held, never time.
 */
import { describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EMBED_CACHE_LIMITS, embedRoutes, type EmbedDeps } from '../../../src/embed/routes.js';
import type { Goal } from '../../../src/goals/types.js';
import { createMetrics } from '../../../src/http/metrics.js';
import type { Link, LiveBoard } from '../../../src/usecases/read-links.js';
import { DAY, HOUR, NOW, goal } from './fixtures.js';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a stand-in lookup finds: a goal or board is live, `'withdrawn'` a withdrawn link, nothing unknown. */
type Found<T> = Map<string, T | 'withdrawn'>;

function link<T>(found: T | 'withdrawn' | undefined): Link<T> {
  return found === undefined ? undefined : found === 'withdrawn' ? { state: 'withdrawn' } : { state: 'live', value: found };
}

function routes(goals: Found<Goal>, over: Partial<EmbedDeps> = {}, boards: Found<LiveBoard> = new Map()) {
  const finds: string[] = [];
  const boardFinds: string[] = [];
  const handler = embedRoutes({
    db: undefined as never, // the stand-ins below take its place
    metrics: createMetrics(),
    publicUrl: 'https://gitdone.test',
    githubUrl: 'https://github.com',
    cacheMs: 60_000, // nothing expires during a test: the worst case for memory
    findGoal: async (token) => (finds.push(token), link(goals.get(token))),
    findBoard: async (token) => (boardFinds.push(token), link(boards.get(token))),
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
  return { handler, get, finds, boardFinds };
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
    // Every fifth unknown asks for shields.json, whose dead answer is a 200 with isError (not-found.ts).
    expect(Object.fromEntries(statuses)).toEqual({ 200: 20_000 + 20_000, 404: 80_000 });
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

describe('dead links: prebuilt, and their outcome cached like any lookup', () => {
  test('withdrawn and unknown tokens answer 410 and 404 in each shape, one query per token, the same bytes each time', async () => {
    const withdrawn = 'WithdrawnTokenAbC';
    const unknown = 'UnknownTokenAbCdE';
    const { handler, get, finds } = routes(new Map([[withdrawn, 'withdrawn']]));
    const shapes: Record<string, [number, string]> = {
      '': [410, 'text/html; charset=utf-8'],
      '.json': [410, 'application/json; charset=utf-8'],
      '.svg': [410, 'image/svg+xml; charset=utf-8'],
      '.ics': [410, 'text/calendar; charset=utf-8'],
      '/shields.json': [200, 'application/json; charset=utf-8'], // shields.io draws its error badge only from a 200
    };
    for (const [suffix, [status, type]] of Object.entries(shapes)) {
      const gone = await get(`/embed/${withdrawn}${suffix}`);
      expect(gone).toMatchObject({ status, headers: { 'content-type': type, 'cache-control': 'no-store' } });
      expect(gone.headers['content-length']).toBe(String(Buffer.byteLength(gone.body)));
      expect(gone.headers.etag).toBeUndefined();
      expect(await get(`/embed/${withdrawn}${suffix}?x=1`)).toEqual(gone);
      const missing = await get(`/embed/${unknown}${suffix}`);
      expect(missing.status).toBe(status === 410 ? 404 : 200);
      expect(missing.body).not.toBe(gone.body);
    }
    expect(JSON.parse((await get(`/embed/${withdrawn}.json`)).body)).toMatchObject({ error: 'gone' });
    expect((await get(`/embed/${withdrawn}`)).body).toContain('This link was withdrawn');
    expect((await get(`/embed/${unknown}`)).body).toContain('This countdown does not exist');
    // Each token was looked up once; dead links draw no answer of their own.
    expect(finds).toEqual([withdrawn, unknown]);
    expect(handler.cacheSize()).toMatchObject({ lookups: 2, answers: 0 });
  });

  test('a link withdrawn after it was served answers 410 once the window has passed', async () => {
    const g = goal({ token: 'AbCdEfGhIjKlMnOp' });
    const goals: Found<Goal> = new Map([[g.token, g]]);
    const { get } = routes(goals, { cacheMs: 30 });
    expect((await get(`/embed/${g.token}.svg`)).status).toBe(200);
    goals.set(g.token, 'withdrawn');
    await new Promise((r) => setTimeout(r, 50));
    const gone = await get(`/embed/${g.token}.svg`);
    expect(gone.status).toBe(410);
    expect(gone.body).toContain('link withdrawn');
  });
});

describe('boards: looked up and answered from cache as goals are', () => {
  const BOARD = 'BoardTokenAbCdEfGh';
  function liveBoard(active: Goal[], token = BOARD): LiveBoard {
    return {
      board: { repoId: 1, token, shared: true, repoFullName: 'octo/app', tracked: true },
      content: { repoFullName: 'octo/app', tracked: true, active, activeTotal: active.length, finished: [] },
    };
  }
  const many = (n: number) => Array.from({ length: n }, (_, i) => goal({ id: String(i), token: `t${i}`, title: `Goal ${i}`, dueAt: new Date(NOW.getTime() + (i + 1) * HOUR) }));

  test('the page, .json and .ics drawn once per window; .json reads the clock at each answer, for the board and each goal', async () => {
    let clock = NOW;
    const { handler, get, boardFinds } = routes(new Map(), { now: () => clock }, new Map([[BOARD, liveBoard(many(3))]]));
    const page = await get(`/board/${BOARD}`);
    const ics = await get(`/board/${BOARD}.ics`);
    const first = await get(`/board/${BOARD}.json`);
    expect(page.status).toBe(200);
    expect(JSON.parse(first.body).goals).toHaveLength(3);
    clock = new Date(NOW.getTime() + 5 * 60_000);
    expect(await get(`/board/${BOARD}`)).toEqual(page);
    expect(await get(`/board/${BOARD}.ics`)).toEqual(ics);
    const json = await get(`/board/${BOARD}.json`);
    expect(json.headers.etag).toBe(first.headers.etag);
    const was = JSON.parse(first.body);
    const is = JSON.parse(json.body);
    const iso = clock.toISOString();
    expect(is).toEqual({ ...was, now: iso, goals: was.goals.map((g: object) => ({ ...g, now: iso })) });
    expect(json.headers['content-length']).toBe(String(Buffer.byteLength(json.body)));
    expect(await get(`/board/${BOARD}.json`, { 'if-none-match': first.headers.etag! })).toMatchObject({ status: 304, body: '' });
    expect(boardFinds).toEqual([BOARD]);
    expect(handler.cacheSize()).toMatchObject({ boardLookups: 1, boardGoals: 4, answers: 3 });
  });

  test('a board and a goal with the same token keep answers of their own', async () => {
    const g = goal({ token: BOARD });
    const { handler, get } = routes(new Map([[BOARD, g]]), {}, new Map([[BOARD, liveBoard(many(2))]]));
    for (let i = 0; i < 2; i++) {
      expect(JSON.parse((await get(`/embed/${BOARD}.json`)).body)).toMatchObject({ title: g.title });
      expect(JSON.parse((await get(`/board/${BOARD}.json`)).body).goals).toHaveLength(2);
    }
    expect(handler.cacheSize()).toMatchObject({ lookups: 1, boardLookups: 1, answers: 2 });
  });

  test('withdrawn and unknown boards answer 410 and 404 in their shape, looked up once', async () => {
    const { get, boardFinds } = routes(new Map(), {}, new Map([[BOARD, 'withdrawn']]));
    for (let i = 0; i < 3; i++) {
      expect(await get(`/board/${BOARD}.json`)).toMatchObject({ status: 410, body: JSON.stringify({ error: 'gone', message: "This board's link was withdrawn." }) });
      expect((await get(`/board/${BOARD}`)).body).toContain('This board\u2019s link was withdrawn');
      expect(await get('/board/NoSuchBoardTokenX.ics')).toMatchObject({ status: 404, headers: { 'content-type': 'text/calendar; charset=utf-8' } });
    }
    expect(boardFinds).toEqual([BOARD, 'NoSuchBoardTokenX']);
  });

  test('hostile volume: full boards and a scan of board tokens stay within the goals and bytes held', async () => {
    const boards: Found<LiveBoard> = new Map();
    // 120 boards of 100 goals: 12,120 goals' worth of lookups and ≈ 23 MB of answers, past both bounds.
    for (let i = 0; i < 120; i++) boards.set(`Board${String(i).padStart(8, '0')}`, liveBoard(many(100), `Board${String(i).padStart(8, '0')}`));
    const { handler, get } = routes(new Map(), {}, boards);
    for (const t of boards.keys()) for (const v of ['', '.json', '.ics']) expect((await get(`/board/${t}${v}`)).status).toBe(200);
    let size = handler.cacheSize();
    expect(size.boardGoals).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.boardGoals);
    expect(size.boardGoals).toBeGreaterThan(EMBED_CACHE_LIMITS.boardGoals / 2);
    expect(size.answerBytes).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.answerBytes);
    expect(size.answerBytes).toBeGreaterThan(EMBED_CACHE_LIMITS.answerBytes / 2);
    for (let i = 0; i < 20_000; i++) expect((await get(`/board/${token()}.json`)).status).toBe(404);
    size = handler.cacheSize();
    expect(size.boardLookups).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.boardLookups);
    expect(size.boardGoals).toBeLessThanOrEqual(EMBED_CACHE_LIMITS.boardGoals);
  }, 60_000);
});
