import { createHash } from 'node:crypto';

/**
 * The trace of a webhook delivery, derived from GitHub's delivery id: the HTTP request that
 * brought it, its job (however much later, on whichever replica) and GitHub's redeliveries
 * of it all share this trace id, with no trace context stored anywhere. Anyone holding a
 * delivery id (GitHub's Advanced tab, a log line) can compute it and look the trace up.
 *
 * The span id names a "delivery" parent that no process exports: the request's span and
 * the job's span hang under it side by side. Delivery ids are random UUIDs, so the hash
 * spreads traces as evenly as random ids would.
 */
export function deliveryTraceIds(deliveryId: string): { traceId: string; spanId: string } {
  const hex = createHash('sha256').update(`gitdone-delivery:${deliveryId}`).digest('hex');
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

/** Embed and board tokens are secrets: never in a span name or attribute (nor in logs). */
export function redactTokens(text: string): string {
  return text.replace(/\/(embed|board)\/[^/?#.\s]+/g, '/$1/<token>');
}
