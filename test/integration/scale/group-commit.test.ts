import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { sql } from 'kysely';
import { clearData, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { deliveryRecorder, type Delivery } from '../../../src/usecases/record-delivery.js';
import { PART_BYTES } from '../../../src/db/deliveries.js';

/**
 * Webhook recording commits concurrent deliveries together (usecases/record-delivery.ts):
 * one transaction, one fsync, one NOTIFY per batch, each caller answered only once its
 * delivery is durable (issue #11: one commit per delivery capped intake at ~300/s).
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await clearData(t);
});

const repo = (installationId: number) => ({ id: 1000 + installationId, installationId, fullName: `org${installationId}/app`, defaultBranch: 'main' });
let n = 0;
const delivery = (o: Partial<Delivery> = {}): Delivery => ({
  id: `gc-${Date.now()}-${++n}`,
  event: 'issue_comment.created',
  json: JSON.stringify({ action: 'created', n }),
  repo: repo(1),
  ...o,
});

async function jobs(): Promise<Array<{ key: string; queue_name: string | null }>> {
  return (await sql<{ key: string; queue_name: string | null }>`select key, queue_name from graphile_worker.jobs order by key`.execute(t.db)).rows;
}

test('deliveries that arrive together are committed together, each with its job in its installation’s queue', async () => {
  const batches: number[] = [];
  const record = deliveryRecorder(t.db, { onBatch: (size) => batches.push(size) });
  const ds = Array.from({ length: 60 }, (_, i) => delivery({ repo: repo(1 + (i % 3)) }));
  const fresh = await Promise.all(ds.map((d) => record(d)));

  expect(fresh).toEqual(ds.map(() => true));
  expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
  expect(batches.length).toBeLessThanOrEqual(3); // the first at once, the rest while it commits
  const stored = await t.db.selectFrom('deliveries').select('id').execute();
  expect(stored.map((r) => r.id).sort()).toEqual(ds.map((d) => d.id).sort());
  const queued = await jobs();
  expect(queued).toHaveLength(60);
  for (const d of ds) expect(queued).toContainEqual({ key: `delivery:${d.id}`, queue_name: `installation:${d.repo.installationId}` });
  expect((await t.db.selectFrom('repositories').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([1001, 1002, 1003]);
});

test('a delivery twice in one batch, or again later, is new once', async () => {
  const record = deliveryRecorder(t.db);
  const d = delivery();
  expect(await Promise.all([record(d), record({ ...d }), record(delivery())])).toEqual([true, false, true]);
  expect(await record({ ...d })).toBe(false);
  expect(await jobs()).toHaveLength(2);
});

test('one bad delivery in a batch fails alone', async () => {
  const record = deliveryRecorder(t.db);
  const good = Array.from({ length: 5 }, () => delivery());
  const bad = delivery({ json: '{"not json' });
  const results = await Promise.allSettled([...good.slice(0, 2), bad, ...good.slice(2)].map((d) => record(d)));
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  expect((await t.db.selectFrom('deliveries').select('id').execute()).map((r) => r.id).sort()).toEqual(good.map((d) => d.id).sort());
});

test('a body over a megabyte, as received, goes alone and in parts', async () => {
  const batches: number[] = [];
  const record = deliveryRecorder(t.db, { onBatch: (size) => batches.push(size) });
  const big = Buffer.from(JSON.stringify({ text: 'x'.repeat(PART_BYTES + 10) }));
  const [a, b] = await Promise.all([record(delivery({ json: new Uint8Array(big) })), record(delivery())]);
  expect([a, b]).toEqual([true, true]);
  expect(batches).toEqual([1]); // only the small one went through the batcher
  expect(await t.db.selectFrom('delivery_parts').select('n').execute()).toEqual([]); // parts live for the transaction only
});

test('a repository row is not rewritten by every delivery that names it unchanged', async () => {
  const record = deliveryRecorder(t.db);
  await record(delivery());
  const before = (await sql<{ xmin: string }>`select xmin::text from repositories where id = 1001`.execute(t.db)).rows[0]!.xmin;
  await record(delivery());
  expect((await sql<{ xmin: string }>`select xmin::text from repositories where id = 1001`.execute(t.db)).rows[0]!.xmin).toBe(before);
  await record(delivery({ repo: { ...repo(1), fullName: 'org1/renamed' } }));
  expect((await t.db.selectFrom('repositories').select('full_name').where('id', '=', 1001).executeTakeFirstOrThrow()).full_name).toBe('org1/renamed');
});
