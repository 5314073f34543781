import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { cleanupDeliveries } from '../../../src/db/deliveries.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

test('old processed deliveries go; recent and unprocessed ones stay', async () => {
  const row = (id: string, processedDaysAgo: number | null) => ({
    id,
    event: 'issue_comment.created',
    payload: '{}',
    processed_at: processedDaysAgo === null ? null : sql<Date>`now() - make_interval(days => ${processedDaysAgo})` as never,
  });
  await t.db.insertInto('deliveries').values([row('old', 40), row('recent', 2), row('pending', null)]).execute();
  await t.db.insertInto('command_runs').values({ delivery_id: 'old', line: 1, ok: true, reply: 'r' }).execute();
  expect(await cleanupDeliveries(t.db)).toBe(1);
  const left = await t.db.selectFrom('deliveries').select('id').orderBy('id').execute();
  expect(left.map((r) => r.id)).toEqual(['pending', 'recent']);
  expect(await t.db.selectFrom('command_runs').selectAll().execute()).toEqual([]);
});
