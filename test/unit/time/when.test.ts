import { describe, test, expect } from '@jest/globals';
import { checkDueRange, parseWhen, wallToInstant } from '../../../src/time/when.js';
import { isValidZone, normalizeZone } from '../../../src/time/zones.js';

// Thursday. Berlin 13:00 (CET), Los Angeles 04:00 (PST), Kolkata 17:30, Tokyo 21:00,
// Auckland Friday 01:00 (NZDT).
const now = new Date('2030-01-10T12:00:00Z');

function read(text: string, zone: string, at: Date = now) {
  const r = parseWhen(text, { now: at, zone });
  if (!r.ok) throw new Error(`expected "${text}" in ${zone} to parse, got: ${r.error}`);
  return r;
}

describe('parseWhen: ISO 8601', () => {
  test.each<[string, string, string, string, boolean]>([
    // text, zone, expected instant, rest, dateOnly
    ['2030-01-15', 'UTC', '2030-01-15T23:59:00.000Z', '', true],
    ['2030-01-15', 'Europe/Berlin', '2030-01-15T22:59:00.000Z', '', true],
    ['2030-01-15', 'America/Los_Angeles', '2030-01-16T07:59:00.000Z', '', true],
    ['2030-01-15', 'Asia/Kolkata', '2030-01-15T18:29:00.000Z', '', true],
    ['2030-01-15 Ship v1', 'UTC', '2030-01-15T23:59:00.000Z', 'Ship v1', true],
    ['2030-01-15: Ship v1', 'UTC', '2030-01-15T23:59:00.000Z', 'Ship v1', true],
    ['2030-01-15 17:00', 'UTC', '2030-01-15T17:00:00.000Z', '', false],
    ['2030-01-15 17:00', 'Europe/Berlin', '2030-01-15T16:00:00.000Z', '', false],
    ['2030-01-15   17:00', 'UTC', '2030-01-15T17:00:00.000Z', '', false],
    ['2030-01-15T17:00', 'America/New_York', '2030-01-15T22:00:00.000Z', '', false],
    ['2030-01-15t17:00z', 'Europe/Berlin', '2030-01-15T17:00:00.000Z', '', false],
    ['2030-01-15T17:00:30', 'UTC', '2030-01-15T17:00:30.000Z', '', false],
    ['2030-01-15T17:00:30.250Z', 'Europe/Berlin', '2030-01-15T17:00:30.250Z', '', false],
    ['2030-01-15T17:00Z', 'Asia/Kolkata', '2030-01-15T17:00:00.000Z', '', false],
    ['2030-01-15T17:00+02:00', 'UTC', '2030-01-15T15:00:00.000Z', '', false],
    ['2030-01-15T17:00+0200', 'America/Los_Angeles', '2030-01-15T15:00:00.000Z', '', false],
    ['2030-01-15T17:00+02', 'UTC', '2030-01-15T15:00:00.000Z', '', false],
    ['2030-01-15T17:00-05:00', 'Europe/Berlin', '2030-01-15T22:00:00.000Z', '', false],
    ['2030-01-15T17:00+05:30 Ship', 'UTC', '2030-01-15T11:30:00.000Z', 'Ship', false],
    ['2030-01-15 17:00 +02:00 Ship', 'UTC', '2030-01-15T15:00:00.000Z', 'Ship', false],
    ['2030-01-15 17:00 UTC', 'Asia/Kolkata', '2030-01-15T17:00:00.000Z', '', false],
    ['2030-01-15 17:00 Ship v1', 'UTC', '2030-01-15T17:00:00.000Z', 'Ship v1', false],
    ['2030-01-15 17:00 - Ship v1', 'UTC', '2030-01-15T17:00:00.000Z', 'Ship v1', false],
    ['2030-01-15 5pm', 'Europe/Berlin', '2030-01-15T16:00:00.000Z', '', false],
    ['2030-01-15 at 17:30 Review', 'UTC', '2030-01-15T17:30:00.000Z', 'Review', false],
    ['2030-01-15 at 17:30 UTC: x', 'Asia/Kolkata', '2030-01-15T17:30:00.000Z', 'x', false],
    ['2030-01-15 00:00', 'UTC', '2030-01-15T00:00:00.000Z', '', false],
    ['2030-06-15 12:00', 'Europe/Berlin', '2030-06-15T10:00:00.000Z', '', false],
    ['2030-06-15 12:00', 'Australia/Sydney', '2030-06-15T02:00:00.000Z', '', false],
    ['2030-01-15 12:00', 'Asia/Kathmandu', '2030-01-15T06:15:00.000Z', '', false],
    ['2030-12-31 23:59:59', 'Pacific/Kiritimati', '2030-12-31T09:59:59.000Z', '', false],
    ['2030-01-15 17:00', 'utc', '2030-01-15T17:00:00.000Z', '', false],
  ])('%s in %s → %s', (text, zone, iso, rest, dateOnly) => {
    const r = read(text, zone);
    expect(r.dueAt.toISOString()).toBe(iso);
    expect(r.rest).toBe(rest);
    expect(r.dateOnly).toBe(dateOnly);
  });
});

