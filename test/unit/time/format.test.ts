import { describe, expect, test } from '@jest/globals';
import { zonedDeadline } from '../../../src/time/deadline.js';
import { clockParts, longDuration, shortDuration } from '../../../src/time/durations.js';
import { DAY, HOUR, MIN } from '../embed/fixtures.js';

describe('durations', () => {
  test.each([
    [0, '<1m'],
    [59_000, '<1m'],
    [MIN, '1m'],
    [12 * MIN + 59_000, '12m'],
    [HOUR, '1h'],
    [5 * HOUR + 12 * MIN, '5h 12m'],
    [DAY, '1d'],
    [3 * DAY + 4 * HOUR + 59 * MIN, '3d 4h'],
    [-(2 * HOUR), '2h'],
    [400 * DAY, '400d'],
  ])('shortDuration(%p) = %p', (ms, expected) => {
    expect(shortDuration(ms)).toBe(expected);
  });

  test.each([
    [30_000, 'less than a minute'],
    [MIN, '1 minute'],
    [5 * MIN, '5 minutes'],
    [HOUR, '1 hour'],
    [3 * HOUR + 59 * MIN, '3 hours'],
    [DAY, '1 day'],
    [2 * DAY + 23 * HOUR, '2 days'],
    [-3 * HOUR, '3 hours'],
  ])('longDuration(%p) = %p', (ms, expected) => {
    expect(longDuration(ms)).toBe(expected);
  });

  test.each([
    [0, '0m00s'],
    [5_000, '0m05s'],
    [12 * MIN + 3_000, '12m03s'],
    [HOUR + 2 * MIN + 3_000, '1h02m03s'],
    [3 * DAY + 4 * HOUR, '3d04h00m00s'],
    [-5_000, '0m00s'],
  ])('clockParts(%p) = %p', (ms, expected) => {
    expect(clockParts(ms).map(([n, u]) => n + u).join('')).toBe(expected);
  });
});

describe('zonedDeadline', () => {
  test.each([
    ['2030-01-15T16:00:00.000Z', 'Europe/Berlin', 'Tue, 15 Jan 2030, 17:00', 'Europe/Berlin (UTC+01:00)'],
    ['2030-07-15T16:00:00.000Z', 'Europe/Berlin', 'Mon, 15 Jul 2030, 18:00', 'Europe/Berlin (UTC+02:00)'],
    ['2030-01-15T16:00:00.000Z', 'Asia/Kolkata', 'Tue, 15 Jan 2030, 21:30', 'Asia/Kolkata (UTC+05:30)'],
    ['2030-01-15T16:00:00.000Z', 'America/New_York', 'Tue, 15 Jan 2030, 11:00', 'America/New_York (UTC-05:00)'],
    ['2030-01-15T16:00:00.000Z', 'UTC', 'Tue, 15 Jan 2030, 16:00', 'UTC'],
    ['2030-01-15T16:00:00.000Z', 'Not/AZone', 'Tue, 15 Jan 2030, 16:00', 'UTC'],
  ])('%s in %s', (iso, tz, time, zone) => {
    expect(zonedDeadline(iso, tz)).toEqual({ time, zone });
  });
});
