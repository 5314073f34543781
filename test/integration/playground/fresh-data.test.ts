import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Config } from '../../../src/config/env.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { emptyDatabase } from '../../../src/playground/fresh-data.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { capturingLog } from '../../helpers/log.js';

/** The playground starts from an empty database, and empties nothing but its own. */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const schemas = async () =>
  (await t.pool.query<{ n: string }>("select nspname as n from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1")).rows.map((r) => r.n);
const tables = async () => (await t.pool.query<{ c: number }>("select count(*)::int as c from pg_tables where schemaname = 'public'")).rows[0]!.c;

describe('emptyDatabase', () => {
  test('drops every table and the job queue; the migrations then start from nothing', async () => {
    await t.db.insertInto('repositories').values({ id: 1, installation_id: 1, full_name: 'you/playground', default_branch: 'main' }).execute();
    expect(await schemas()).toEqual(expect.arrayContaining(['graphile_worker', 'public']));
    expect(await tables()).toBeGreaterThan(3);

    await emptyDatabase({ databaseUrl: undefined } as Config, t, capturingLog().log);
    expect(await schemas()).toEqual(['public']);
    expect(await tables()).toBe(0);

    const applied = await migrateToLatest(t.db, t.pool);
    expect(applied.length).toBeGreaterThan(3);
    expect((await t.pool.query('select count(*)::int as c from repositories')).rows[0].c).toBe(0);
  });

  test('a database named in DATABASE_URL is never emptied', async () => {
    const before = await tables();
    await expect(emptyDatabase({ databaseUrl: t.url } as Config, t, capturingLog().log)).rejects.toThrow('only its own embedded database');
    expect(await tables()).toBe(before);
  });
});
