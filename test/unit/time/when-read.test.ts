import { describe, expect, test } from '@jest/globals';
import { parseWhen, repeatedUnitAt } from '../../../src/time/when.js';

const now = new Date('2030-01-10T12:00:00Z');
const HOUR = 3600_000;

function read(text: string) {
  const r = parseWhen(text, { now, zone: 'UTC' });
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error}`);
  return r;
}

describe('a unit named twice starts the title (chrono would let the second replace the first)', () => {
  test.each<[string, number, string, string]>([
    // text, hours ahead, date words, title
    ['in 2h Two hours', 2, 'in 2h', 'Two hours'],
    ['in 2 hours Two hours', 2, 'in 2 hours', 'Two hours'],
    ['in 2h 5 hours', 2, 'in 2h', '5 hours'],
    ['in 2 days 3 days', 48, 'in 2 days', '3 days'],
    ['in 1 hour 30 minutes 30 minutes more', 1.5, 'in 1 hour 30 minutes', '30 minutes more'],
  ])('%s', (text, hours, matched, rest) => {
    const r = read(text);
    expect(r.dueAt.getTime() - now.getTime()).toBe(hours * HOUR);
    expect(r.matched).toBe(matched);
    expect(r.rest).toBe(rest);
  });

  test.each<[string, number]>([
    ['in 2h 30 minutes', 2.5],
    ['in 3 days two hours', 74],
    ['in 2 hours and 30 minutes', 2.5],
  ])('%s: different units add up, and no title is taken', (text, hours) => {
    const r = read(text);
    expect(r.dueAt.getTime() - now.getTime()).toBe(hours * HOUR);
    expect(r.rest).toBe('');
  });

  test('repeatedUnitAt', () => {
    expect(repeatedUnitAt('in 2h Two hours')).toBe(5);
    expect(repeatedUnitAt('in 2h 30 minutes')).toBeNull();
    expect(repeatedUnitAt('next week')).toBeNull();
    expect(repeatedUnitAt('in 2 HRS 3 Hours')).toBe(8);
  });
});

describe('fromNow: whether the words were counted from the moment they were read', () => {
  test.each<[string, boolean]>([
    ['in 2h', true],
    ['in 3 days', true],
    ['next week', true],
    ['tomorrow 5pm', true],
    ['tonight', true],
    ['friday 17:00', true],
    ['5pm', true],
    ['Dec 24 at 18:00', true],
    ['2030-01-15', false],
    ['2030-01-15 17:00', false],
    ['2030-01-15 5pm', false],
    ['24 December 2030', false],
    ['Jan 15, 2030 at 5pm', false],
    ['2030/01/15', false],
  ])('%s → %p', (text, fromNow) => {
    expect(read(text).fromNow).toBe(fromNow);
  });
});
