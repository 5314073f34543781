import { describe, expect, test } from '@jest/globals';
import { deadlineWords as formatDeadline } from '../../../src/time/deadline.js';
import { relative } from '../../../src/time/relative.js';

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

describe('one way to word a deadline', () => {
  /** How comments worded it before (luxon), kept as the oracle for the Intl version that the page shares. */
  async function luxonWords(at: Date, zone: string): Promise<string> {
    const { DateTime } = await import('luxon');
    const dt = DateTime.fromJSDate(at, { zone }).setLocale('en');
    if (zone === 'UTC' || zone === 'Etc/UTC') return `${dt.toFormat("cccc, d LLLL yyyy 'at' HH:mm")} UTC`;
    const abbreviation = /^[A-Z]{2,5}$/.test(dt.offsetNameShort ?? '') ? ` ${dt.offsetNameShort}` : '';
    return `${dt.toFormat("cccc, d LLLL yyyy 'at' HH:mm")}${abbreviation} (${zone}, UTC${dt.toFormat('ZZ')})`;
  }

  test('comments word a deadline as they always did, in any zone, at any instant', async () => {
    const { default: fc } = await import('fast-check');
    const zones = Intl.supportedValuesOf('timeZone');
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones, 'UTC', 'Etc/UTC'),
        async (at, zone) => {
          expect(formatDeadline(at, zone)).toBe(await luxonWords(at, zone));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
