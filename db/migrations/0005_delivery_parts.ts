import { sql, type Kysely } from 'kysely';

/**
 * Where a large delivery body is written in parts within its recording transaction, then
 * joined into `deliveries.payload` by PostgreSQL itself: a 25 MB body sent as one query
 * parameter would be copied whole on the event loop (events/record.ts). Rows live only
 * inside that transaction, so the table need not survive a crash: unlogged. `if not exists`:
 * re-run by the upgrade after a rollback (docs/operations.md#roll-back).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unlogged table if not exists delivery_parts (
    delivery_id text not null,
    n integer not null,
    bytes bytea not null,
    primary key (delivery_id, n)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_parts').execute();
}
