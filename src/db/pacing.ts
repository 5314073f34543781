import { sql } from 'kysely';
import type { Q } from './q.js';

/** The installation_pacing table (usecases/pacing.ts). Instants come from the database's clock, shared by every replica. */

export interface Reservation {
  /** When the reserved write may happen. */
  at: Date;
  /** The database's clock when the reservation was made. */
  now: Date;
}

/**
 * Reserves an installation's next write, in one statement: the first free instant that is
 * not before now or the end of a pause; the instant after it is left free for `gapMs`.
 */
export async function reserveWrite(q: Q, installationId: number, gapMs: number): Promise<Reservation> {
  const gap = sql`make_interval(secs => ${gapMs / 1000})`;
  const { rows } = await sql<{ at: Date; now: Date }>`
    insert into installation_pacing as p (installation_id, next_write_at) values (${installationId}, now() + ${gap})
    on conflict (installation_id) do update
      set next_write_at = greatest(p.next_write_at, now(), p.paused_until) + ${gap}
    returning p.next_write_at - ${gap} as at, now() as now`.execute(q);
  return rows[0]!;
}

/** GitHub reported a rate limit: no write for this installation before `until` (a later pause stays). */
export async function pauseWrites(q: Q, installationId: number, until: Date): Promise<void> {
  await sql`
    insert into installation_pacing as p (installation_id, next_write_at, paused_until) values (${installationId}, ${until}, ${until})
    on conflict (installation_id) do update
      set paused_until = greatest(p.paused_until, excluded.paused_until),
          next_write_at = greatest(p.next_write_at, excluded.paused_until)`.execute(q);
}

/** The database's clock, and the installation's pause if one is under way. */
export async function pauseOf(q: Q, installationId: number): Promise<{ now: Date; pausedUntil: Date | null }> {
  const { rows } = await sql<{ now: Date; paused_until: Date | null }>`
    select now() as now, (select paused_until from installation_pacing where installation_id = ${installationId} and paused_until > now()) as paused_until`.execute(q);
  return { now: rows[0]!.now, pausedUntil: rows[0]!.paused_until };
}
