import { expect, test } from '@jest/globals';
import nock from 'nock';
import { GitDoneOctokit } from '../../../src/github/octokit.js';

/**
 * The Octokit GitDone's jobs use (github/octokit.ts): a rate limit reaches the job at once
 * (which then gives its worker slot back), and no request can hold a slot for long.
 */
const API = 'https://api.github.test';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test('a secondary rate limit is not waited out in the request: one call, and the job hears 403 with retry-after', async () => {
  const calls = nock(API).post('/repos/o/r/issues/1/comments').times(3).reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '1' });
  const octokit = new GitDoneOctokit({ baseUrl: API, log: quiet });
  await expect(octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'o', repo: 'r', issue_number: 1, body: 'x' })).rejects.toMatchObject({
    status: 403,
    response: { headers: { 'retry-after': '1' } },
  });
  expect(calls.pendingMocks()).toHaveLength(1); // one of three answers used
  nock.cleanAll();
});

test('a request GitHub never answers gives up after its bound', async () => {
  nock(API).get('/app').delay(1_500).reply(200, {});
  const octokit = new GitDoneOctokit({ baseUrl: API, log: quiet, retry: { enabled: false }, request: { timeoutMs: 100 } as never });
  const t0 = Date.now();
  await expect(octokit.request('GET /app')).rejects.toThrow();
  expect(Date.now() - t0).toBeLessThan(1_000);
  nock.cleanAll();
});
