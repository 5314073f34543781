import type { Command } from '../commands/parse.js';
import { USAGE } from '../commands/parse.js';
import { activeKeywordsLike, findActiveByKeyword, insertGoal } from '../db/goals.js';
import { slugify, uniqueKeyword } from '../goals/keyword.js';
import { code } from '../markdown/inert.js';
import { createdReply } from '../notices/bodies.js';
import { planNotices } from './notices.js';
import { readDeadline } from './read-deadline.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

const MAX_TITLE = 200;

/** `/deadline <when> [<title>] [keyword=…] [tz=…]`: a new goal on this issue, and its reminders. */
export async function createGoal(s: CommandScope, cmd: Extract<Command, { kind: 'create' }>): Promise<Outcome> {
  // Both were checked already: tz= by the parser, the config's zone by its schema.
  const zone = cmd.tz ?? s.config.timezone;
  const when = readDeadline(cmd.text, zone, s.writtenAt, USAGE.create);
  const title = (when.rest || s.issue.title).trim();
  if (title.length > MAX_TITLE) {
    throw new Refusal(`The title is ${title.length} characters long; at most ${MAX_TITLE} fit. Shorten it.`, USAGE.create);
  }
  let keyword: string;
  if (cmd.keyword !== undefined) {
    const clash = await findActiveByKeyword(s.q, s.repo.id, cmd.keyword);
    if (clash) {
      throw new Refusal(
        `The keyword ${code(cmd.keyword)} is already used by the active goal on #${clash.issueNumber}. Pick another with \`keyword=\`, or finish that goal first.`,
        USAGE.create,
      );
    }
    keyword = cmd.keyword;
  } else {
    const base = slugify(title);
    keyword = uniqueKeyword(base, new Set(await activeKeywordsLike(s.q, s.repo.id, base)));
  }
  const goal = await insertGoal(s.q, {
    repoId: s.repo.id,
    issueNumber: s.issue.number,
    isPullRequest: s.issue.isPullRequest,
    title: title || 'Deadline',
    keyword,
    dueAt: when.dueAt,
    timezone: zone,
    createdBy: s.author,
  });
  await planNotices(s.q, goal, s.config.reminders, s.now);
  const read = { date: when.matched, title: when.rest.trim(), fromNow: when.fromNow, writtenAt: s.writtenAt };
  const reply = createdReply(goal, { ...s.links, now: s.now, branches: s.config.branches, defaultBranch: s.repo.defaultBranch, read });
  return { reply, goalId: goal.id };
}
