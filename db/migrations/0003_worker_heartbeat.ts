import { sql, type Kysely } from 'kysely';

/**
 * When each process last said it was alive. A process whose sessions are all gone may
 * only be reconnecting after a database restart; it is taken for dead only once it has
 * also stopped beating (see src/jobs/reaper.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('worker_processes').addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('worker_processes').dropColumn('seen_at').execute();
}
