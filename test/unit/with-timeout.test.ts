import { expect, test } from '@jest/globals';
import { withTimeout } from '../../src/util/with-timeout.js';

test('times out with the message, and a late rejection of the abandoned work is not unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30));
    await expect(withTimeout(late, 5, 'too slow')).rejects.toThrow('too slow');
    await new Promise((r) => setTimeout(r, 60));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('passes the value through when in time', async () => {
  expect(await withTimeout(Promise.resolve(42), 1000)).toBe(42);
});
