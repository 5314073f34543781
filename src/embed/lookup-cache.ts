/**
 * A very short-lived cache in front of the embed's database lookup. A badge in a busy
 * README or a page open in many Notion tabs asks for the same token many times a second;
 * within `ttlMs` they share one query (concurrent requests share the one in flight).
 * Unknown tokens are cached too, so a scan of random tokens costs one query per token.
 * With ttlMs = 0 every request queries.
 */
export function lookupCache<T>(load: (key: string) => Promise<T>, ttlMs: number, maxEntries = 10_000): (key: string) => Promise<T> {
  if (ttlMs <= 0) return load;
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return (key) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (entries.size >= maxEntries) entries.clear(); // crude, but bounded and never stale for long
    const value = load(key);
    entries.set(key, { value, until: now + ttlMs });
    // A failed query is not remembered (unless a newer load has taken its place already).
    value.catch(() => entries.get(key)?.value === value && entries.delete(key));
    return value;
  };
}
