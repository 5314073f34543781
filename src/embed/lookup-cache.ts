import { LRUCache } from 'lru-cache';

export interface Lookup<T> {
  (key: string): Promise<T>;
  /** What is held for `key` and still fresh, without waiting (undefined: call the lookup). */
  held(key: string): { value: T } | undefined;
  /** Entries held now (found and not found alike): never more than `maxEntries`. */
  readonly size: number;
  /** Their weight in all (see `weight`; without it, 0): never more than `weight.max`. */
  readonly weight: number;
}

/**
 * A very short-lived cache in front of the embed's database lookup. A badge in a busy
 * README or a page open in many Notion tabs asks for the same token many times a second;
 * within `ttlMs` they share one query (concurrent requests share the one in flight) and one
 * value: the same object, which is what lets routes.ts reuse the bytes it drew from it.
 * Unknown tokens are cached too, so a scan of random tokens costs one query per token, and
 * the least recently used entry makes room once `maxEntries` are held, so such a scan never
 * grows memory past that. A failed query is not remembered. With ttlMs = 0 every request queries.
 *
 * Values that differ much in size (a board holds up to 120 goals, a miss none) can be weighed
 * too: `weight.of(value)` units each (at least 1), never more than `weight.max` held in all.
 *
 * lru-cache rather than a Map of our own: it bounds the entries with LRU eviction (a hot token
 * outlives a scan), expires them, and shares in-flight loads, all long tested by npm itself.
 */
export function lookupCache<T>(
  load: (key: string) => Promise<T>,
  ttlMs: number,
  maxEntries = 10_000,
  weight?: { max: number; of: (value: T) => number },
): Lookup<T> {
  if (ttlMs <= 0) return Object.assign((key: string) => load(key), { size: 0, weight: 0, held: () => undefined });
  // lru-cache holds no `undefined` (a fetch that yields it is not cached): a box carries a miss.
  const cache = new LRUCache<string, { value: T }>({
    max: maxEntries,
    ttl: ttlMs,
    fetchMethod: async (key) => ({ value: await load(key) }),
    // A query in flight when a scan pushes its entry out still answers the requests waiting on
    // it (lru-cache would otherwise reject them as aborted: a 500 for a real viewer).
    ignoreFetchAbort: true,
    ...(weight && { maxSize: weight.max, sizeCalculation: (box: { value: T }) => Math.max(1, Math.ceil(weight.of(box.value))) }),
  });
  const get = async (key: string) => (await cache.fetch(key))!.value;
  return Object.defineProperties(Object.assign(get, { held: (key: string) => cache.get(key) }), {
    size: { get: () => cache.size },
    weight: { get: () => cache.calculatedSize ?? 0 },
  }) as Lookup<T>;
}
