/**
 * Expand-then-contract, checked: the previous release's own data access (its goals store,
 * recordDelivery, postOnce) against a database migrated by THIS build's migrations, as it
 * runs during a rolling upgrade and after a rollback. Its sources come from git
 * (db/previous-release.json names the commit) and run through jest's TypeScript transform.
 * Without that commit in the history (a shallow clone) the tests are skipped, saying why.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import nock from 'nock';
import { Octokit } from '@octokit/rest';
import { migrations } from '../../../db/migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const { commit } = JSON.parse(readFileSync(join(ROOT, 'db/previous-release.json'), 'utf8')) as { commit: string };

/** Why the previous release cannot be read from git here, or undefined when it can. */
function unavailable(): string | undefined {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
    return undefined;
  } catch {
    return `the previous release ${commit.slice(0, 7)} (db/previous-release.json) is not in this checkout's git history (a shallow clone?): its compatibility test is skipped. Run it from a full clone.`;
  }
}

/** The previous release's src/ and db/, once per commit, under test-artifacts/ (so that its imports find node_modules). */
function checkout(): string {
  const dir = join(ROOT, 'test-artifacts', 'previous-release', commit);
  if (existsSync(join(dir, 'src'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit, 'src', 'db'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', tmp], { input: tar });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker got there first
  }
  return dir;
}

const why = unavailable();
if (why) console.warn(why);
const maybe = why ? test.skip : test;

/* eslint-disable @typescript-eslint/no-explicit-any -- the previous release's modules, typed as they were then */
let old: { store: any; record: any; comments: any; migrate: any };
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase(); // migrated by this build's migrations
  if (why) return;
  const dir = checkout();
  const load = (p: string) => import(pathToFileURL(join(dir, p)).href);
  old = {
    store: await load('src/goals/store.ts'),
    record: await load('src/events/record.ts'),
    comments: await load('src/github/comments.ts'),
    migrate: await load('src/db/migrate.ts'),
  };
});
afterAll(async () => t?.close());

const REPO = { id: 4242, installationId: 77, fullName: 'octo/rollback', defaultBranch: 'main' };

