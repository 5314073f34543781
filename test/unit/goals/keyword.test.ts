import { describe, test, expect } from '@jest/globals';
import { keywordError, slugify, uniqueKeyword } from '../../../src/goals/keyword.js';
import { messageHasKeyword } from '../../../src/goals/match.js';

describe('keywordError', () => {
  test.each<[string, RegExp | null]>([
    ['ab', null], // 2: the shortest
    ['a'.repeat(64), null], // 64: the longest
    ['ship-v1', null],
    ['Ship_V1', null],
    ['v1.2.3', null],
    ['#42', null],
    ['release/2030', null],
    ['scope:api', null],
    ['a-_.#/:9', null],
    ['42', null],
    ['a', /too short/], // 1
    ['a'.repeat(65), /too long/], // 65
    ['', /empty/],
    ['ship v1', /space/],
    ['ship\tv1', /space/],
    ['ship!', /`!`/],
    ['ship,v1', /`,`/],
    ['ship@v1', /`@`/],
    ['(ship)', /`\(`/],
    ['shïp', /`ï`/],
    ['ship🚀', /`🚀`/],
    ['--', /letter or digit/],
    ['#/', /letter or digit/],
    ['a*b', /`\*`/],
    ['a+b', /`\+`/],
  ])('%j → %s', (kw, why) => {
    const err = keywordError(kw);
    if (why === null) expect(err).toBeNull();
    else expect(err).toMatch(why);
  });
});

describe('slugify', () => {
  test.each<[string, string]>([
    ['Ship v1', 'ship-v1'],
    ['  Ship   v1!!  ', 'ship-v1'],
    ['Release 2.0 — final', 'release-2-0-final'],
    ['Überarbeitung der Zölle', 'uberarbeitung-der-zolle'],
    ['Café déjà vu', 'cafe-deja-vu'],
    ['日本語のリリース', 'goal'],
    ['🚀🚀🚀', 'goal'],
    ['', 'goal'],
    ['!!!', 'goal'],
    ['X', 'goal-x'],
    ['7', 'goal-7'],
    ['API: v2 / auth', 'api-v2-auth'],
    ['Fix #42', 'fix-42'],
    ['a very long title that goes on and on and on forever', 'a-very-long-title-that-goes-on'],
    ['Supercalifragilisticexpialidocious-and-more', 'supercalifragilisticexpialidocio'],
  ])('%j → %j', (title, slug) => {
    const s = slugify(title);
    expect(s).toBe(slug);
    expect(keywordError(s)).toBeNull();
  });

  test('a 10 000-character title gives a short valid slug', () => {
    const s = slugify('word '.repeat(2000));
    expect(s.length).toBeLessThanOrEqual(32);
    expect(keywordError(s)).toBeNull();
  });
});

describe('uniqueKeyword', () => {
  test.each<[string, string[], string]>([
    ['ship-v1', [], 'ship-v1'],
    ['ship-v1', ['other'], 'ship-v1'],
    ['ship-v1', ['ship-v1'], 'ship-v1-2'],
    ['ship-v1', ['SHIP-V1'], 'ship-v1-2'],
    ['Ship-V1', ['ship-v1'], 'Ship-V1-2'],
    ['ship-v1', ['ship-v1', 'ship-v1-2', 'ship-v1-3'], 'ship-v1-4'],
    ['goal', ['goal', 'goal-2'], 'goal-3'],
    ['a'.repeat(64), ['a'.repeat(64)], `${'a'.repeat(62)}-2`],
    [`${'a'.repeat(61)}-bc`, [`${'a'.repeat(61)}-bc`], `${'a'.repeat(61)}-2`],
  ])('%j taken %j → %j', (base, taken, expected) => {
    const k = uniqueKeyword(base, new Set(taken));
    expect(k).toBe(expected);
    expect(k.length).toBeLessThanOrEqual(64);
  });

  test('many collisions at the length limit stay ≤ 64 and unique', () => {
    const base = 'b'.repeat(64);
    const taken = new Set<string>([base]);
    for (let i = 0; i < 120; i++) {
      const k = uniqueKeyword(base, taken);
      expect(k.length).toBeLessThanOrEqual(64);
      expect(keywordError(k)).toBeNull();
      expect(taken.has(k)).toBe(false);
      taken.add(k);
    }
  });
});

describe('messageHasKeyword', () => {
  test.each<[string, string, boolean]>([
    ['Ship-V1: done', 'ship-v1', true],
    ['ship-v1', 'ship-v1', true],
    ['Finish ship-v1', 'ship-v1', true],
    ['fix login (ship-v1)', 'ship-v1', true],
    ['[ship-v1] release', 'ship-v1', true],
    ['feat(ship-v1): api', 'ship-v1', true],
    ['done with ship-v1.', 'ship-v1', true],
    ['ship-v1, ship-v2', 'ship-v2', true],
    ['"ship-v1"', 'ship-v1', true],
    ['refs #ship-v1', 'ship-v1', true],
    ['line one\n\nCloses: SHIP-V1\n', 'ship-v1', true],
    ['ship-v1!', 'ship-v1', true],
    ['ship-v1’s last bit', 'ship-v1', true],
    ['ship-v10', 'ship-v1', false],
    ['preship-v1', 'ship-v1', false],
    ['pre-ship-v1', 'ship-v1', false],
    ['ship-v1-beta', 'ship-v1', false],
    ['ship-v1.2', 'ship-v1', false],
    ['ship_v1', 'ship-v1', false],
    ['shipv1', 'ship-v1', false],
    ['ship-v1é', 'ship-v1', false],
    ['éship-v1', 'ship-v1', false],
    ['', 'ship-v1', false],
    // Regex metacharacters in keywords are literal.
    ['v1.2 released', 'v1.2', true],
    ['v1x2 released', 'v1.2', false],
    ['v1.2.3 released', 'v1.2', false],
    ['closes #42', '#42', true],
    ['closes #420', '#42', false],
    ['closes fix#42', '#42', false],
    ['merge release/2030 now', 'release/2030', true],
    ['merge prerelease/2030 now', 'release/2030', false],
    ['scope:api done', 'scope:api', true],
    ['SCOPE:API', 'scope:api', true],
    ['a+b', 'a.b', false],
    ['a or b', 'a|b', false],
    ['(a|b)', 'a|b', false], // `|` is not a keyword character: such a keyword is never stored, and never found
    ['second try: ship-v10 then ship-v1', 'ship-v1', true],
    ['ship-v1-ship-v1', 'ship-v1', false],
    // ASCII-only case folding: the Kelvin sign does not become "k".
    ['\u212Aey-1', 'key-1', false],
  ])('%j contains %j: %s', (message, keyword, expected) => {
    expect(messageHasKeyword(message, keyword)).toBe(expected);
  });

  test('is fast on long messages with many near-misses', () => {
    const message = 'ship-v10 '.repeat(200_000) + 'ship-v1';
    const start = performance.now();
    expect(messageHasKeyword(message, 'ship-v1')).toBe(true);
    expect(messageHasKeyword('a-'.repeat(500_000), 'a-a')).toBe(false);
    expect(messageHasKeyword('a' + '-'.repeat(500_000) + 'b', 'a-b')).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
