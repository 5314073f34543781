/**
 * The embed routes over real HTTP and a real database: a node:http server whose listener runs
 * embedRoutes and healthRoutes as Probot would (first handler that answers wins, else 404).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { sql } from 'kysely';
import { openDatabase } from '../../../src/db/database.js';
import { embedRoutes } from '../../../src/embed/routes.js';
import { insertGoal, setCancelled as cancelGoal, setCompleted as completeGoal, setDueAt } from '../../../src/db/goals.js';
import { upsertRepository } from '../../../src/db/repositories.js';
import type { Goal } from '../../../src/goals/types.js';
import { healthRoutes } from '../../../src/http/health.js';
import { createMetrics, type Metrics } from '../../../src/http/metrics.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { serve, type Reply } from '../../helpers/embed-server.js';

const PUBLIC_URL = 'https://gitdone.test';
const REPO = { id: 4242, installationId: 77, fullName: 'octo/app' };
const DUE = new Date('2030-01-15T16:00:00.000Z');
const CREATED = new Date('2030-01-01T09:00:00.000Z');
const HOUR = 3_600_000;

let t: TestDatabase;
let metrics: Metrics;
let clock: Date;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  t = await createTestDatabase();
  metrics = createMetrics();
  const deps = { db: t.db, metrics, publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: () => clock };
  server = await serve([healthRoutes(deps), embedRoutes(deps)]);
});
afterAll(async () => {
  await server.close();
  await t.close();
});
beforeEach(async () => {
  clock = new Date('2030-01-12T13:00:00.000Z');
  await t.db.deleteFrom('goals').execute();
  await upsertRepository(t.db, REPO, { track: true }); // tracked again after a test that untracked it
});

const get = (path: string, headers?: Record<string, string>) => server.request(path, { headers });
const json = (r: Reply) => JSON.parse(r.body) as Record<string, unknown>;

async function newGoal(over: { title?: string; keyword?: string; dueAt?: Date; isPullRequest?: boolean } = {}): Promise<Goal> {
  const goal = await insertGoal(t.db, {
    repoId: REPO.id,
    issueNumber: 12,
    isPullRequest: over.isPullRequest ?? false,
    title: over.title ?? 'Ship v1',
    keyword: over.keyword ?? 'ship-v1',
    dueAt: over.dueAt ?? DUE,
    timezone: 'Europe/Berlin',
    createdBy: 'octocat',
  });
  await t.db.updateTable('goals').set({ created_at: CREATED }).where('id', '=', Number(goal.id)).execute();
  return goal;
}

/** The repository leaves GitDone (app removed), as events/installation.ts records it. */
async function untrack(): Promise<void> {
  await t.db.updateTable('repositories').set({ tracked: false }).where('id', '=', REPO.id).execute();
  await t.db.updateTable('goals').set({ version: sql`version + 1` }).where('repo_id', '=', REPO.id).execute();
}