describe('parseWhen: natural phrases (now = Thursday 2030-01-10 12:00 UTC)', () => {
  test.each<[string, string, string, string, boolean]>([
    ['tomorrow 5pm', 'UTC', '2030-01-11T17:00:00.000Z', '', false],
    ['tomorrow 5pm Ship it', 'Europe/Berlin', '2030-01-11T16:00:00.000Z', 'Ship it', false],
    ['Tomorrow 5PM', 'UTC', '2030-01-11T17:00:00.000Z', '', false],
    // "tomorrow" is the zone's tomorrow: in Los Angeles it is still the 10th…
    ['tomorrow 5pm', 'America/Los_Angeles', '2030-01-12T01:00:00.000Z', '', false],
    // …and in Auckland it is already the 11th.
    ['tomorrow 5pm', 'Pacific/Auckland', '2030-01-12T04:00:00.000Z', '', false],
    ['tomorrow', 'Asia/Kolkata', '2030-01-11T18:29:00.000Z', '', true],
    ['tomorrow - Ship it', 'UTC', '2030-01-11T23:59:00.000Z', 'Ship it', true],
    ['today', 'UTC', '2030-01-10T23:59:00.000Z', '', true],
    ['tonight', 'UTC', '2030-01-10T22:00:00.000Z', '', false],
    ['noon tomorrow', 'UTC', '2030-01-11T12:00:00.000Z', '', false],
    ['next friday 17:00', 'UTC', '2030-01-18T17:00:00.000Z', '', false],
    ['friday 17:00', 'UTC', '2030-01-11T17:00:00.000Z', '', false],
    ['Friday 17:00 Release', 'Europe/Berlin', '2030-01-11T16:00:00.000Z', 'Release', false],
    ['friday', 'UTC', '2030-01-11T23:59:00.000Z', '', true],
    ['friday 5 things', 'UTC', '2030-01-11T23:59:00.000Z', '5 things', true],
    ['mon 9:30', 'UTC', '2030-01-14T09:30:00.000Z', '', false],
    ['in 3 days', 'UTC', '2030-01-13T12:00:00.000Z', '', false],
    ['in 2h', 'UTC', '2030-01-10T14:00:00.000Z', '', false],
    ['in 2h', 'Asia/Kolkata', '2030-01-10T14:00:00.000Z', '', false],
    ['in 90 minutes', 'Europe/Berlin', '2030-01-10T13:30:00.000Z', '', false],
    ['in 1 week', 'UTC', '2030-01-17T12:00:00.000Z', '', false],
    ['in 2 weeks Ship', 'UTC', '2030-01-24T12:00:00.000Z', 'Ship', false],
    ['next week', 'UTC', '2030-01-17T12:00:00.000Z', '', false],
    ['Dec 24 at 18:00', 'UTC', '2030-12-24T18:00:00.000Z', '', false],
    ['Dec 24 at 18:00 Xmas', 'Europe/Berlin', '2030-12-24T17:00:00.000Z', 'Xmas', false],
    ['24 December 2030', 'UTC', '2030-12-24T23:59:00.000Z', '', true],
    ['Jan 15, 2030 at 5pm: Launch', 'UTC', '2030-01-15T17:00:00.000Z', 'Launch', false],
    ['March 1st 5pm Ünïcödé 🚀', 'UTC', '2030-03-01T17:00:00.000Z', 'Ünïcödé 🚀', false],
    ['5pm', 'UTC', '2030-01-10T17:00:00.000Z', '', false],
    ['9am', 'UTC', '2030-01-11T09:00:00.000Z', '', false], // 9am has passed today: the next one
    ['13/02/2030', 'UTC', '2030-02-13T23:59:00.000Z', '', true],
    ['2030/01/15', 'UTC', '2030-01-15T23:59:00.000Z', '', true],
    // An explicit zone in the phrase wins over the goal's zone.
    ['tomorrow 5pm EST', 'Europe/Berlin', '2030-01-11T22:00:00.000Z', '', false],
    ['tomorrow 17:00 +0200', 'UTC', '2030-01-11T15:00:00.000Z', '', false],
    ['tomorrow at 17:00 UTC', 'Asia/Tokyo', '2030-01-11T17:00:00.000Z', '', false],
  ])('%s in %s → %s', (text, zone, iso, rest, dateOnly) => {
    const r = read(text, zone);
    expect(r.dueAt.toISOString()).toBe(iso);
    expect(r.rest).toBe(rest);
    expect(r.dateOnly).toBe(dateOnly);
  });

  test('reports the matched phrase', () => {
    expect(read('next friday 17:00 Ship v1', 'UTC').matched).toBe('next friday 17:00');
    expect(read('2030-01-15T17:00Z Ship', 'UTC').matched).toBe('2030-01-15T17:00Z');
  });

  test('"now" reads as now (the range check then refuses it)', () => {
    const r = read('now', 'UTC');
    expect(r.dueAt.getTime()).toBe(now.getTime());
    expect(checkDueRange(r.dueAt, now)).toMatch(/past/);
  });

  test('a very long title is returned whole', () => {
    const title = 'Ship '.repeat(2000).trim();
    expect(read(`tomorrow 5pm ${title}`, 'UTC').rest).toBe(title);
  });
});

