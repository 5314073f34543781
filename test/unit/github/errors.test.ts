import { describe, expect, test } from '@jest/globals';
import { isPermanent, isRateLimited, retryAt } from '../../../src/github/errors.js';

const NOW = new Date('2030-01-15T12:00:00Z');
const err = (status: number, headers: Record<string, string> = {}) => ({ status, response: { headers } });
const after = (e: unknown) => (retryAt(e, NOW).getTime() - NOW.getTime()) / 1000;

describe('rate limits (the job pauses its installation until GitHub allows it)', () => {
  test.each([
    ['429', err(429), true],
    ['403 with retry-after (secondary)', err(403, { 'retry-after': '30' }), true],
    ['403 with the quota spent (primary)', err(403, { 'x-ratelimit-remaining': '0' }), true],
    ['403 with quota left (a locked issue)', err(403, { 'x-ratelimit-remaining': '4000' }), false],
    ['500', err(500), false],
    ['a network error', new Error('socket hang up'), false],
  ])('%s → rate limited: %s', (_what, e, limited) => {
    expect(isRateLimited(e)).toBe(limited);
    if (limited) expect(isPermanent(e)).toBe(false);
  });

  test('retry-after wins; then the quota reset; else a minute', () => {
    expect(after(err(403, { 'retry-after': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 900) }))).toBe(30);
    expect(after(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 900) }))).toBe(900);
    expect(after(err(429))).toBe(60);
  });

  test('whatever the headers say, between a second and an hour', () => {
    expect(after(err(429, { 'retry-after': '0' }))).toBe(1);
    expect(after(err(429, { 'retry-after': '-50' }))).toBe(1);
    expect(after(err(429, { 'retry-after': '99999999' }))).toBe(3600);
    expect(after(err(429, { 'retry-after': 'soon' }))).toBe(60);
    expect(after(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }))).toBe(1); // a reset long past
  });
});
