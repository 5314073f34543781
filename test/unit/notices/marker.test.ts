import { expect, test } from '@jest/globals';
import { marker } from '../../../src/notices/marker.js';

test('the marker cannot be closed early', () => {
  expect(marker('reply:abc')).toBe('<!-- gitdone:reply:abc -->');
  expect(marker('reply:abc', '0f0f')).toBe('<!-- gitdone:reply:abc 0f0f -->');
  expect(marker('a-->b')).not.toContain('-->b');
});