describe('parseWhen: daylight saving time', () => {
  test.each<[string, string, string]>([
    // Europe/Berlin springs forward 2030-03-31 02:00 → 03:00: times in the gap move forward by an hour.
    ['2030-03-31 01:59', 'Europe/Berlin', '2030-03-31T00:59:00.000Z'],
    ['2030-03-31 02:00', 'Europe/Berlin', '2030-03-31T01:00:00.000Z'],
    ['2030-03-31 02:30', 'Europe/Berlin', '2030-03-31T01:30:00.000Z'], // = 03:30 CEST
    ['2030-03-31 03:00', 'Europe/Berlin', '2030-03-31T01:00:00.000Z'],
    // …and falls back 2030-10-27 03:00 → 02:00: 02:00–02:59 happen twice; the earlier one is taken.
    ['2030-10-27 01:59', 'Europe/Berlin', '2030-10-26T23:59:00.000Z'],
    ['2030-10-27 02:30', 'Europe/Berlin', '2030-10-27T00:30:00.000Z'], // 02:30 CEST, not CET
    ['2030-10-27 03:00', 'Europe/Berlin', '2030-10-27T02:00:00.000Z'],
    ['2030-10-27T02:30+01:00', 'Europe/Berlin', '2030-10-27T01:30:00.000Z'], // the later one, by offset
    ['2030-03-10 02:30', 'America/New_York', '2030-03-10T07:30:00.000Z'], // gap → 03:30 EDT
    ['2030-11-03 01:30', 'America/New_York', '2030-11-03T05:30:00.000Z'], // overlap → EDT
    ['2030-11-03 01:30 -05:00', 'America/New_York', '2030-11-03T06:30:00.000Z'],
    ['2030-04-07 01:45', 'Australia/Lord_Howe', '2030-04-06T14:45:00.000Z'], // 30-minute DST, overlap → +11
    ['2030-06-15', 'Europe/Berlin', '2030-06-15T21:59:00.000Z'], // summer: 23:59 CEST
  ])('%s in %s → %s', (text, zone, iso) => {
    expect(read(text, zone).dueAt.toISOString()).toBe(iso);
  });

  test.each<[string, string, string, string]>([
    // now = Saturday 2030-03-30 13:00 CET; the clocks go forward that night.
    ['in 1 day', 'Europe/Berlin', '2030-03-30T12:00:00Z', '2030-03-31T11:00:00.000Z'], // same wall time
    ['in 24h', 'Europe/Berlin', '2030-03-30T12:00:00Z', '2030-03-31T12:00:00.000Z'], // 24 real hours
    ['tomorrow 13:00', 'Europe/Berlin', '2030-03-30T12:00:00Z', '2030-03-31T11:00:00.000Z'],
    ['tomorrow', 'Europe/Berlin', '2030-03-30T12:00:00Z', '2030-03-31T21:59:00.000Z'],
    // now = Saturday 2030-03-09 12:00 PST; US clocks go forward that night.
    ['tomorrow 12:00', 'America/Los_Angeles', '2030-03-09T20:00:00Z', '2030-03-10T19:00:00.000Z'],
    ['in 1 day', 'America/Los_Angeles', '2030-03-09T20:00:00Z', '2030-03-10T19:00:00.000Z'],
    ['in 24 hours', 'America/Los_Angeles', '2030-03-09T20:00:00Z', '2030-03-10T20:00:00.000Z'],
    // 02:30 UTC on 2030-03-10 is a wall time that does not exist in Los Angeles: run under
    // TZ=America/Los_Angeles, this checks that the process's zone does not leak in.
    ['in 2h', 'UTC', '2030-03-10T02:30:00Z', '2030-03-10T04:30:00.000Z'],
    ['in 3 days', 'UTC', '2030-03-10T02:30:00Z', '2030-03-13T02:30:00.000Z'],
    ['tomorrow 02:30', 'UTC', '2030-03-10T02:30:00Z', '2030-03-11T02:30:00.000Z'],
    // autumn: now = Saturday 2030-10-26 12:00 CEST
    ['tomorrow 12:00', 'Europe/Berlin', '2030-10-26T10:00:00Z', '2030-10-27T11:00:00.000Z'],
  ])('%s in %s at %s → %s', (text, zone, at, iso) => {
    expect(read(text, zone, new Date(at)).dueAt.toISOString()).toBe(iso);
  });

  test('wallToInstant: gap forward, overlap earlier, invalid → null', () => {
    const w = { year: 2030, month: 10, day: 27, hour: 2, minute: 30, second: 0, millisecond: 0 };
    expect(wallToInstant(w, 'Europe/Berlin')?.toISOString()).toBe('2030-10-27T00:30:00.000Z');
    expect(wallToInstant({ ...w, month: 3, day: 31 }, 'Europe/Berlin')?.toISOString()).toBe('2030-03-31T01:30:00.000Z');
    expect(wallToInstant({ ...w, month: 2, day: 29 }, 'UTC')).toBeNull();
  });
});

