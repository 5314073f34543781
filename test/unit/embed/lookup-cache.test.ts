import { describe, expect, test } from '@jest/globals';
import { lookupCache } from '../../../src/embed/lookup-cache.js';

describe('lookupCache', () => {
  test('shares one load per key within the TTL, including concurrent ones', async () => {
    const calls: string[] = [];
    const get = lookupCache(async (k: string) => (calls.push(k), `v-${k}`), 60_000);
    expect(await Promise.all([get('a'), get('a'), get('b')])).toEqual(['v-a', 'v-a', 'v-b']);
    expect(await get('a')).toBe('v-a');
    expect(calls).toEqual(['a', 'b']);
  });

  test('loads again once the TTL has passed', async () => {
    let n = 0;
    const get = lookupCache(async () => ++n, 20);
    expect(await get('a')).toBe(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(await get('a')).toBe(2);
  });

  test('does not remember failures', async () => {
    let fail = true;
    const get = lookupCache(async () => {
      if (fail) throw new Error('db down');
      return 'ok';
    }, 60_000);
    await expect(get('a')).rejects.toThrow('db down');
    fail = false;
    expect(await get('a')).toBe('ok');
  });

  test('a TTL of 0 is no cache', async () => {
    let n = 0;
    const get = lookupCache(async () => ++n, 0);
    await get('a');
    await get('a');
    expect(n).toBe(2);
  });

  test('stays bounded', async () => {
    let n = 0;
    const get = lookupCache(async () => ++n, 60_000, 2);
    await get('a');
    await get('b');
    await get('c'); // clears
    await get('a');
    expect(n).toBe(4);
  });

  test('a key in use outlives a scan of other keys, and the size never passes the bound', async () => {
    const loads: string[] = [];
    const get = lookupCache(async (k: string) => (loads.push(k), k), 60_000, 100);
    for (let i = 0; i < 10_000; i++) {
      await get('hot');
      await get(`scan-${i}`);
      expect(get.size).toBeLessThanOrEqual(100);
    }
    expect(loads.filter((k) => k === 'hot')).toHaveLength(1);
  });

  test('a lookup still in flight when a scan pushes it out answers its callers all the same', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const get = lookupCache(async (k: string) => (k === 'slow' ? (await gate, 'slow value') : k), 60_000, 2);
    const slow = get('slow');
    for (let i = 0; i < 10; i++) await get(`scan-${i}`);
    release();
    await expect(slow).resolves.toBe('slow value');
    expect(get.size).toBeLessThanOrEqual(2);
  });

  test('weighed values: heavy ones push others out so that the weight held never passes its bound', async () => {
    const loads: string[] = [];
    const get = lookupCache(async (k: string) => (loads.push(k), k.startsWith('heavy') ? 40 : 1), 60_000, 1_000, { max: 100, of: (v) => v });
    for (let i = 0; i < 50; i++) await get(`light-${i}`);
    expect(get.weight).toBe(50);
    for (let i = 0; i < 10; i++) {
      await get(`heavy-${i}`);
      expect(get.weight).toBeLessThanOrEqual(100);
    }
    expect(get.size).toBeLessThan(10); // two heavy ones and what fits beside them
    expect(await get('heavy-9')).toBe(40); // the latest is held: no second load
    expect(loads.filter((k) => k === 'heavy-9')).toHaveLength(1);
  });
});
