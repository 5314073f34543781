import { describe, expect, test } from '@jest/globals';
import { relative } from '../../../src/time/relative.js';

const NOW = new Date('2030-01-10T12:00:00Z');
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const from = (ms: number) => relative(new Date(NOW.getTime() + ms), NOW);

describe('relative: rounded to the nearest step, not cut', () => {
  test.each([
    // "in 2h", answered a moment after the comment: not "in 1 hour".
    [2 * HOUR - 2 * S, 'in 2 hours'],
    [2 * HOUR - 25 * S, 'in 2 hours'],
    [2 * HOUR - 40 * S, 'in 1 hour 59 minutes'],
    [2 * HOUR, 'in 2 hours'],
    [90 * MIN - 3 * S, 'in 1 hour 30 minutes'],
    [HOUR - 20 * S, 'in 1 hour'],
    [45 * MIN, 'in 45 minutes'],
    [20 * S, 'in less than a minute'],
    [40 * S, 'in 1 minute'],
    [DAY - 10 * S, 'in 1 day'],
    [3 * DAY - 5 * S, 'in 3 days'],
    [2 * DAY + 5 * HOUR, 'in 2 days 5 hours'],
    [8 * DAY + 11 * HOUR + 59 * MIN, 'in 8 days'],
    [30 * DAY, 'in 30 days'],
    [91 * DAY, 'in 3 months'],
    [400 * DAY, 'in 1 year'],
    [3650 * DAY, 'in 10 years'],
    [-2 * HOUR, '2 hours ago'],
    [-14 * MIN - 10 * S, '14 minutes ago'],
    [-3 * DAY, '3 days ago'],
  ])('%p ms from now is %p', (ms, words) => {
    expect(from(ms)).toBe(words);
  });
});
