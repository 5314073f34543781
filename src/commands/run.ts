import { sql } from 'kysely';
import type { Logger } from 'probot';
import type { Db } from '../db/database.js';
import type { Q } from '../db/q.js';
import { repositoryRole } from '../github/permission.js';
import type { Octokit } from '../github/octokit.js';
import {
  activeKeywordsLike,
  cancelGoal,
  completeGoal,
  findActiveByKeyword,
  hasActiveGoals,
  insertGoal,
  listGoals,
  moveGoal,
} from '../goals/store.js';
import type { Goal } from '../goals/types.js';
import { keywordError, slugify, uniqueKeyword } from '../goals/keyword.js';
import { dropNotices, planCompletedNotice, planNotices } from '../jobs/schedule.js';
import { quote } from '../markdown/inert.js';
import * as bodies from '../notices/bodies.js';
import { code } from '../notices/text.js';
import { rank, type Permission, type RepoConfig } from '../repo-config.js';
import { parseCommands, splitMoveArgs, USAGE, helpText, type Command, type CommandLine } from './parse.js';
import { selectLines } from './select.js';
import { checkDueRange, parseWhen } from './when.js';

/** Everything one comment's commands need; built by the delivery job. */
export interface CommandContext {
  db: Db;
  octokit: Octokit;
  log: Logger;
  deliveryId: string;
  repo: { id: number; owner: string; name: string; defaultBranch: string | null };
  issue: { number: number; title: string; isPullRequest: boolean };
  author: string;
  body: string;
  /** When the comment was written: what "tomorrow" and "in 2h" are counted from, even when a retry runs much later. */
  writtenAt: Date;
  /** The clock now: for the wording of replies and for planning reminders. */
  now: Date;
  config: RepoConfig;
  links: bodies.Links;
}

export interface LineOutcome {
  ok: boolean;
  reply: string;
  /** `list` and `help` change nothing: if a reply ever had to be shortened, they would go first. */
  readOnly: boolean;
}

export interface CommandsResult {
  outcomes: LineOutcome[];
  /** Lines that repeated an earlier line, answered once. */
  repeats: number;
  /** Line numbers past the per-comment limit: refused, not carried out. */
  over: number[];
}

const MAX_TITLE = 200;

/** Anyone may ask for help or the list (SPEC §2); everything else needs the configured permission. */
const OPEN_TO_ALL: ReadonlySet<Command['kind']> = new Set(['help', 'list']);

class Refusal extends Error {
  /** `echo: false` when the reply must not repeat the user's words (they lack the permission). */
  constructor(message: string, readonly usage: string, readonly echo = true) {
    super(message);
  }
}

/**
 * Carries out the command lines of a comment, in order: at most MAX_COMMANDS distinct
 * ones. A line already carried out by an earlier attempt of this delivery (see
 * command_runs) is not done again: its stored reply is reused, so a retried job ends with
 * the same single reply.
 */
export async function runCommands(ctx: CommandContext): Promise<CommandsResult> {
  const { run, repeats, over } = selectLines(parseCommands(ctx.body));
  const done =
    run.length === 0
      ? new Map<number, { ok: boolean; reply: string }>()
      : new Map(
          (await ctx.db.selectFrom('command_runs').select(['line', 'ok', 'reply']).where('delivery_id', '=', ctx.deliveryId).execute()).map(
            (r) => [r.line, { ok: r.ok, reply: r.reply }],
          ),
        );
  let role: Promise<Permission> | undefined;
  const roleOf = () => (role ??= repositoryRole(ctx.octokit, ctx.repo.owner, ctx.repo.name, ctx.author));

  const outcomes: LineOutcome[] = [];
  for (const line of run) {
    const readOnly = OPEN_TO_ALL.has(kindOf(line));
    const previous = done.get(line.line);
    if (previous) {
      outcomes.push({ ...previous, readOnly });
      continue;
    }
    let outcome: LineOutcome;
    try {
      outcome = { ...(await runLine(ctx, line, roleOf)), readOnly };
    } catch (err) {
      if (!(err instanceof Refusal)) throw err; // GitHub or database trouble: the job retries
      const shown = err.echo ? quote(line.source, { max: 100 }) : `\`/deadline ${kindOf(line) === 'create' ? '<when>' : kindOf(line)}\``;
      outcome = { ok: false, reply: bodies.refusal(shown, err.message, err.usage), readOnly };
      await recordRun(ctx.db, ctx.deliveryId, line.line, outcome, null);
    }
    outcomes.push(outcome);
  }
  return { outcomes, repeats, over: over.map((l) => l.line) };
}

function kindOf(line: CommandLine): Command['kind'] {
  return line.ok ? line.command.kind : line.kind;
}

