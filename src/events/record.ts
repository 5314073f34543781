import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Q } from '../db/q.js';
import { upsertRepository, type RepoRef } from '../goals/store.js';
import { enqueue } from '../jobs/enqueue.js';
import { storedJsonOf } from '../webhooks/parse.js';

export interface Delivery {
  id: string;
  /** `issue_comment.created`, `push`…: the event, with its action where it has one. */
  event: string;
  payload: Record<string, unknown>;
  repo: RepoRef;
}

/** A body larger than this is sent to PostgreSQL in parts of this size. */
const PART_BYTES = 1024 * 1024;

/**
 * The only thing a webhook handler does with a delivery it cares about: store it and
 * its job in one transaction, keyed by GitHub's delivery id (the same on redelivery),
 * so GitHub's 2xx means "kept", and a second copy changes nothing.
 * Returns false for a delivery already recorded.
 */
export async function recordDelivery(db: Db, d: Delivery): Promise<boolean> {
  const json = storedJsonOf(d.payload);
  return db.transaction().execute(async (trx) => {
    await upsertRepository(trx, d.repo);
    const inserted = await trx
      .insertInto('deliveries')
      .values({
        id: d.id,
        event: d.event,
        installation_id: d.repo.installationId,
        repo_id: d.repo.id,
        payload: await payloadExpression(trx, d.id, json),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    await trx.deleteFrom('delivery_parts').where('delivery_id', '=', d.id).execute();
    if (!inserted) return false;
    await enqueue(trx, 'process-delivery', { deliveryId: d.id }, { key: `delivery:${d.id}` });
    return true;
  });
}

/**
 * The stored payload as SQL: the body GitHub sent, which PostgreSQL reads as UTF-8 itself.
 * Sent as one parameter, a large body would be copied whole into one protocol message on
 * the event loop (hundreds of milliseconds for 25 MB here); in parts, each copy is short,
 * and PostgreSQL joins them.
 */
async function payloadExpression(trx: Q, deliveryId: string, json: string | Uint8Array) {
  if (typeof json === 'string') return json;
  const bytes = Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  if (bytes.length <= PART_BYTES) return sql<string>`convert_from(${bytes}, 'UTF8')::jsonb`;
  for (let n = 0; n * PART_BYTES < bytes.length; n++) {
    await trx.insertInto('delivery_parts').values({ delivery_id: deliveryId, n, bytes: bytes.subarray(n * PART_BYTES, (n + 1) * PART_BYTES) }).execute();
  }
  return sql<string>`(select convert_from(string_agg(bytes, ''::bytea order by n), 'UTF8')::jsonb from delivery_parts where delivery_id = ${deliveryId})`;
}
