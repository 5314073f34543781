import type { Db } from '../db/database.js';
import { claimNotice, ensureNotice, releaseNotice, settleNotice, type Claim } from '../db/notices.js';
import { createComment, findOwnComment, type AppIdentity, type IssueRef } from '../github/comments.js';
import { isPermanent } from '../github/errors.js';
import type { Octokit } from '../github/octokit.js';
import { marker } from '../notices/marker.js';
import { fitComment } from '../notices/reply.js';
import type { BeforeComment } from './pacing.js';

export interface Notice extends IssueRef {
  /** Names the goal and the event, e.g. `goal:12:overdue:2030-01-15T17:00:00.000Z`. */
  key: string;
  goalId?: string | null;
  repoId: number;
  /** The Markdown; the hidden marker is appended here. */
  body: string;
}

export type PostResult = 'posted' | 'already-posted' | 'undeliverable';

/** A claim outlives any one attempt at posting (GitHub answers or times out well within it). */
export const CLAIM_MS = 2 * 60_000;

/** Another attempt is posting this notice right now, for longer than an attempt waits: the job is retried later. */
export class NoticeBusy extends Error {}

/** How long an attempt waits for another attempt's claim to settle before giving up for now. */
const WAIT_FOR_OTHER_MS = 5_000;

/**
 * Posts a comment at most once per key, whatever retries, restarts or replicas do:
 * 1. the notice row (with a random nonce) is written before anything is posted;
 * 2. an attempt claims the posting for a while (one statement, no lock held afterwards);
 * 3. an attempt that is not the first looks on the issue for this app's comment carrying the
 *    marker and nonce — an earlier attempt may have posted and died before recording it;
 * 4. it posts, then records the comment.
 * No database connection is held while GitHub is asked (steps 3 and 4). `beforeComment`
 * (usecases/pacing.ts) comes first and may defer the posting: a job that has to wait for its
 * installation's next slot goes back to the queue having written nothing (in a reminder
 * storm most runs are such deferrals, so they are kept to one statement). The rare run that
 * then finds the notice posted or busy has used a slot for nothing: 3 s of one installation.
 */
export async function postOnce(db: Db, octokit: Octokit, n: Notice, app: AppIdentity, beforeComment?: BeforeComment): Promise<PostResult> {
  await beforeComment?.();
  const created = await ensureNotice(db, n);
  const claim = await claimOrWait(db, n.key);
  if (claim.kind === 'posted') return 'already-posted';
  const tag = marker(n.key, claim.nonce);
  try {
    // Only an attempt that wrote the row and made the first claim knows nobody posted before it.
    if (!created || !claim.firstAttempt) {
      const found = await findOwnComment(octokit, n, tag, claim.createdAt, app);
      if (found !== undefined) {
        await settleNotice(db, n.key, found);
        return 'already-posted';
      }
    }
    const id = await createComment(octokit, n, `${fitComment(n.body)}\n\n${tag}`);
    await settleNotice(db, n.key, id);
    return 'posted';
  } catch (err) {
    if (isPermanent(err)) {
      // Retrying for days would not bring a deleted issue back: settle the notice, unposted.
      await settleNotice(db, n.key, null);
      return 'undeliverable';
    }
    await releaseNotice(db, n.key).catch(() => {}); // else the claim simply runs out
    throw err;
  }
}

/** Claims the posting; when another attempt holds it, waits a little (polling, no lock held) for it to settle. */
async function claimOrWait(db: Db, key: string): Promise<Exclude<Claim, { kind: 'busy' }>> {
  const until = Date.now() + WAIT_FOR_OTHER_MS;
  for (;;) {
    const claim = await claimNotice(db, key, CLAIM_MS);
    if (claim.kind !== 'busy') return claim;
    if (Date.now() > until) throw new NoticeBusy(`notice ${key} is being posted by another attempt`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
