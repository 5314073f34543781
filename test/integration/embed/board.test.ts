/**
 * The board routes over real HTTP and a real database: `/board/<token>` (page), `.json` and
 * `.ics`, made with /deadline board's own port (db/boards.ts) and read by the production routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { sql } from 'kysely';
import { ensureBoard, replaceBoardToken } from '../../../src/db/boards.js';
import { insertGoal, setCancelled, setCompleted, setDueAt } from '../../../src/db/goals.js';
import { upsertRepository } from '../../../src/db/repositories.js';
import { BOARD_ACTIVE_MAX, BOARD_FINISHED_MAX } from '../../../src/embed/board-view.js';
import { embedRoutes } from '../../../src/embed/routes.js';
import type { Goal } from '../../../src/goals/types.js';
import { createMetrics, type Metrics } from '../../../src/http/metrics.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { serve } from '../../helpers/embed-server.js';
import { HOSTILE_TITLES } from '../../unit/embed/fixtures.js';

const REPO = { id: 4242, installationId: 77, fullName: 'octo/app' };
const OTHER = { id: 5353, installationId: 77, fullName: 'octo/other' };
const NOW = new Date('2030-01-12T13:00:00.000Z');
const HOUR = 3_600_000;
let t: TestDatabase;
let metrics: Metrics;
let clock: Date;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  t = await createTestDatabase();
  metrics = createMetrics();
  server = await serve([embedRoutes({ db: t.db, metrics, publicUrl: 'https://gitdone.test', githubUrl: 'https://github.com', now: () => clock })]);
});
afterAll(async () => {
  await server.close();
  await t.close();
});
beforeEach(async () => {
  clock = NOW;
  for (const table of ['withdrawn_links', 'boards', 'goals'] as const) await t.db.deleteFrom(table).execute();
  await upsertRepository(t.db, REPO, { track: true });
  await upsertRepository(t.db, OTHER, { track: true });
});

const get = (path: string, headers?: Record<string, string>) => server.request(path, { headers });

let n = 0;
async function newGoal(over: { repoId?: number; title?: string; dueInH?: number; issue?: number } = {}): Promise<Goal> {
  n++;
  return insertGoal(t.db, {
    repoId: over.repoId ?? REPO.id, issueNumber: over.issue ?? n, isPullRequest: false, title: over.title ?? `Goal ${n}`, keyword: `goal-${n}`,
    dueAt: new Date(NOW.getTime() + (over.dueInH ?? 48) * HOUR), timezone: 'Europe/Berlin', createdBy: 'octocat',
  });
}

const events = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));

describe('GET /board/<token>', () => {
  test('a page that frames anywhere: active goals by due time, then the finished ones, latest first, each linking to its issue', async () => {
    const later = await newGoal({ title: 'Later', dueInH: 200 });
    const soon = await newGoal({ title: 'Soon', dueInH: 3 });
    const late = await newGoal({ title: 'Late', dueInH: -5 });
    const done = await newGoal({ title: 'Done early' });
    await setCompleted(t.db, done.id, { via: 'command', at: new Date(NOW.getTime() - 2 * HOUR) });
    const dropped = await newGoal({ title: 'Dropped' });
    await setCancelled(t.db, dropped.id);
    await t.db.updateTable('goals').set({ cancelled_at: new Date(NOW.getTime() - HOUR) }).where('id', '=', Number(dropped.id)).execute(); // after the completion
    await newGoal({ repoId: OTHER.id, title: 'Another repository' });
    const board = await ensureBoard(t.db, REPO.id);

    const r = await get(`/board/${board.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['x-frame-options']).toBeUndefined();
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("default-src 'none'");
    const scripts = [...r.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`);

    const titles = (list: string) => [...(/<ol id="gd-(?:active|done)"[^>]*>([\s\S]*?)<\/ol>/.exec(r.body.slice(r.body.indexOf(`id="gd-${list}"`) - 4))?.[1] ?? '').matchAll(/<bdi>(.*?)<\/bdi>/g)].map((m) => m[1]);
    expect(titles('active')).toEqual(['Late', 'Soon', 'Later']);
    expect(titles('done')).toEqual(['Dropped', 'Done early']);
    expect(r.body).not.toContain('Another repository');
    expect(r.body).toContain(`href="https://github.com/octo/app/issues/${soon.issueNumber}" target="_blank" rel="noopener noreferrer"`);
    expect(r.body).toContain('data-state="overdue"');
    expect(r.body).toContain('3 active · 1 overdue · 1 due soon');
    // The board gives no way to a goal's own link.
    for (const g of [later, soon, late, done, dropped]) expect(r.body).not.toContain(g.token);
  });

  test('?theme=, a strong ETag that ignores the clock and follows the goals', async () => {
    const g = await newGoal();
    const { token } = await ensureBoard(t.db, REPO.id);
    const first = await get(`/board/${token}`);
    expect(first.body).toContain('<html lang="en" data-theme="auto">');
    expect((await get(`/board/${token}?theme=dark`)).body).toContain('data-theme="dark"');
    clock = new Date(NOW.getTime() + 60_000);
    const again = await get(`/board/${token}`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    await setCompleted(t.db, g.id, { via: 'command', at: NOW });
    expect((await get(`/board/${token}`, { 'if-none-match': String(first.headers.etag) })).status).toBe(200);
  });

  test('hostile titles and repository names stay text', async () => {
    for (const title of HOSTILE_TITLES) await newGoal({ title: title.replace(/\0/g, '').slice(0, 200) }); // PostgreSQL stores no NUL
    await t.db.updateTable('repositories').set({ full_name: 'octo/"><script>alert(1)</script>' }).where('id', '=', REPO.id).execute();
    const { token } = await ensureBoard(t.db, REPO.id);
    const r = await get(`/board/${token}`);
    expect(r.status).toBe(200);
    expect(r.body.match(/<script/g)).toHaveLength(2); // the data block and the board's own script
    expect(r.body).not.toMatch(/<img|href="javascript/i);
    expect(r.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('GET /board/<token>.json', () => {
  test('{repository, goals: [the goal JSON, …], active_total, now}, readable from any origin', async () => {
    const a = await newGoal({ dueInH: 5 });
    const b = await newGoal({ dueInH: 1 });
    const { token } = await ensureBoard(t.db, REPO.id);
    const r = await get(`/board/${token}.json`);
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const j = JSON.parse(r.body) as { repository: unknown; goals: unknown[]; active_total: number; now: string };
    expect(j.repository).toEqual({ name: 'octo/app', url: 'https://github.com/octo/app', tracked: true });
    expect(j.active_total).toBe(2);
    expect(j.now).toBe(NOW.toISOString());
    // Each goal exactly as its own .json shows it.
    const own = await Promise.all([b, a].map(async (g) => JSON.parse((await get(`/embed/${g.token}.json`)).body) as unknown));
    expect(j.goals).toEqual(own);
  });
});

describe('GET /board/<token>.ics', () => {
  test('one event per active goal, UIDs that survive a move and a new goal link; done and cancelled goals drop out', async () => {
    const goals = [await newGoal({ dueInH: 10 }), await newGoal({ dueInH: 20 }), await newGoal({ dueInH: 30 }), await newGoal({ dueInH: 40 })];
    const { token } = await ensureBoard(t.db, REPO.id);
    const first = await get(`/board/${token}.ics`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(first.headers['content-disposition']).toBe('inline; filename="deadlines-octo_app.ics"');
    const before = events(first.body);
    expect(before).toHaveLength(4);
    expect(new Set(before.map((e) => e.uid)).size).toBe(4);
    expect(before.map((e) => e.startDate.toJSDate().toISOString())).toEqual(goals.map((g) => g.dueAt.toISOString()));
    for (const g of goals) expect(first.body).not.toContain(g.token);
    const cal = new ICAL.Component(ICAL.parse(first.body));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Deadlines · octo/app');

    const moved = new Date(NOW.getTime() + 100 * HOUR);
    await setDueAt(t.db, goals[0]!.id, moved);
    await setCompleted(t.db, goals[1]!.id, { via: 'command', at: NOW });
    await setCancelled(t.db, goals[2]!.id);
    await t.db.updateTable('goals').set({ token: 'NEWNEWNEWNEWNEWNEWNEW1' }).where('id', '=', Number(goals[3]!.id)).execute();
    const after = events((await get(`/board/${token}.ics`)).body);
    expect(after.map((e) => e.uid)).toEqual([before[3]!.uid, before[0]!.uid]); // by due time: the moved one is last now
    expect(after[1]!.startDate.toJSDate().toISOString()).toBe(moved.toISOString());
  });

  test('a board with no active goal is a calendar with no event', async () => {
    const { token } = await ensureBoard(t.db, REPO.id);
    const r = await get(`/board/${token}.ics`);
    expect(r.status).toBe(200);
    expect(events(r.body)).toEqual([]);
  });
});

describe('bounded, whatever the repository holds', () => {
  test(`thousands of goals: ${BOARD_ACTIVE_MAX} active shown and "…and N more", ${BOARD_FINISHED_MAX} finished, in every variant`, async () => {
    const ACTIVE = 3000;
    const FINISHED = 500;
    await sql`insert into goals (token, repo_id, issue_number, is_pull_request, title, keyword, due_at, timezone, status, created_by, completed_at, completed_via)
      select md5(random()::text || i), ${REPO.id}, i, false, 'Goal ' || i, 'k-' || i, ${NOW}::timestamptz + (i || ' hours')::interval, 'UTC',
             case when i > ${ACTIVE} then 'completed' else 'active' end, 'octocat',
             case when i > ${ACTIVE} then ${NOW}::timestamptz - (i || ' minutes')::interval end,
             case when i > ${ACTIVE} then 'command' end
      from generate_series(1, ${ACTIVE + FINISHED}) as i`.execute(t.db);
    await sql`analyze goals`.execute(t.db);
    const { token } = await ensureBoard(t.db, REPO.id);

    const started = performance.now();
    const page = await get(`/board/${token}`);
    const pageMs = performance.now() - started;
    expect(page.status).toBe(200);
    expect((page.body.match(/<li data-state="[a-z_]+"/g) ?? []).length).toBe(BOARD_ACTIVE_MAX + BOARD_FINISHED_MAX);
    expect(page.body).toContain(`…and ${(ACTIVE - BOARD_ACTIVE_MAX).toLocaleString('en-US')} more, due later`);
    expect(page.body).toContain('3,000 active');
    expect(Buffer.byteLength(page.body)).toBeLessThan(200 * 1024);
    expect(pageMs).toBeLessThan(2000);
    // The latest finished first: goal 3001 finished most recently (NOW - 3001 minutes).
    expect(page.body.indexOf('>Goal 3001<')).toBeGreaterThan(page.body.indexOf('>Goal 100<'));

    const j = JSON.parse((await get(`/board/${token}.json`)).body) as { goals: Array<{ status: string }>; active_total: number };
    expect(j.active_total).toBe(ACTIVE);
    expect(j.goals.filter((g) => g.status === 'active')).toHaveLength(BOARD_ACTIVE_MAX);
    expect(j.goals.filter((g) => g.status !== 'active')).toHaveLength(BOARD_FINISHED_MAX);
    expect(events((await get(`/board/${token}.ics`)).body)).toHaveLength(BOARD_ACTIVE_MAX);

    // Both queries stop at their LIMIT on an index of their own, not a scan of the table.
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from goals where repo_id = ${REPO.id} and status <> 'active'
      order by coalesce(completed_at, cancelled_at) desc, id desc limit 20`.execute(t.db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('goals_repo_finished');
  });
});

describe('withdrawn and unknown boards', () => {
  test('unshare: every variant of the old URL answers 410 in its own shape; share: a new one works', async () => {
    await newGoal();
    const first = await ensureBoard(t.db, REPO.id);
    const { board: hidden } = await replaceBoardToken(t.db, REPO.id, { share: false });
    for (const token of [first.token, hidden.token]) {
      const page = await get(`/board/${token}`);
      expect([page.status, page.headers['content-type']]).toEqual([410, 'text/html; charset=utf-8']);
      expect(page.body).toContain('This board\u2019s link was withdrawn');
      const json = await get(`/board/${token}.json`);
      expect([json.status, JSON.parse(json.body).error]).toEqual([410, 'gone']);
      const ics = await get(`/board/${token}.ics`);
      expect([ics.status, ics.headers['content-type']]).toEqual([410, 'text/calendar; charset=utf-8']);
      expect(events(ics.body)).toEqual([]);
    }
    const { board: shared } = await replaceBoardToken(t.db, REPO.id, { share: true });
    expect((await get(`/board/${shared.token}`)).status).toBe(200);
    expect((await get(`/board/${first.token}.json`)).status).toBe(410);
    const unknown = await get('/board/AAAAAAAAAAAAAAAAAAAAAA.json');
    expect([unknown.status, JSON.parse(unknown.body).error]).toEqual([404, 'not_found']);
    expect((await get('/board/AAAAAAAAAAAAAAAAAAAAAA')).body).toContain('This board does not exist');
  });

  test('a goal token is not a board token, nor the other way round', async () => {
    const g = await newGoal();
    const b = await ensureBoard(t.db, REPO.id);
    expect((await get(`/board/${g.token}`)).status).toBe(404);
    expect((await get(`/embed/${b.token}`)).status).toBe(404);
  });

  test('metrics: board variants by name, no repository or token in any label', async () => {
    const { token } = await ensureBoard(t.db, REPO.id);
    await get(`/board/${token}.ics`);
    await get('/board/AAAAAAAAAAAAAAAAAAAAAA');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gitdone_embed_requests_total\{variant="board_ics",status="found"\} [1-9]/);
    expect(text).toMatch(/gitdone_embed_requests_total\{variant="board_page",status="not_found"\} [1-9]/);
    expect(text).not.toContain(token);
    expect(text).not.toContain('octo/app');
  });
});
