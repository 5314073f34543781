import { describe, expect, test } from '@jest/globals';
import { quote } from '../../../src/markdown/inert.js';
import { activeParts, render } from '../../helpers/markdown.js';

describe('quote: user words shown in a comment, never live', () => {
  test.each([
    ['@octocat', '`@octocat`'],
    ['@octo/team', '`@octo/team`'],
    ['<img src=x onerror=alert(1)>', '`<img src=x onerror=alert(1)>`'],
    ['![x](http://evil.example/t.png)', '`![x](http://evil.example/t.png)`'],
    ['a `code` b', '`a ˋcodeˋ b`'],
    ['line\nbreak\u2028and\u2029more', '`line break and more`'],
    ['  ', '`\u00a0`'],
    ['\u202eevil', '`evil`'],
    ['lone \ud800 half', '`lone \ufffd half`'],
  ])('%j', (input, expected) => {
    expect(quote(input)).toBe(expected);
  });

  test('long text is cut, by code points', () => {
    expect(quote('🙂'.repeat(100), { max: 10 })).toBe('`' + '🙂'.repeat(9) + '…`');
  });

  test('in a table cell, a pipe does not split the cell', () => {
    const md = `| a | b |\n|---|---|\n| ${quote('x | y', { inTable: true })} | z |`;
    expect(render(md)).toContain('<td><code>x | y</code></td>');
  });

  test.each(['@octo/team hi', 'see #12 and octo/other#3', 'http://evil.example/t.png', 'www.evil.example', '<b>bold</b>', '![x](http://e.vil/i.png)', 'a@b.example'])(
    'renders inert on GitHub: %j',
    (text) => {
      expect(activeParts(`Refused: ${quote(text)}`)).toEqual([]);
    },
  );

  test('the checker itself sees live text (so the tests above can fail)', () => {
    expect(activeParts('hi @octo/team')).not.toEqual([]);
    expect(activeParts('see http://evil.example')).not.toEqual([]);
    expect(activeParts('![x](http://e.vil/i.png)')).not.toEqual([]);
    expect(activeParts('<b>x</b>')).not.toEqual([]);
    expect(activeParts('fixes #12')).not.toEqual([]);
  });
});