describe('GET /embed/<token>: the countdown page', () => {
  test('HTML that frames anywhere, with a CSP allowing exactly its own script', async () => {
    const { token } = await newGoal();
    const r = await get(`/embed/${token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['x-frame-options']).toBeUndefined();
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).toContain('Ship v1');
    expect(r.body).toContain('octo/app#12');

    const csp = Object.fromEntries(
      String(r.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(csp['frame-ancestors']).toEqual(['*']);
    expect(csp['default-src']).toEqual(["'none'"]);
    const scripts = [...r.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1); // the JSON data block has a type and is not run
    const hash = `'sha256-${createHash('sha256').update(scripts[0]!, 'utf8').digest('base64')}'`;
    expect(csp['script-src']).toEqual([hash]);
  });

  test('a strong ETag; If-None-Match answers 304 with no body and the same ETag', async () => {
    const { token } = await newGoal();
    const first = await get(`/embed/${token}`);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    clock = new Date(clock.getTime() + 90_000); // the page shows the clock, but its ETag ignores it
    const again = await get(`/embed/${token}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('no-cache');
    // A 304 carries the headers of a 200: the CSP for the cached script, above all.
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');

    // A list of tags, or the weak form of ours, matches too (If-None-Match compares weakly).
    expect((await get(`/embed/${token}`, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(`/embed/${token}`, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  test('?theme= picks the theme, with an ETag of its own each', async () => {
    const { token } = await newGoal();
    const tags = new Set<string>();
    for (const [query, theme] of [['', 'auto'], ['?theme=auto', 'auto'], ['?theme=light', 'light'], ['?theme=dark', 'dark'], ['?theme=bogus', 'auto']] as const) {
      const r = await get(`/embed/${token}${query}`);
      expect(r.status).toBe(200);
      expect(r.body).toContain(`<html lang="en" data-theme="${theme}">`);
      tags.add(`${theme}:${String(r.headers.etag)}`);
    }
    expect(new Set([...tags].map((s) => s.split(':')[1])).size).toBe(3);
    expect(tags.size).toBe(3); // auto, none and bogus: one theme, one ETag
    const dark = await get(`/embed/${token}?theme=dark`);
    expect((await get(`/embed/${token}?theme=light`, { 'if-none-match': String(dark.headers.etag) })).status).toBe(200);
  });

  test('HEAD answers the headers of GET without a body', async () => {
    const { token } = await newGoal();
    const g = await get(`/embed/${token}`);
    const h = await server.request(`/embed/${token}`, { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.body).toBe('');
    expect(h.headers.etag).toBe(g.headers.etag);
    expect(h.headers['content-length']).toBe(String(Buffer.byteLength(g.body)));
    expect(h.headers['content-security-policy']).toBe(g.headers['content-security-policy']);
  });

  test('a trailing slash is the same page', async () => {
    const { token } = await newGoal();
    const r = await get(`/embed/${token}/`);
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBe((await get(`/embed/${token}`)).headers.etag);
  });
});

describe('GET /embed/<token>.json', () => {
  test('exactly the fields of SPEC §6, plus tracked, readable from any origin', async () => {
    const { token } = await newGoal();
    const r = await get(`/embed/${token}.json`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(json(r)).toEqual({
      title: 'Ship v1',
      repo: 'octo/app',
      issue: 12,
      issue_url: 'https://github.com/octo/app/issues/12',
      due_at: '2030-01-15T16:00:00.000Z',
      timezone: 'Europe/Berlin',
      keyword: 'ship-v1',
      status: 'active',
      state: 'on_track',
      completed_at: null,
      commit: null,
      created_at: '2030-01-01T09:00:00.000Z',
      now: '2030-01-12T13:00:00.000Z',
      tracked: true,
    });
    expect(Object.keys(json(r))).toEqual([
      'title', 'repo', 'issue', 'issue_url', 'due_at', 'timezone', 'keyword', 'status', 'state',
      'completed_at', 'commit', 'created_at', 'now', 'tracked',
    ]);
  });

  test('a 304 while the goal is the same, although `now` moved on', async () => {
    const { token } = await newGoal();
    const first = await get(`/embed/${token}.json`);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    clock = new Date(clock.getTime() + 5 * 60_000);
    const again = await get(`/embed/${token}.json`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['access-control-allow-origin']).toBe('*');
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    const fresh = await get(`/embed/${token}.json`);
    expect(fresh.headers.etag).toBe(etag);
    expect(json(fresh).now).toBe(clock.toISOString());
    // The page and the JSON of one goal have tags of their own.
    expect((await get(`/embed/${token}`)).headers.etag).not.toBe(etag);
  });

  test('a pull request links to /pull/', async () => {
    const { token } = await newGoal({ isPullRequest: true });
    expect(json(await get(`/embed/${token}.json`)).issue_url).toBe('https://github.com/octo/app/pull/12');
  });

  test('the state follows the clock while active', async () => {
    const { token } = await newGoal();
    const stateAt = async (iso: string) => {
      clock = new Date(iso);
      return json(await get(`/embed/${token}.json`)).state;
    };
    expect(await stateAt('2030-01-12T13:00:00.000Z')).toBe('on_track');
    expect(await stateAt('2030-01-14T16:00:00.000Z')).toBe('on_track'); // exactly 24 h left
    expect(await stateAt('2030-01-14T16:00:01.000Z')).toBe('due_soon');
    expect(await stateAt('2030-01-15T15:59:59.000Z')).toBe('due_soon');
    expect(await stateAt('2030-01-15T16:00:00.000Z')).toBe('overdue');
    expect(await stateAt('2030-02-01T00:00:00.000Z')).toBe('overdue');
  });

  test('completed on time, with the commit', async () => {
    const goal = await newGoal();
    const sha = 'a'.repeat(40);
    await completeGoal(t.db, goal.id, { via: 'commit', at: new Date(DUE.getTime() - 2 * HOUR), sha, author: 'bob' });
    clock = new Date(DUE.getTime() + 5 * HOUR); // after the deadline, yet done in time
    const body = json(await get(`/embed/${goal.token}.json`));
    expect(body).toMatchObject({
      status: 'completed',
      state: 'completed',
      completed_at: '2030-01-15T14:00:00.000Z',
      commit: { sha, url: `https://github.com/octo/app/commit/${sha}`, author: 'bob' },
    });
  });

  test('completed late, and by command (no commit)', async () => {
    const goal = await newGoal();
    await completeGoal(t.db, goal.id, { via: 'command', at: new Date(DUE.getTime() + HOUR) });
    const body = json(await get(`/embed/${goal.token}.json`));
    expect(body).toMatchObject({ status: 'completed', state: 'completed_late', completed_at: '2030-01-15T17:00:00.000Z', commit: null });
  });

  test('cancelled, whatever the clock says', async () => {
    const goal = await newGoal();
    await cancelGoal(t.db, goal.id);
    clock = new Date(DUE.getTime() + HOUR);
    expect(json(await get(`/embed/${goal.token}.json`))).toMatchObject({ status: 'cancelled', state: 'cancelled', completed_at: null });
  });
});

describe('GET /embed/<token>.svg and /shields.json: badges', () => {
  test('an SVG that is revalidated every time, with a 304 while it says the same', async () => {
    const { token } = await newGoal();
    clock = new Date('2030-01-12T13:10:00.000Z'); // 3d 2h 50m before the deadline
    const r = await get(`/embed/${token}.svg`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(r.body).toContain('deadline: 3d 2h left');
    const etag = String(r.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);

    clock = new Date(clock.getTime() + 10 * 60_000); // ten minutes on, still "3d 2h left"
    const same = await get(`/embed/${token}.svg`, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);

    clock = new Date(clock.getTime() + HOUR); // "3d 1h left"
    const later = await get(`/embed/${token}.svg`, { 'if-none-match': etag });
    expect(later.status).toBe(200);
    expect(later.body).toContain('deadline: 3d 1h left');
    expect(later.headers.etag).not.toBe(etag);
  });

  test('the badge words each state', async () => {
    const goal = await newGoal();
    const message = async () => /aria-label="deadline: ([^"]+)"/.exec((await get(`/embed/${goal.token}.svg`)).body)?.[1];
    expect(await message()).toBe('3d 3h left');
    clock = new Date(DUE.getTime() - 90 * 60_000);
    expect(await message()).toBe('1h 30m left');
    clock = new Date(DUE.getTime() + 26 * HOUR);
    expect(await message()).toBe('overdue 1d 2h');
    await completeGoal(t.db, goal.id, { via: 'close', at: clock });
    expect(await message()).toBe('done late');
  });

  test('/shields.json is a shields.io endpoint, readable from any origin', async () => {
    const { token } = await newGoal();
    const r = await get(`/embed/${token}/shields.json`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(json(r)).toEqual({ schemaVersion: 1, label: 'deadline', message: '3d 3h left', color: '4c1', cacheSeconds: 300 });
  });
});

describe('GET /embed/<token>.ics', () => {
  test('a calendar event that ical.js reads', async () => {
    const { token } = await newGoal();
    const r = await get(`/embed/${token}.ics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('inline; filename="deadline-ship-v1.ics"');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(r.body)).getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(`${token}@gitdone`);
    expect(event.summary).toBe('Deadline: Ship v1');
    expect(event.startDate.toJSDate().toISOString()).toBe(DUE.toISOString());
    expect(event.description).toContain(`${PUBLIC_URL}/embed/${token}`);
  });

  test('a 304 while the goal is the same, although its DTSTAMP (the clock) moved on', async () => {
    const { token } = await newGoal();
    const first = await get(`/embed/${token}.ics`);
    clock = new Date(clock.getTime() + HOUR);
    const again = await get(`/embed/${token}.ics`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-disposition']).toBe('inline; filename="deadline-ship-v1.ics"');
    expect((await get(`/embed/${token}.ics`)).body).not.toBe(first.body);
  });
});

describe('unknown and malformed tokens', () => {
  const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';

  test('an unknown token is a 404 in the shape of its variant: a page, a badge, a calendar, JSON; shields JSON with isError', async () => {
    const page = await get(`/embed/${unknown}`);
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('This countdown does not exist');
    const badge = await get(`/embed/${unknown}.svg`);
    expect(badge.status).toBe(404);
    expect(badge.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(badge.body).toMatch(/^<svg[\s\S]*not found[\s\S]*<\/svg>$/);
    expect(badge.body).not.toMatch(/<html|<script/i);
    const ics = await get(`/embed/${unknown}.ics`);
    expect(ics.status).toBe(404);
    expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(new ICAL.Component(ICAL.parse(ics.body)).getAllSubcomponents('vevent')).toHaveLength(0);
    for (const r of [page, badge, ics]) {
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers.etag).toBeUndefined();
    }
    const j = await get(`/embed/${unknown}.json`);
    expect(j.status).toBe(404);
    expect(j.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(j.headers['access-control-allow-origin']).toBe('*');
    expect(json(j)).toEqual({ error: 'not_found', message: expect.any(String) });
    // shields.io reads an endpoint's own error badge only from a 200.
    const shields = await get(`/embed/${unknown}/shields.json`);
    expect(shields.status).toBe(200);
    expect(shields.headers['cache-control']).toBe('no-store');
    expect(json(shields)).toEqual({ schemaVersion: 1, label: 'deadline', message: 'not found', color: 'lightgrey', isError: true, cacheSeconds: 300 });
  });

  test('a malformed token is a 404 that never reaches the database', async () => {
    // These handlers' database does not exist: a query would fail the request with a 500.
    const dead = openDatabase('postgres://postgres@127.0.0.1:1/x', { max: 1 });
    const deps = { db: dead.db, metrics: createMetrics(), publicUrl: PUBLIC_URL, githubUrl: 'https://github.com' };
    const isolated = await serve([embedRoutes(deps)]);
    try {
      expect((await isolated.request(`/embed/${unknown}`)).status).toBe(500); // the dead database is really dead
      expect((await isolated.request(`/board/${unknown}`)).status).toBe(500);
      const cases: Array<[string, number, string | undefined]> = [
        ['/embed/<script>', 404, 'text/html; charset=utf-8'],
        ['/embed/%3Cscript%3E.json', 404, 'application/json; charset=utf-8'],
        ['/embed/a', 404, 'text/html; charset=utf-8'],
        ['/embed/a.svg', 404, 'image/svg+xml; charset=utf-8'],
        ['/embed/a/shields.json', 200, 'application/json; charset=utf-8'],
        ['/embed/a.ics', 404, 'text/calendar; charset=utf-8'],
        ['/board/<script>', 404, 'text/html; charset=utf-8'],
        ['/board/a.json', 404, 'application/json; charset=utf-8'],
        [`/board/${'A'.repeat(65)}.ics`, 404, 'text/calendar; charset=utf-8'],
        [`/board/${unknown}.exe`, 404, 'text/html; charset=utf-8'],
        ['/board/', 404, 'text/html; charset=utf-8'],
        [`/embed/${'A'.repeat(65)}`, 404, 'text/html; charset=utf-8'],
        [`/embed/${unknown}.exe`, 404, 'text/html; charset=utf-8'],
        [`/embed/${unknown}/../../etc/passwd`, 404, undefined], // normalised to /etc/passwd: not ours
        ['/embed/../../etc', 404, undefined],
        ['/embed/', 404, 'text/html; charset=utf-8'],
      ];
      for (const [path, status, type] of cases) {
        const r = await isolated.request(path);
        expect({ path, status: r.status, type: r.headers['content-type'] }).toEqual({ path, status, type });
      }
    } finally {
      await isolated.close();
      await dead.close();
    }
  });

  test('other methods are not handled (the fallback answers 404)', async () => {
    const { token } = await newGoal();
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await server.request(`/embed/${token}`, { method });
      expect(r.status).toBe(404);
      expect(r.body).toBe('');
    }
  });
});

describe('the ETag follows what is shown', () => {
  test('completing the goal changes the ETag of every form', async () => {
    const goal = await newGoal();
    const paths = ['', '.json', '.svg', '/shields.json', '.ics'].map((s) => `/embed/${goal.token}${s}`);
    const before = await Promise.all(paths.map(async (p) => String((await get(p)).headers.etag)));
    await completeGoal(t.db, goal.id, { via: 'command', at: clock });
    for (const [i, p] of paths.entries()) {
      const r = await get(p, { 'if-none-match': before[i]! });
      expect({ p, status: r.status }).toEqual({ p, status: 200 });
    }
  });

  test('a repeat request gets a 304 for every form while nothing changed, as the clock runs', async () => {
    const goal = await newGoal();
    clock = new Date('2030-01-12T13:10:00.000Z'); // 3d 2h 50m left
    const paths = ['', '.json', '.svg', '/shields.json', '.ics'].map((s) => `/embed/${goal.token}${s}`);
    const before = await Promise.all(paths.map(async (p) => String((await get(p)).headers.etag)));
    expect(new Set(before).size).toBe(paths.length);
    clock = new Date(clock.getTime() + 10 * 60_000); // badges still read "3d 2h left"
    for (const [i, p] of paths.entries()) {
      const r = await get(p, { 'if-none-match': before[i]! });
      expect({ p, status: r.status }).toEqual({ p, status: 304 });
    }
  });

  test('the clock moving the state across due_soon and overdue changes the tag of the page, JSON and calendar', async () => {
    const goal = await newGoal();
    const paths = ['', '.json', '.ics'].map((s) => `/embed/${goal.token}${s}`);
    const tagsAt = async (iso: string) => {
      clock = new Date(iso);
      return Promise.all(paths.map(async (p) => String((await get(p)).headers.etag)));
    };
    const onTrack = await tagsAt('2030-01-14T15:00:00.000Z');
    expect(await tagsAt('2030-01-14T16:00:00.000Z')).toEqual(onTrack); // exactly 24 h left: still on_track
    const dueSoon = await tagsAt('2030-01-14T16:00:01.000Z');
    expect(await tagsAt('2030-01-15T15:59:59.000Z')).toEqual(dueSoon);
    const overdue = await tagsAt('2030-01-15T16:00:00.000Z');
    expect(await tagsAt('2030-02-01T00:00:00.000Z')).toEqual(overdue);
    for (const i of paths.keys()) {
      expect(new Set([onTrack[i], dueSoon[i], overdue[i]]).size).toBe(3);
    }
    // A client holding the on_track tag gets the new state, not a 304.
    for (const [i, p] of paths.entries()) {
      const r = await get(p, { 'if-none-match': onTrack[i]! });
      expect({ p, status: r.status }).toEqual({ p, status: 200 });
    }
    expect(json(await get(`/embed/${goal.token}.json`)).state).toBe('overdue');
  });

  test('untracking alone (no version bump) changes the ETag of every form', async () => {
    const goal = await newGoal();
    const paths = ['', '.json', '.svg', '/shields.json', '.ics'].map((s) => `/embed/${goal.token}${s}`);
    const before = await Promise.all(paths.map(async (p) => String((await get(p)).headers.etag)));
    await t.db.updateTable('repositories').set({ tracked: false }).where('id', '=', REPO.id).execute();
    for (const [i, p] of paths.entries()) {
      const r = await get(p, { 'if-none-match': before[i]! });
      expect({ p, status: r.status }).toEqual({ p, status: 200 });
    }
    expect(json(await get(`/embed/${goal.token}.json`)).tracked).toBe(false);
  });

  test('an untracked repository: new ETag, the page says so, the JSON has tracked:false', async () => {
    const { token } = await newGoal();
    const page = await get(`/embed/${token}`);
    expect(page.body).toMatch(/<p class="note" id="gd-note" hidden>/);
    await untrack();

    const after = await get(`/embed/${token}`, { 'if-none-match': String(page.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.body).toMatch(/<p class="note" id="gd-note">GitDone no longer tracks this repository<\/p>/);
    expect(json(await get(`/embed/${token}.json`)).tracked).toBe(false);
    expect(/aria-label="deadline: ([^"]+)"/.exec((await get(`/embed/${token}.svg`)).body)?.[1]).toBe('untracked');
  });

  test('a renamed repository shows its new name and links', async () => {
    const { token } = await newGoal();
    const paths = ['', '.json', '.ics'].map((s) => `/embed/${token}${s}`);
    const before = await Promise.all(paths.map(async (p) => String((await get(p)).headers.etag)));
    // Only the repository's name changes: the goal's version does not move.
    await t.db.updateTable('repositories').set({ full_name: 'octo-org/app-renamed' }).where('id', '=', REPO.id).execute();
    const body = json(await get(`/embed/${token}.json`));
    expect(body.repo).toBe('octo-org/app-renamed');
    expect(body.issue_url).toBe('https://github.com/octo-org/app-renamed/issues/12');
    for (const [i, p] of paths.entries()) {
      const r = await get(p, { 'if-none-match': before[i]! });
      expect({ p, status: r.status }).toEqual({ p, status: 200 });
    }
    const page = await get(`/embed/${token}`);
    expect(page.body).toContain('octo-org/app-renamed#12');
  });
});

describe('GET /', () => {
  test('the landing page', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<h1>GitDone</h1>');
    expect(r.body).toContain(`${PUBLIC_URL}/embed/&lt;token&gt;`);
  });
});

describe('gitdone_embed_requests_total', () => {
  test('counts embed requests by variant and outcome', async () => {
    const { token } = await newGoal();
    await get(`/embed/${token}.svg`);
    await get('/embed/AAAAAAAAAAAAAAAAAAAAAA.json');
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE gitdone_embed_requests_total counter');
    expect(text).toMatch(/gitdone_embed_requests_total\{variant="svg",status="found"\} [1-9]/);
    expect(text).toMatch(/gitdone_embed_requests_total\{variant="json",status="not_found"\} [1-9]/);
    expect((await get('/metrics')).status).toBe(404); // not on the public port
  });
});

describe('answers cached for the freshness window (GitDone runs with 1 s)', () => {
  const WINDOW_MS = 1000;

  test('a move, a completion and a cancellation show in every form within the window', async () => {
    const cached = await serve([embedRoutes({ db: t.db, metrics, publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: () => clock, cacheMs: WINDOW_MS })]);
    try {
      const moved = await newGoal({ keyword: 'moved' });
      const completed = await newGoal({ keyword: 'completed' });
      const cancelled = await newGoal({ keyword: 'cancelled' });
      const forms = (token: string) => ['', '.json', '.svg', '/shields.json', '.ics', '?theme=dark'].map((s) => `/embed/${token}${s}`);
      const all = [moved, completed, cancelled].flatMap((g) => forms(g.token));
      const bodies = async () => Promise.all(all.map(async (p) => (await cached.request(p)).body));
      const warm = await bodies();
      expect(await bodies()).toEqual(warm); // the same goal, the same clock: the same bytes (.json's `now` included)

      const newDue = new Date('2030-03-01T12:00:00.000Z');
      await setDueAt(t.db, moved.id, newDue);
      await completeGoal(t.db, completed.id, { via: 'command', at: clock });
      await cancelGoal(t.db, cancelled.id);
      const changedAt = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW_MS + 50));
      expect(Date.now() - changedAt).toBeLessThan(WINDOW_MS + 500); // still "within the window", on a busy machine

      const states = async (g: Goal) => {
        const [page, json, svg, shields, ics, dark] = await Promise.all(forms(g.token).map((p) => cached.request(p)));
        return { page: page!.body, json: JSON.parse(json!.body) as Record<string, unknown>, svg: svg!.body, shields: shields!.body, ics: ics!.body, dark: dark!.body };
      };
      const m = await states(moved);
      expect(m.json.due_at).toBe(newDue.toISOString());
      for (const text of [m.page, m.dark]) expect(text).toContain(newDue.toISOString());
      expect(m.ics).toContain('DTSTART:20300301T120000Z');
      expect(m.svg).toMatch(/\d+d \d+h left/);
      expect(m.svg).not.toContain('3d 3h left'); // what it said before the move
      const c = await states(completed);
      expect(c.json.status).toBe('completed');
      for (const text of [c.svg, c.shields]) expect(text).toMatch(/done|completed/i);
      const x = await states(cancelled);
      expect(x.json.status).toBe('cancelled');
      expect(x.ics).toContain('STATUS:CANCELLED');
      for (const text of [x.svg, x.shields]) expect(text).toMatch(/cancel/i);
    } finally {
      await cached.close();
    }
  });
});
