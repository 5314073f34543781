import { beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { API, mockGitHub } from '../../helpers/github.js';
import { deliveryId, INSTALLATION, issueComment, push, REPO } from '../../fixtures/payloads.js';
import { findByToken } from '../../../src/db/goals.js';
import { queued, reschedule } from '../../helpers/queue.js';

/**
 * Installation lifecycle (src/events/installation.ts): uninstalled, suspended or removed
 * repositories are left alone by every job (no GitHub call), and goals follow their
 * repository's id through renames and transfers.
 */

let t: TestDatabase;
let app: TestApp;
let clock: Date;

const OTHER_REPO = { ...REPO, id: 4343, name: 'lib', full_name: 'octo/lib' }; // same installation
const FOREIGN_REPO = { ...REPO, id: 5454, name: 'tool', full_name: 'elsewhere/tool', owner: { login: 'elsewhere', type: 'Organization' } };
const FOREIGN_INSTALLATION = { id: 88 };
const DUE = '2030-01-15T17:00:00.000Z';

useTestApp({ now: () => clock }, (env) => ({ t, app } = env));
beforeEach(async () => {
  clock = new Date('2030-01-10T12:00:00.000Z');
});

const runJobs = () => app.runJobs();

type Repo = typeof REPO;

const commentPayload = (body: string, repo: Repo = REPO, installation = INSTALLATION, issueNumber = 12) => ({
  ...issueComment({ body, repo, issueNumber }),
  installation,
});

/** Records a webhook without running its job. */
const receive = (name: string, payload: object, id = deliveryId()) => app.probot.receive({ id, name: name as never, payload: payload as never }).then(() => id);

async function goal(keyword: string, repo: Repo = REPO, installation = INSTALLATION) {
  await receive('issue_comment', commentPayload(`/deadline 2030-01-15 17:00 Goal ${keyword} keyword=${keyword}`, repo, installation));
  await runJobs();
  return t.db.selectFrom('goals').selectAll().where('keyword', '=', keyword).executeTakeFirstOrThrow();
}

const installationEvent = (action: string, extra: object = {}) => ({
  action,
  installation: { ...INSTALLATION, account: { login: 'octo', type: 'Organization' } },
  sender: { login: 'octo-admin', type: 'User' },
  ...extra,
});

const repoRow = (id: number) => t.db.selectFrom('repositories').selectAll().where('id', '=', id).executeTakeFirst();
const goalRow = (id: number) => t.db.selectFrom('goals').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const skippedLogs = () => app.logs.filter((l) => l.msg === 'repository no longer tracked; delivery skipped');
const jobsLeft = async () => (await queued(t.db)).map(({ key, attempts }) => ({ key, attempts })).sort((a, b) => String(a.key).localeCompare(String(b.key)));

/** With every GitHub mock gone (and net connect off), any call fails the job, which would stay queued with attempts 1. */
async function expectSkippedWithoutGitHub(deliveryIds: string[]): Promise<void> {
  nock.cleanAll();
  await runJobs();
  const rows = await t.db.selectFrom('deliveries').select(['id', 'processed_at']).where('id', 'in', deliveryIds).execute();
  expect(rows).toHaveLength(deliveryIds.length);
  expect(rows.every((r) => r.processed_at !== null)).toBe(true);
  expect((await jobsLeft()).filter((j) => j.attempts > 0)).toEqual([]);
  expect(skippedLogs().map((l) => l.deliveryId).sort()).toEqual([...deliveryIds].sort());
}

describe('installation removed', () => {
  test.each(['deleted', 'suspend'])('installation.%s: its repositories are untracked, pending work skipped without GitHub', async (action) => {
    mockGitHub();
    mockGitHub({ installationId: FOREIGN_INSTALLATION.id });
    const g = await goal('gone-1');
    const other = await goal('gone-2', OTHER_REPO);
    const foreign = await goal('stays-1', FOREIGN_REPO, FOREIGN_INSTALLATION);
    // Work recorded before the event, run after it.
    const pendingIds = [
      await receive('issue_comment', commentPayload('/deadline done gone-1')),
      await receive('push', push({ commits: [{ message: 'gone-1 and gone-2' }] })),
      await receive('push', push({ repo: OTHER_REPO, commits: [{ message: 'gone-2' }] })),
    ];

    await receive('installation', installationEvent(action));
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: false });
    expect(await repoRow(OTHER_REPO.id)).toMatchObject({ tracked: false });
    expect(await repoRow(FOREIGN_REPO.id)).toMatchObject({ tracked: true });

    await expectSkippedWithoutGitHub(pendingIds);
    expect((await goalRow(g.id)).status).toBe('active');
    expect((await goalRow(other.id)).status).toBe('active');

    // Their reminders, once due, go nowhere either (and are not retried).
    await reschedule(t.db, `goal:${g.id}:%`);
    await reschedule(t.db, `goal:${other.id}:%`);
    clock = new Date(new Date(DUE).getTime() + 60_000);
    await runJobs();
    expect((await jobsLeft()).map((j) => j.key ?? '').filter((k) => !k.startsWith(`goal:${foreign.id}:`))).toEqual([]);
  });

  test('installation.unsuspend tracks the repositories again: a push completes', async () => {
    const gh = mockGitHub();
    const g = await goal('back-1');
    await receive('installation', installationEvent('suspend'));
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: false });

    await receive('installation', installationEvent('unsuspend'));
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: true });

    await receive('push', push({ commits: [{ message: 'back-1' }] }));
    await runJobs();
    expect((await goalRow(g.id)).status).toBe('completed');
    expect(gh.comments.filter((c) => c.body.includes(`gitdone:goal:${g.id}:completed`))).toHaveLength(1);
  });

  test('a manual redelivery of an old webhook does not re-track a suspended repository', async () => {
    mockGitHub();
    const payload = commentPayload('/deadline list');
    const id = await receive('issue_comment', payload);
    await runJobs();
    await receive('installation', installationEvent('suspend'));
    await receive('issue_comment', payload, id); // the same delivery, redelivered by hand
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: false });
  });
});

