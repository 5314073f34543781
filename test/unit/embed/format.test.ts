import { describe, expect, test } from '@jest/globals';
import {
  cleanText,
  clockParts,
  escapeHtml,
  jsonForScript,
  longDuration,
  plainText,
  safeHref,
  shortDuration,
  zonedDeadline,
} from '../../../src/embed/format.js';
import { DAY, HOUR, MIN } from './fixtures.js';

describe('cleanText / plainText', () => {
  test('line breaks and tabs become spaces, other controls go', () => {
    expect(cleanText('a\tb\nc\r\nd\u0000e\u0007f\u001b[31mg\u007fh\u0085i')).toBe('a b c def[31mghi');
  });
  test('keeps bidi marks (the page isolates them), plainText drops overrides and isolates', () => {
    expect(cleanText('\u202eabc\u202c')).toBe('\u202eabc\u202c');
    expect(plainText('\u202eabc\u202c \u2067x\u2069 \u200f')).toBe('abc x \u200f');
  });
  test('lone surrogates become U+FFFD, pairs survive', () => {
    expect(cleanText('a\ud800b🚀')).toBe('a\ufffdb🚀');
  });
});

describe('escaping', () => {
  test('HTML/XML', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
  test('JSON for a script block has no <, >, & or line separators and parses back', () => {
    const value = { t: '</script><!-- ]]> & \u2028\u2029' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
  test('safeHref accepts http(s) only', () => {
    expect(safeHref('https://github.com/o/r/issues/1')).toBe('https://github.com/o/r/issues/1');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://x/"onclick=')).toBeNull();
  });
});

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
