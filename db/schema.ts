import type { ColumnType, Generated } from 'kysely';

/** The Kysely view of the tables that db/migrations create. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default: optional on insert. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Int8 = ColumnType<number, number | bigint | string, number | bigint | string>;

export interface RepositoriesTable {
  /** GitHub's numeric repository id: names change, ids do not. */
  id: Int8;
  installation_id: Int8;
  full_name: string;
  default_branch: string | null;
  tracked: Generated<boolean>;
  updated_at: DefaultTimestamp;
}

export interface GoalsTable {
  id: ColumnType<number, number | undefined, never>;
  token: string;
  repo_id: Int8;
  issue_number: number;
  is_pull_request: boolean;
  title: string;
  keyword: string;
  due_at: Timestamp;
  timezone: string;
  status: 'active' | 'completed' | 'cancelled';
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  version: Generated<number>;
  completed_at: Timestamp | null;
  completed_via: 'commit' | 'command' | 'close' | null;
  completed_sha: string | null;
  completed_author: string | null;
  cancelled_at: Timestamp | null;
  /** Set while the goal's link is withdrawn (`/deadline unshare`); null: shared. */
  unshared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One board per repository (`/deadline board`): its token, and whether its link is withdrawn. */
export interface BoardsTable {
  repo_id: Int8;
  token: string;
  unshared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** Tokens taken back by `unshare` or replaced by `share`: their URLs answer 410 Gone, not 404. */
export interface WithdrawnLinksTable {
  token: string;
  kind: 'goal' | 'board';
  withdrawn_at: DefaultTimestamp;
}

/** Every webhook we act on, stored before we answer GitHub: the durable intent. */
export interface DeliveriesTable {
  id: string;
  event: string;
  installation_id: Int8 | null;
  repo_id: Int8 | null;
  payload: ColumnType<unknown, string, string>;
  received_at: DefaultTimestamp;
  processed_at: Timestamp | null;
}

/** One row per comment GitDone means to write: the exactly-once guard. */
export interface NoticesTable {
  key: string;
  goal_id: Int8 | null;
  repo_id: Int8;
  issue_number: number;
  comment_id: Int8 | null;
  created_at: DefaultTimestamp;
  posted_at: Timestamp | null;
  /** Random, in the comment's marker: only a comment with it (written by this app) counts as posted. */
  nonce: string | null;
  /** Until when an attempt has claimed the posting (usecases/post-once.ts). */
  claimed_until: Timestamp | null;
  /** Claims so far: after the first, an earlier attempt may have posted. */
  attempts: Generated<number>;
  /** The claiming connection's application_name (`gitdone:<processId>`): a dead process' claims are given back. */
  claimed_by: string | null;
}

/** What one command line of one delivery did, so a retried job does not do it twice. */
export interface CommandRunsTable {
  delivery_id: string;
  line: number;
  ok: boolean;
  reply: string;
  goal_id: Int8 | null;
  created_at: DefaultTimestamp;
}

export interface WorkerProcessesTable {
  worker_id: string;
  process_id: string;
  created_at: DefaultTimestamp;
  seen_at: DefaultTimestamp;
}

/** When an installation may next write to GitHub (usecases/pacing.ts). */
export interface InstallationPacingTable {
  installation_id: Int8;
  next_write_at: Timestamp;
  /** A rate limit GitHub reported: nothing is written for this installation before then. */
  paused_until: Timestamp | null;
}

/** A large delivery body, in parts, for the length of the transaction that records it. */
export interface DeliveryPartsTable {
  delivery_id: string;
  n: number;
  bytes: Buffer;
}

export interface Database {
  repositories: RepositoriesTable;
  goals: GoalsTable;
  deliveries: DeliveriesTable;
  notices: NoticesTable;
  command_runs: CommandRunsTable;
  worker_processes: WorkerProcessesTable;
  delivery_parts: DeliveryPartsTable;
  installation_pacing: InstallationPacingTable;
  boards: BoardsTable;
  withdrawn_links: WithdrawnLinksTable;
}
