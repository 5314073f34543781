import type { Logger } from 'probot';
import { MAX_COMMANDS } from '../commands/select.js';
import { runCommands } from '../commands/run.js';
import { loadRepoConfig } from '../github/config.js';
import { postOnce, react } from '../github/comments.js';
import { splitFullName, type Octokit } from '../github/octokit.js';
import { configErrors } from '../notices/bodies.js';
import { composeReply, overNote, repeatsNote } from '../notices/reply.js';
import type { RepoPayload, StoredDelivery, WorkerDeps } from './deps.js';

/** What a command job reads of an issue_comment.created or issues.opened payload. */
type CommandPayload = RepoPayload & {
  issue: { number: number; title: string; body?: string | null; pull_request?: unknown; created_at?: string };
  comment?: { id: number; body?: string | null; user?: { login: string } | null; created_at?: string };
  sender?: { login: string } | null;
};

/** A recorded comment (or new issue body): carry out its commands, answer once, react. */
export async function handleCommand(
  deps: WorkerDeps,
  delivery: StoredDelivery<CommandPayload>,
  octokit: Octokit,
  log: Logger,
): Promise<void> {
  const p = delivery.payload;
  // A deleted account shows as a null user; the sender is who acted. With neither, nobody can be checked.
  const author = p.comment?.user?.login ?? p.sender?.login;
  if (!author) {
    log.warn({ deliveryId: delivery.id }, 'command without an author (deleted account?); ignored');
    return;
  }
  const { owner, repo } = splitFullName(p.repository.full_name);
  const now = deps.now?.() ?? new Date();
  // Jobs can run long after the comment (retries, outages): read its phrases from when it was written.
  const written = p.comment?.created_at ?? p.issue.created_at;
  const writtenAt = written ? new Date(written) : (deps.now?.() ?? delivery.receivedAt);
  const config = await loadRepoConfig({ id: delivery.id, name: delivery.event.split('.')[0]!, payload: p }, octokit, log);
  const { outcomes, repeats, over } = await runCommands({
    db: deps.db,
    octokit,
    log,
    deliveryId: delivery.id,
    repo: { id: p.repository.id, owner, name: repo, defaultBranch: p.repository.default_branch ?? null },
    issue: { number: p.issue.number, title: p.issue.title, isPullRequest: p.issue.pull_request != null },
    author,
    body: (p.comment ? p.comment.body : p.issue.body) ?? '',
    writtenAt,
    now,
    config: config.config,
    links: deps.links,
  });
  if (outcomes.length === 0) return;

  const notes: string[] = [];
  if (repeats > 0) notes.push(repeatsNote(repeats));
  if (over.length > 0) notes.push(overNote(over, MAX_COMMANDS));
  if (!config.ok) notes.push(configErrors(config.errors));
  const posted = await postOnce(deps.db, octokit, {
    key: `reply:${delivery.id}`,
    repoId: p.repository.id,
    owner,
    repo,
    issueNumber: p.issue.number,
    body: composeReply(outcomes.map((o) => ({ text: o.reply, readOnly: o.readOnly })), notes),
  }, deps.app);
  const where = { owner, repo, issueNumber: p.issue.number, commentId: p.comment?.id };
  if (outcomes.some((o) => o.ok)) await react(octokit, where, '+1');
  if (outcomes.some((o) => !o.ok) || over.length > 0) await react(octokit, where, 'confused');
  const counts = { carriedOut: outcomes.filter((o) => o.ok).length, refused: outcomes.filter((o) => !o.ok).length + over.length, repeats };
  if (posted === 'undeliverable') log.warn({ deliveryId: delivery.id, ...counts }, 'commands carried out, but GitHub refuses the reply for good (issue gone or locked)');
  else log.info({ deliveryId: delivery.id, ...counts }, 'commands answered');
}