describe('parseWhen: leap days', () => {
  test.each<[string, string | null]>([
    ['2028-02-29', '2028-02-29T23:59:00.000Z'],
    ['2028-02-29 12:00', '2028-02-29T12:00:00.000Z'],
    ['Feb 29 2028', '2028-02-29T23:59:00.000Z'],
    ['2030-02-29', null],
    ['2030-02-29 12:00', null],
    ['Feb 29 2030', null],
    ['2100-02-29', null],
  ])('%s → %s', (text, iso) => {
    const r = parseWhen(text, { now, zone: 'UTC' });
    if (iso === null) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain('tomorrow 5pm');
    } else {
      expect(r.ok && r.dueAt.toISOString()).toBe(iso);
    }
  });
});

describe('parseWhen: refusals', () => {
  test.each<[string, RegExp]>([
    ['', /missing/],
    ['   ', /missing/],
    ['Ship v1', /could not read/i],
    ['Ship v1 friday', /could not read/i], // the date must come first
    ['someday', /could not read/i],
    ['asap', /could not read/i],
    ['soon', /could not read/i],
    ['eod', /could not read/i],
    ['end of week', /could not read/i],
    ['🚀 launch', /could not read/i],
    ['2030', /could not read/i],
    ['2030-02-30', /not a date on the calendar/],
    ['2030-13-01', /not a date on the calendar/],
    ['2030-00-10', /not a date on the calendar/],
    ['2030-01-32', /not a date on the calendar/],
    ['2030-01-15 24:00', /not a valid time/],
    ['2030-01-15 17:60', /not a valid time/],
    ['2030-01-15T17:00+25:00', /not a valid UTC offset/],
    ['2030-01-15T17:00Ship', /could not read/i],
    ['tomorrow 25:00', /does not look like a valid time/],
    ['tomorrow 5:61pm', /does not look like a valid time/],
    ['tomorrow5pm', /could not read/i],
    ['fridays', /could not read/i],
    ['last friday', /refers to the past/],
    ['3 days ago', /refers to the past/],
    ['monday-friday', /range/],
    ['march', /month but not a day/],
    ['december release', /month but not a day/],
    ['01/02/2030', /could be 2030-01-02 or 2030-02-01/],
    ['03.04.2030', /could be/],
  ])('%j is refused', (text, why) => {
    const r = parseWhen(text, { now, zone: 'UTC' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(why);
      expect(r.error).toMatch(/tomorrow 5pm|for example/);
    }
  });

  test('an unknown zone is refused', () => {
    const r = parseWhen('tomorrow', { now, zone: 'Mars/Olympus_Mons' });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/unknown time zone/i) });
  });
});

