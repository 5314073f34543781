import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { AppIdentity } from '../github/comments.js';
import type { Octokit } from '../github/octokit.js';
import type { Links } from '../notices/bodies.js';
import type { Metrics } from '../http/metrics.js';
import type { BeforeComment } from '../usecases/pacing.js';

/** What the workers need: the database, a way to act as an installation, and links. */
export interface WorkerDeps {
  db: Db;
  auth(installationId: number): Promise<Octokit>;
  /** The app itself (JWT), for the few questions no installation can answer: where else it is installed. */
  asApp(): Promise<Octokit>;
  /** Which comments are this app's own (exactly-once posting trusts only those). */
  app: AppIdentity;
  links: Links;
  log: Logger;
  metrics?: Metrics;
  /** The clock; tests pass their own. */
  now?: () => Date;
  /** How far apart one installation's comments go (default usecases/pacing.ts COMMENT_GAP_MS; tests use 0). */
  commentGapMs?: number;
  /** Paces this job run's comments (set per run by jobs/worker.ts). */
  beforeComment?: BeforeComment;
}
