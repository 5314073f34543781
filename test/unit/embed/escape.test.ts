import { describe, expect, test } from '@jest/globals';
import { cleanText, escapeHtml, jsonForScript, plainText, safeHref } from '../../../src/embed/escape.js';

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