describe('installation_repositories', () => {
  test('removed: that repository only is untracked and its work skipped; added: tracked again, new ones stored', async () => {
    mockGitHub();
    const g = await goal('rm-1');
    await goal('rm-2', OTHER_REPO); // a goal in a repository that stays installed
    const pendingId = await receive('push', push({ commits: [{ message: 'rm-1' }] }));

    await receive(
      'installation_repositories',
      installationEvent('removed', {
        repository_selection: 'selected',
        repositories_added: [],
        repositories_removed: [{ id: REPO.id, name: REPO.name, full_name: REPO.full_name, private: false }],
      }),
    );
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: false });
    expect(await repoRow(OTHER_REPO.id)).toMatchObject({ tracked: true });
    await expectSkippedWithoutGitHub([pendingId]);
    expect((await goalRow(g.id)).status).toBe('active');

    await receive(
      'installation_repositories',
      installationEvent('added', {
        repository_selection: 'selected',
        repositories_added: [
          { id: REPO.id, name: REPO.name, full_name: REPO.full_name, private: false },
          { id: 6060, name: 'fresh', full_name: 'octo/fresh', private: true },
        ],
        repositories_removed: [],
      }),
    );
    expect(await repoRow(REPO.id)).toMatchObject({ tracked: true, installation_id: INSTALLATION.id, default_branch: 'main' });
    expect(await repoRow(6060)).toMatchObject({ tracked: true, installation_id: INSTALLATION.id, full_name: 'octo/fresh' });

    mockGitHub();
    await receive('push', push({ commits: [{ message: 'rm-1' }] }));
    await runJobs();
    expect((await goalRow(g.id)).status).toBe('completed');
  });
});

describe('renamed and transferred repositories', () => {
  test.each([
    ['renamed', 'octo/app-next', { repository: { name: { from: 'app' } } }],
    ['transferred', 'neworg/app', { owner: { from: { organization: { login: 'octo' } } } }],
  ])('repository.%s: goals follow the id; the embed and the notices use the new name', async (action, fullName, changes) => {
    mockGitHub();
    const g = await goal(`move-${action}`);
    const [owner, name] = fullName.split('/') as [string, string];
    const moved = { ...REPO, name, full_name: fullName, owner: { login: owner, type: 'Organization' } };
    await receive('repository', { action, changes, repository: moved, installation: INSTALLATION, sender: { login: 'octo-admin', type: 'User' } });

    expect(await repoRow(REPO.id)).toMatchObject({ full_name: fullName, tracked: true });
    expect((await findByToken(t.db, g.token))?.repoFullName).toBe(fullName);

    // The reminder, planned under the old name, is posted to the repository's new name.
    nock.cleanAll();
    const atNewName = nock(API).post(`/repos/${fullName}/issues/12/comments`).reply(201, { id: 1 });
    const gh = mockGitHub();
    clock = new Date('2030-01-14T17:00:00.000Z');
    await reschedule(t.db, `goal:${g.id}:reminder:%`);
    await runJobs();
    expect(atNewName.isDone()).toBe(true);

    // And a push (GitHub sends the new name) completes it, linking the commit under the new name.
    await receive('push', push({ repo: moved, commits: [{ message: `move-${action}`, id: 'abc1234'.padEnd(40, '0') }] }));
    await runJobs();
    expect((await goalRow(g.id)).status).toBe('completed');
    const notice = gh.comments.find((c) => c.body.includes(`gitdone:goal:${g.id}:completed`));
    expect(notice?.body).toContain(`https://github.com/${fullName}/commit/abc1234`);
  });

  test('a rename of a repository GitDone never saw changes nothing', async () => {
    const unknown = { ...REPO, id: 999, full_name: 'octo/unknown' };
    await receive('repository', { action: 'renamed', changes: { repository: { name: { from: 'x' } } }, repository: unknown, installation: INSTALLATION, sender: { login: 'octo-admin', type: 'User' } });
    expect(await repoRow(999)).toBeUndefined();
  });
});
