import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { KeywordMatcher, type PushedCommit } from '../../../src/goals/match.js';
import { keywordError } from '../../../src/goals/keyword.js';

/**
 * The whole-token rule as it was first written (one keyword, one message, scanning every
 * occurrence): kept here as the oracle the one-pass matcher must agree with.
 */
function oracle(message: string, keyword: string): boolean {
  const lower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  const joiner = (c: number) => c === 45 || c === 46 || c === 35 || c === 47 || c === 58;
  const word = (ch: string | undefined) => ch !== undefined && (/^[A-Za-z0-9_]$/.test(ch) || /^[\p{L}\p{N}]$/u.test(ch));
  const before = (s: string, i: number) => (i <= 0 ? undefined : String.fromCodePoint(s.codePointAt(/[\udc00-\udfff]/.test(s[i - 1]!) && i >= 2 ? i - 2 : i - 1)!));
  const at = (s: string, i: number) => (s.codePointAt(i) === undefined ? undefined : String.fromCodePoint(s.codePointAt(i)!));
  const hay = lower(message);
  const needle = lower(keyword);
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) {
    let l = i - 1;
    while (l >= 0 && joiner(hay.charCodeAt(l))) l--;
    if (l >= 0 && word(before(hay, l + 1))) continue;
    let r = i + needle.length;
    while (r < hay.length && joiner(hay.charCodeAt(r))) r++;
    if (r < hay.length && word(at(hay, r))) continue;
    return true;
  }
  return false;
}

const keyword = fc.stringMatching(/^[A-Za-z0-9_.#/:-]{2,12}$/).filter((k) => keywordError(k) === null);
const piece = fc.oneof(keyword, fc.constantFrom(' ', '-', '.', '#', '/', ':', '_', 'é', '(', ')', '\n', 'x', '1', 'SHIP', 'ship', '🚀', 'K'), fc.string({ maxLength: 4 }));

describe('KeywordMatcher', () => {
  test('agrees with the one-keyword rule on any message and any set of keywords', () => {
    fc.assert(
      fc.property(fc.array(keyword, { minLength: 1, maxLength: 8 }), fc.array(piece, { maxLength: 30 }), (keywords, parts) => {
        const message = parts.join('');
        const goals = keywords.map((k) => ({ keyword: k }));
        const found = new Set(new KeywordMatcher(goals).goalsIn(message));
        for (const g of goals) expect([g.keyword, message, found.has(g)]).toEqual([g.keyword, message, oracle(message, g.keyword)]);
      }),
      { numRuns: 3000 },
    );
  });

  test('each goal gets the first commit, in push order, that carries its keyword', () => {
    const a = { keyword: 'ship-a' };
    const b = { keyword: 'SHIP-B' };
    const c = { keyword: 'never' };
    const m = new KeywordMatcher([a, b, c]);
    const commits: PushedCommit[] = [
      { id: '1', message: 'ship-a10', author: null },
      { id: '2', message: 'fix (ship-a) and ship-b', author: 'x' },
      { id: '3', message: 'ship-a again', author: null },
    ];
    for (const commit of commits) m.add(commit);
    expect(m.matches()).toEqual([
      { goal: a, commit: commits[1] },
      { goal: b, commit: commits[1] },
    ]);
    expect(m.done).toBe(false);
  });

  test('stops reading once every goal has its commit', () => {
    const m = new KeywordMatcher([{ keyword: 'x1' }]);
    m.add({ id: '1', message: 'x1', author: null });
    expect(m.done).toBe(true);
  });
});
