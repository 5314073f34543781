import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { migrateToLatest, migrationsCurrent } from '../../../src/db/migrate.js';
import { openDatabase } from '../../../src/db/database.js';
import { migrations } from '../../../db/migrations/index.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

describe('migrations', () => {
  test('the cloned database is current', async () => {
    expect(await migrationsCurrent(t.db)).toBe(true);
  });

  test('replicas migrating at once each succeed, and nothing runs twice', async () => {
    const replicas = [openDatabase(t.url, { max: 3 }), openDatabase(t.url, { max: 3 })];
    try {
      const results = await Promise.all(replicas.map((r) => migrateToLatest(r.db, r.pool)));
      expect(results).toEqual([[], []]); // already applied by the template
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(t.db);
      expect(rows[0]?.n).toBe(Object.keys(migrations).length);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  test('an older build on a schema a newer release migrated: logs the newer migrations, runs none, and counts as current', async () => {
    const older = Object.fromEntries(Object.entries(migrations).slice(0, 3)); // a build that knows 0001–0003
    const newer = Object.keys(migrations).slice(3);
    const seen: string[][] = [];
    expect(await migrateToLatest(t.db, t.pool, { migrations: older, onNewer: (names) => seen.push(names) })).toEqual([]);
    expect(seen).toEqual([newer]);
    expect(await migrationsCurrent(t.db, older)).toBe(true); // /readyz stays ready
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(t.db);
    expect(rows[0]?.n).toBe(Object.keys(migrations).length); // nothing undone
  });

  test('a build that lacks one of the database\'s migrations in the middle still refuses (not an older release)', async () => {
    const { '0002_worker_processes': _, ...gap } = migrations;
    await expect(migrateToLatest(t.db, t.pool, { migrations: gap })).rejects.toThrow(/corrupted migrations/);
    expect(await migrationsCurrent(t.db, { ...gap, '0099_future': migrations['0001_init']! })).toBe(false);
  });

  test('a keyword is unique among the active goals of a repository only', async () => {
    await t.db.insertInto('repositories').values({ id: 1, installation_id: 1, full_name: 'o/r' }).execute();
    const goal = (keyword: string, status: 'active' | 'completed', token: string) => ({
      token, repo_id: 1, issue_number: 1, is_pull_request: false, title: 't', keyword,
      due_at: new Date(), timezone: 'UTC', status, created_by: 'u',
    });
    await t.db.insertInto('goals').values(goal('ship', 'completed', 'a')).execute();
    await t.db.insertInto('goals').values(goal('ship', 'active', 'b')).execute();
    await expect(t.db.insertInto('goals').values(goal('SHIP', 'active', 'c')).execute()).rejects.toThrow(/goals_active_keyword/);
  });
});
