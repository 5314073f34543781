import { sql, type Kysely } from 'kysely';

/**
 * Repository boards and withdrawable links (`/deadline board`, `share`, `unshare`).
 *
 * - `boards`: one row per repository, its board token; `unshared_at` set while the board's
 *   link is withdrawn.
 * - `goals.unshared_at`: set while a goal's link is withdrawn. Nullable: the previous release
 *   inserts goals without it, and they are shared, as before.
 * - `withdrawn_links`: every token taken back by `unshare` or replaced by `share`, so that
 *   its URLs answer 410 Gone rather than 404. Withdrawing also gives the goal a fresh token,
 *   so the previous release (which knows nothing of this) finds nothing under the old one.
 * - Two partial indexes for the board: the active goals by due time, the finished ones by
 *   when they finished, each bounded by a LIMIT however many goals a repository holds.
 *
 * Expand-only and `if not exists` throughout: a rollback leaves all of it behind
 * (docs/operations.md#roll-back) and the next upgrade runs this again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists boards (
    repo_id bigint primary key references repositories (id),
    token text not null unique,
    unshared_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table if not exists withdrawn_links (
    token text primary key,
    kind text not null check (kind in ('goal', 'board')),
    withdrawn_at timestamptz not null default now()
  )`.execute(db);
  await sql`alter table goals add column if not exists unshared_at timestamptz`.execute(db);
  await sql`create index if not exists goals_repo_active_due on goals (repo_id, due_at, id) where status = 'active'`.execute(db);
  await sql`create index if not exists goals_repo_finished
    on goals (repo_id, (coalesce(completed_at, cancelled_at)) desc, id desc) where status <> 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists goals_repo_finished`.execute(db);
  await sql`drop index if exists goals_repo_active_due`.execute(db);
  await sql`alter table goals drop column if exists unshared_at`.execute(db);
  await sql`drop table if exists withdrawn_links`.execute(db);
  await sql`drop table if exists boards`.execute(db);
}
