import type { Db } from '../db/database.js';
import { upsertRepository, type RepoRef } from '../goals/store.js';
import { enqueue } from '../jobs/enqueue.js';

export interface Delivery {
  id: string;
  event: string;
  payload: unknown;
  repo: RepoRef;
}

/**
 * The only thing a webhook handler does with a delivery it cares about: store it and
 * its job in one transaction, keyed by GitHub's delivery id (the same on redelivery),
 * so GitHub's 2xx means "kept", and a second copy changes nothing.
 * Returns false for a delivery already recorded.
 */
export async function recordDelivery(db: Db, d: Delivery): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await upsertRepository(trx, d.repo);
    const inserted = await trx
      .insertInto('deliveries')
      .values({
        id: d.id,
        event: d.event,
        installation_id: d.repo.installationId,
        repo_id: d.repo.id,
        payload: JSON.stringify(d.payload),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await enqueue(trx, 'process-delivery', { deliveryId: d.id }, { key: `delivery:${d.id}` });
    return true;
  });
}
