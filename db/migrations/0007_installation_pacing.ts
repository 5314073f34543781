import { sql, type Kysely } from 'kysely';

/**
 * When each installation may next write to GitHub, shared by every replica
 * (usecases/pacing.ts): comments are spaced out per installation, and a rate limit GitHub
 * reports pauses that installation alone. A new table, so the previous release ignores it.
 * `if not exists`: a rollback leaves it behind (docs/operations.md#roll-back).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists installation_pacing (
    installation_id bigint primary key,
    next_write_at timestamptz not null,
    paused_until timestamptz
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('installation_pacing').execute();
}
