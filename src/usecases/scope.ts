import type { RepoConfig } from '../config/repo-config.js';
import type { Q } from '../db/q.js';
import type { Links } from '../notices/bodies.js';

/** What a command needs to be carried out: where it was written, by whom, when, and under which settings. */
export interface CommandScope {
  /** The transaction the line runs in. */
  q: Q;
  repo: { id: number; owner: string; name: string; defaultBranch: string | null };
  issue: { number: number; title: string; isPullRequest: boolean };
  author: string;
  /** When the comment was written: what "tomorrow" and "in 2h" count from, even when a retry runs much later. */
  writtenAt: Date;
  /** The clock now: for the wording of replies and for planning reminders. */
  now: Date;
  config: RepoConfig;
  links: Links;
}

/** A command carried out: the words of the reply, and the goal it changed. */
export interface Outcome {
  reply: string;
  goalId: string | null;
}
