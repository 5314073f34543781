import { sql } from 'kysely';
import type { PushedCommit } from '../goals/match.js';
import type { Db } from './database.js';
import type { Q } from './q.js';

export interface LoadedDelivery {
  id: string;
  event: string;
  /** The stored payload, without a push's commit list (read in batches through one cursor: pushCommitBatches). */
  payload: unknown;
  /** How many commits a push payload listed. */
  commitCount: number;
  receivedAt: Date;
  processedAt: Date | null;
  tracked: boolean;
  installationId: number;
}

/**
 * A recorded delivery with its repository. A push's commits stay in PostgreSQL: up to
 * 25 MB of messages would take a whole second of JSON parsing on the event loop here.
 */
export async function loadDelivery(db: Db, id: string): Promise<LoadedDelivery | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .innerJoin('repositories', 'repositories.id', 'deliveries.repo_id')
    .select([
      'deliveries.id',
      'deliveries.event',
      sql<unknown>`deliveries.payload - 'commits'`.as('payload'),
      sql<number>`coalesce(jsonb_array_length(case jsonb_typeof(deliveries.payload->'commits') when 'array' then deliveries.payload->'commits' end), 0)`.as('commit_count'),
      'deliveries.received_at',
      'deliveries.processed_at',
      'repositories.tracked',
      'repositories.installation_id',
    ])
    .where('deliveries.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      event: row.event,
      payload: row.payload,
      commitCount: Number(row.commit_count),
      receivedAt: row.received_at,
      processedAt: row.processed_at,
      tracked: row.tracked,
      installationId: Number(row.installation_id),
    }
  );
}

/**
 * Every commit of a stored push, oldest first, in batches of `batch`: one query whose rows
 * are read through a cursor, so that PostgreSQL unpacks (de-TOASTs) the payload once, not once
 * per page (bench/RESULTS.md, issue #11: 10–12× on the largest payloads). The cursor holds a
 * pooled connection from the first batch until the last is read or the caller stops
 * (`break`/`return` closes it): the caller must not call GitHub in between (issue #11).
 */
export async function* pushCommitBatches(db: Db, deliveryId: string, batch: number): AsyncGenerator<PushedCommit[]> {
  // The elements come in array order: a function scan reads them back as the function
  // produced them (an `order by` on ordinality would sort the whole payload's commits).
  const rows = db
    .selectFrom(sql<{ value: unknown }>`jsonb_array_elements((select d.payload->'commits' from deliveries d where d.id = ${deliveryId} and jsonb_typeof(d.payload->'commits') = 'array'))`.as('c'))
    .select([
      sql<string | null>`c.value->>'id'`.as('id'),
      sql<string | null>`c.value->>'message'`.as('message'),
      sql<string | null>`coalesce(nullif(c.value->'author'->>'username', ''), nullif(c.value->'author'->>'name', ''))`.as('author'),
    ])
    .stream(batch);
  let page: PushedCommit[] = [];
  for await (const r of rows) {
    page.push({ id: r.id ?? '', message: r.message ?? '', author: r.author });
    if (page.length === batch) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** The delivery's job is done: a redelivery of it changes nothing, and cleanup may drop it later. */
export async function markProcessed(db: Db, id: string): Promise<void> {
  await db.updateTable('deliveries').set({ processed_at: sql`now()` }).where('id', '=', id).execute();
}

/** A body larger than this is sent to PostgreSQL in parts of this size. */
export const PART_BYTES = 1024 * 1024;

export interface NewDelivery {
  id: string;
  event: string;
  installationId: number;
  repoId: number;
  json: string | Uint8Array;
}

/**
 * Stores many deliveries in one statement, skipping ids already stored (GitHub keeps the id
 * on redelivery, and a batch may hold the same id twice); the ids that were new. For bodies
 * up to PART_BYTES: larger ones go one at a time through insertDelivery.
 */
export async function insertDeliveries(q: Q, ds: NewDelivery[]): Promise<Set<string>> {
  if (ds.length === 0) return new Set();
  const rows = await q
    .insertInto('deliveries')
    .values(ds.map((d) => ({ id: d.id, event: d.event, installation_id: d.installationId, repo_id: d.repoId, payload: smallPayload(d.json) })))
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

function smallPayload(json: string | Uint8Array) {
  if (typeof json === 'string') return json;
  if (json.byteLength > PART_BYTES) throw new Error('a body over PART_BYTES goes through insertDelivery');
  return sql<string>`convert_from(${Buffer.from(json.buffer, json.byteOffset, json.byteLength)}, 'UTF8')::jsonb`;
}

/**
 * Stores a delivery unless one with its id exists (GitHub keeps the id on redelivery);
 * whether it was new. `json` is the body as GitHub sent it (jsonb-safe), or JSON text.
 */
export async function insertDelivery(q: Q, d: NewDelivery): Promise<boolean> {
  const inserted = await q
    .insertInto('deliveries')
    .values({ id: d.id, event: d.event, installation_id: d.installationId, repo_id: d.repoId, payload: await payloadExpression(q, d.id, d.json) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  await q.deleteFrom('delivery_parts').where('delivery_id', '=', d.id).execute();
  return inserted !== undefined;
}

/**
 * The stored payload as SQL: the body GitHub sent, which PostgreSQL reads as UTF-8 itself.
 * Sent as one parameter, a large body would be copied whole into one protocol message on
 * the event loop (hundreds of milliseconds for 25 MB here); in parts, each copy is short,
 * and PostgreSQL joins them.
 */
async function payloadExpression(trx: Q, deliveryId: string, json: string | Uint8Array) {
  if (typeof json === 'string') return json;
  const bytes = Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  if (bytes.length <= PART_BYTES) return sql<string>`convert_from(${bytes}, 'UTF8')::jsonb`;
  for (let n = 0; n * PART_BYTES < bytes.length; n++) {
    await trx.insertInto('delivery_parts').values({ delivery_id: deliveryId, n, bytes: bytes.subarray(n * PART_BYTES, (n + 1) * PART_BYTES) }).execute();
  }
  return sql<string>`(select convert_from(string_agg(bytes, ''::bytea order by n), 'UTF8')::jsonb from delivery_parts where delivery_id = ${deliveryId})`;
}

/** How long a processed delivery is kept: long enough that a manual redelivery is still seen as one. */
export const KEEP_DELIVERIES_DAYS = 30;

/** Drops processed deliveries (and their command outcomes) past the redelivery window. */
export async function cleanupDeliveries(db: Db, keepDays = KEEP_DELIVERIES_DAYS): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const old = trx
      .selectFrom('deliveries')
      .select('id')
      .where('processed_at', '<', sql<Date>`now() - make_interval(days => ${keepDays})`);
    await trx.deleteFrom('command_runs').where('delivery_id', 'in', old).execute();
    const result = await trx.deleteFrom('deliveries').where('id', 'in', old).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
