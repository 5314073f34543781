/**
 * Issue transfers (issue #13): the goals follow the issue to its new repository and number,
 * whichever of GitHub's two deliveries comes first, keep their links, keep keywords unique
 * there, and stop being tracked when GitDone is not installed on the new repository.
 * Payloads are GitHub's own examples (@octokit/webhooks-examples) with our ids put in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { runOnce } from 'graphile-worker';
import { sql } from 'kysely';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { insertGoal } from '../../../src/db/goals.js';
import { upsertRepository } from '../../../src/db/repositories.js';
import { embedRoutes } from '../../../src/embed/routes.js';
import { COMMENT_MAX } from '../../../src/notices/reply.js';
import { createMetrics } from '../../../src/http/metrics.js';
import type { TestDatabase } from '../../helpers/database.js';
import { PUBLIC_URL, useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { activeParts } from '../../helpers/markdown.js';
import { reschedule } from '../../helpers/queue.js';
import { processDelivery } from '../../../src/jobs/process-delivery.js';
import { deliveryId, INSTALLATION, issueComment, push, REPO } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;
let clock: Date;

const T0 = new Date('2030-01-10T12:00:00.000Z');
useTestApp({ now: () => clock }, (env) => ({ t, app } = env));

/** The repository the issue moves to, in the same organisation (the same installation can act there, or not). */
const NEXT = { ...REPO, id: 5151, name: 'next', full_name: 'octo/next' };

type Example = { action: string; changes?: unknown } & Record<string, unknown>;
type Loose = Record<string, unknown>;
/** The parts of an example this file rewrites. */
interface Payload {
  repository: Loose;
  issue: Loose;
  sender: Loose;
  installation?: Loose;
  changes: Record<string, Loose>;
}
const issueExamples = (examples as Array<{ name: string; examples: Example[] }>).find((e) => e.name === 'issues')!.examples;
const example = (action: string) => structuredClone(issueExamples.find((e) => e.action === action && e.changes)!) as unknown as Payload;

/** `issues.transferred`, as GitHub sends it to the old repository's installation. */
function transferred(opts: { number: number; newNumber: number; to?: typeof NEXT; from?: typeof REPO; installationId?: number }) {
  const p = example('transferred');
  const to = opts.to ?? NEXT;
  p.repository = { ...p.repository, ...(opts.from ?? REPO) };
  p.issue = { ...p.issue, number: opts.number };
  p.changes.new_issue = { ...p.changes.new_issue, number: opts.newNumber, html_url: `https://github.com/${to.full_name}/issues/${opts.newNumber}` };
  p.changes.new_repository = { ...p.changes.new_repository, id: to.id, name: to.name, full_name: to.full_name, default_branch: to.default_branch };
  p.installation = { id: opts.installationId ?? INSTALLATION.id };
  return p;
}

/** `issues.opened` with `changes.old_issue`, as GitHub sends it to the new repository's installation. */
function openedByTransfer(opts: { number: number; oldNumber: number; body?: string; to?: typeof NEXT; installationId?: number }) {
  const p = example('opened');
  p.repository = { ...p.repository, ...(opts.to ?? NEXT) };
  p.issue = { ...p.issue, number: opts.number, body: opts.body ?? '', title: 'Ship the beta' };
  p.changes.old_issue = { ...p.changes.old_issue, number: opts.oldNumber };
  p.changes.old_repository = { ...p.changes.old_repository, id: REPO.id, name: REPO.name, full_name: REPO.full_name };
  p.installation = { id: opts.installationId ?? INSTALLATION.id };
  p.sender = { ...p.sender, type: 'User' };
  return p;
}

async function receive(name: 'issues' | 'issue_comment' | 'push', payload: unknown): Promise<void> {
  await app.probot.receive({ id: deliveryId(), name, payload: payload as never });
  await app.runJobs();
}

async function say(body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}): Promise<void> {
  await receive('issue_comment', issueComment({ body, ...extra }));
}

