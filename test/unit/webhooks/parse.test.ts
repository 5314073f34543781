import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { jsonbSafe } from '../../../src/deliveries/jsonb-safe.js';
import { InvalidBody, PARSE_INLINE_MAX, parseBody, storedJsonOf } from '../../../src/webhooks/parse.js';

describe('jsonbSafe: what PostgreSQL jsonb refuses, replaced', () => {
  test.each([
    ['"a\\u0000b"', '"a\\ufffdb"'],
    ['"\\ud800"', '"\\ufffd"'],
    ['"\\uDBFF x \\uDC00"', '"\\ufffd x \\ufffd"'],
    ['"\\\\u0000"', '"\\\\u0000"'], // an escaped backslash, then the text u0000
    ['"\\\\\\u0000"', '"\\\\\\ufffd"'],
    ['"\\u00e9 \\n \\"q\\""', '"\\u00e9 \\n \\"q\\""'],
    ['"😀"', '"😀"'],
  ])('%s → %s', (input, output) => {
    expect(jsonbSafe(input)).toBe(output);
  });

  test('any string survives JSON.stringify → jsonbSafe → JSON.parse, with only NUL and lone surrogates changed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const back = JSON.parse(jsonbSafe(JSON.stringify(s))) as string;
        const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
        expect(back).toBe(s.replace(/\u0000/g, '\ufffd').replace(lone, '\ufffd'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseBody', () => {
  const big = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, full_name: `octo/repo-${i}-${'x'.repeat(100)}` }));

  test('a large body that is not a push is read whole, in slices', async () => {
    const payload = { action: 'added', installation: { id: 7 }, repositories_added: big(5000) };
    const body = Buffer.from(JSON.stringify(payload));
    expect(body.length).toBeGreaterThan(PARSE_INLINE_MAX);
    expect(await parseBody('installation_repositories', body)).toEqual(payload);
  });

  test('a large push keeps what handlers read, and only the ids of its commits; the body is stored as sent', async () => {
    const commits = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, message: 'm'.repeat(10_000), added: ['a'] }));
    const payload = { ref: 'refs/heads/main', before: 'b', after: 'a', repository: { id: 1, full_name: 'o/r' }, installation: { id: 7 }, commits, head_commit: commits[99] };
    const body = Buffer.from(JSON.stringify(payload).replace('"message":"m', '"message":"\\u0000m'));
    const read = await parseBody('push', body);
    expect(read).toEqual({ ref: 'refs/heads/main', before: 'b', after: 'a', repository: payload.repository, installation: { id: 7 }, commits: commits.map((c) => ({ id: c.id })) });
    const stored = storedJsonOf(read) as Uint8Array;
    expect(JSON.parse(Buffer.from(stored).toString()).commits[0].message).toBe(`\ufffd${'m'.repeat(10_000)}`);
  });

  test.each([
    ['small', '{"a":'],
    ['large', `{"a":"${'x'.repeat(PARSE_INLINE_MAX)}"`],
    ['small, not an object', '[1,2]'],
    ['large, not an object', `["${'x'.repeat(PARSE_INLINE_MAX)}"]`],
  ])('%s invalid body: InvalidBody', async (_what, text) => {
    await expect(parseBody('issues', Buffer.from(text))).rejects.toBeInstanceOf(InvalidBody);
  });
});
