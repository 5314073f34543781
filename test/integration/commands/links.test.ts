/**
 * `/deadline board`, `share` and `unshare` through the whole path: webhook, job, permission,
 * database and the one reply. The embeds' 410s are in test/integration/embed/links.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { activeParts } from '../../helpers/markdown.js';
import { deliveryId, issueComment } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;

useTestApp({}, (env) => ({ t, app } = env));

async function say(body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}) {
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });
  await app.runJobs();
}

const goal = (keyword: string) => t.db.selectFrom('goals').selectAll().where('keyword', '=', keyword).orderBy('id', 'desc').executeTakeFirstOrThrow();
const boards = () => t.db.selectFrom('boards').selectAll().execute();
const withdrawn = async () => (await t.db.selectFrom('withdrawn_links').select(['token', 'kind']).orderBy('withdrawn_at').execute());
const BOARD_URL = /https:\/\/gitdone\.test\/board\/([A-Za-z0-9_-]{22})\b/;
const EMBED_URL = /https:\/\/gitdone\.test\/embed\/([A-Za-z0-9_-]{22})\b/;

describe('/deadline board', () => {
  test('answers the repository board link, the same one every time, with its variants', async () => {
    const gh = mockGitHub();
    await say('/deadline board');
    const first = BOARD_URL.exec(gh.comments[0]!.body)?.[1];
    expect(first).toBeDefined();
    expect(gh.comments[0]!.body).toContain(`/board/${first}.ics`);
    expect(gh.comments[0]!.body).toContain(`/board/${first}.json`);
    expect(gh.comments[0]!.body).toContain('Board created');
    expect(gh.reactions).toEqual([{ commentId: 9001, content: '+1' }]);

    await say('/deadline board', { issueNumber: 99 });
    expect(BOARD_URL.exec(gh.comments[1]!.body)?.[1]).toBe(first);
    expect(gh.comments[1]!.body).not.toContain('Board created');
    expect(await boards()).toEqual([expect.objectContaining({ repo_id: 4242, token: first, unshared_at: null })]);
    expect(activeParts(gh.comments[1]!.body, { hrefs: ['https://gitdone.test/'] })).toEqual([]);
  });

  test('needs the permission that creating a goal needs; nothing is made without it', async () => {
    const gh = mockGitHub({ role: 'read' });
    await say('/deadline board');
    expect(gh.comments[0]!.body).toContain('`/deadline board` needs `write`');
    expect(gh.reactions.map((r) => r.content)).toEqual(['confused']);
    expect(await boards()).toEqual([]);
  });
});

describe('/deadline share and unshare a goal', () => {
  test('unshare withdraws the link, share issues a fresh one; every old token stays withdrawn', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Ship keyword=ship');
    const created = await goal('ship');
    expect(EMBED_URL.exec(gh.comments[0]!.body)?.[1]).toBe(created.token);

    await say('/deadline unshare ship');
    const unshared = await goal('ship');
    expect(unshared.unshared_at).not.toBeNull();
    expect(unshared.token).not.toBe(created.token);
    expect(gh.comments[1]!.body).toContain('is withdrawn');
    expect(gh.comments[1]!.body).toContain('410 Gone');
    expect(gh.comments[1]!.body).not.toContain(unshared.token); // the new token is published nowhere
    expect(await withdrawn()).toEqual([{ token: created.token, kind: 'goal' }]);

    await say('/deadline unshare ship');
    expect(gh.comments[2]!.body).toContain('already withdrawn');
    expect(gh.reactions.at(-1)!.content).toBe('confused');

    await say('/deadline share ship');
    const shared = await goal('ship');
    expect(shared.unshared_at).toBeNull();
    expect(EMBED_URL.exec(gh.comments[3]!.body)?.[1]).toBe(shared.token);
    expect(gh.comments[3]!.body).toContain(`[![deadline](https://gitdone.test/embed/${shared.token}.svg)]`);
    expect(new Set([created.token, unshared.token, shared.token]).size).toBe(3);

    // share again: a fresh link, and the one it replaces is withdrawn (410), not left working.
    await say('/deadline share ship');
    const again = await goal('ship');
    expect(again.token).not.toBe(shared.token);
    expect(gh.comments[4]!.body).toContain('The previous link');
    expect((await withdrawn()).map((w) => w.token)).toEqual([created.token, unshared.token, shared.token]);
  });

  test('a withdrawn goal is listed and reminded of without a link', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Ship keyword=ship\n/deadline unshare ship\n/deadline list');
    const { token } = await goal('ship');
    const reply = gh.comments[0]!.body;
    expect(reply).toMatch(/\| `Ship` \| `ship` \|/); // a row without [title](link)
    expect(reply).not.toContain(token);
  });

  test('without a keyword: the issue\'s only goal, finished or not; else the keywords to choose from', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Only keyword=only', { issueNumber: 30 });
    await say('/deadline done only', { issueNumber: 30 });
    await say('/deadline unshare', { issueNumber: 30 });
    expect((await goal('only')).unshared_at).not.toBeNull();

    await say('/deadline 2030-01-15 A keyword=aa\n/deadline 2030-01-16 B keyword=bb', { issueNumber: 31 });
    await say('/deadline share', { issueNumber: 31 });
    expect(gh.comments.at(-1)!.body).toMatch(/has 2 goals; say which by its keyword: `aa`, `bb`/);
    await say('/deadline share', { issueNumber: 32 });
    expect(gh.comments.at(-1)!.body).toContain('has no goal');
  });

  test('a keyword names the active goal with it, else the latest finished one; an unknown one is refused', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Old keyword=rel');
    await say('/deadline done rel');
    const old = await goal('rel');
    await say('/deadline unshare rel', { issueNumber: 50 }); // from another issue
    expect((await t.db.selectFrom('goals').select('unshared_at').where('id', '=', old.id).executeTakeFirstOrThrow()).unshared_at).not.toBeNull();

    await say('/deadline 2030-02-15 New keyword=REL');
    const fresh = await goal('REL');
    await say('/deadline unshare rel');
    expect((await goal('REL')).unshared_at).not.toBeNull(); // the active one, not the finished one
    expect(fresh.id).not.toBe(old.id);

    await say('/deadline share nope');
    expect(gh.comments.at(-1)!.body).toContain('No goal in this repository has the keyword `nope`');
  });

  test('the word board names the board; keyword=board names a goal called board', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 The board keyword=board');
    await say('/deadline unshare keyword=board');
    expect((await goal('board')).unshared_at).not.toBeNull();
    expect(await boards()).toEqual([]);
    await say('/deadline unshare board');
    expect(gh.comments.at(-1)!.body).toContain('no board link to withdraw');
  });

  test('need the permission that move needs; refused lines change nothing and echo nothing', async () => {
    const gh = mockGitHub({ role: { alice: 'write', mallory: 'read' } });
    await say('/deadline 2030-01-15 Ship keyword=ship');
    const before = await goal('ship');
    await say('/deadline unshare ship\n/deadline share ship\n/deadline share board', { login: 'mallory' });
    const body = gh.comments.at(-1)!.body;
    expect(body).toContain('`/deadline unshare` needs `write`');
    expect(body).toContain('`/deadline share` needs `write`');
    expect(await goal('ship')).toEqual(before);
    expect(await boards()).toEqual([]);
    expect(await withdrawn()).toEqual([]);
  });
});

describe('/deadline share and unshare board', () => {
  test('unshare withdraws the board link; board then refuses; share board makes a new one, which board then gives', async () => {
    const gh = mockGitHub();
    await say('/deadline unshare board');
    expect(gh.comments.at(-1)!.body).toContain('no board link to withdraw');

    await say('/deadline board');
    const first = BOARD_URL.exec(gh.comments.at(-1)!.body)![1]!;
    await say('/deadline unshare board');
    expect(gh.comments.at(-1)!.body).toContain("The board's link is withdrawn");
    expect((await boards())[0]!.unshared_at).not.toBeNull();
    expect(await withdrawn()).toEqual([{ token: first, kind: 'board' }]);

    await say('/deadline board');
    expect(gh.comments.at(-1)!.body).toContain('`/deadline share board` makes a new one');
    expect(BOARD_URL.test(gh.comments.at(-1)!.body)).toBe(false);
    await say('/deadline unshare board');
    expect(gh.comments.at(-1)!.body).toContain('already withdrawn');

    await say('/deadline share board');
    const second = BOARD_URL.exec(gh.comments.at(-1)!.body)![1]!;
    expect(second).not.toBe(first);
    await say('/deadline board');
    expect(BOARD_URL.exec(gh.comments.at(-1)!.body)![1]).toBe(second);
  });

  test('share board on a repository without a board makes one', async () => {
    const gh = mockGitHub();
    await say('/deadline share board');
    const token = BOARD_URL.exec(gh.comments.at(-1)!.body)![1]!;
    expect(await boards()).toEqual([expect.objectContaining({ token, unshared_at: null })]);
    expect(await withdrawn()).toEqual([]);
  });
});
