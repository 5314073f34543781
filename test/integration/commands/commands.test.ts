import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { activeParts } from '../../helpers/markdown.js';
import { deliveryId, issueComment, issueOpened } from '../../fixtures/payloads.js';

let t: TestDatabase;
let app: TestApp;

useTestApp({}, (env) => ({ t, app } = env));

async function say(body: string, extra: Partial<Parameters<typeof issueComment>[0]> = {}) {
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: issueComment({ body, ...extra }) as never });
  await app.runJobs();
}

const goals = () => t.db.selectFrom('goals').selectAll().orderBy('id').execute();

describe('subcommands', () => {
  test('several commands in one comment run in order, and one reply answers them all', async () => {
    const gh = mockGitHub();
    await say(['/deadline 2030-01-15 First keyword=one', 'some text', '/deadline 2030-02-15 Second keyword=two', '/deadline list'].join('\n'));
    expect((await goals()).map((g) => g.keyword)).toEqual(['one', 'two']);
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(body.indexOf('First')).toBeLessThan(body.indexOf('Second'));
    expect(body).toMatch(/\| `one` \|[\s\S]*\| `two` \|/); // the list saw both goals
    expect(gh.reactions).toEqual([{ commentId: 9001, content: '+1' }]);
  });

  test('a mix of carried-out and refused lines gets both reactions', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Good keyword=good\n/deadline cancel nope');
    expect(gh.reactions.map((r) => r.content).sort()).toEqual(['+1', 'confused']);
    expect(gh.comments[0]!.body).toContain('No active goal in this repository has the keyword `nope`');
  });

  test('move, with and without a keyword, re-reads the deadline in the goal zone', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship keyword=ship tz=Europe/Berlin');
    await say('/deadline move ship 2030-01-20 09:00');
    expect((await goals())[0]!.due_at.toISOString()).toBe('2030-01-20T08:00:00.000Z');
    await say('/deadline move 2030-01-21 10:00'); // the only active goal of the issue
    expect((await goals())[0]!.due_at.toISOString()).toBe('2030-01-21T09:00:00.000Z');
    expect(gh.comments.at(-1)!.body).toContain('now ends');
  });

  test('move with tz= reads the new deadline in that zone and shows the goal there', async () => {
    mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship keyword=ship');
    await say('/deadline move ship 2030-01-20 09:00 tz=Asia/Tokyo');
    expect((await goals())[0]).toMatchObject({ timezone: 'Asia/Tokyo' });
    expect((await goals())[0]!.due_at.toISOString()).toBe('2030-01-20T00:00:00.000Z');
  });

  test('move refuses words it cannot read after the date instead of ignoring them', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship keyword=ship');
    await say('/deadline move ship 2030-01-20 blah');
    expect((await goals())[0]!.due_at.toISOString()).toBe('2030-01-15T17:00:00.000Z');
    expect(gh.comments.at(-1)!.body).toContain('`blah`');
  });

  test('phrases count from when the comment was written, not from when a retry ran', async () => {
    mockGitHub();
    const written = new Date(Date.now() - 2 * 3600_000);
    const payload = issueComment({ body: '/deadline in 3h Soon keyword=soon' });
    payload.comment = { ...payload.comment, created_at: written.toISOString() } as typeof payload.comment;
    await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: payload as never });
    await app.runJobs();
    const due = (await goals())[0]!.due_at.getTime();
    expect(Math.abs(due - (written.getTime() + 3 * 3600_000))).toBeLessThan(1000);
  });

  test('done from another issue also tells the goal\'s own issue', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Elsewhere keyword=elsewhere', { issueNumber: 40 });
    await say('/deadline done elsewhere', { issueNumber: 41 });
    expect(gh.comments.filter((c) => c.issueNumber === 41).at(-1)!.body).toContain('completed');
    expect(gh.comments.filter((c) => c.issueNumber === 40).some((c) => c.body.includes(':completed '))).toBe(true);
  });

  test('move keyword= names the goal, and an unknown one is refused as such', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 17:00 Ship keyword=ship');
    await say('/deadline move 2030-01-20 10:00 keyword=ship');
    expect((await goals())[0]!.due_at.toISOString()).toBe('2030-01-20T10:00:00.000Z');
    await say('/deadline move 2030-01-21 keyword=nope');
    expect(gh.comments.at(-1)!.body).toContain('No active goal in this repository has the keyword `nope`');
  });

  test('cancel and done without a keyword need exactly one active goal on the issue', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 A keyword=aa\n/deadline 2030-01-16 B keyword=bb');
    await say('/deadline cancel');
    expect(gh.comments.at(-1)!.body).toContain('has 2 active goals');
    await say('/deadline cancel aa');
    await say('/deadline done');
    const [a, b] = await goals();
    expect(a).toMatchObject({ status: 'cancelled' });
    expect(b).toMatchObject({ status: 'completed', completed_via: 'command', completed_author: 'alice' });
    expect(gh.comments.at(-1)!.body).toMatch(/completed .* early by `alice` with `\/deadline done`/);
  });

  test('list shows the issue goals, or the repository active goals when the issue has none', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Elsewhere keyword=elsewhere', { issueNumber: 40 });
    await say('/deadline list', { issueNumber: 41 });
    expect(gh.comments.at(-1)!.body).toContain('Active deadlines in this repository');
    expect(gh.comments.at(-1)!.body).toContain('`elsewhere`');
  });

  test('help answers anyone, even without access', async () => {
    const gh = mockGitHub({ role: '404' });
    await say('/deadline help', { login: 'stranger' });
    expect(gh.comments[0]!.body).toContain('GitDone commands');
  });

  test('an explicit keyword already used by an active goal is refused; a derived one is made unique', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Ship it keyword=ship');
    await say('/deadline 2030-01-15 Again keyword=SHIP');
    expect(gh.comments.at(-1)!.body).toContain('already used by the active goal on #12');
    await say('/deadline 2030-01-15 Ship the beta');
    await say('/deadline 2030-01-16 Ship the beta');
    expect((await goals()).map((g) => g.keyword)).toEqual(['ship', 'ship-the-beta', 'ship-the-beta-2']);
  });

  test('without a title the goal takes the issue title', async () => {
    mockGitHub();
    await say('/deadline 2030-01-15', { issueTitle: 'Launch the docs' });
    expect((await goals())[0]).toMatchObject({ title: 'Launch the docs', keyword: 'launch-the-docs' });
  });

  test('echoed text cannot mention anyone or inject Markdown', async () => {
    const gh = mockGitHub();
    await say('/deadline 2030-01-15 Ping @octocat and @octo/team <img src=x> ![x](http://e.vil) `code` keyword=safe');
    const body = gh.comments[0]!.body;
    expect(body).toContain('`Ping @octocat and @octo/team <img src=x> ![x](http://e.vil) ˋcodeˋ`'); // shown, as code
    expect(activeParts(body, { hrefs: ['https://gitdone.test/'] })).toEqual([]);
    expect((await goals())[0]!.title).toContain('@octocat'); // stored as written
  });

  test('commands in the body of a newly opened issue count', async () => {
    const gh = mockGitHub();
    await app.probot.receive({ id: deliveryId(), name: 'issues', payload: issueOpened({ body: 'Plan\n\n/deadline 2030-01-15 From the body' }) as never });
    await app.runJobs();
    expect((await goals())[0]).toMatchObject({ title: 'From the body', issue_number: 13 });
    expect(gh.reactions).toEqual([{ issueNumber: 13, content: '+1' }]);
  });

  test('edited comments and commands in code blocks or quotes are not read', async () => {
    await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: { ...issueComment({ body: '/deadline 2030-01-15 X' }), action: 'edited' } as never });
    await say('```\n/deadline 2030-01-15 In code\n```\n> /deadline 2030-01-15 Quoted');
    expect(await t.db.selectFrom('deliveries').selectAll().execute()).toHaveLength(0);
  });
});

