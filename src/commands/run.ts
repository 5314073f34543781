import { sql } from 'kysely';
import type { Logger } from 'probot';
import type { Db } from '../db/database.js';
import type { Q } from '../db/q.js';
import { repositoryRole } from '../github/permission.js';
import type { Octokit } from '../github/octokit.js';
import {
  activeGoalsOfRepo,
  cancelGoal,
  completeGoal,
  goalsOfIssue,
  insertGoal,
  moveGoal,
} from '../goals/store.js';
import type { Goal } from '../goals/types.js';
import { slugify, uniqueKeyword } from '../goals/keyword.js';
import { dropNotices, planCompletedNotice, planNotices } from '../jobs/schedule.js';
import * as bodies from '../notices/bodies.js';
import { code } from '../notices/text.js';
import { rank, type Permission, type RepoConfig } from '../repo-config.js';
import { parseCommands, splitMoveArgs, USAGE, helpText, type Command, type CommandLine } from './parse.js';
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
}

const MAX_TITLE = 200;

class Refusal extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}

/**
 * Carries out each command line of a comment, in order. A line already carried out by
 * an earlier attempt of this delivery (see command_runs) is not done again: its stored
 * reply is reused, so a retried job ends with the same single reply.
 */
export async function runCommands(ctx: CommandContext): Promise<LineOutcome[]> {
  const lines = parseCommands(ctx.body);
  const done = new Map(
    (await ctx.db.selectFrom('command_runs').select(['line', 'ok', 'reply']).where('delivery_id', '=', ctx.deliveryId).execute()).map(
      (r) => [r.line, { ok: r.ok, reply: r.reply }],
    ),
  );
  let role: Permission | undefined;
  const roleOf = async () => (role ??= await repositoryRole(ctx.octokit, ctx.repo.owner, ctx.repo.name, ctx.author));

  const outcomes: LineOutcome[] = [];
  for (const line of lines) {
    const previous = done.get(line.line);
    if (previous) {
      outcomes.push(previous);
      continue;
    }
    let outcome: LineOutcome;
    try {
      outcome = await runLine(ctx, line, roleOf);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err; // GitHub or database trouble: the job retries
      outcome = { ok: false, reply: bodies.refusal(line.source.trim(), err.message, err.usage) };
      await recordRun(ctx.db, ctx.deliveryId, line.line, outcome, null);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

async function runLine(ctx: CommandContext, line: CommandLine, roleOf: () => Promise<Permission>): Promise<LineOutcome> {
  if (!line.ok) throw new Refusal(line.error, line.usage);
  const cmd = line.command;
  if (cmd.kind !== 'help' && cmd.kind !== 'list') {
    const role = await roleOf();
    if (rank(role) < rank(ctx.config.permission)) {
      throw new Refusal(
        `@${ctx.author} has \`${role}\` access to this repository; \`/deadline ${cmd.kind === 'create' ? '<when>' : cmd.kind}\` needs ` +
          `\`${ctx.config.permission}\` or more (set by \`permission:\` in \`.github/gitdone.yml\`). Ask a maintainer to run it.`,
        USAGE[cmd.kind],
      );
    }
  }
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
      const onIssue = await goalsOfIssue(trx, ctx.repo.id, ctx.issue.number);
      if (onIssue.some((g) => g.status === 'active')) {
        return { reply: bodies.listReply(onIssue, 'issue', ctx.now, ctx.links.publicUrl), goalId: null };
      }
      const active = await activeGoalsOfRepo(trx, ctx.repo.id);
      return { reply: bodies.listReply(active, 'repository', ctx.now, ctx.links.publicUrl), goalId: null };
    }
    case 'create':
      return create(trx, ctx, cmd);
    case 'move': {
      const { goal, when: whenText } = await targetForMove(trx, ctx, cmd);
      const when = readWhen(whenText, cmd.tz ?? goal.timezone, ctx.writtenAt, USAGE.move);
      if (when.rest) {
        throw new Refusal(`I read the new deadline as \`${when.matched}\` but not what follows: \`${when.rest.replace(/`/g, "'").slice(0, 100)}\`.`, USAGE.move);
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
  const active = await activeGoalsOfRepo(trx, ctx.repo.id);
  const taken = new Set(active.map((g) => g.keyword.toLowerCase()));
  let keyword: string;
  if (cmd.keyword !== undefined) {
    const clash = active.find((g) => g.keyword.toLowerCase() === cmd.keyword!.toLowerCase());
    if (clash) {
      throw new Refusal(
        `The keyword ${code(cmd.keyword)} is already used by the active goal on #${clash.issueNumber}. Pick another with \`keyword=\`, or finish that goal first.`,
        USAGE.create,
      );
    }
    keyword = cmd.keyword;
  } else {
    keyword = uniqueKeyword(slugify(title), taken);
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
  const active = await activeGoalsOfRepo(trx, ctx.repo.id);
  if (cmd.keyword !== undefined) {
    const goal = await target(trx, ctx, cmd.keyword, USAGE.move);
    return { goal, when: cmd.args.trim().split(/\s+/).slice(1).join(' ') };
  }
  const { keyword, when } = splitMoveArgs(cmd.args, active.map((g) => g.keyword));
  const named = keyword === undefined ? undefined : active.find((g) => g.keyword === keyword);
  return { goal: named ?? onlyGoalOfIssue(active, ctx, USAGE.move), when };
}

async function target(trx: Q, ctx: CommandContext, keyword: string | undefined, usage: string): Promise<Goal> {
  const active = await activeGoalsOfRepo(trx, ctx.repo.id);
  if (keyword === undefined) return onlyGoalOfIssue(active, ctx, usage);
  const goal = active.find((g) => g.keyword.toLowerCase() === keyword.toLowerCase());
  if (!goal) {
    throw new Refusal(
      `No active goal in this repository has the keyword ${code(keyword)}.${suggest(active)}`,
      usage,
    );
  }
  return goal;
}

function onlyGoalOfIssue(active: Goal[], ctx: CommandContext, usage: string): Goal {
  const here = active.filter((g) => g.issueNumber === ctx.issue.number);
  if (here.length === 1) return here[0]!;
  if (here.length === 0) throw new Refusal(`This ${ctx.issue.isPullRequest ? 'pull request' : 'issue'} has no active goal. Name one by its keyword.${suggest(active)}`, usage);
  throw new Refusal(`This ${ctx.issue.isPullRequest ? 'pull request' : 'issue'} has ${here.length} active goals; say which by its keyword.${suggest(here)}`, usage);
}

function suggest(goals: Goal[]): string {
  if (goals.length === 0) return '';
  return ` Active keywords: ${goals.slice(0, 10).map((g) => code(g.keyword)).join(', ')}.`;
}

async function recordRun(q: Q, deliveryId: string, line: number, outcome: LineOutcome, goalId: string | null): Promise<void> {
  await q
    .insertInto('command_runs')
    .values({ delivery_id: deliveryId, line, ok: outcome.ok, reply: outcome.reply, goal_id: goalId })
    .onConflict((oc) => oc.columns(['delivery_id', 'line']).doNothing())
    .execute();
}
