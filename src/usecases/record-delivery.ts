import type { Db } from '../db/database.js';
import { insertDelivery } from '../db/deliveries.js';
import { enqueue } from '../db/queue.js';
import { upsertRepository, type RepoRef } from '../db/repositories.js';
import type { RecordedEvent } from '../deliveries/recorded.js';

export interface Delivery {
  id: string;
  event: RecordedEvent;
  /** The payload as GitHub sent it, jsonb-safe (webhooks/parse.ts), or JSON text. */
  json: string | Uint8Array;
  repo: RepoRef;
}

/** The queue task that acts on a recorded delivery (jobs/process-delivery.ts). */
export const DELIVERY_TASK = 'process-delivery';

/**
 * The only thing a webhook handler does with a delivery it cares about: store it and
 * its job in one transaction, keyed by GitHub's delivery id (the same on redelivery),
 * so GitHub's 2xx means "kept", and a second copy changes nothing.
 * Returns false for a delivery already recorded.
 */
export async function recordDelivery(db: Db, d: Delivery): Promise<boolean> {
  return db.transaction().execute(async (q) => {
    await upsertRepository(q, d.repo);
    const fresh = await insertDelivery(q, { id: d.id, event: d.event, installationId: d.repo.installationId, repoId: d.repo.id, json: d.json });
    if (fresh) await enqueue(q, DELIVERY_TASK, { deliveryId: d.id }, { key: `delivery:${d.id}` });
    return fresh;
  });
}
