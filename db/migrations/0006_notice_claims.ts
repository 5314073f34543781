import type { Kysely } from 'kysely';

/**
 * Posting a notice is claimed for a while instead of being done under a lock held by an
 * open transaction: nothing then keeps a database connection while GitHub is asked
 * (usecases/post-once.ts). `claimed_until` is the claim's end; `attempts` counts claims, so
 * that any attempt after the first looks for an earlier attempt's comment before posting.
 * Both nullable or defaulted: the previous release, which locks instead, works on as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('notices')
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notices').dropColumn('claimed_until').dropColumn('attempts').execute();
}
