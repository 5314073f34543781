import { sql } from 'kysely';
import type { PushedCommit } from '../goals/match.js';
import type { Db } from './database.js';

export interface LoadedDelivery {
  id: string;
  event: string;
  /** The stored payload, without a push's commit list (read in pages: pushCommitsPage). */
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

/** Commits `after`+1 … `after`+`limit` (1-based, in push order) of a stored push. */
export async function pushCommitsPage(db: Db, deliveryId: string, after: number, limit: number): Promise<PushedCommit[]> {
  const { rows } = await sql<{ id: string | null; message: string | null; author: string | null }>`
    select c.value->>'id' as id, c.value->>'message' as message,
           coalesce(nullif(c.value->'author'->>'username', ''), nullif(c.value->'author'->>'name', '')) as author
    from deliveries d, jsonb_array_elements(d.payload->'commits') with ordinality as c(value, n)
    where d.id = ${deliveryId} and c.n > ${after} and c.n <= ${after + limit}
    order by c.n`.execute(db);
  return rows.map((r) => ({ id: r.id ?? '', message: r.message ?? '', author: r.author }));
}
