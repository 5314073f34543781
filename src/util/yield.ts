import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * For long loops on the event loop: call the returned function between items; it lets
 * other work (requests, probes, other jobs) run whenever `budgetMs` have passed since it
 * last did, so that no single input holds the loop for longer than that.
 */
export function yielder(budgetMs = 10): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await nextTurn();
    since = performance.now();
  };
}
