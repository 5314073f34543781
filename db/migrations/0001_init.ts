import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('repositories')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('installation_id', 'bigint', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('default_branch', 'text')
    .addColumn('tracked', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('repositories_installation').on('repositories').column('installation_id').execute();

  await db.schema
    .createTable('goals')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('repo_id', 'bigint', (c) => c.notNull().references('repositories.id'))
    .addColumn('issue_number', 'integer', (c) => c.notNull())
    .addColumn('is_pull_request', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) between 1 and 200`))
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'completed', 'cancelled')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completed_via', 'text', (c) => c.check(sql`completed_via in ('commit', 'command', 'close')`))
    .addColumn('completed_sha', 'text')
    .addColumn('completed_author', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  // SPEC §1: a keyword is unique among the repository's *active* goals, case-insensitively.
  await sql`create unique index goals_active_keyword on goals (repo_id, lower(keyword)) where status = 'active'`.execute(db);
  await db.schema.createIndex('goals_issue').on('goals').columns(['repo_id', 'issue_number']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('installation_id', 'bigint')
    .addColumn('repo_id', 'bigint')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('notices')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('goal_id', 'bigint', (c) => c.references('goals.id'))
    .addColumn('repo_id', 'bigint', (c) => c.notNull())
    .addColumn('issue_number', 'integer', (c) => c.notNull())
    .addColumn('comment_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('posted_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('command_runs')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('goal_id', 'bigint', (c) => c.references('goals.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('command_runs_pk', ['delivery_id', 'line'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['command_runs', 'notices', 'deliveries', 'goals', 'repositories']) {
    await db.schema.dropTable(table).execute();
  }
}
