import { describe, expect, test } from '@jest/globals';
import { formatDeadline, relative } from '../../../src/notices/text.js';
import { marker } from '../../../src/notices/marker.js';

describe('time words', () => {
  test('the deadline in its zone, with the offset', () => {
    expect(formatDeadline(new Date('2030-01-15T16:00:00Z'), 'Europe/Berlin')).toBe('Tuesday, 15 January 2030 at 17:00 (Europe/Berlin, UTC+01:00)');
    expect(formatDeadline(new Date('2030-07-15T16:00:00Z'), 'America/New_York')).toBe('Monday, 15 July 2030 at 12:00 EDT (America/New_York, UTC-04:00)');
    expect(formatDeadline(new Date('2030-07-15T16:00:00Z'), 'UTC')).toBe('Monday, 15 July 2030 at 16:00 UTC');
  });

  test('relative', () => {
    const now = new Date('2030-01-10T12:00:00Z');
    expect(relative(new Date('2030-01-13T12:00:00Z'), now)).toBe('in 3 days');
    expect(relative(new Date('2030-01-10T10:00:00Z'), now)).toBe('2 hours ago');
  });
});

test('the marker cannot be closed early', () => {
  expect(marker('reply:abc')).toBe('<!-- gitdone:reply:abc -->');
  expect(marker('a-->b')).not.toContain('-->b');
});

test('comment wording stays English whatever the server locale', async () => {
  const { Settings } = await import('luxon');
  const before = Settings.defaultLocale;
  Settings.defaultLocale = 'de-DE';
  try {
    expect(relative(new Date('2030-01-13T12:00:00Z'), new Date('2030-01-10T12:00:00Z'))).toBe('in 3 days');
    expect(formatDeadline(new Date('2030-01-15T16:00:00Z'), 'Europe/Berlin')).toBe('Tuesday, 15 January 2030 at 17:00 (Europe/Berlin, UTC+01:00)');
  } finally {
    Settings.defaultLocale = before;
  }
});
