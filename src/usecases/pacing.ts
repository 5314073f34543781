import type { Db } from '../db/database.js';
import { pauseOf, pauseWrites, reserveWrite } from '../db/pacing.js';
import { retryAt } from '../github/errors.js';

/**
 * Comments of one installation go out at least this far apart, across all replicas. Octokit
 * spaces content that notifies people 3 s apart within one process; GitHub asks for at least
 * a second between writes and at most 80 content-creating requests a minute. So 20 notices
 * for one installation take a minute, whatever else is going on.
 */
export const COMMENT_GAP_MS = 3000;

/** A wait up to this long happens in the job's worker slot; a longer one gives the slot back. */
export const SHORT_WAIT_MS = 1000;

/**
 * The job must not write now: it is queued again for `until` (jobs/worker.ts), keeping its
 * place in its installation's order, and its worker slot goes to other work meanwhile.
 * `slot` is a reserved write time that the next run uses instead of reserving another.
 */
export class Deferred extends Error {
  constructor(
    readonly until: Date,
    readonly reason: 'pacing' | 'rate_limit',
    readonly slot?: Date,
  ) {
    super(`deferred until ${until.toISOString()} (${reason})`);
  }
}

/** Asked before each comment a job posts. */
export type BeforeComment = () => Promise<void>;

/**
 * The pacing of one job run for one installation: the first comment reserves the next free
 * time (or uses the time a previous run reserved), waits a moment if it is that close, or
 * defers the job to it. No connection is held while waiting.
 */
export function commentPacing(db: Db, installationId: number, reserved: Date | undefined, gapMs = COMMENT_GAP_MS, sleep = defaultSleep): BeforeComment {
  let slot = reserved;
  return async () => {
    let at: Date;
    let now: Date;
    if (slot) {
      // This run was queued for a time reserved earlier; a rate limit reported since then comes first.
      const pause = await pauseOf(db, installationId);
      if (pause.pausedUntil) throw new Deferred(pause.pausedUntil, 'rate_limit');
      ({ now } = pause);
      at = slot;
      slot = undefined;
    } else {
      ({ at, now } = await reserveWrite(db, installationId, gapMs));
    }
    const wait = at.getTime() - now.getTime();
    if (wait <= 0) return;
    if (wait <= SHORT_WAIT_MS) return sleep(wait);
    throw new Deferred(at, 'pacing', at);
  };
}

/** GitHub said "rate limited": this installation writes nothing until GitHub allows it, and the job waits for then. */
export async function rateLimited(db: Db, installationId: number, err: unknown, now: Date): Promise<Deferred> {
  const until = retryAt(err, now);
  await pauseWrites(db, installationId, until);
  return new Deferred(until, 'rate_limit');
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
