import { USAGE } from '../commands/parse.js';
import { boardOfRepo, ensureBoard } from '../db/boards.js';
import { boardReply } from '../notices/links.js';
import { Refusal } from './refusal.js';
import type { CommandScope, Outcome } from './scope.js';

/**
 * `/deadline board`: the repository's board link, made on first request and the same ever
 * after. A board whose link was withdrawn stays so until someone says `share board`: a plain
 * `board` never undoes an `unshare` behind its author's back.
 */
export async function boardCommand(s: CommandScope): Promise<Outcome> {
  const existing = await boardOfRepo(s.q, s.repo.id);
  if (existing && !existing.shared) {
    throw new Refusal(
      "This repository's board link was withdrawn with `/deadline unshare board`. `/deadline share board` makes a new one.",
      USAGE.board,
    );
  }
  const board = existing ?? (await ensureBoard(s.q, s.repo.id));
  return { reply: boardReply(board.token, s.links.publicUrl, existing === undefined), goalId: null };
}
