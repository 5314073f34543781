import { sql } from 'kysely';
import type { Db } from './database.js';
import type { Q } from './q.js';

/**
 * What each command line of a delivery did (command_runs): a retried job reuses a line's
 * outcome instead of carrying the line out again.
 */
export interface LineRun {
  ok: boolean;
  reply: string;
}

/** Every outcome stored for this delivery so far, by line number. */
export async function runsOf(db: Db, deliveryId: string): Promise<Map<number, LineRun>> {
  const rows = await db.selectFrom('command_runs').select(['line', 'ok', 'reply']).where('delivery_id', '=', deliveryId).execute();
  return new Map(rows.map((r) => [r.line, { ok: r.ok, reply: r.reply }]));
}

/**
 * In a transaction: waits for any other attempt at the same line (two attempts of one
 * delivery at once: a replica thought dead, say), then gives its outcome if it has one.
 */
export async function lockLine(trx: Q, deliveryId: string, line: number): Promise<LineRun | undefined> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${deliveryId}:${line}`}, 0))`.execute(trx);
  return trx.selectFrom('command_runs').select(['ok', 'reply']).where('delivery_id', '=', deliveryId).where('line', '=', line).executeTakeFirst();
}

export async function recordRun(q: Q, deliveryId: string, line: number, run: LineRun, goalId: string | null): Promise<void> {
  await q
    .insertInto('command_runs')
    .values({ delivery_id: deliveryId, line, ok: run.ok, reply: run.reply, goal_id: goalId })
    .onConflict((oc) => oc.columns(['delivery_id', 'line']).doNothing())
    .execute();
}