async function runLine(ctx: CommandContext, line: CommandLine, roleOf: () => Promise<Permission>): Promise<{ ok: boolean; reply: string }> {
  // Permission before anything else: someone who may not run a command hears only that,
  // not their own words back (which a refusal would otherwise quote).
  const kind = kindOf(line);
  if (!OPEN_TO_ALL.has(kind)) {
    const role = await roleOf();
    if (rank(role) < rank(ctx.config.permission)) {
      throw new Refusal(
        `${bodies.mention(ctx.author)} has \`${role}\` access to this repository; \`/deadline ${kind === 'create' ? '<when>' : kind}\` needs ` +
          `\`${ctx.config.permission}\` or more (set by \`permission:\` in \`.github/gitdone.yml\`). Ask a maintainer to run it.`,
        USAGE[kind],
        false,
      );
    }
  }
  if (!line.ok) throw new Refusal(line.error, line.usage);
  const cmd = line.command;
  return ctx.db.transaction().execute(async (trx) => {
    // Two attempts of one delivery at once (a replica thought dead, say) queue here; the
    // second finds the first one's outcome instead of carrying the line out again.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${ctx.deliveryId}:${line.line}`}, 0))`.execute(trx);
    const earlier = await trx
      .selectFrom('command_runs')
      .select(['ok', 'reply'])
      .where('delivery_id', '=', ctx.deliveryId)
      .where('line', '=', line.line)
      .executeTakeFirst();
    if (earlier) return earlier;
    const { reply, goalId } = await carryOut(trx, ctx, cmd);
    const outcome = { ok: true, reply };
    await recordRun(trx, ctx.deliveryId, line.line, outcome, goalId);
    return outcome;
  }).catch((err: unknown) => {
    // Two commands racing for one keyword: the unique index decides, the loser is told.
    if ((err as { constraint?: string }).constraint === 'goals_active_keyword') {
      throw new Refusal('That keyword was just taken by another active goal in this repository. Pick another with `keyword=`.', USAGE.create);
    }
    throw err;
  });
}

async function carryOut(trx: Q, ctx: CommandContext, cmd: Command): Promise<{ reply: string; goalId: string | null }> {
  switch (cmd.kind) {
    case 'help':
      return { reply: helpText(), goalId: null };
    case 'list': {
      // The issue's goals when it has an active one, else the repository's active goals.
      const repoId = ctx.repo.id;
      const scope = (await hasActiveGoals(trx, repoId, ctx.issue.number)) ? 'issue' : 'repository';
      const { goals, total } = await listGoals(
        trx,
        scope === 'issue' ? { repoId, issueNumber: ctx.issue.number, activeOnly: false } : { repoId, activeOnly: true },
        bodies.LIST_MAX,
      );
      return { reply: bodies.listReply(goals, total, scope, ctx.now, ctx.links.publicUrl), goalId: null };
    }
    case 'create':
      return create(trx, ctx, cmd);
    case 'move': {
      const { goal, when: whenText } = await targetForMove(trx, ctx, cmd);
      const when = readWhen(whenText, cmd.tz ?? goal.timezone, ctx.writtenAt, USAGE.move);
      if (when.rest) {
        throw new Refusal(`I read the new deadline as ${quote(when.matched)} but not what follows: ${quote(when.rest)}.`, USAGE.move);
      }
      const moved = await moveGoal(trx, goal.id, when.dueAt, cmd.tz);
      if (!moved) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.move);
      await planNotices(trx, moved, ctx.config.reminders, ctx.now);
      return { reply: bodies.movedReply(moved, ctx.now), goalId: moved.id };
    }
    case 'cancel': {
      const goal = await target(trx, ctx, cmd.keyword, USAGE.cancel);
      const cancelled = await cancelGoal(trx, goal.id);
      if (!cancelled) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.cancel);
      await dropNotices(trx, goal.id);
      return { reply: bodies.cancelledReply(cancelled), goalId: goal.id };
    }
    case 'done': {
      const goal = await target(trx, ctx, cmd.keyword, USAGE.done);
      const completed = await completeGoal(trx, goal.id, { via: 'command', at: ctx.writtenAt, author: ctx.author });
      if (!completed) throw new Refusal(`${code(goal.keyword)} is no longer active.`, USAGE.done);
      await dropNotices(trx, goal.id);
      // Done from another issue: the goal's own issue hears of it too (SPEC §3).
      if (goal.issueNumber !== ctx.issue.number) await planCompletedNotice(trx, completed);
      return { reply: bodies.completedNotice(completed, ctx.links.githubUrl), goalId: goal.id };
    }
  }
}

