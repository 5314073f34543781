import { describe, expect, test } from '@jest/globals';
import { MAX_COMMENT_CHARS, readActor, readComment, readPush } from '../../../src/playground/input.js';

describe('what the playground page may send', () => {
  test.each([
    ['alice', true],
    ['Alice-Bob-2', true],
    ['a'.repeat(39), true],
    ['a'.repeat(40), false],
    ['-alice', false],
    ['alice-', false],
    ['al--ice', false],
    ['al ice', false],
    ['gitdone[bot]', false],
    ['', false],
    [42, false],
  ])('login %j: %s', (author, ok) => {
    expect('value' in readActor({ author })).toBe(ok);
  });

  test.each([
    ['main', true],
    ['release/1.0', true],
    ['feature_x-2', true],
    ['', false],
    ['/main', false],
    ['main/', false],
    ['a..b', false],
    ['a//b', false],
    ['x.lock', false],
    ['.hidden', false],
    ['a/.b', false],
    ['we@{ird', false],
    ['has space', false],
  ])('branch %j: %s', (branch, ok) => {
    expect('value' in readPush({ author: 'alice', branch, message: 'm' })).toBe(ok);
  });

  test('comments: a role GitHub knows, a body that is not empty and fits GitHub', () => {
    expect(readComment({ author: 'alice', role: 'write', body: '/deadline help' })).toEqual({ value: { author: 'alice', role: 'write', body: '/deadline help' } });
    expect(readComment({ author: 'alice', role: 'owner', body: 'x' })).toHaveProperty('problem');
    expect(readComment({ author: 'alice', role: 'none', body: '  \n' })).toEqual({ problem: 'The comment is empty.' });
    expect(readComment({ author: 'alice', role: 'none', body: 'x'.repeat(MAX_COMMENT_CHARS) })).toHaveProperty('value');
    expect(readComment({ author: 'alice', role: 'none', body: 'x'.repeat(MAX_COMMENT_CHARS + 1) })).toHaveProperty('problem');
    expect(readComment(null)).toHaveProperty('problem');
    expect(readComment([])).toHaveProperty('problem');
  });

  test('pushes: a message that is not empty', () => {
    expect(readPush({ author: 'alice', branch: ' main ', message: 'try-it done' })).toEqual({ value: { author: 'alice', branch: 'main', message: 'try-it done' } });
    expect(readPush({ author: 'alice', branch: 'main', message: '' })).toHaveProperty('problem');
  });
});
