/** Rejects with `message` if `p` has not settled within `ms` (the work itself is not cancelled). */
export async function withTimeout<T>(p: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  // Once timed out nobody awaits `p`: its late rejection must not become an unhandled
  // rejection (which ends a Node process), so it is observed here too.
  p.catch(() => {});
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
