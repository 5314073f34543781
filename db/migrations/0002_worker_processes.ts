import { sql, type Kysely } from 'kysely';

/**
 * Which process each graphile-worker worker belongs to. A process that dies (SIGKILL,
 * OOM) leaves its jobs locked for graphile-worker's 4-hour expiry; knowing the owner,
 * a live replica can see its connections are gone and release the jobs at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('worker_processes')
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('worker_processes').execute();
}
