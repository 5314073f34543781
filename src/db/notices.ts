import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Q } from './q.js';

/** The notices table: one row per comment GitDone means to write (usecases/post-once.ts). */

export interface NoticeRow {
  key: string;
  goalId?: string | null;
  repoId: number;
  issueNumber: number;
}

/** Writes the row, with a random nonce, unless it exists; whether it was written now. */
export async function ensureNotice(q: Q, n: NoticeRow): Promise<boolean> {
  const row = await q
    .insertInto('notices')
    .values({ key: n.key, goal_id: n.goalId ?? null, repo_id: n.repoId, issue_number: n.issueNumber, nonce: randomBytes(16).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export type Claim =
  | { kind: 'claimed'; nonce: string | null; createdAt: Date; firstAttempt: boolean }
  | { kind: 'posted' }
  /** Another attempt holds the claim right now. */
  | { kind: 'busy' };

/**
 * Claims the posting of a notice for `leaseMs`, in one statement: only one attempt at a
 * time may post, and no connection or transaction is held while it does.
 */
export async function claimNotice(q: Q, key: string, leaseMs: number): Promise<Claim> {
  const claimed = await q
    .updateTable('notices')
    .set({
      claimed_until: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
      attempts: sql`attempts + 1`,
      // The process, as the reaper knows it (jobs/reaper.ts): its claims are given back when it dies.
      claimed_by: sql`current_setting('application_name')`,
    })
    .where('key', '=', key)
    .where('posted_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .returning(['nonce', 'created_at', 'attempts'])
    .executeTakeFirst();
  if (claimed) return { kind: 'claimed', nonce: claimed.nonce, createdAt: claimed.created_at, firstAttempt: claimed.attempts === 1 };
  const row = await q.selectFrom('notices').select('posted_at').where('key', '=', key).executeTakeFirst();
  return row?.posted_at ? { kind: 'posted' } : { kind: 'busy' };
}

/** The notice is settled: posted as `commentId`, or (null) given up for good. */
export async function settleNotice(q: Q, key: string, commentId: number | null): Promise<void> {
  await q.updateTable('notices').set({ posted_at: sql`now()`, comment_id: commentId, claimed_until: null }).where('key', '=', key).execute();
}

/** The attempt failed in a way a retry may fix: let the next attempt claim at once. */
export async function releaseNotice(q: Q, key: string): Promise<void> {
  await q.updateTable('notices').set({ claimed_until: null }).where('key', '=', key).where('posted_at', 'is', null).execute();
}

/** The claim was given back before GitHub was asked (the write was deferred): as if never made. */
export async function unclaimNotice(q: Q, key: string): Promise<void> {
  await q
    .updateTable('notices')
    .set({ claimed_until: null, attempts: sql`greatest(attempts - 1, 0)` })
    .where('key', '=', key)
    .where('posted_at', 'is', null)
    .execute();
}
