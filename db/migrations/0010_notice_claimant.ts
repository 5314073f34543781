import { sql, type Kysely } from 'kysely';

/**
 * Who holds a notice's claim: the claiming connection's `application_name`
 * (`gitdone:<processId>`, jobs/reaper.ts). When the reaper finds that process dead it gives
 * its claims back at once, so a crash delays the notices it was posting by the reaper's
 * 20 s, not by the claim's 2-minute lease. Nullable: the previous release claims without it.
 * `if not exists`: a rollback leaves the column behind (docs/operations.md#roll-back).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notices add column if not exists claimed_by text`.execute(db);
  await sql`create index if not exists notices_claimed_by on notices (claimed_by) where posted_at is null and claimed_by is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists notices_claimed_by`.execute(db);
  await db.schema.alterTable('notices').dropColumn('claimed_by').execute();
}
