import { sql, type Kysely } from 'kysely';

/**
 * A random nonce per notice, carried in its hidden marker: a marker anyone could predict
 * (`gitdone:goal:25:completed`) could be planted in a comment to suppress the real notice.
 * Nullable, so that the previous release (which writes no nonce) keeps working against it.
 * `if not exists`: after a rollback (docs/operations.md#roll-back) the column stays while
 * its kysely_migration row goes, and the next upgrade runs this again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notices add column if not exists nonce text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notices').dropColumn('nonce').execute();
}
