import type { Logger } from 'pino';
import { parseCommands, USAGE, type Command, type CommandLine } from '../commands/parse.js';
import { helpText } from '../commands/help.js';
import { MAX_COMMANDS, selectLines } from '../commands/select.js';
import { rank, type ConfigResult, type Permission } from '../config/repo-config.js';
import { lockLine, recordRun, runsOf, type LineRun } from '../db/command-runs.js';
import type { Db } from '../db/database.js';
import { react, type AppIdentity } from '../github/comments.js';
import type { Octokit } from '../github/octokit.js';
import { repositoryRole } from '../github/permission.js';
import { quote } from '../markdown/inert.js';
import { configErrors, mention, refusal, type Links } from '../notices/bodies.js';
import { composeReply, overNote, repeatsNote } from '../notices/reply.js';
import { boardCommand } from './board-link.js';
import { cancelGoal } from './cancel-goal.js';
import { doneCommand } from './complete-goal.js';
import { createGoal } from './create-goal.js';
import { listGoals } from './list-goals.js';
import { moveGoal } from './move-goal.js';
import type { BeforeComment } from './pacing.js';
import { postOnce, type PostResult } from './post-once.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';
import { shareCommand } from './share-link.js';

/** A comment (or a new issue's body) with `/deadline` lines, and where it was written. */
export interface Comment {
  deliveryId: string;
  repo: CommandScope['repo'];
  issue: CommandScope['issue'];
  /** The comment's id, for the reaction; none for an issue body (the issue gets it). */
  commentId?: number;
  author: string;
  body: string;
  writtenAt: Date;
}

export interface AnswerPorts {
  db: Db;
  octokit: Octokit;
  app: AppIdentity;
  links: Links;
  log: Logger;
  now: Date;
  /** `.github/gitdone.yml`, read and checked (github/config.ts). */
  config: ConfigResult;
  /** Paces the reply (usecases/pacing.ts). */
  beforeComment?: BeforeComment;
}

export interface Answered {
  carriedOut: number;
  refused: number;
  repeats: number;
  posted: PostResult | 'nothing';
}

/** Anyone may ask for help or the list (SPEC §2); everything else needs the configured permission. */
const OPEN_TO_ALL: ReadonlySet<Command['kind']> = new Set(['help', 'list']);

interface LineOutcome extends LineRun {
  /** `list` and `help` change nothing: if a reply ever had to be shortened, they would go first. */
  readOnly: boolean;
}

/**
 * Carries out a comment's commands and answers them in one reply, once, with a reaction
 * (SPEC §2): at most MAX_COMMANDS distinct lines, each checked for permission before any of
 * its words are echoed, each carried out once whatever retries happen (command_runs).
 */
export async function answerComment(c: Comment, p: AnswerPorts): Promise<Answered> {
  const { run, repeats, over } = selectLines(parseCommands(c.body));
  if (run.length === 0) return { carriedOut: 0, refused: 0, repeats, posted: 'nothing' };
  const done = await runsOf(p.db, c.deliveryId);
  let role: Promise<Permission> | undefined;
  const roleOf = () => (role ??= repositoryRole(p.octokit, c.repo.owner, c.repo.name, c.author));

  const outcomes: LineOutcome[] = [];
  for (const line of run) {
    const readOnly = OPEN_TO_ALL.has(kindOf(line));
    const previous = done.get(line.line);
    outcomes.push({ ...(previous ?? (await carryOutOnce(c, p, line, roleOf))), readOnly });
  }

  const notes: string[] = [];
  if (repeats > 0) notes.push(repeatsNote(repeats));
  if (over.length > 0) notes.push(overNote(over.map((l) => l.line), MAX_COMMANDS));
  if (!p.config.ok) notes.push(configErrors(p.config.errors));
  const where = { owner: c.repo.owner, repo: c.repo.name, issueNumber: c.issue.number };
  const posted = await postOnce(
    p.db,
    p.octokit,
    { ...where, key: `reply:${c.deliveryId}`, repoId: c.repo.id, body: composeReply(outcomes.map((o) => ({ text: o.reply, readOnly: o.readOnly })), notes) },
    p.app,
    p.beforeComment,
  );
  const refused = outcomes.filter((o) => !o.ok).length + over.length;
  if (outcomes.some((o) => o.ok)) await react(p.octokit, { ...where, commentId: c.commentId }, '+1');
  if (refused > 0) await react(p.octokit, { ...where, commentId: c.commentId }, 'confused');
  return { carriedOut: outcomes.filter((o) => o.ok).length, refused, repeats, posted };
}

function kindOf(line: CommandLine): Command['kind'] {
  return line.ok ? line.command.kind : line.kind;
}

/** One line, carried out and recorded in one transaction, or refused (and that recorded). GitHub or database trouble is thrown, for a retry. */
async function carryOutOnce(c: Comment, p: AnswerPorts, line: CommandLine, roleOf: () => Promise<Permission>): Promise<LineRun> {
  try {
    // Permission before anything else: someone who may not run a command hears only that,
    // not their own words back (which a refusal would otherwise quote).
    const kind = kindOf(line);
    if (!OPEN_TO_ALL.has(kind)) {
      const role = await roleOf();
      if (rank(role) < rank(p.config.config.permission)) {
        throw new Refusal(
          `${mention(c.author)} has \`${role}\` access to this repository; \`/deadline ${kind === 'create' ? '<when>' : kind}\` needs ` +
            `\`${p.config.config.permission}\` or more (set by \`permission:\` in \`.github/gitdone.yml\`). Ask a maintainer to run it.`,
          USAGE[kind],
          false,
        );
      }
    }
    if (!line.ok) throw new Refusal(line.error, line.usage);
    const command = line.command;
    return await p.db.transaction().execute(async (q) => {
      const earlier = await lockLine(q, c.deliveryId, line.line);
      if (earlier) return earlier;
      const scope: CommandScope = { q, repo: c.repo, issue: c.issue, author: c.author, writtenAt: c.writtenAt, now: p.now, config: p.config.config, links: p.links };
      const { reply, goalId } = await carryOut(scope, command);
      const run = { ok: true, reply };
      await recordRun(q, c.deliveryId, line.line, run, goalId);
      return run;
    });
  } catch (err) {
    const refused = asRefusal(err);
    if (!refused) throw err;
    const shown = refused.echo ? quote(line.source, { max: 100 }) : `\`/deadline ${kindOf(line) === 'create' ? '<when>' : kindOf(line)}\``;
    const run = { ok: false, reply: refusal(shown, refused.message, refused.usage) };
    await recordRun(p.db, c.deliveryId, line.line, run, null);
    return run;
  }
}

function carryOut(s: CommandScope, cmd: Command): Promise<Outcome> | Outcome {
  switch (cmd.kind) {
    case 'help':
      return { reply: helpText(), goalId: null };
    case 'list':
      return listGoals(s);
    case 'create':
      return createGoal(s, cmd);
    case 'move':
      return moveGoal(s, cmd);
    case 'cancel':
      return cancelGoal(s, cmd);
    case 'done':
      return doneCommand(s, cmd);
    case 'board':
      return boardCommand(s);
    case 'share':
    case 'unshare':
      return shareCommand(s, cmd);
  }
}

/** A Refusal, or two commands racing for one keyword (the unique index decides; the loser is told). */
function asRefusal(err: unknown): Refusal | undefined {
  if (err instanceof Refusal) return err;
  if ((err as { constraint?: string }).constraint === 'goals_active_keyword') {
    return new Refusal('That keyword was just taken by another active goal in this repository. Pick another with `keyword=`.', USAGE.create);
  }
  return undefined;
}