async function create(trx: Q, ctx: CommandContext, cmd: Extract<Command, { kind: 'create' }>) {
  // Both were checked already: tz= by the parser, the config's zone by its schema.
  const zone = cmd.tz ?? ctx.config.timezone;
  const when = readWhen(cmd.text, zone, ctx.writtenAt, USAGE.create);
  const title = (when.rest || ctx.issue.title).trim();
  if (title.length > MAX_TITLE) {
    throw new Refusal(`The title is ${title.length} characters long; at most ${MAX_TITLE} fit. Shorten it.`, USAGE.create);
  }
  let keyword: string;
  if (cmd.keyword !== undefined) {
    const clash = await findActiveByKeyword(trx, ctx.repo.id, cmd.keyword);
    if (clash) {
      throw new Refusal(
        `The keyword ${code(cmd.keyword)} is already used by the active goal on #${clash.issueNumber}. Pick another with \`keyword=\`, or finish that goal first.`,
        USAGE.create,
      );
    }
    keyword = cmd.keyword;
  } else {
    const base = slugify(title);
    keyword = uniqueKeyword(base, new Set(await activeKeywordsLike(trx, ctx.repo.id, base)));
  }
  const goal = await insertGoal(trx, {
    repoId: ctx.repo.id,
    issueNumber: ctx.issue.number,
    isPullRequest: ctx.issue.isPullRequest,
    title: title || 'Deadline',
    keyword,
    dueAt: when.dueAt,
    timezone: zone,
    createdBy: ctx.author,
  });
  await planNotices(trx, goal, ctx.config.reminders, ctx.now);
  const reply = bodies.createdReply(goal, {
    ...ctx.links,
    now: ctx.now,
    branches: ctx.config.branches,
    defaultBranch: ctx.repo.defaultBranch,
  });
  return { reply, goalId: goal.id };
}

function readWhen(text: string, zone: string, now: Date, usage: string) {
  const when = parseWhen(text, { now, zone });
  if (!when.ok) throw new Refusal(when.error, usage);
  const range = checkDueRange(when.dueAt, now);
  if (range) throw new Refusal(range, usage);
  return when;
}

/**
 * `move [<keyword>] <when>`: the first word is a keyword only if an active goal has it;
 * a `keyword=` must name one (parse.ts put it first in args).
 */
async function targetForMove(trx: Q, ctx: CommandContext, cmd: Extract<Command, { kind: 'move' }>): Promise<{ goal: Goal; when: string }> {
  if (cmd.keyword !== undefined) {
    const goal = await target(trx, ctx, cmd.keyword, USAGE.move);
    return { goal, when: cmd.args.trim().split(/\s+/).slice(1).join(' ') };
  }
  const first = cmd.args.trim().split(/\s+/)[0] ?? '';
  const named = first && keywordError(first) === null ? await findActiveByKeyword(trx, ctx.repo.id, first) : undefined;
  const { when } = splitMoveArgs(cmd.args, named ? [named.keyword] : []);
  return { goal: named ?? (await onlyGoalOfIssue(trx, ctx, USAGE.move)), when };
}

async function target(trx: Q, ctx: CommandContext, keyword: string | undefined, usage: string): Promise<Goal> {
  if (keyword === undefined) return onlyGoalOfIssue(trx, ctx, usage);
  const goal = await findActiveByKeyword(trx, ctx.repo.id, keyword);
  if (!goal) {
    throw new Refusal(`No active goal in this repository has the keyword ${code(keyword)}.${await suggest(trx, ctx)}`, usage);
  }
  return goal;
}

async function onlyGoalOfIssue(trx: Q, ctx: CommandContext, usage: string): Promise<Goal> {
  const here = await listGoals(trx, { repoId: ctx.repo.id, issueNumber: ctx.issue.number, activeOnly: true }, SUGGESTIONS);
  const what = ctx.issue.isPullRequest ? 'pull request' : 'issue';
  if (here.total === 1) return here.goals[0]!;
  if (here.total === 0) throw new Refusal(`This ${what} has no active goal. Name one by its keyword.${await suggest(trx, ctx)}`, usage);
  throw new Refusal(`This ${what} has ${here.total} active goals; say which by its keyword.${keywords(here.goals, here.total)}`, usage);
}

/** A few of the repository's active keywords, for a refusal that names none or a wrong one. */
const SUGGESTIONS = 10;

async function suggest(trx: Q, ctx: CommandContext): Promise<string> {
  const { goals, total } = await listGoals(trx, { repoId: ctx.repo.id, activeOnly: true }, SUGGESTIONS);
  return keywords(goals, total);
}

function keywords(goals: Goal[], total: number): string {
  if (goals.length === 0) return '';
  const more = total > goals.length ? ` and ${total - goals.length} more` : '';
  return ` Active keywords: ${goals.map((g) => code(g.keyword)).join(', ')}${more}.`;
}

async function recordRun(q: Q, deliveryId: string, line: number, outcome: { ok: boolean; reply: string }, goalId: string | null): Promise<void> {
  await q
    .insertInto('command_runs')
    .values({ delivery_id: deliveryId, line, ok: outcome.ok, reply: outcome.reply, goal_id: goalId })
    .onConflict((oc) => oc.columns(['delivery_id', 'line']).doNothing())
    .execute();
}
