import { createHmac, randomUUID } from 'node:crypto';
import type { Webhook } from './payloads.js';

/** One delivery as the page lists it (like an App's "Recent Deliveries" on GitHub). */
export interface Delivery {
  id: string;
  /** `issue_comment.created`, `push`, …: the event, with its action where it has one. */
  event: string;
  at: string;
  /** GitDone's answer; 0 when it could not be reached. */
  status: number;
  ms: number;
  /** Why it could not be delivered (no answer at all). */
  error?: string;
}

export type Deliver = (webhook: Webhook) => Promise<Delivery>;

/**
 * Sends webhooks the way GitHub does: a JSON body POSTed to the App's webhook URL, signed
 * with the webhook secret (X-Hub-Signature-256: HMAC-SHA256 of the body), with a fresh
 * delivery id. So the playground's actions go through GitDone's real intake: signature
 * check, recording, the job queue.
 */
export function webhookSender(o: { url: string; secret: string; appId: number; timeoutMs?: number }): Deliver {
  return async ({ event, payload }) => {
    const id = randomUUID();
    const body = JSON.stringify(payload);
    const action = typeof payload.action === 'string' ? `.${payload.action}` : '';
    const started = Date.now();
    const delivery: Delivery = { id, event: `${event}${action}`, at: new Date(started).toISOString(), status: 0, ms: 0 };
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/gitdone-playground',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-github-hook-id': '1',
          'x-github-hook-installation-target-type': 'integration',
          'x-github-hook-installation-target-id': String(o.appId),
          'x-hub-signature-256': `sha256=${createHmac('sha256', o.secret).update(body).digest('hex')}`,
        },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer();
      delivery.status = res.status;
    } catch (err) {
      delivery.error = (err as Error).message;
    }
    delivery.ms = Date.now() - started;
    return delivery;
  };
}