describe('zones', () => {
  test.each<[string, boolean]>([
    ['UTC', true],
    ['utc', true],
    ['Europe/Berlin', true],
    ['europe/berlin', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Asia/Kolkata', true],
    ['Asia/Calcutta', true],
    ['Etc/GMT+5', true],
    ['US/Pacific', true],
    ['Mars/Base', false],
    ['', false],
    ['+02:00', false],
    ['Europe/Berlin ', false],
    ['Europe/../etc/passwd', false],
    ['CEST', false],
  ])('isValidZone(%j) = %s', (zone, valid) => {
    expect(isValidZone(zone)).toBe(valid);
  });

  test.each<[string, string | null]>([
    ['europe/berlin', 'Europe/Berlin'],
    ['utc', 'UTC'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['US/Pacific', 'US/Pacific'],
    ['Nope/Zone', null],
  ])('normalizeZone(%j) = %j', (zone, expected) => {
    expect(normalizeZone(zone)).toBe(expected);
  });
});

describe('checkDueRange', () => {
  const ms = (iso: string) => new Date(iso);
  test.each<[string, RegExp | null]>([
    ['2030-01-10T12:00:00.000Z', /past/],
    ['2030-01-10T11:59:59.999Z', /past/],
    ['2020-01-01T00:00:00.000Z', /past/],
    ['2030-01-10T12:00:00.001Z', null],
    ['2030-01-10T12:01:00.000Z', null],
    ['2040-01-10T12:00:00.000Z', null],
    ['2040-01-10T12:00:00.001Z', /10 years/],
    ['2100-01-01T00:00:00.000Z', /10 years/],
  ])('%s → %s', (due, why) => {
    const r = checkDueRange(ms(due), now);
    if (why === null) expect(r).toBeNull();
    else expect(r).toMatch(why);
  });

  test('an invalid date is refused', () => {
    expect(checkDueRange(new Date(Number.NaN), now)).toMatch(/not a valid date/);
  });
});
