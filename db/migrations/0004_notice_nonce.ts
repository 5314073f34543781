import type { Kysely } from 'kysely';

/**
 * A random nonce per notice, carried in its hidden marker: a marker anyone could predict
 * (`gitdone:goal:25:completed`) could be planted in a comment to suppress the real notice.
 * Nullable, so that the previous release (which writes no nonce) keeps working against it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notices').addColumn('nonce', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notices').dropColumn('nonce').execute();
}
