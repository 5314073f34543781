import { describe, expect, test } from '@jest/globals';
import type { TestDatabase } from '../../helpers/database.js';
import { useTestApp, type TestApp } from '../../helpers/app.js';
import { mockGitHub } from '../../helpers/github.js';
import { activeParts } from '../../helpers/markdown.js';
import { deliveryId, issueComment } from '../../fixtures/payloads.js';

/** Replies say what they read: the date words, the title words, and from when a phrase was counted (issue #13). */

let t: TestDatabase;
let app: TestApp;

useTestApp({}, (env) => ({ t, app } = env));

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A comment written `agoMs` before the job runs (GitHub's created_at has whole seconds). */
async function sayWritten(body: string, agoMs: number): Promise<Date> {
  const written = new Date(Math.floor((Date.now() - agoMs) / 1000) * 1000);
  const payload = issueComment({ body });
  payload.comment = { ...payload.comment, created_at: written.toISOString() } as typeof payload.comment;
  await app.probot.receive({ id: deliveryId(), name: 'issue_comment', payload: payload as never });
  await app.runJobs();
  return written;
}

const goals = () => t.db.selectFrom('goals').selectAll().orderBy('id').execute();

describe('create and move replies quote what they read', () => {
  test('`in 2h Two hours` keeps its title, counts from the comment, and says "in 2 hours"', async () => {
    const gh = mockGitHub();
    const written = await sayWritten('/deadline in 2h Two hours keyword=two-h', 3 * SECOND);
    const [goal] = await goals();
    expect(goal).toMatchObject({ title: 'Two hours', keyword: 'two-h' });
    expect(goal!.due_at.getTime()).toBe(written.getTime() + 2 * HOUR);
    const body = gh.comments[0]!.body;
    expect(body).toContain('— in 2 hours');
    expect(body).not.toContain('in 1 hour');
    expect(body).toContain('Read `in 2h` as the date and `Two hours` as the title.');
    expect(body).not.toContain('relative to when you wrote it');
  });

  test('a line without title words says the issue title was used', async () => {
    const gh = mockGitHub();
    await sayWritten('/deadline in 3 days keyword=later', 2 * SECOND);
    expect((await goals())[0]).toMatchObject({ title: 'Ship the beta' });
    const body = gh.comments[0]!.body;
    expect(body).toContain('— in 3 days');
    expect(body).toContain("Read `in 3 days` as the date; no words were left for a title, so it is the issue's.");
  });

  test('a phrase carried out more than 10 minutes after it was written says so', async () => {
    const gh = mockGitHub();
    const written = await sayWritten('/deadline in 2h Late one keyword=late', 14 * MINUTE + 10 * SECOND);
    expect((await goals())[0]!.due_at.getTime()).toBe(written.getTime() + 2 * HOUR);
    const body = gh.comments[0]!.body;
    expect(body).toContain('The date was read relative to when you wrote it, 14 minutes ago.');
    expect(body).toContain('— in 1 hour 46 minutes');
  });

  test('an absolute date read late has nothing to explain', async () => {
    const gh = mockGitHub();
    await sayWritten('/deadline 2030-01-15 17:00 Fixed keyword=fixed', 30 * MINUTE);
    const body = gh.comments[0]!.body;
    expect(body).toContain('Read `2030-01-15 17:00` as the date and `Fixed` as the title.');
    expect(body).not.toContain('relative to when you wrote it');
  });

  test('move quotes the words it read as the new date, and the note when late', async () => {
    const gh = mockGitHub();
    await sayWritten('/deadline 2030-01-15 17:00 Ship keyword=ship', SECOND);
    const written = await sayWritten('/deadline move ship in 5 hours', 20 * MINUTE);
    expect((await goals())[0]!.due_at.getTime()).toBe(written.getTime() + 5 * HOUR);
    const body = gh.comments.at(-1)!.body;
    expect(body).toContain('now ends');
    expect(body).toContain('Read `in 5 hours` as the new date. The date was read relative to when you wrote it, 20 minutes ago.');
  });

  test('hostile date and title words stay inert in the reply', async () => {
    const gh = mockGitHub();
    await sayWritten('/deadline tomorrow 5pm @octo/team #12 ![x](http://evil.example/x.png) <b>hi</b> `x` keyword=hostile', SECOND);
    const body = gh.comments[0]!.body;
    expect(body).toContain('Read `tomorrow 5pm` as the date and `@octo/team #12 ![x](http://evil.example/x.png) <b>hi</b> ˋxˋ` as the title.');
    expect(activeParts(body, { hrefs: ['https://gitdone.test', 'https://github.com/'] })).toEqual([]);
  });
});
