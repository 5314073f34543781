/**
 * Withdrawn links over real HTTP: every variant of a withdrawn goal's URL answers 410 Gone in
 * its own shape, unknown ones 404, and a fresh link works. Carried out as the commands do it
 * (db/goals.ts replaceToken), read through the production routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import ICAL from 'ical.js';
import { insertGoal, replaceToken } from '../../../src/db/goals.js';
import { upsertRepository } from '../../../src/db/repositories.js';
import { embedRoutes } from '../../../src/embed/routes.js';
import { createMetrics, type Metrics } from '../../../src/http/metrics.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { serve, type Reply } from '../../helpers/embed-server.js';

const REPO = { id: 4242, installationId: 77, fullName: 'octo/app' };
let t: TestDatabase;
let metrics: Metrics;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  t = await createTestDatabase();
  metrics = createMetrics();
  server = await serve([embedRoutes({ db: t.db, metrics, publicUrl: 'https://gitdone.test', githubUrl: 'https://github.com', now: () => new Date('2030-01-12T13:00:00Z') })]);
});
afterAll(async () => {
  await server.close();
  await t.close();
});
beforeEach(async () => {
  await t.db.deleteFrom('withdrawn_links').execute();
  await t.db.deleteFrom('goals').execute();
  await upsertRepository(t.db, REPO, { track: true });
});

const get = (path: string, method = 'GET') => server.request(path, { method });

async function newGoal() {
  return insertGoal(t.db, {
    repoId: REPO.id, issueNumber: 12, isPullRequest: false, title: 'Ship v1', keyword: 'ship-v1',
    dueAt: new Date('2030-01-15T16:00:00Z'), timezone: 'Europe/Berlin', createdBy: 'octocat',
  });
}

/** Every variant of a goal's URL, and what a dead one must look like in each. */
async function expectDead(token: string, status: 404 | 410) {
  const words = status === 410 ? { page: 'This link was withdrawn', badge: 'link withdrawn', error: 'gone' } : { page: 'This countdown does not exist', badge: 'not found', error: 'not_found' };
  const page = await get(`/embed/${token}`);
  expect([page.status, page.headers['content-type']]).toEqual([status, 'text/html; charset=utf-8']);
  expect(page.body).toContain(words.page);
  expect(page.headers['content-security-policy']).toContain('frame-ancestors *');
  const badge = await get(`/embed/${token}.svg`);
  expect([badge.status, badge.headers['content-type']]).toEqual([status, 'image/svg+xml; charset=utf-8']);
  expect(badge.body).toMatch(/^<svg/);
  expect(badge.body).toContain(`<title>deadline: ${words.badge}</title>`);
  const shields = await get(`/embed/${token}/shields.json`);
  expect(shields.status).toBe(200);
  expect(JSON.parse(shields.body)).toEqual({ schemaVersion: 1, label: 'deadline', message: words.badge, color: 'lightgrey', isError: true, cacheSeconds: 300 });
  const ics = await get(`/embed/${token}.ics`);
  expect([ics.status, ics.headers['content-type']]).toEqual([status, 'text/calendar; charset=utf-8']);
  const cal = new ICAL.Component(ICAL.parse(ics.body));
  expect(cal.getAllSubcomponents('vevent')).toEqual([]);
  expect(String(cal.getFirstPropertyValue('x-wr-calname'))).toContain(words.page);
  const json = await get(`/embed/${token}.json`);
  expect([json.status, json.headers['access-control-allow-origin']]).toEqual([status, '*']);
  expect(JSON.parse(json.body)).toEqual({ error: words.error, message: expect.any(String) });
  for (const r of [page, badge, shields, ics, json] as Reply[]) {
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers.etag).toBeUndefined();
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  }
  const head = await get(`/embed/${token}.svg`, 'HEAD');
  expect([head.status, head.body, head.headers['content-length']]).toEqual([status, '', String(Buffer.byteLength(badge.body))]);
}

describe('a withdrawn goal link', () => {
  test('every variant answers 410 in its own shape; the goal itself is unchanged', async () => {
    const goal = await newGoal();
    expect((await get(`/embed/${goal.token}.svg`)).status).toBe(200);
    const done = await replaceToken(t.db, goal.id, { share: false });
    expect(done).toMatchObject({ wasShared: true, goal: { shared: false, status: 'active', title: 'Ship v1' } });
    await expectDead(goal.token, 410);
    // The token it has now was given to no one; it answers 410 as well.
    await expectDead(done!.goal.token, 410);
  });

  test('share: the new link works, every old one answers 410, an unknown one 404', async () => {
    const goal = await newGoal();
    const hidden = (await replaceToken(t.db, goal.id, { share: false }))!.goal;
    const shared = (await replaceToken(t.db, goal.id, { share: true }))!.goal;
    expect(shared.shared).toBe(true);
    for (const suffix of ['', '.json', '.svg', '.ics', '/shields.json']) expect((await get(`/embed/${shared.token}${suffix}`)).status).toBe(200);
    await expectDead(goal.token, 410);
    await expectDead(hidden.token, 410);
    await expectDead('AAAAAAAAAAAAAAAAAAAAAA', 404);
  });

  test('a withdrawn board token is not a withdrawn goal token: under /embed/ it is unknown', async () => {
    await t.db.insertInto('withdrawn_links').values({ token: 'BBBBBBBBBBBBBBBBBBBBBB', kind: 'board' }).execute();
    expect((await get('/embed/BBBBBBBBBBBBBBBBBBBBBB')).status).toBe(404);
  });

  test('metrics count withdrawn answers apart, with no token or repository in a label', async () => {
    const goal = await newGoal();
    await replaceToken(t.db, goal.id, { share: false });
    await get(`/embed/${goal.token}.svg`);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gitdone_embed_requests_total\{variant="svg",status="withdrawn"\} [1-9]/);
    expect(text).not.toContain(goal.token);
    expect(text).not.toContain('octo/app');
  });
});