describe(`the previous release (${commit.slice(0, 7)}) on this build's schema`, () => {
  maybe('its goals store: insert, find by token, list, move, complete, cancel', async () => {
    await old.store.upsertRepository(t.db, REPO);
    const goal = await old.store.insertGoal(t.db, {
      repoId: REPO.id, issueNumber: 3, isPullRequest: false, title: 'Roll back safely', keyword: 'rollback',
      dueAt: new Date('2031-01-01T12:00:00Z'), timezone: 'Europe/Berlin', createdBy: 'alice',
    });
    expect(goal).toMatchObject({ title: 'Roll back safely', keyword: 'rollback', status: 'active' });
    expect(await old.store.findByToken(t.db, goal.token)).toMatchObject({ id: goal.id });
    expect((await old.store.activeGoalsOfRepo(t.db, REPO.id)).map((g: { id: string }) => g.id)).toEqual([goal.id]);
    expect(await old.store.moveGoal(t.db, goal.id, new Date('2031-02-01T12:00:00Z'))).toMatchObject({ dueAt: new Date('2031-02-01T12:00:00Z') });
    const done = await old.store.completeGoal(t.db, goal.id, { via: 'commit', at: new Date('2031-01-15T00:00:00Z'), sha: 'a'.repeat(40), author: 'bob' });
    expect(done).toMatchObject({ status: 'completed' });

    const other = await old.store.insertGoal(t.db, {
      repoId: REPO.id, issueNumber: 4, isPullRequest: true, title: 'Other', keyword: 'other',
      dueAt: new Date('2031-01-01T12:00:00Z'), timezone: 'UTC', createdBy: 'alice',
    });
    expect(await old.store.cancelGoal(t.db, other.id)).toMatchObject({ status: 'cancelled' });
  });

  maybe('links: what it inserts is shared here; a link this build withdrew is not served there', async () => {
    const { replaceToken } = await import('../../../src/db/goals.js');
    const { readGoalLink } = await import('../../../src/usecases/read-links.js');
    await old.store.upsertRepository(t.db, REPO);
    const goal = await old.store.insertGoal(t.db, {
      repoId: REPO.id, issueNumber: 5, isPullRequest: false, title: 'Shared by default', keyword: 'shared-default',
      dueAt: new Date('2031-01-01T12:00:00Z'), timezone: 'UTC', createdBy: 'alice',
    });
    expect(await readGoalLink(t.db, goal.token)).toMatchObject({ state: 'live', value: { id: goal.id, shared: true } });
    const { goal: unshared } = (await replaceToken(t.db, goal.id, { share: false }))!;
    // Neither the withdrawn token nor the one that replaced it reaches the goal here (410) …
    expect(await readGoalLink(t.db, goal.token)).toEqual({ state: 'withdrawn' });
    expect(await readGoalLink(t.db, unshared.token)).toEqual({ state: 'withdrawn' });
    // … and the previous release, which knows nothing of withdrawing, finds nothing under the old one.
    expect(await old.store.findByToken(t.db, goal.token)).toBeUndefined();
    // It still moves and completes the goal.
    expect(await old.store.completeGoal(t.db, goal.id, { via: 'command', at: new Date('2031-01-01T00:00:00Z') })).toMatchObject({ status: 'completed' });
  });

  maybe('its recordDelivery: the delivery and its job, once per delivery id', async () => {
    const delivery = { id: `prev-${Date.now()}`, event: 'issue_comment', payload: { action: 'created', comment: { body: '/deadline help' } }, repo: REPO };
    expect(await old.record.recordDelivery(t.db, delivery)).toBe(true);
    expect(await old.record.recordDelivery(t.db, delivery)).toBe(false);
    const stored = await t.db.selectFrom('deliveries').select(['event', 'repo_id']).where('id', '=', delivery.id).executeTakeFirst();
    expect(stored).toEqual({ event: 'issue_comment', repo_id: REPO.id });
    const { rows } = await sql<{ task_identifier: string }>`select task_identifier from graphile_worker.jobs where key = ${`delivery:${delivery.id}`}`.execute(t.db);
    expect(rows.map((r) => r.task_identifier)).toEqual(['process-delivery']);
  });

  maybe('its postOnce: posts once (the new nonce column left empty), and a retry does not post again', async () => {
    nock.disableNetConnect();
    try {
      const octokit = new Octokit({ baseUrl: 'https://api.github.test', request: { retries: 0 } });
      const posted = nock('https://api.github.test')
        .post('/repos/octo/rollback/issues/3/comments')
        .reply(201, { id: 9001 });
      const notice = { key: `goal:1:overdue:prev-${Date.now()}`, repoId: REPO.id, owner: 'octo', repo: 'rollback', issueNumber: 3, body: 'overdue' };
      expect(await old.comments.postOnce(t.db, octokit, notice)).toBe('posted');
      expect(await old.comments.postOnce(t.db, octokit, notice)).toBe('already-posted');
      expect(posted.isDone()).toBe(true);
      const row = await t.db.selectFrom('notices').select(['comment_id', 'nonce']).where('key', '=', notice.key).executeTakeFirst();
      expect(row).toEqual({ comment_id: 9001, nonce: null });
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  maybe('its start-up refuses the newer migrations until their rows go (docs/operations.md#roll-back); rolling forward again re-applies them', async () => {
    const newer = Object.keys(migrations).filter((name) => !existsSync(join(ROOT, 'test-artifacts', 'previous-release', commit, 'db', 'migrations', `${name}.ts`)));
    expect(newer.length).toBeGreaterThan(0);
    await expect(old.migrate.migrateToLatest(t.db, t.pool)).rejects.toThrow(/corrupted migrations/);
    // The documented step: forget the migrations that release does not know; their additive changes stay.
    await sql`delete from kysely_migration where name = any(${newer})`.execute(t.db);
    expect(await old.migrate.migrateToLatest(t.db, t.pool)).toEqual([]);
    expect(await old.migrate.migrationsCurrent(t.db)).toBe(true);

    // Upgrading again later runs those migrations a second time, over what they left behind.
    const { migrateToLatest, migrationsCurrent } = await import('../../../src/db/migrate.js');
    expect(await migrateToLatest(t.db, t.pool)).toEqual(newer);
    expect(await migrationsCurrent(t.db)).toBe(true);
  });
});