/** GitHub's answer to "where is the app installed for octo/next": an installation id, or 404. */
function installedOn(repo: string, installationId: number | null) {
  const scope = nock(API).get(`/repos/${repo}/installation`);
  return installationId === null ? scope.reply(404, { message: 'Not Found' }) : scope.reply(200, { id: installationId, suspended_at: null });
}

const goals = () => t.db.selectFrom('goals').selectAll().orderBy('id').execute();
const repository = (id: number) => t.db.selectFrom('repositories').selectAll().where('id', '=', id).executeTakeFirst();

/** The embed routes over HTTP, as a Notion page or a README would ask them. */
let server: http.Server;
let base: string;
beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  await new Promise<void>((resolve) => {
    server = http.createServer(async (req, res) => {
      const routes = embedRoutes({ db: t.db, metrics: createMetrics(), publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: () => clock, cacheMs: 0 });
      if (!(await routes(req, res))) res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clock = T0;
  nock.enableNetConnect('127.0.0.1');
});

async function embedJson(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/embed/${token}.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('an issue transferred to a repository GitDone is installed on', () => {
  test('its goals follow it to the new repository and number, links unchanged, and the new issue is told once', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship it keyword=ship\n/deadline 2030-01-20 Docs keyword=docs');
    await say('/deadline done docs');
    const before = await goals();
    installedOn('octo/next', INSTALLATION.id);
    await receive('issues', transferred({ number: 12, newNumber: 3 }));

    const after = await goals();
    expect(after.map((g) => [Number(g.repo_id), g.issue_number, g.token])).toEqual(before.map((g) => [NEXT.id, 3, g.token]));
    expect(after.map((g) => [g.keyword, g.status])).toEqual([['ship', 'active'], ['docs', 'completed']]);
    expect(await repository(NEXT.id)).toMatchObject({ tracked: true, full_name: 'octo/next', installation_id: INSTALLATION.id });

    // The same links, now pointing at the issue where it is.
    const json = await embedJson(before[0]!.token);
    expect(json).toMatchObject({ repo: 'octo/next', issue: 3, issue_url: 'https://github.com/octo/next/issues/3', keyword: 'ship' });

    const told = gh.comments.filter((c) => c.repo === 'octo/next');
    expect(told).toHaveLength(1);
    expect(told[0]!.issueNumber).toBe(3);
    expect(told[0]!.body).toContain('transferred here from `octo/app#12`');
    expect(told[0]!.body).toContain('`Ship it` (`ship`), due');
    expect(told[0]!.body).toContain('1 finished goal came along too.');

    // GitHub's other delivery of the same transfer, to the new repository: nothing left to move, nothing said twice.
    await receive('issues', openedByTransfer({ number: 3, oldNumber: 12 }));
    expect(gh.comments.filter((c) => c.repo === 'octo/next')).toHaveLength(1);
    expect((await goals()).map((g) => [Number(g.repo_id), g.issue_number])).toEqual([[NEXT.id, 3], [NEXT.id, 3]]);
  });

  test('the opened delivery may come first: it moves the goals, acting as the new repository\'s installation', async () => {
    const gh = mockGitHub();
    nock(API).persist().post('/app/installations/88/access_tokens').reply(201, { token: 'other-token', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
    await say('/deadline 2030-01-15 17:00 Ship it keyword=ship');
    await receive('issues', openedByTransfer({ number: 9, oldNumber: 12, installationId: 88 }));
    expect((await goals())[0]).toMatchObject({ issue_number: 9 });
    expect(Number((await goals())[0]!.repo_id)).toBe(NEXT.id);
    expect(await repository(NEXT.id)).toMatchObject({ tracked: true, installation_id: 88 });
    expect(gh.comments.filter((c) => c.repo === 'octo/next' && c.issueNumber === 9)).toHaveLength(1);

    // Then the transferred delivery, to the old repository: already done.
    await receive('issues', transferred({ number: 12, newNumber: 9 }));
    expect(gh.comments.filter((c) => c.repo === 'octo/next')).toHaveLength(1);
  });

  test('a transferred issue\'s body is not run again as commands', async () => {
    const gh = mockGitHub();
    await receive('issues', openedByTransfer({ number: 4, oldNumber: 30, body: '/deadline 2030-01-15 Again keyword=again' }));
    expect(await goals()).toEqual([]);
    expect(gh.comments).toEqual([]);
    expect(await t.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
  });

  test('a keyword the new repository already uses gets a suffix, and the comment says which', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-02-01 Theirs keyword=ship', { repo: NEXT, issueNumber: 1 });
    await say('/deadline 2030-01-15 17:00 Ours keyword=Ship');
    installedOn('octo/next', INSTALLATION.id);
    await receive('issues', transferred({ number: 12, newNumber: 5 }));
    const moved = (await goals()).find((g) => g.title === 'Ours')!;
    expect(moved).toMatchObject({ keyword: 'Ship-2', issue_number: 5, status: 'active' });
    const body = gh.comments.find((c) => c.repo === 'octo/next' && c.issueNumber === 5)!.body;
    expect(body).toContain('Its keyword `Ship` is already used by an active goal in this repository, so it is now `Ship-2`');

    // The new keyword is the one that completes it there; the other goal keeps its own.
    await receive('push', push({ commits: [{ message: 'Finish ship-2' }], repo: NEXT }));
    expect((await goals()).map((g) => [g.title, g.status])).toEqual([['Theirs', 'active'], ['Ours', 'completed']]);
  });

  test('a reminder planned before the transfer is posted on the new issue', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship it keyword=ship');
    installedOn('octo/next', INSTALLATION.id);
    await receive('issues', transferred({ number: 12, newNumber: 7 }));
    clock = new Date('2030-01-14T17:00:00.000Z');
    await reschedule(t.db, 'goal:%:reminder:%');
    await app.runJobs();
    const reminder = gh.comments.find((c) => c.body.includes(':reminder:'))!;
    expect(reminder).toMatchObject({ repo: 'octo/next', issueNumber: 7 });
    expect(reminder.body).toContain('is due in 1 day');
    expect(gh.comments.filter((c) => c.repo === 'octo/app' && c.issueNumber === 12 && c.body.includes(':reminder:'))).toEqual([]);
  });

  test('titles in the comment stay inert', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 @octo/team #12 ![x](http://evil.example/x.png) <b>hi</b> keyword=ship');
    installedOn('octo/next', INSTALLATION.id);
    await receive('issues', transferred({ number: 12, newNumber: 3 }));
    const body = gh.comments.find((c) => c.repo === 'octo/next')!.body;
    expect(activeParts(body, { hrefs: [PUBLIC_URL] })).toEqual([]);
  });
});

describe('a release that does not know transfers', () => {
  test('never takes their deliveries: they wait in a task of their own', async () => {
    mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship it keyword=ship');
    const id = deliveryId();
    await app.probot.receive({ id, name: 'issues', payload: transferred({ number: 12, newNumber: 3 }) as never });
    const opened = deliveryId();
    await app.probot.receive({ id: opened, name: 'issues', payload: openedByTransfer({ number: 3, oldNumber: 12, body: '/deadline 2030-02-01 Again' }) as never });
    const tasks = async () =>
      (await sql<{ key: string; task: string }>`select key, task_identifier as task from graphile_worker.jobs where key in (${`delivery:${id}`}, ${`delivery:${opened}`}) order by key`.execute(t.db)).rows.map((r) => r.task);
    expect(await tasks()).toEqual(['process-transfer', 'process-transfer']);

    // The previous release's worker knows only process-delivery: it leaves them alone.
    await runOnce({ pgPool: t.pool, taskList: { 'process-delivery': async (p) => processDelivery(app.deps, (p as { deliveryId: string }).deliveryId) } });
    expect(await tasks()).toHaveLength(2);
    expect((await goals()).map((g) => g.issue_number)).toEqual([12]);

    installedOn('octo/next', INSTALLATION.id);
    await app.runJobs();
    expect((await goals()).map((g) => [Number(g.repo_id), g.issue_number, g.title])).toEqual([[NEXT.id, 3, 'Ship it']]);
  });
});

describe('hostile transfers', () => {
  test('an issue with hundreds of goals, every keyword taken in the new repository, the longest ones too', async () => {
    const gh = mockGitHub();
    const N = 300;
    const long = (i: number) => `${'k'.repeat(60)}${String(i).padStart(4, '0')}`; // 64 characters: the suffix must cut it
    await upsertRepository(t.db, { id: REPO.id, installationId: INSTALLATION.id, fullName: REPO.full_name });
    await upsertRepository(t.db, { id: NEXT.id, installationId: INSTALLATION.id, fullName: NEXT.full_name }, { track: true });
    for (let i = 0; i < N; i++) {
      const keyword = i % 2 ? long(i) : `kw-${i}`;
      const common = { isPullRequest: false, title: `@octo/team #${i} <b>x</b>`, keyword, dueAt: new Date('2030-01-15T17:00:00Z'), timezone: 'UTC', createdBy: 'alice' };
      await insertGoal(t.db, { ...common, repoId: REPO.id, issueNumber: 12 });
      await insertGoal(t.db, { ...common, repoId: NEXT.id, issueNumber: 1, title: 'theirs' });
      // What the first long keyword would become with `-2` (cut to fit): taken too.
      if (i === 1) await insertGoal(t.db, { ...common, repoId: NEXT.id, issueNumber: 1, title: 'theirs too', keyword: `${'k'.repeat(60)}00-2` });
    }
    installedOn('octo/next', INSTALLATION.id);
    const started = Date.now();
    await receive('issues', transferred({ number: 12, newNumber: 3 }));
    const took = Date.now() - started;

    const moved = await t.db.selectFrom('goals').select(['keyword']).where('repo_id', '=', NEXT.id).where('issue_number', '=', 3).execute();
    expect(moved).toHaveLength(N);
    const active = await t.db.selectFrom('goals').select('keyword').where('repo_id', '=', NEXT.id).where('status', '=', 'active').execute();
    const lower = active.map((g) => g.keyword.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length); // unique, as the index demands
    expect(Math.max(...moved.map((g) => g.keyword.length))).toBeLessThanOrEqual(64);

    const body = gh.comments.find((c) => c.repo === 'octo/next')!.body;
    expect(body.length).toBeLessThan(COMMENT_MAX);
    expect(body).toContain('…and 250 more.');
    expect(activeParts(body, { hrefs: [PUBLIC_URL] })).toEqual([]);
    expect(took).toBeLessThan(15_000);
  });
});

describe('an issue transferred to a repository GitDone is not installed on', () => {
  test('the goals follow it but are untracked: nothing is posted there, the embeds say so', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship it keyword=ship');
    const [goal] = await goals();
    installedOn('octo/next', null);
    await receive('issues', transferred({ number: 12, newNumber: 3 }));

    expect((await goals())[0]).toMatchObject({ issue_number: 3, status: 'active', token: goal!.token });
    expect(await repository(NEXT.id)).toMatchObject({ tracked: false, full_name: 'octo/next' });
    expect(await embedJson(goal!.token)).toMatchObject({ repo: 'octo/next', issue: 3, issue_url: 'https://github.com/octo/next/issues/3' });
    const badge = await (await fetch(`${base}/embed/${goal!.token}.svg`)).text();
    expect(badge).toContain('untracked');
    expect(gh.comments.filter((c) => c.repo === 'octo/next')).toEqual([]);

    // Its reminder finds it untracked and posts nothing, anywhere.
    const posted = gh.comments.length;
    clock = new Date('2030-01-14T17:00:00.000Z');
    await reschedule(t.db, 'goal:%');
    await app.runJobs();
    expect(gh.comments).toHaveLength(posted);

    // Installing the app there tracks it again, with that installation.
    await app.probot.receive({
      id: deliveryId(),
      name: 'installation_repositories',
      payload: { action: 'added', installation: { id: 88 }, repositories_added: [{ id: NEXT.id, full_name: NEXT.full_name }], repositories_removed: [], sender: { login: 'octo' } } as never,
    });
    expect(await repository(NEXT.id)).toMatchObject({ tracked: true, installation_id: 88 });
  });

  test('an issue without goals is not recorded at all', async () => {
    mockGitHub();
    await receive('issues', transferred({ number: 99, newNumber: 3 }));
    expect(await t.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
  });
});
