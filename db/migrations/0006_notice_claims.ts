import { sql, type Kysely } from 'kysely';

/**
 * Posting a notice is claimed for a while instead of being done under a lock held by an
 * open transaction: nothing then keeps a database connection while GitHub is asked
 * (usecases/post-once.ts). `claimed_until` is the claim's end; `attempts` counts claims, so
 * that any attempt after the first looks for an earlier attempt's comment before posting.
 * Both nullable or defaulted: the previous release, which locks instead, works on as before.
 * `if not exists`: a rollback leaves the columns behind (docs/operations.md#roll-back).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notices
    add column if not exists claimed_until timestamptz,
    add column if not exists attempts integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notices').dropColumn('claimed_until').dropColumn('attempts').execute();
}
