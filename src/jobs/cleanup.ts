import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** How long a processed delivery is kept: long enough that a manual redelivery is still seen as one. */
export const KEEP_DELIVERIES_DAYS = 30;

/** Drops processed deliveries (and their command outcomes) past the redelivery window. */
export async function cleanupDeliveries(db: Db, keepDays = KEEP_DELIVERIES_DAYS): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const old = trx
      .selectFrom('deliveries')
      .select('id')
      .where('processed_at', '<', sql<Date>`now() - make_interval(days => ${keepDays})`);
    await trx.deleteFrom('command_runs').where('delivery_id', 'in', old).execute();
    const result = await trx.deleteFrom('deliveries').where('id', 'in', old).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