describe('permissions', () => {
  test.each([
    ['read', 'write', false],
    ['triage', 'write', false],
    ['write', 'write', true],
    ['maintain', 'write', true],
    ['admin', 'write', true],
    ['triage', 'triage', true],
    ['write', 'maintain', false],
    ['maintain', 'maintain', true],
    ['maintain', 'admin', false],
    ['admin', 'admin', true],
    ['404', 'triage', false],
  ])('role %s with required %s → allowed %s', async (role, required, allowed) => {
    const gh = mockGitHub({ role, config: `permission: ${required}\n` });
    await say('/deadline 2030-01-15 Perm keyword=perm');
    expect(await goals()).toHaveLength(allowed ? 1 : 0);
    if (!allowed) {
      expect(gh.comments[0]!.body).toContain(`needs \`${required}\` or more`);
      expect(gh.reactions).toEqual([{ commentId: 9001, content: 'confused' }]);
    }
  });

  test('list is open to everyone', async () => {
    const gh = mockGitHub({ role: 'read' });
    await say('/deadline list');
    expect(gh.comments[0]!.body).toContain('No active deadlines');
    expect(gh.reactions).toEqual([{ commentId: 9001, content: '+1' }]);
  });
});

describe('repository config', () => {
  test('timezone from the config reads the command, tz= overrides it', async () => {
    mockGitHub({ config: 'timezone: America/New_York\n' });
    await say('/deadline 2030-07-04 12:00 Fourth keyword=fourth');
    await say('/deadline 2030-07-04 12:00 Tokyo keyword=tokyo tz=Asia/Tokyo');
    const [ny, tokyo] = await goals();
    expect(ny!.due_at.toISOString()).toBe('2030-07-04T16:00:00.000Z');
    expect(ny!.timezone).toBe('America/New_York');
    expect(tokyo!.due_at.toISOString()).toBe('2030-07-04T03:00:00.000Z');
  });

  test('an invalid config is reported in the reply; only the broken settings fall back', async () => {
    const gh = mockGitHub({ config: 'timezone: Mars/Olympus\nreminders: [soon]\nbranches: [main, "release/*"]\n' });
    await say('/deadline 2030-01-15 12:00 Still works keyword=still');
    expect((await goals())[0]).toMatchObject({ timezone: 'UTC' });
    const body = gh.comments[0]!.body;
    expect(body).toContain('`.github/gitdone.yml` has problems');
    expect(body).toContain('Mars/Olympus');
    expect(body).toContain('`soon`');
    expect(body).toContain('`main`, `release/*`'); // the valid setting was kept
  });

  test('an unreadable permission setting fails closed: only admins may act until it is fixed', async () => {
    const gh = mockGitHub({ config: 'permission: god\n', role: 'maintain' });
    await say('/deadline 2030-01-15 12:00 Closed keyword=closed');
    expect(await goals()).toHaveLength(0);
    expect(gh.comments[0]!.body).toContain('needs `admin` or more');
    expect(gh.comments[0]!.body).toContain('`permission`');
  });

  test('the organisation .github repository supplies the config when the repository has none', async () => {
    mockGitHub({ configs: { 'octo/.github': 'timezone: Asia/Tokyo\n' } });
    await say('/deadline 2030-01-15 09:00 Org wide keyword=org');
    expect((await goals())[0]).toMatchObject({ timezone: 'Asia/Tokyo' });
  });

  test('_extends pulls settings from another repository, and local keys win', async () => {
    mockGitHub({ configs: { 'octo/app': '_extends: shared\npermission: admin\n', 'octo/shared': 'timezone: Asia/Tokyo\npermission: triage\n' }, role: 'maintain' });
    await say('/deadline 2030-01-15 09:00 Extended keyword=ext');
    expect(await goals()).toHaveLength(0); // admin (local) beats triage (extended): maintain is not enough
    nock.cleanAll();
    mockGitHub({ configs: { 'octo/app': '_extends: shared\n', 'octo/shared': 'timezone: Asia/Tokyo\n' } });
    await say('/deadline 2030-01-15 09:00 Extended keyword=ext');
    expect((await goals())[0]).toMatchObject({ timezone: 'Asia/Tokyo' });
  });

  test('the reply names the configured branches', async () => {
    const gh = mockGitHub({ config: 'branches: [main, "release/*"]\n' });
    await say('/deadline 2030-01-15 Branches keyword=br');
    expect(gh.comments[0]!.body).toContain('`main`, `release/*`');
  });
});

describe('refusals', () => {
  test.each([
    ['/deadline someday maybe', /read|understand|when/i],
    ['/deadline 2020-01-01 Past', /past/i],
    ['/deadline 2045-01-01 Far', /10 years/i],
    ['/deadline 2030-01-15 Zone tz=Mars/Olympus', /time zone/i],
    ['/deadline 2030-01-15 Bad keyword=a', /keyword/i],
    ['/deadline remove thing', /cancel/i],
    ['/deadline move nope 2030-01-20', /no active goal/i],
    ['/deadline done nope', /no active goal/i],
    [`/deadline 2030-01-15 ${'x'.repeat(201)}`, /200/],
  ])('%s is refused with a reply, nothing stored', async (command, reason) => {
    const gh = mockGitHub();
    await say(command);
    expect(await goals()).toHaveLength(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toMatch(reason);
    expect(gh.comments[0]!.body).toContain('Usage: `/deadline');
    expect(gh.reactions).toEqual([{ commentId: 9001, content: 'confused' }]);
  });
});
